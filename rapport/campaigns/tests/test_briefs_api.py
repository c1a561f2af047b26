"""The briefs API: the draft, publishing, versions, and brief templates."""

from __future__ import annotations

import json
from typing import Any

from rapport.campaigns.models import BriefTemplate
from rapport.campaigns.services.briefs import create_template
from rapport.testing.factories import CampaignFactory
from rapport.workspaces.roles import Role

RULES = ["Show the product early", "Say #ad out loud", "No competitor in frame"]


def _json(client, method: str, url: str, body: Any = None):
    return client.generic(method, url, json.dumps(body or {}), content_type="application/json")


def test_draft_publish_and_versions(workspace, manager, api_client_for) -> None:
    campaign = CampaignFactory.create(workspace=workspace, objective="traffic")
    client = api_client_for(manager)
    url = f"/api/v1/campaigns/{campaign.pk}/brief"
    empty = client.get(url).json()
    assert empty["started"] is False and empty["current_version"] is None
    template = create_template(workspace=workspace, actor=None, name="T", brand_voice="Dry wit")
    response = _json(
        client,
        "PUT",
        url,
        {
            "template_id": template.pk,
            "non_negotiables": RULES,
            "approval_stages": ["final", "concept"],
            "kpis": [{"metric": "clicks", "target": "5000"}],
        },
    )
    assert response.status_code == 200, response.content
    draft = response.json()["draft"]
    assert draft["brand_voice"] == "Dry wit" and draft["approval_stages"] == ["concept", "final"]
    published = _json(client, "POST", f"{url}/publish", {"summary": "Kick-off"})
    assert published.status_code == 201
    assert published.json()["number"] == 1
    assert published.json()["content"]["non_negotiables"] == RULES
    refused = _json(client, "POST", f"{url}/publish")
    assert refused.status_code == 422
    assert "Nothing changed since version 1" in refused.json()["detail"][0]["message"]
    _json(client, "PUT", url, {"disclosure": "#ad"})
    brief = client.get(url).json()
    assert brief["unpublished_changes"] == [
        {"field": "disclosure", "label": "Required disclosure", "before": "", "after": "#ad"}
    ]
    second = _json(client, "POST", f"{url}/publish").json()
    assert second["changes"] == brief["unpublished_changes"]
    versions = client.get(f"{url}/versions").json()["items"]
    assert [v["number"] for v in versions] == [2, 1]
    first = client.get(f"{url}/versions/{versions[1]['id']}").json()
    assert first["content"]["disclosure"] == "" and first["summary"] == "Kick-off"


def test_brief_input_is_checked(workspace, manager, api_client_for) -> None:
    campaign = CampaignFactory.create(workspace=workspace)
    client = api_client_for(manager)
    url = f"/api/v1/campaigns/{campaign.pk}/brief"
    response = _json(client, "PUT", url, {"inspiration_links": ["file:///etc/passwd"]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "inspiration_links"
    _json(client, "PUT", url, {"non_negotiables": RULES[:2]})
    response = _json(client, "POST", f"{url}/publish")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "non_negotiables"


def test_roles_and_workspaces_are_checked(
    workspace, other_workspace, member, api_client_for
) -> None:
    campaign = CampaignFactory.create(workspace=workspace)
    theirs = CampaignFactory.create(workspace=other_workspace)
    their_template = create_template(workspace=other_workspace, actor=None, name="Theirs")
    viewer = api_client_for(member(Role.VIEWER))
    assert viewer.get(f"/api/v1/campaigns/{campaign.pk}/brief").status_code == 200
    assert _json(viewer, "PUT", f"/api/v1/campaigns/{campaign.pk}/brief", {}).status_code == 403
    assert _json(viewer, "POST", "/api/v1/brief-templates", {"name": "x"}).status_code == 403
    manager = api_client_for(member(Role.MANAGER))
    assert manager.get(f"/api/v1/campaigns/{theirs.pk}/brief").status_code == 404
    assert manager.get(f"/api/v1/brief-templates/{their_template.pk}").status_code == 404
    response = _json(
        manager, "PUT", f"/api/v1/campaigns/{campaign.pk}/brief", {"template_id": their_template.pk}
    )
    assert response.status_code == 404


def test_brief_templates_crud(
    workspace, manager, api_client_for, django_assert_max_num_queries
) -> None:
    client = api_client_for(manager)
    created = _json(
        client, "POST", "/api/v1/brief-templates", {"name": "Launch", "disclosure": "#ad"}
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    changed = _json(client, "PATCH", f"/api/v1/brief-templates/{pk}", {"name": "Launch 2"})
    assert changed.json()["name"] == "Launch 2" and changed.json()["disclosure"] == "#ad"
    for n in range(5):
        create_template(workspace=workspace, actor=None, name=f"Extra {n}")
    with django_assert_max_num_queries(4):
        listed = client.get("/api/v1/brief-templates?limit=4").json()
    assert len(listed["items"]) == 4 and listed["next"]
    assert client.delete(f"/api/v1/brief-templates/{pk}").status_code == 204
    assert not BriefTemplate.objects.filter(pk=pk).exists()
    campaign = CampaignFactory.create(workspace=workspace)
    _json(client, "PUT", f"/api/v1/campaigns/{campaign.pk}/brief", {"brand_voice": "Bold"})
    saved = _json(
        client, "POST", f"/api/v1/campaigns/{campaign.pk}/brief/template", {"name": "Bold one"}
    )
    assert saved.status_code == 201 and saved.json()["brand_voice"] == "Bold"
