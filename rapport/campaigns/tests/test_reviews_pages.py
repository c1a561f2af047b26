"""Review pages: sending a draft, the submission page with its decision form and conflict
message, and the reviewer queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.campaigns.models import CollabStage, ReviewDecision, SlaClock, Submission
from rapport.campaigns.services.reviews import decide, submit
from rapport.testing.factories import CampaignFactory, CollaborationFactory, DeliverableFactory
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role


@pytest.fixture
def decider(member: Callable[..., Membership]) -> Membership:
    return member(Role.REVIEWER, name="Dana Decider")


@pytest.fixture
def delegate(member: Callable[..., Membership]) -> Membership:
    return member(Role.MANAGER, name="Del Egate")


@pytest.fixture
def deliverable(workspace: Workspace, decider: Membership, delegate: Membership) -> Any:
    campaign = CampaignFactory.create(workspace=workspace, decision_maker=decider.user, name="Glow")
    campaign.delegates.add(delegate.user)
    collab = CollaborationFactory.create(
        campaign=campaign, stage=CollabStage.IN_PRODUCTION, creator__name="Aiko"
    )
    return DeliverableFactory.create(collaboration=collab, approval_stages=["concept", "final"])


def _url(name: str, pk: int | None = None) -> str:
    kwargs: dict[str, Any] = {"ws": "lumen"}
    if pk is not None:
        kwargs["pk"] = pk
    return reverse(f"campaigns:{name}", kwargs=kwargs)


def test_a_manager_uploads_a_draft_for_the_creator(
    deliverable: Any, manager_client: Client
) -> None:
    response = manager_client.post(
        _url("submission_add", deliverable.pk),
        {
            "submission-stage": "concept",
            "submission-file": SimpleUploadedFile("idea.pdf", b"%PDF-1", "application/pdf"),
            "submission-note": "Sunrise idea",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Concept v1 sent for review." in page
    assert "Download idea.pdf" in page and "Sunrise idea" in page
    assert "/media/" not in page
    assert "Decision due" in page and "On track" in page
    assert "Waiting for a decision" in page  # the manager is not named: no form
    assert 'id="decide-form"' not in page


def test_a_refused_upload_says_why(deliverable: Any, manager_client: Client) -> None:
    response = manager_client.post(
        _url("submission_add", deliverable.pk),
        {
            "submission-stage": "concept",
            "submission-file": SimpleUploadedFile("x.exe", b"MZ", "application/x-msdownload"),
        },
    )
    assert response.status_code == 422
    assert "cannot be reviewed here" in response.content.decode()
    assert not Submission.objects.exists()


def test_the_decision_maker_decides_on_the_page(
    deliverable: Any, decider: Membership, client_for: Callable[[Membership], Client]
) -> None:
    s = submit(deliverable=deliverable, stage="concept", actor=None, link="https://drive.test/1")
    client = client_for(decider)
    page = client.get(_url("submission", s.pk)).content.decode()
    assert 'id="decide-form"' in page
    response = client.post(
        _url("submission", s.pk),
        {"verdict": "changes_requested", "note": "", "rating": "3"},
    )
    assert response.status_code == 422
    assert "Tell the creator what to change" in response.content.decode()
    response = client.post(
        _url("submission", s.pk),
        {"verdict": "changes_requested", "note": "Warmer light", "rating": "3"},
        follow=True,
    )
    page = response.content.decode()
    assert "Decision saved." in page and "Warmer light" in page and "quality 3/5" in page
    assert 'id="decide-form"' not in page


def test_the_second_person_to_decide_is_told_who_decided_when_and_what(
    deliverable: Any,
    decider: Membership,
    delegate: Membership,
    client_for: Callable[[Membership], Client],
) -> None:
    s = submit(deliverable=deliverable, stage="final", actor=None, link="https://drive.test/f")
    delegate_client = client_for(delegate)
    assert 'id="decide-form"' in delegate_client.get(_url("submission", s.pk)).content.decode()
    decide(submission=s, actor=decider.user, verdict="approved")  # meanwhile
    response = delegate_client.post(
        _url("submission", s.pk), {"verdict": "changes_requested", "note": "No"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone decided first." in page
    assert "Dana Decider already decided this submission on" in page and ": Approved." in page
    assert ReviewDecision.objects.get().verdict == "approved"


def test_someone_not_named_cannot_decide(deliverable: Any, manager_client: Client) -> None:
    s = submit(deliverable=deliverable, stage="final", actor=None, link="https://drive.test/f")
    response = manager_client.post(_url("submission", s.pk), {"verdict": "approved"}, follow=True)
    assert "decision-maker or a named delegate may decide." in response.content.decode()
    assert not ReviewDecision.objects.exists()


def test_the_history_shows_every_version_and_its_notes(
    deliverable: Any, decider: Membership, manager_client: Client
) -> None:
    v1 = submit(deliverable=deliverable, stage="concept", actor=None, link="https://d.test/1")
    decide(submission=v1, actor=decider.user, verdict="changes_requested", note="Too dark")
    v2 = submit(deliverable=deliverable, stage="concept", actor=None, link="https://d.test/2")
    page = manager_client.get(_url("submission", v2.pk)).content.decode()
    assert "Too dark" in page and "round 2" in page
    assert _url("submission", v1.pk) in page


def test_the_queue_shows_mine_soonest_first_and_managers_can_see_all(
    deliverable: Any,
    decider: Membership,
    workspace: Workspace,
    client_for: Callable[[Membership], Client],
    manager_client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    concept = submit(deliverable=deliverable, stage="concept", actor=None, link="https://d.test/c")
    final = submit(deliverable=deliverable, stage="final", actor=None, link="https://d.test/f")
    elsewhere = DeliverableFactory.create(
        collaboration__campaign__workspace=workspace, approval_stages=["final"]
    )
    for _ in range(3):
        submit(deliverable=elsewhere, stage="final", actor=None, link="https://d.test/o")
    client = client_for(decider)
    client.get(_url("review_queue"))
    with django_assert_max_num_queries(8):
        page = client.get(_url("review_queue")).content.decode()
    assert page.index(_url("submission", concept.pk)) < page.index(_url("submission", final.pk))
    assert "All undecided" not in page  # a reviewer sees their own queue
    assert page.count("Open the review") == 2
    mine = manager_client.get(_url("review_queue")).content.decode()
    assert "Nothing is waiting for your decision." in mine
    with django_assert_max_num_queries(8):
        every = manager_client.get(_url("review_queue") + "?show=all").content.decode()
    assert every.count("Open the review") == 3  # the latest version of each stage


def test_the_queue_is_paginated_soonest_first(
    deliverable: Any,
    decider: Membership,
    manager_client: Client,
    client_for: Callable[[Membership], Client],
    django_assert_max_num_queries: Any,
) -> None:
    campaign = deliverable.collaboration.campaign
    waiting = []
    for n in range(53):
        other = DeliverableFactory.create(
            collaboration__campaign=campaign, approval_stages=["final"]
        )
        waiting.append(submit(deliverable=other, stage="final", actor=None, link="https://d.test"))
    # Due in the reverse order of submission: the last one sent is the most urgent.
    now = timezone.now()
    for n, s in enumerate(waiting):
        SlaClock.objects.filter(subject_type="submission", subject_id=s.pk).update(
            due_at=now + dt.timedelta(hours=60 - n)
        )
    client = client_for(decider)
    client.get(_url("review_queue"))  # the session's first request loads more
    with django_assert_max_num_queries(8) as few:
        first = client.get(_url("review_queue")).content.decode()
    assert first.count("Open the review") == 50
    assert "53 submissions waiting." in first and "Page 1 of 2" in first
    assert first.index(_url("submission", waiting[52].pk)) < first.index(
        _url("submission", waiting[3].pk)
    )
    assert _url("submission", waiting[0].pk) not in first
    with django_assert_max_num_queries(len(few.captured_queries)):
        second = client.get(_url("review_queue") + "?page=2").content.decode()
    assert second.count("Open the review") == 3 and "Page 2 of 2" in second
    assert second.index(_url("submission", waiting[2].pk)) < second.index(
        _url("submission", waiting[0].pk)
    )
    assert 'href="?page=1"' in second
    # "All undecided" keeps its choice in the page links.
    every = manager_client.get(_url("review_queue") + "?show=all").content.decode()
    assert 'href="?show=all&amp;page=2"' in every and every.count("Open the review") == 50
