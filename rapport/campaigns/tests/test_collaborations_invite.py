"""Inviting creators: do-not-contact and active exclusivity give warnings that need a reason;
creators already in the campaign are skipped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rapport.campaigns.models import Collaboration, CollabStage
from rapport.campaigns.services.collaborations import (
    InviteNeedsReason,
    active_exclusivities,
    invite_creators,
)
from rapport.creators.models import Stage
from rapport.testing.factories import CampaignFactory, CollaborationFactory, CreatorFactory
from rapport.workspaces.models import AuditEvent


def exclusive(creator, *, category="skincare", days=90, accepted_days_ago=10, stage="contracted"):
    """An accepted collaboration in another campaign with an exclusivity add-on."""
    accepted = timezone.now() - dt.timedelta(days=accepted_days_ago)
    return CollaborationFactory.create(
        campaign=CampaignFactory.create(workspace=creator.workspace, name="Winter care"),
        creator=creator,
        stage=stage,
        committed_cost="1000.00",
        currency="USD",
        terms={
            "base_fee": "1000.00",
            "currency": "USD",
            "accepted_at": accepted.isoformat(),
            "add_ons": [
                {
                    "kind": "exclusivity",
                    "fee": "200.00",
                    "category": category,
                    "competitors": ["Glossy"],
                    "window_days": days,
                    "channels": [],
                }
            ],
        },
    )


@pytest.fixture
def campaign(workspace, manager):
    return CampaignFactory.create(workspace=workspace, name="Summer glow", owner=manager.user)


def test_invites_new_creators_owned_by_their_owner_and_skips_those_already_in(
    campaign, workspace, manager, owner
) -> None:
    ava = CreatorFactory.create(workspace=workspace, name="Ava", owner=owner.user)
    noah = CreatorFactory.create(workspace=workspace, name="Noah")
    nora = CreatorFactory.create(workspace=workspace, name="Nora")
    CollaborationFactory.create(campaign=campaign, creator=nora)
    result = invite_creators(campaign=campaign, creators=[ava, noah, nora], actor=manager.user)
    assert sorted(c.creator.name for c in result.invited) == ["Ava", "Noah"]
    assert [c.name for c in result.already_in] == ["Nora"]
    owners = dict(
        Collaboration.objects.filter(campaign=campaign).values_list("creator__name", "owner")
    )
    # The creator's owner by default, else the campaign's.
    assert owners == {"Ava": owner.user.pk, "Noah": manager.user.pk, "Nora": None}
    assert all(c.stage == CollabStage.INVITED for c in result.invited)
    events = AuditEvent.objects.filter(kind="collaboration.invited")
    assert set(events.values_list("creator__name", flat=True)) == {"Ava", "Noah"}
    assert all(e.campaign_id == campaign.pk for e in events)


def test_do_not_contact_needs_a_reason_and_nothing_happens_without_it(
    campaign, workspace, manager
) -> None:
    ava = CreatorFactory.create(workspace=workspace, name="Ava")
    dnc = CreatorFactory.create(
        workspace=workspace,
        name="Zoe",
        stage=Stage.DO_NOT_CONTACT,
        do_not_contact_reason="Asked us to stop",
    )
    with pytest.raises(InviteNeedsReason) as caught:
        invite_creators(campaign=campaign, creators=[ava, dnc], actor=manager.user)
    assert caught.value.check.warned() == [(dnc, ["marked do-not-contact (Asked us to stop)"])]
    assert "Zoe" in " ".join(caught.value.messages)
    assert not Collaboration.objects.filter(campaign=campaign).exists()

    invite_creators(
        campaign=campaign, creators=[ava, dnc], actor=manager.user, reason="She wrote to us first"
    )
    zoe = Collaboration.objects.get(campaign=campaign, creator=dnc)
    assert zoe.invite_reason == "She wrote to us first"
    assert Collaboration.objects.get(campaign=campaign, creator=ava).invite_reason == ""
    event = AuditEvent.objects.get(kind="collaboration.invited", creator=dnc)
    assert event.reason == "She wrote to us first"
    assert event.changes["warnings"][1] == ["marked do-not-contact (Asked us to stop)"]


def test_an_active_exclusivity_elsewhere_is_a_warning(campaign, workspace, manager) -> None:
    noah = CreatorFactory.create(workspace=workspace, name="Noah")
    exclusive(noah)
    with pytest.raises(InviteNeedsReason) as caught:
        invite_creators(campaign=campaign, creators=[noah], actor=manager.user)
    ((creator, reasons),) = caught.value.check.warned()
    assert creator == noah
    assert reasons[0].startswith("exclusive on skincare for Winter care until ")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"accepted_days_ago": 100, "days": 90},  # the window has ended
        {"stage": "cancelled"},  # the collaboration fell through
    ],
)
def test_an_ended_or_cancelled_exclusivity_is_no_warning(campaign, workspace, manager, kwargs):
    noah = CreatorFactory.create(workspace=workspace, name="Noah")
    exclusive(noah, **kwargs)
    result = invite_creators(campaign=campaign, creators=[noah], actor=manager.user)
    assert len(result.invited) == 1 and result.warned == []


def test_the_same_campaigns_exclusivity_is_not_a_conflict(campaign, workspace) -> None:
    noah = CreatorFactory.create(workspace=workspace, name="Noah")
    other = exclusive(noah)
    assert (
        active_exclusivities(workspace=workspace, creators=[noah], exclude_campaign=other.campaign)
        == {}
    )


def test_inviting_nobody_is_refused(campaign, manager) -> None:
    with pytest.raises(ValidationError) as caught:
        invite_creators(campaign=campaign, creators=[], actor=manager.user)
    assert "creators" in caught.value.message_dict
