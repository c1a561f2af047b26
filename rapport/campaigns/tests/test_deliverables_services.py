"""Deliverables: posting dates in the creator's time zone, the final-approval buffer, on-time
status, the live post and the audit trail."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from rapport.campaigns.models import Brief, CollabStage
from rapport.campaigns.queries.deliverables import OnTime, on_time_status, posting_deadline
from rapport.campaigns.services.deliverables import (
    create_deliverable,
    record_live,
    update_deliverable,
)
from rapport.testing.factories import CampaignFactory, CollaborationFactory, CreatorFactory
from rapport.workspaces.models import AuditEvent, Membership, Workspace

UTC = dt.UTC
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


@pytest.fixture
def us_workspace(workspace: Workspace) -> Workspace:
    workspace.country, workspace.time_zone = "US", "America/Los_Angeles"
    workspace.save()
    return workspace


@pytest.fixture
def tokyo_collab(us_workspace: Workspace) -> Any:
    creator = CreatorFactory.create(workspace=us_workspace, name="Aiko", time_zone="Asia/Tokyo")
    campaign = CampaignFactory.create(workspace=us_workspace, name="Summer glow")
    return CollaborationFactory.create(campaign=campaign, creator=creator)


def test_final_approval_is_due_two_business_days_before_posting_in_the_creators_zone(
    tokyo_collab: Any, manager: Membership
) -> None:
    # Monday 16 June 08:00 in Tokyo is still Sunday afternoon in Los Angeles: counted in Tokyo,
    # two business days back is Thursday 12 June, 08:00 Tokyo time (Friday in LA would be wrong).
    post_at = dt.datetime(2025, 6, 16, 8, 0)  # naive: the creator's local time
    d = create_deliverable(
        collaboration=tokyo_collab,
        actor=manager.user,
        kind="reel",
        platform="instagram",
        post_at=post_at,
    )
    assert d.post_at == dt.datetime(2025, 6, 15, 23, 0, tzinfo=UTC)
    assert d.final_approval_due == dt.datetime(2025, 6, 12, 8, 0, tzinfo=TOKYO)


def test_post_friday_approve_by_wednesday_and_moving_the_date_recomputes(
    tokyo_collab: Any, manager: Membership
) -> None:
    d = create_deliverable(
        collaboration=tokyo_collab,
        actor=manager.user,
        kind="reel",
        platform="instagram",
        post_at=dt.datetime(2025, 6, 13, 18, 0, tzinfo=TOKYO),
    )
    assert d.final_approval_due == dt.datetime(2025, 6, 11, 18, 0, tzinfo=TOKYO)
    update_deliverable(
        deliverable=d, actor=manager.user, post_at=dt.datetime(2025, 6, 27, 18, 0, tzinfo=TOKYO)
    )
    d.refresh_from_db()
    assert d.final_approval_due == dt.datetime(2025, 6, 25, 18, 0, tzinfo=TOKYO)
    event = AuditEvent.objects.get(kind="deliverable.changed")
    assert set(event.changes) == {"post_at", "final_approval_due"}
    assert event.campaign == tokyo_collab.campaign and event.creator == tokyo_collab.creator


def test_stages_and_disclosure_default_to_the_brief(us_workspace: Workspace, manager: Any) -> None:
    collab = CollaborationFactory.create(campaign__workspace=us_workspace)
    Brief.objects.create(
        workspace=us_workspace,
        campaign=collab.campaign,
        approval_stages=["final", "script"],
        disclosure="#ad",
    )
    d = create_deliverable(
        collaboration=collab, actor=manager.user, kind="video", platform="youtube"
    )
    assert d.approval_stages == ["script", "final"]
    assert d.disclosure == "#ad"
    other = create_deliverable(
        collaboration=collab,
        actor=manager.user,
        kind="video",
        platform="youtube",
        approval_stages=["concept"],
        disclosure="Paid partnership",
    )
    assert other.approval_stages == ["concept"]
    assert other.disclosure == "Paid partnership"


def test_bad_fields_are_refused_with_the_reason(tokyo_collab: Any, manager: Membership) -> None:
    with pytest.raises(ValidationError) as exc:
        create_deliverable(
            collaboration=tokyo_collab,
            actor=manager.user,
            kind="hologram",
            platform="instagram",
            quantity=0,
            approval_stages=["vibes"],
            post_at=dt.datetime(2025, 6, 13, 9, 0),
            post_until=dt.datetime(2025, 6, 12, 9, 0),
        )
    errors = exc.value.message_dict
    assert set(errors) == {"kind", "quantity", "approval_stages", "post_until"}
    assert "must end after it starts" in errors["post_until"][0]


@pytest.mark.parametrize(
    ("went_live", "expected"),
    [
        (dt.datetime(2025, 6, 16, 23, 59, tzinfo=TOKYO), OnTime.ON_TIME),
        (dt.datetime(2025, 6, 17, 0, 0, tzinfo=TOKYO), OnTime.LATE),
    ],
)
def test_on_time_means_by_the_end_of_the_posting_day_in_the_creators_zone(
    tokyo_collab: Any, manager: Membership, went_live: dt.datetime, expected: OnTime
) -> None:
    d = create_deliverable(
        collaboration=tokyo_collab,
        actor=manager.user,
        kind="reel",
        platform="instagram",
        post_at=dt.datetime(2025, 6, 16, 8, 0),
    )
    assert posting_deadline(d) == dt.datetime(2025, 6, 17, 0, 0, tzinfo=TOKYO)
    assert on_time_status(d, now=dt.datetime(2025, 6, 16, 12, 0, tzinfo=TOKYO)) == OnTime.DUE
    assert on_time_status(d, now=dt.datetime(2025, 6, 17, 1, 0, tzinfo=TOKYO)) == OnTime.OVERDUE
    d.went_live_at = went_live
    assert on_time_status(d) == expected


def test_a_window_is_on_time_until_it_closes(tokyo_collab: Any, manager: Membership) -> None:
    d = create_deliverable(
        collaboration=tokyo_collab,
        actor=manager.user,
        kind="story",
        platform="instagram",
        post_at=dt.datetime(2025, 6, 16, 8, 0),
        post_until=dt.datetime(2025, 6, 20, 20, 0),
    )
    d.went_live_at = dt.datetime(2025, 6, 20, 19, 0, tzinfo=TOKYO)
    assert on_time_status(d) == OnTime.ON_TIME
    d.went_live_at = dt.datetime(2025, 6, 20, 21, 0, tzinfo=TOKYO)
    assert on_time_status(d) == OnTime.LATE
    d.post_at = d.post_until = None
    assert on_time_status(d) == OnTime.UNSCHEDULED


def test_recording_every_live_post_moves_the_collaboration_to_live(
    tokyo_collab: Any, manager: Membership
) -> None:
    tokyo_collab.stage = CollabStage.APPROVED
    tokyo_collab.save()
    first, second = (
        create_deliverable(
            collaboration=tokyo_collab, actor=manager.user, kind=k, platform="instagram"
        )
        for k in ("reel", "story")
    )
    record_live(
        deliverable=first,
        actor=manager.user,
        live_url="https://instagram.com/p/1",
        disclosure_checked=True,
    )
    tokyo_collab.refresh_from_db()
    assert tokyo_collab.stage == CollabStage.APPROVED
    assert first.went_live_at is not None and first.disclosure_checked
    record_live(deliverable=second, actor=manager.user, live_url="https://instagram.com/p/2")
    tokyo_collab.refresh_from_db()
    assert tokyo_collab.stage == CollabStage.LIVE
    live_events = AuditEvent.objects.filter(kind="deliverable.live", campaign=tokyo_collab.campaign)
    assert live_events.count() == 2
    assert AuditEvent.objects.filter(
        kind="collaboration.stage", creator=tokyo_collab.creator
    ).exists()


def test_a_live_url_must_be_a_web_address(tokyo_collab: Any, manager: Membership) -> None:
    d = create_deliverable(
        collaboration=tokyo_collab, actor=manager.user, kind="reel", platform="instagram"
    )
    with pytest.raises(ValidationError) as exc:
        record_live(deliverable=d, actor=manager.user, live_url="ftp://example.com/x")
    assert "live_url" in exc.value.message_dict
