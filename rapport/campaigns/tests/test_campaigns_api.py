"""The campaigns API: list, plan, change, summary, timeline and the experiment log."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rapport.campaigns.models import Campaign, Experiment
from rapport.testing.factories import CampaignFactory, CollaborationFactory
from rapport.workspaces.roles import Role


def _json(client, method: str, url: str, body: Any = None):
    return client.generic(method, url, json.dumps(body or {}), content_type="application/json")


def test_the_list_is_paged_by_cursor_and_filtered_by_status(
    workspace, other_workspace, manager, api_client_for, django_assert_max_num_queries
) -> None:
    for n in range(7):
        campaign = CampaignFactory.create(
            workspace=workspace, name=f"C{n}", status="active" if n < 5 else "draft"
        )
        campaign.kpis.create(workspace=workspace, metric="reach", target=1000 * n)
    CampaignFactory.create(workspace=other_workspace, name="Not ours", status="active")
    client = api_client_for(manager)
    with django_assert_max_num_queries(6):
        first = client.get("/api/v1/campaigns?status=active&limit=3").json()
    assert [c["name"] for c in first["items"]] == ["C0", "C1", "C2"]
    assert first["items"][1]["kpis"] == [{"metric": "reach", "target": "1000.0000"}]
    rest = client.get(f"/api/v1/campaigns?status=active&limit=3&cursor={first['next']}").json()
    assert [c["name"] for c in rest["items"]] == ["C3", "C4"] and rest["next"] is None
    assert client.get("/api/v1/campaigns?status=nope").status_code == 422


def test_planning_and_changing_a_campaign(workspace, member, api_client_for) -> None:
    manager, reviewer = member(Role.MANAGER), member(Role.REVIEWER)
    client = api_client_for(manager)
    response = _json(
        client,
        "POST",
        "/api/v1/campaigns",
        {
            "name": "Spring Glow",
            "budget": "20000",
            "starts_on": "2025-04-01",
            "decision_maker": reviewer.user.email,
            "delegates": [manager.user.pk],
            "kpis": [{"metric": "cpa", "target": "45"}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "spring-glow" and body["currency"] == "USD"
    assert body["decision_maker"]["id"] == reviewer.user.pk
    assert [d["id"] for d in body["delegates"]] == [manager.user.pk]
    assert body["status"] == "draft" and body["er_denominator"] == "reach"
    url = f"/api/v1/campaigns/{body['id']}"
    response = _json(client, "PATCH", url, {"status": "active", "reason": "Launch", "budget": "1"})
    assert response.status_code == 200
    assert response.json()["status"] == "active" and response.json()["budget"] == "1.00"
    response = _json(client, "PATCH", url, {"status": "draft"})
    assert response.status_code == 422
    assert "cannot go from Active to Draft" in response.json()["detail"][0]["message"]
    events = client.get(f"{url}/timeline").json()["items"]
    assert events[0]["kind"] == "campaign.status" and events[0]["reason"] == "Launch"


def test_invalid_campaigns_are_422_with_the_field(workspace, member, api_client_for) -> None:
    manager, finance = member(Role.MANAGER), member(Role.FINANCE)
    CampaignFactory.create(workspace=workspace, slug="taken")
    client = api_client_for(manager)
    for body, field in [
        ({"name": "A", "slug": "taken"}, "slug"),
        ({"name": "A", "decision_maker": finance.user.pk}, "decision_maker"),
        ({"name": "A", "starts_on": "2025-05-02", "ends_on": "2025-05-01"}, "ends_on"),
        ({"name": "A", "owner": "nobody@example.test"}, "owner"),
    ]:
        response = _json(client, "POST", "/api/v1/campaigns", body)
        assert response.status_code == 422, body
        assert response.json()["detail"][0]["field"] == field
    assert Campaign.objects.count() == 1


def test_viewers_cannot_write_and_other_workspaces_are_404(
    workspace, other_workspace, member, api_client_for
) -> None:
    viewer = api_client_for(member(Role.VIEWER))
    campaign = CampaignFactory.create(workspace=workspace)
    theirs = CampaignFactory.create(workspace=other_workspace)
    assert _json(viewer, "POST", "/api/v1/campaigns", {"name": "A"}).status_code == 403
    assert (
        _json(viewer, "PATCH", f"/api/v1/campaigns/{campaign.pk}", {"name": "B"}).status_code == 403
    )
    assert (
        _json(
            viewer, "POST", f"/api/v1/campaigns/{campaign.pk}/experiments", {"hypothesis": "h"}
        ).status_code
        == 403
    )
    assert viewer.get(f"/api/v1/campaigns/{campaign.pk}").status_code == 200
    owner = api_client_for(member(Role.OWNER))
    assert owner.get(f"/api/v1/campaigns/{theirs.pk}").status_code == 404
    assert _json(owner, "PATCH", f"/api/v1/campaigns/{theirs.pk}", {"name": "x"}).status_code == 404
    assert owner.get(f"/api/v1/campaigns/{theirs.pk}/experiments").status_code == 404


def test_the_summary_keeps_currencies_apart(workspace, manager, api_client_for) -> None:
    campaign = CampaignFactory.create(workspace=workspace, budget="5000", currency="USD")
    CollaborationFactory.create(campaign=campaign, committed_cost="1200", currency="USD")
    eur = CollaborationFactory.create(campaign=campaign, committed_cost="800", currency="EUR")
    body = api_client_for(manager).get(f"/api/v1/campaigns/{campaign.pk}/summary").json()
    assert body["budget"] == {"amount": "5000.00", "currency": "USD"}
    assert body["committed"] == {"amount": "1200.00", "currency": "USD"}
    assert body["other_currencies"] == [
        {
            "collaboration_id": eur.pk,
            "creator": eur.creator.name,
            "committed_cost": "800.00",
            "currency": "EUR",
        }
    ]
    assert {"stage": "invited", "count": 2} in body["stages"]


def test_the_experiment_log_through_the_api(workspace, manager, api_client_for) -> None:
    campaign = CampaignFactory.create(workspace=workspace)
    client = api_client_for(manager)
    base = f"/api/v1/campaigns/{campaign.pk}/experiments"
    assert _json(client, "POST", base, {"hypothesis": ""}).status_code == 422
    created = _json(client, "POST", base, {"hypothesis": "Shorter hooks", "varied": "Intro"})
    assert created.status_code == 201
    pk = created.json()["id"]
    changed = _json(client, "PATCH", f"{base}/{pk}", {"result": "+12% views"}).json()
    assert changed["result"] == "+12% views" and changed["varied"] == "Intro"
    assert [x["id"] for x in client.get(base).json()["items"]] == [pk]
    other = CampaignFactory.create(workspace=workspace)
    # An experiment is only found under its own campaign.
    assert client.get(f"/api/v1/campaigns/{other.pk}/experiments/{pk}").status_code == 404
    assert client.delete(f"{base}/{pk}").status_code == 204
    assert not Experiment.objects.exists()


@pytest.mark.parametrize("path", ["", "/summary", "/timeline", "/experiments"])
def test_unknown_campaigns_are_404(workspace, manager, api_client_for, path) -> None:
    assert api_client_for(manager).get(f"/api/v1/campaigns/999999{path}").status_code == 404
