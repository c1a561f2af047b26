"""The deliverables API: create, read, change, record live; with 403, 404 and 422."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from rapport.campaigns.models import CollabStage, Deliverable
from rapport.testing.factories import CampaignFactory, CollaborationFactory
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role


@pytest.fixture
def decider(member: Callable[..., Membership]) -> Membership:
    return member(Role.REVIEWER, name="Dana Decider")


@pytest.fixture
def collab(workspace: Workspace, decider: Membership) -> Any:
    campaign = CampaignFactory.create(workspace=workspace, decision_maker=decider.user)
    return CollaborationFactory.create(
        campaign=campaign, stage=CollabStage.IN_PRODUCTION, creator__time_zone="Asia/Tokyo"
    )


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_deliverables_are_created_read_changed_and_go_live(
    collab: Any, manager: Membership, api_client_for: Callable[..., Client]
) -> None:
    api = api_client_for(manager)
    response = _post(
        api,
        f"/api/v1/collaborations/{collab.pk}/deliverables",
        {"kind": "reel", "platform": "instagram", "post_at": "2025-06-16T08:00:00"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["post_at"] == "2025-06-15T23:00:00Z"  # read in Tokyo time
    assert body["post_at_local"] == "2025-06-16T08:00:00+09:00"
    assert body["final_approval_due"] == "2025-06-11T23:00:00Z"  # Thursday 08:00 in Tokyo
    assert body["approval_stages"] == ["concept", "final"]
    assert body["on_time"] in ("due", "overdue")
    pk = body["id"]
    response = api.patch(
        f"/api/v1/deliverables/{pk}",
        json.dumps({"post_at": "2025-06-27T08:00:00+09:00", "reason": "Later launch"}),
        content_type="application/json",
    )
    assert response.json()["final_approval_due"] == "2025-06-24T23:00:00Z"
    response = _post(api, f"/api/v1/deliverables/{pk}/live", {"live_url": "https://ig.test/p/1"})
    assert response.status_code == 200 and response.json()["live_url"] == "https://ig.test/p/1"
    listing = api.get(f"/api/v1/collaborations/{collab.pk}/deliverables").json()
    assert [d["id"] for d in listing["items"]] == [pk] and listing["next"] is None


def test_deliverable_errors(
    collab: Any,
    manager: Membership,
    other_workspace: Workspace,
    member: Callable[..., Membership],
    api_client_for: Callable[..., Client],
) -> None:
    api = api_client_for(manager)
    url = f"/api/v1/collaborations/{collab.pk}/deliverables"
    bad = _post(
        api,
        url,
        {
            "kind": "reel",
            "platform": "instagram",
            "post_at": "2025-06-16T08:00",
            "post_until": "2025-06-15T08:00",
        },
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "post_until"
    theirs = CollaborationFactory.create(campaign__workspace=other_workspace)
    assert api.get(f"/api/v1/collaborations/{theirs.pk}/deliverables").status_code == 404
    reviewer_api = api_client_for(member(Role.REVIEWER))
    assert _post(reviewer_api, url, {"kind": "reel", "platform": "instagram"}).status_code == 403
    assert not Deliverable.objects.exists()
