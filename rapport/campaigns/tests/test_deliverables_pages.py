"""Deliverable pages: adding one from the collaboration, its page in the creator's and the
viewer's time zones, editing it and recording the live post."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rapport.campaigns.models import Deliverable
from rapport.campaigns.views.deliverables import collaboration_section
from rapport.testing.factories import CollaborationFactory, CreatorFactory, DeliverableFactory
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role


@pytest.fixture
def collab(workspace: Workspace) -> Any:
    workspace.time_zone = "America/New_York"
    workspace.save()
    creator = CreatorFactory.create(workspace=workspace, name="Aiko", time_zone="Asia/Tokyo")
    return CollaborationFactory.create(campaign__workspace=workspace, creator=creator)


def _url(name: str, pk: int) -> str:
    return reverse(f"campaigns:{name}", kwargs={"ws": "lumen", "pk": pk})


def test_a_manager_adds_a_deliverable_with_a_posting_date_in_the_creators_time(
    collab: Any, manager: Membership, client_for: Callable[[Membership], Client]
) -> None:
    manager.user.time_zone = "Europe/Paris"
    manager.user.save()
    client = client_for(manager)
    response = client.post(
        _url("deliverable_add", collab.pk),
        {
            "new-deliverable-kind": "reel",
            "new-deliverable-platform": "instagram",
            "new-deliverable-quantity": "2",
            "new-deliverable-approval_stages": ["concept", "final"],
            "new-deliverable-post_at": "2025-06-13T18:00",
            "new-deliverable-disclosure": "#ad",
        },
        follow=True,
    )
    d = Deliverable.objects.get()
    assert d.post_at is not None
    assert d.post_at.isoformat() == "2025-06-13T09:00:00+00:00"  # 18:00 in Tokyo
    page = response.content.decode()
    assert "2 \u00d7 Reel on Instagram" in page
    assert "Friday 13 June 2025, 18:00" in page  # the creator's time
    assert "Your time: Fri 13 Jun 2025, 11:00" in page  # Paris, the viewer's
    assert "Wednesday 11 June 2025, 18:00" in page  # final approval, two business days before


def test_a_bad_deliverable_shows_what_to_fix(collab: Any, manager_client: Client) -> None:
    response = manager_client.post(
        _url("deliverable_add", collab.pk),
        {
            "new-deliverable-kind": "reel",
            "new-deliverable-platform": "instagram",
            "new-deliverable-quantity": "1",
            "new-deliverable-post_at": "2025-06-13T18:00",
            "new-deliverable-post_until": "2025-06-12T18:00",
        },
    )
    assert response.status_code == 422
    assert "The posting window must end after it starts." in response.content.decode()
    assert not Deliverable.objects.exists()


def test_editing_and_recording_the_live_post(collab: Any, manager_client: Client) -> None:
    d = DeliverableFactory.create(collaboration=collab, approval_stages=["final"])
    response = manager_client.post(
        _url("deliverable", d.pk),
        {
            "action": "update",
            "kind": "video",
            "platform": "youtube",
            "quantity": "1",
            "approval_stages": ["final"],
            "post_at": "2025-06-16T08:00",
            "reason": "Moved",
        },
        follow=True,
    )
    assert "Deliverable saved." in response.content.decode()
    d.refresh_from_db()
    assert d.kind == "video" and d.final_approval_due is not None
    response = manager_client.post(
        _url("deliverable", d.pk),
        {
            "action": "live",
            "live_url": "https://youtu.be/abc",
            "went_live_at": "2025-06-16T09:00",
            "disclosure_checked": "on",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Live post recorded." in page and "https://youtu.be/abc" in page
    assert "Late" not in page and "On time" in page


def test_people_who_cannot_run_production_see_no_forms_and_cannot_post(
    collab: Any, member: Callable[..., Membership], client_for: Callable[[Membership], Client]
) -> None:
    d = DeliverableFactory.create(collaboration=collab, approval_stages=["final"])
    client = client_for(member(Role.REVIEWER))
    page = client.get(_url("deliverable", d.pk)).content.decode()
    assert "Edit the deliverable" not in page and "Record the live post" not in page
    response = client.post(_url("deliverable", d.pk), {"action": "live", "live_url": "https://x.y"})
    assert response.status_code == 403
    assert client.post(_url("deliverable_add", collab.pk), {}).status_code == 403


def test_the_collaboration_section_lists_deliverables_in_few_queries(
    collab: Any, manager: Membership, rf: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        DeliverableFactory.create(collaboration=collab, approval_stages=["concept", "final"])
    request = rf.get("/")
    request.membership = manager
    with django_assert_max_num_queries(6):
        context = collaboration_section(request, collab)
        assert len(context["deliverable_rows"]) == 5
        assert [p.label for p in context["deliverable_rows"][0]["progress"]] == ["Concept", "Final"]


def test_the_deliverable_page_answers_in_few_queries(
    collab: Any, manager_client: Client, django_assert_max_num_queries: Any
) -> None:
    d = DeliverableFactory.create(collaboration=collab, approval_stages=["concept", "final"])
    manager_client.get(_url("deliverable", d.pk))
    with django_assert_max_num_queries(14):
        assert manager_client.get(_url("deliverable", d.pk)).status_code == 200


def test_the_collaboration_page_shows_its_deliverables_and_the_add_form(
    collab: Any, manager_client: Client
) -> None:
    d = DeliverableFactory.create(
        collaboration=collab, approval_stages=["final"], kind="video", platform="youtube"
    )
    page = manager_client.get(_url("collaboration", collab.pk)).content.decode()
    assert "Video on YouTube" in page and _url("deliverable", d.pk) in page
    assert "Final: not sent" in page
    assert "Add a deliverable" in page and _url("deliverable_add", collab.pk) in page
