"""Stage transitions: what the lifecycle allows and refuses, recorded on both timelines."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from rapport.campaigns.models import CollabStage
from rapport.campaigns.services.collaborations import advance_if_allowed, change_stage
from rapport.testing.factories import CampaignFactory, CollaborationFactory, CreatorFactory
from rapport.workspaces.models import AuditEvent

S = CollabStage


@pytest.fixture
def collaboration(workspace):
    campaign = CampaignFactory.create(workspace=workspace, name="Summer glow")
    creator = CreatorFactory.create(workspace=workspace, name="Ava Martin")
    return CollaborationFactory.create(campaign=campaign, creator=creator)


def test_a_collaboration_moves_along_the_lifecycle_and_each_step_is_on_both_timelines(
    collaboration, manager
) -> None:
    for stage in (S.NEGOTIATING, S.CONTRACTED, S.BRIEFED, S.IN_PRODUCTION):
        change_stage(collaboration=collaboration, stage=stage, actor=manager.user)
    collaboration.refresh_from_db()
    assert collaboration.stage == S.IN_PRODUCTION
    assert collaboration.stage_changed_at is not None
    events = AuditEvent.objects.filter(kind="collaboration.stage").order_by("id")
    assert [e.changes["stage"] for e in events] == [
        ["invited", "negotiating"],
        ["negotiating", "contracted"],
        ["contracted", "briefed"],
        ["briefed", "in_production"],
    ]
    for event in events:
        assert event.creator_id == collaboration.creator_id  # the creator's timeline
        assert event.campaign_id == collaboration.campaign_id  # the campaign's timeline
        assert event.actor == manager.user
    assert events[0].summary == "Ava Martin in Summer glow: Invited → Negotiating"


def test_no_jump_from_invited_to_paid(collaboration, manager) -> None:
    with pytest.raises(ValidationError) as caught:
        change_stage(collaboration=collaboration, stage=S.PAID, actor=manager.user)
    message = " ".join(caught.value.messages)
    assert "cannot go from Invited to Paid" in message
    assert "Negotiating, Declined, Cancelled" in message
    collaboration.refresh_from_db()
    assert collaboration.stage == S.INVITED
    assert not AuditEvent.objects.filter(kind="collaboration.stage").exists()


def test_declining_or_cancelling_needs_a_reason_and_keeps_it(collaboration, manager) -> None:
    with pytest.raises(ValidationError) as caught:
        change_stage(collaboration=collaboration, stage=S.DECLINED, actor=manager.user)
    assert "reason" in caught.value.message_dict
    change_stage(
        collaboration=collaboration, stage=S.DECLINED, actor=manager.user, reason="Fully booked"
    )
    event = AuditEvent.objects.get(kind="collaboration.stage")
    assert event.reason == "Fully booked"
    # A declined creator can come back to the table.
    change_stage(collaboration=collaboration, stage=S.NEGOTIATING, actor=manager.user)


def test_an_unknown_stage_is_refused(collaboration, manager) -> None:
    with pytest.raises(ValidationError) as caught:
        change_stage(collaboration=collaboration, stage="famous", actor=manager.user)
    assert "not a collaboration stage" in " ".join(caught.value.messages)


def test_advance_if_allowed_moves_only_when_the_lifecycle_allows(collaboration) -> None:
    assert advance_if_allowed(collaboration=collaboration, stage=S.APPROVED, actor=None) is False
    assert advance_if_allowed(collaboration=collaboration, stage=S.NEGOTIATING, actor=None) is True
    collaboration.refresh_from_db()
    assert collaboration.stage == S.NEGOTIATING


def test_closed_and_cancelled_are_the_end_of_the_line(collaboration, manager) -> None:
    change_stage(collaboration=collaboration, stage=S.CANCELLED, actor=None, reason="Budget cut")
    with pytest.raises(ValidationError):
        change_stage(collaboration=collaboration, stage=S.NEGOTIATING, actor=None)
