"""The collaborations and offers API: list with filters and keyset pages, invite with warnings,
stage changes (422 when refused), owner and note, questions, and the whole offer flow."""

from __future__ import annotations

import json

import pytest

from rapport.campaigns.models import Collaboration, Moment, SlaClock
from rapport.campaigns.tests.test_collaborations_invite import exclusive
from rapport.creators.models import Stage
from rapport.testing.factories import (
    CampaignFactory,
    CollaborationFactory,
    CreatorFactory,
    SocialAccountFactory,
)
from rapport.workspaces.models import AuditEvent


@pytest.fixture
def api(manager, api_client_for):
    return api_client_for(manager)


@pytest.fixture
def campaign(workspace, manager):
    return CampaignFactory.create(workspace=workspace, name="Summer glow", owner=manager.user)


def post(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def add(campaign, name, *, tier="micro", platform="instagram", owner=None, stage="invited"):
    creator = CreatorFactory.create(workspace=campaign.workspace, name=name, tier=tier)
    SocialAccountFactory.create(creator=creator, platform=platform)
    return CollaborationFactory.create(campaign=campaign, creator=creator, owner=owner, stage=stage)


def test_list_filters_and_pages_with_pinned_queries(
    api, campaign, manager, django_assert_max_num_queries
) -> None:
    for n in range(5):
        add(campaign, f"Creator {n}", owner=manager.user, tier="mid" if n % 2 else "micro")
    url = f"/api/v1/campaigns/{campaign.pk}/collaborations"
    with django_assert_max_num_queries(8):
        first = api.get(url + "?limit=2").json()
    assert [c["creator"]["name"] for c in first["items"]] == ["Creator 0", "Creator 1"]
    assert first["items"][0]["next_stages"] == ["negotiating", "declined", "cancelled"]
    assert first["items"][0]["creator"]["platforms"] == ["instagram"]
    second = api.get(url + f"?limit=2&cursor={first['next']}").json()
    assert [c["creator"]["name"] for c in second["items"]] == ["Creator 2", "Creator 3"]
    mids = api.get(url + "?tier=mid").json()["items"]
    assert [c["creator"]["name"] for c in mids] == ["Creator 1", "Creator 3"]
    assert api.get(url + "?owner=none").json()["items"] == []
    assert api.get(url + "?stage=paid").json()["items"] == []
    assert api.get(url + "?tier=giant").status_code == 422


def test_invite_returns_warnings_then_goes_ahead_with_a_reason(api, campaign, workspace) -> None:
    ava = CreatorFactory.create(workspace=workspace, name="Ava")
    zoe = CreatorFactory.create(workspace=workspace, name="Zoe", stage=Stage.DO_NOT_CONTACT)
    noah = CreatorFactory.create(workspace=workspace, name="Noah")
    exclusive(noah)
    url = f"/api/v1/campaigns/{campaign.pk}/collaborations/invite"
    held = post(api, url, {"creator_ids": [ava.pk, zoe.pk, noah.pk]})
    assert held.status_code == 409
    body = held.json()
    assert body["invited"] == []
    assert {w["name"]: w["reasons"][0][:20] for w in body["warnings"]} == {
        "Zoe": "marked do-not-contac",
        "Noah": "exclusive on skincar",
    }
    done = post(api, url, {"creator_ids": [ava.pk, zoe.pk, noah.pk], "reason": "Approved by Maya"})
    assert done.status_code == 200
    assert sorted(c["creator"]["name"] for c in done.json()["invited"]) == ["Ava", "Noah", "Zoe"]
    again = post(api, url, {"creator_ids": [ava.pk]}).json()
    assert again["already_in"] == [{"creator_id": ava.pk, "name": "Ava"}]
    assert post(api, url, {"creator_ids": [999999]}).status_code == 422


def test_invite_from_a_saved_view(api, campaign, workspace, manager) -> None:
    from rapport.creators.models import SavedView

    CreatorFactory.create(workspace=workspace, name="Mid one", tier="mid")
    CreatorFactory.create(workspace=workspace, name="Nano one", tier="nano")
    view = SavedView.objects.create(
        workspace=workspace, owner=manager.user, name="Mid", query="tier=mid"
    )
    url = f"/api/v1/campaigns/{campaign.pk}/collaborations/invite"
    body = post(api, url, {"saved_view_id": view.pk}).json()
    assert [c["creator"]["name"] for c in body["invited"]] == ["Mid one"]


def test_stage_change_is_422_when_the_lifecycle_refuses(api, campaign) -> None:
    ava = add(campaign, "Ava")
    url = f"/api/v1/collaborations/{ava.pk}/stage"
    refused = post(api, url, {"stage": "paid"})
    assert refused.status_code == 422
    assert "cannot go from Invited to Paid" in refused.json()["detail"][0]["message"]
    assert post(api, url, {"stage": "declined"}).json()["detail"][0]["field"] == "reason"
    moved = post(api, url, {"stage": "negotiating"})
    assert moved.status_code == 200 and moved.json()["stage"] == "negotiating"


def test_patch_owner_and_note(api, campaign, owner) -> None:
    ava = add(campaign, "Ava")
    url = f"/api/v1/collaborations/{ava.pk}"
    body = post(api, url, {"owner_id": owner.user.pk, "note": "Outdoors"}, "patch").json()
    assert body["owner"]["id"] == owner.user.pk and body["note"] == "Outdoors"
    assert post(api, url, {"owner_id": 999999}, "patch").status_code == 422
    cleared = post(api, url, {"owner_id": None}, "patch").json()
    assert cleared["owner"] is None and cleared["note"] == "Outdoors"


def test_questions_start_and_stop_the_clock(api, campaign, manager) -> None:
    ava = add(campaign, "Ava", owner=manager.user)
    created = post(
        api,
        f"/api/v1/collaborations/{ava.pk}/questions",
        {
            "body": "What is the hashtag?",
            "received_at": "2025-06-02T09:00:00Z",
            "is_clarification": True,
        },
    )
    assert created.status_code == 201
    question = created.json()
    clock = SlaClock.objects.get(moment=Moment.FIRST_RESPONSE)
    assert clock.started_at.isoformat() == "2025-06-02T09:00:00+00:00"
    answered = post(api, f"/api/v1/questions/{question['id']}/answer", {"answer": "#ad"})
    assert answered.json()["answer"] == "#ad"
    clock.refresh_from_db()
    assert clock.stopped_at is not None
    listed = api.get(f"/api/v1/collaborations/{ava.pk}/questions").json()
    assert listed[0]["answered_by"]["id"] == manager.user.pk


PACKAGE = {
    "label": "Video + stories",
    "base_fee": "1500.00",
    "currency": "USD",
    "deliverables": "One video and two story frames",
    "add_ons": [{"kind": "paid_usage", "fee": "300.00", "channels": ["meta"], "window_days": 30}],
    "seeding": [{"description": "Serum", "quantity": 2, "unit_value": "40.00"}],
    "bonus": {
        "metric": "cpa",
        "mode": "highest",
        "rungs": [
            {"threshold": "60", "amount": "250"},
            {"threshold": "45", "amount": "500"},
            {"threshold": "35", "amount": "1000"},
        ],
    },
}


def test_the_offer_flow_through_the_api(api, campaign) -> None:
    ava = add(campaign, "Ava")
    created = post(api, f"/api/v1/collaborations/{ava.pk}/offers", {"packages": [PACKAGE]})
    assert created.status_code == 201
    offer = created.json()
    assert offer["status"] == "draft"
    assert offer["packages"][0]["committed_cost"] == "1880.00"
    assert offer["packages"][0]["max_bonus"] == "1000.00"
    sent = post(api, f"/api/v1/offers/{offer['id']}/send", {})
    assert sent.json()["status"] == "sent"
    counter = post(
        api,
        f"/api/v1/offers/{offer['id']}/counter",
        {"packages": [PACKAGE | {"base_fee": "1800.00"}], "note": "More please"},
    )
    assert counter.status_code == 201 and counter.json()["party"] == "creator"
    rounds = api.get(f"/api/v1/collaborations/{ava.pk}/offers").json()
    assert [(r["number"], r["status"]) for r in rounds] == [(2, "sent"), (1, "countered")]
    package_id = counter.json()["packages"][0]["id"]
    accepted = post(api, f"/api/v1/packages/{package_id}/accept", {})
    body = accepted.json()
    assert body["stage"] == "contracted" and body["committed_cost"] == "2180.00"
    assert body["terms"]["bonus"]["rungs"][0] == {"threshold": "60.00", "amount": "250.00"}
    amend_url = f"/api/v1/collaborations/{ava.pk}/terms"
    refused = post(api, amend_url, {"terms": PACKAGE, "reason": ""}, "put")
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "reason"
    amended = post(api, amend_url, {"terms": PACKAGE, "reason": "Back to the first fee"}, "put")
    assert amended.json()["committed_cost"] == "1880.00"
    assert AuditEvent.objects.get(kind="terms.amended").changes["base_fee"] == [
        "1800.00",
        "1500.00",
    ]


def test_decline_and_withdraw_through_the_api(api, campaign) -> None:
    ava = add(campaign, "Ava")
    offer = post(api, f"/api/v1/collaborations/{ava.pk}/offers", {"packages": [PACKAGE]}).json()
    withdrawn = post(api, f"/api/v1/offers/{offer['id']}/withdraw", {"reason": "Typo"})
    assert withdrawn.json()["status"] == "withdrawn"
    second = post(
        api, f"/api/v1/collaborations/{ava.pk}/offers", {"packages": [PACKAGE], "send": True}
    ).json()
    assert second["status"] == "sent"
    declined = post(api, f"/api/v1/offers/{second['id']}/decline", {"reason": "Busy"})
    assert declined.json()["status"] == "declined"


def test_the_exclusivity_clash_through_the_api(api, campaign) -> None:
    ava = add(campaign, "Ava")
    exclusive(ava.creator)
    package = PACKAGE | {
        "add_ons": [
            {"kind": "exclusivity", "fee": "500", "category": "skincare", "window_days": 60}
        ]
    }
    url = f"/api/v1/collaborations/{ava.pk}/offers"
    held = post(api, url, {"packages": [package], "send": True})
    assert held.status_code == 422 and held.json()["detail"][0]["field"] == "confirm"
    assert not ava.offers.exists()  # nothing kept when the send was refused
    sent = post(api, url, {"packages": [package], "send": True, "confirm": True})
    assert sent.json()["status"] == "sent"


def test_roles_and_workspaces(api_client_for, member, campaign, other_workspace) -> None:
    ava = add(campaign, "Ava")
    viewer = api_client_for(member("viewer"))
    assert viewer.get(f"/api/v1/collaborations/{ava.pk}").status_code == 200
    assert (
        post(viewer, f"/api/v1/collaborations/{ava.pk}/stage", {"stage": "negotiating"}).status_code
        == 403
    )
    theirs = CollaborationFactory.create(campaign=CampaignFactory.create(workspace=other_workspace))
    assert viewer.get(f"/api/v1/collaborations/{theirs.pk}").status_code == 404
    assert Collaboration.objects.get(pk=ava.pk).stage == "invited"


def test_get_terms(api, campaign) -> None:
    ava = add(campaign, "Ava")
    url = f"/api/v1/collaborations/{ava.pk}/terms"
    assert api.get(url).json() == {"terms": None, "committed_cost": None, "currency": ""}
    offer = post(
        api, f"/api/v1/collaborations/{ava.pk}/offers", {"packages": [PACKAGE], "send": True}
    ).json()
    post(api, f"/api/v1/packages/{offer['packages'][0]['id']}/accept", {})
    body = api.get(url).json()
    assert body["committed_cost"] == "1880.00" and body["terms"]["label"] == "Video + stories"
