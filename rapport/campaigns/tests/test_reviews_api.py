"""The API of deliverables and reviews: the same rules as the pages, with 403, 404, 409, 422."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rapport.campaigns.models import CollabStage, ReviewDecision, Submission
from rapport.campaigns.services.reviews import decide, submit
from rapport.testing.factories import CampaignFactory, CollaborationFactory, DeliverableFactory
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


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


def test_submissions_by_link_and_by_file_then_a_decision(
    collab: Any,
    manager: Membership,
    decider: Membership,
    api_client_for: Callable[..., Client],
) -> None:
    d = DeliverableFactory.create(collaboration=collab, approval_stages=["concept", "final"])
    api = api_client_for(manager)
    link = _post(
        api,
        f"/api/v1/deliverables/{d.pk}/submissions",
        {"stage": "concept", "link": "https://drive.test/c", "note": "Idea"},
    )
    assert link.status_code == 201, link.content
    assert link.json()["version"] == 1 and link.json()["clock_state"] == "running"
    upload = api.post(
        f"/api/v1/deliverables/{d.pk}/submissions/file",
        {"stage": "concept", "file": SimpleUploadedFile("c.mp4", MP4, "video/mp4")},
    )
    assert upload.status_code == 201, upload.content
    sid = upload.json()["id"]
    assert upload.json()["version"] == 2
    assert upload.json()["file_url"] == f"/w/{d.workspace.slug}/campaigns/submissions/{sid}/file/"
    too_odd = api.post(
        f"/api/v1/deliverables/{d.pk}/submissions/file",
        {"stage": "concept", "file": SimpleUploadedFile("c.zip", b"z", "application/zip")},
    )
    assert too_odd.status_code == 422 and too_odd.json()["detail"][0]["field"] == "file"
    listing = api.get(f"/api/v1/deliverables/{d.pk}/submissions").json()
    assert [s["version"] for s in listing["items"]] == [2, 1]

    refused = _post(api, f"/api/v1/submissions/{sid}/decision", {"verdict": "approved"})
    assert refused.status_code == 403  # a manager, not named on the campaign
    assert refused.json() == {
        "detail": "Only the campaign's decision-maker (Dana Decider) or a named delegate may "
        "decide on its content."
    }
    reviewer = api_client_for(decider)
    needs_note = _post(
        reviewer, f"/api/v1/submissions/{sid}/decision", {"verdict": "changes_requested"}
    )
    assert needs_note.status_code == 422
    decided = _post(
        reviewer, f"/api/v1/submissions/{sid}/decision", {"verdict": "approved", "rating": 5}
    )
    assert decided.status_code == 201
    assert decided.json()["decision"]["verdict"] == "approved"
    assert decided.json()["clock_state"] == "met"


def test_a_second_decision_is_a_409_with_the_first_one(
    collab: Any,
    decider: Membership,
    member: Callable[..., Membership],
    api_client_for: Callable[..., Client],
) -> None:
    delegate = member(Role.REVIEWER, name="Del Egate")
    collab.campaign.delegates.add(delegate.user)
    d = DeliverableFactory.create(collaboration=collab, approval_stages=["final"])
    s = submit(deliverable=d, stage="final", actor=None, link="https://drive.test/f")
    decide(submission=s, actor=decider.user, verdict="approved_with_edits", note="Trim")
    response = _post(
        api_client_for(delegate),
        f"/api/v1/submissions/{s.pk}/decision",
        {"verdict": "changes_requested", "note": "Redo"},
    )
    assert response.status_code == 409
    body = response.json()
    assert "Dana Decider already decided" in body["detail"]
    assert body["decision"]["verdict"] == "approved_with_edits"
    assert body["decision"]["decided_by"] == decider.user.email
    assert ReviewDecision.objects.count() == 1


def test_the_review_queue_endpoint(
    collab: Any,
    decider: Membership,
    manager: Membership,
    api_client_for: Callable[..., Client],
    django_assert_max_num_queries: Any,
) -> None:
    d = DeliverableFactory.create(collaboration=collab, approval_stages=["concept", "final"])
    first = submit(deliverable=d, stage="concept", actor=None, link="https://drive.test/c")
    second = submit(deliverable=d, stage="final", actor=None, link="https://drive.test/f")
    api = api_client_for(decider)
    with django_assert_max_num_queries(8):
        page = api.get("/api/v1/reviews?limit=1").json()
    assert [i["submission"]["id"] for i in page["items"]] == [first.pk]
    assert page["items"][0]["clock_state"] == "running"
    rest = api.get(f"/api/v1/reviews?limit=1&cursor={page['next']}").json()
    assert [i["submission"]["id"] for i in rest["items"]] == [second.pk]
    assert api.get("/api/v1/reviews?everyone=true").status_code == 403
    everyone = api_client_for(manager).get("/api/v1/reviews?everyone=true").json()
    assert len(everyone["items"]) == 2


def test_another_workspaces_submission_is_a_404(
    other_workspace: Workspace, decider: Membership, api_client_for: Callable[..., Client]
) -> None:
    theirs = DeliverableFactory.create(
        collaboration__campaign__workspace=other_workspace, approval_stages=["final"]
    )
    s = Submission.objects.create(
        workspace=other_workspace,
        deliverable=theirs,
        stage="final",
        version=1,
        link="https://x.test",
        submitted_at=theirs.created_at,
    )
    api = api_client_for(decider)
    assert api.get(f"/api/v1/submissions/{s.pk}").status_code == 404
    assert (
        _post(api, f"/api/v1/submissions/{s.pk}/decision", {"verdict": "approved"}).status_code
        == 404
    )
