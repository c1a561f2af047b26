"""A creator's relationship health: each rate at its edges (nothing to judge is n/a, never 0),
the score's rule, and a fixed number of queries whatever the number of creators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rapport.campaigns.models import CollabStage, Moment, OfferParty, OfferStatus
from rapport.performance.queries.health import CreatorHealth, creator_health, health_at, score
from rapport.performance.tests.health_helpers import (
    NOW,
    at,
    clock,
    countered_by_creator,
    deliverable,
    drafts,
    offer_round,
    survey,
)
from rapport.testing.factories import CampaignFactory, CollaborationFactory, CreatorFactory


def health_of(collaboration, now: dt.datetime = NOW) -> CreatorHealth:
    health, _service = health_at(collaboration.workspace, None, now=now)
    return health[collaboration.creator_id]


@pytest.fixture
def collab(workspace):
    creator = CreatorFactory.create(workspace=workspace, name="Maya", time_zone="America/New_York")
    return CollaborationFactory.create(
        campaign=CampaignFactory.create(workspace=workspace),
        creator=creator,
        stage=CollabStage.LIVE,
    )


def test_a_creator_with_nothing_to_judge_has_every_rate_unknown_and_no_score(collab):
    health = health_of(collab)
    assert health.collaborations == 1
    assert health.on_time_rate is None
    assert health.response_rate is None
    assert health.approval_rounds is None
    assert health.quality_score is None
    assert health.satisfaction is None
    assert health.open_to_new_formats is None
    assert health.median_response_hours is None
    assert health.sla_attainment is None
    assert health.score is None
    assert health.repeat is False


def test_on_time_is_judged_against_the_end_of_the_posting_day_in_the_creators_zone(collab):
    # Posting day 10 June in New York ends at 04:00 UTC on 11 June.
    day = dt.datetime(2025, 6, 10, 13, 0, tzinfo=dt.UTC)
    deliverable(collab, post_at=day, went_live_at=dt.datetime(2025, 6, 11, 3, 30, tzinfo=dt.UTC))
    deliverable(collab, post_at=day, went_live_at=dt.datetime(2025, 6, 11, 4, 30, tzinfo=dt.UTC))
    # Past its window's end and still not live: late, counted.
    deliverable(collab, post_at=at(days=-5), post_until=at(days=-2))
    # Not due yet, not live: not judged.
    deliverable(collab, post_at=at(days=3))
    # No posting date: not judged.
    deliverable(collab)
    assert health_of(collab).on_time_rate == Decimal(1) / 3


def test_a_post_inside_its_window_is_on_time_and_a_cancelled_collaboration_is_left_out(
    collab, workspace
):
    deliverable(collab, post_at=at(days=-10), post_until=at(days=-3), went_live_at=at(days=-4))
    cancelled = CollaborationFactory.create(
        campaign=CampaignFactory.create(workspace=workspace),
        creator=collab.creator,
        stage=CollabStage.CANCELLED,
    )
    deliverable(cancelled, post_at=at(days=-10))
    assert health_of(collab).on_time_rate == 1


def test_response_rate_counts_answers_to_the_brands_rounds(collab):
    offer_round(collab, status=OfferStatus.ACCEPTED)
    countered_by_creator(collab)
    # The brand sent a new round before any answer: this one went unanswered.
    offer_round(collab, status=OfferStatus.COUNTERED)
    # Still open after more than a week: unanswered.
    offer_round(collab, status=OfferStatus.SENT, sent=at(days=-8))
    health = health_of(collab)
    assert health.response_rate == Decimal(2) / 4


def test_response_rate_ignores_fresh_withdrawn_and_unsent_rounds(collab):
    offer_round(collab, status=OfferStatus.SENT, sent=at(days=-2))
    offer_round(collab, status=OfferStatus.WITHDRAWN)
    offer_round(collab, status=OfferStatus.DRAFT, sent=None)
    collab.offers.filter(status=OfferStatus.DRAFT).update(sent_at=None)
    offer_round(collab, status=OfferStatus.DECLINED, party=OfferParty.CREATOR)
    assert health_of(collab).response_rate is None
    offer_round(collab, status=OfferStatus.DECLINED)
    assert health_of(collab).response_rate == 1


def test_approval_rounds_are_drafts_per_reviewed_deliverable_and_quality_the_mean_rating(collab):
    drafts(deliverable(collab), count=3, rating=4)
    drafts(deliverable(collab), count=1, rating=5)
    drafts(deliverable(collab), count=2, decided=False)  # not reviewed yet: left out
    drafts(deliverable(collab), count=1, rating=None)  # reviewed, not rated
    health = health_of(collab)
    assert health.approval_rounds == Decimal("1.67")  # 5 drafts / 3 reviewed deliverables
    assert health.quality_score == Decimal("4.50")


def test_repeat_needs_two_collaborations_that_reached_agreed_terms(collab, workspace):
    other = CollaborationFactory.create(
        campaign=CampaignFactory.create(workspace=workspace),
        creator=collab.creator,
        stage=CollabStage.NEGOTIATING,
    )
    assert health_of(collab).repeat is False
    assert health_of(collab).collaborations == 1
    other.stage = CollabStage.CONTRACTED
    other.save()
    assert health_of(collab).repeat is True
    assert health_of(collab).collaborations == 2


def test_satisfaction_is_the_mean_answer_and_openness_the_latest(collab, workspace):
    second = CollaborationFactory.create(
        campaign=CampaignFactory.create(workspace=workspace),
        creator=collab.creator,
        stage=CollabStage.CLOSED,
    )
    third = CollaborationFactory.create(
        campaign=CampaignFactory.create(workspace=workspace),
        creator=collab.creator,
        stage=CollabStage.PAID,
    )
    survey(collab, satisfaction=5, open_to_new_formats=False, answered=at(days=-30))
    survey(second, satisfaction=4, open_to_new_formats=True, answered=at(days=-10))
    survey(third, satisfaction=4, open_to_new_formats=None, answered=at(days=-1))
    health = health_of(collab)
    assert health.satisfaction == Decimal("4.33")
    assert health.open_to_new_formats is True


def test_the_brands_service_to_the_creator_is_part_of_their_health(collab):
    collab.owner = None
    clock(collab, started=at(days=-10), hours=2)  # met
    clock(collab, started=at(days=-9), hours=30)  # missed
    clock(collab, moment=Moment.FINAL_APPROVAL, started=at(days=-8), hours=10, due_hours=48)
    health = health_of(collab)
    assert health.median_response_hours == Decimal("16.0")
    assert health.median_approval_hours == Decimal("10.0")
    assert health.sla_attainment == Decimal(2) / 3


def test_the_score_weighs_what_is_known():
    full = {
        "on_time_rate": Decimal(1),
        "quality_score": Decimal(5),
        "satisfaction": Decimal(5),
        "sla_attainment": Decimal(1),
        "response_rate": Decimal(1),
    }
    assert score(full) == 100
    assert score(full | {"quality_score": Decimal(1), "satisfaction": Decimal(1)}) == 55
    # Only on-time (30) and SLA attainment (15) known: 45 < 50, no score.
    assert score({"on_time_rate": Decimal(1), "sla_attainment": Decimal(1)}) is None
    # On-time (30) and quality (25): 55 known, re-weighted.
    assert score({"on_time_rate": Decimal("0.5"), "quality_score": Decimal(5)}) == Decimal(73)


def test_health_covers_creators_with_a_collaboration_in_this_workspace_only(
    collab, workspace, other_workspace
):
    CreatorFactory.create(workspace=workspace)  # no collaboration: not listed
    elsewhere = CollaborationFactory.create(
        campaign=CampaignFactory.create(workspace=other_workspace), stage=CollabStage.LIVE
    )
    survey(elsewhere, satisfaction=1)
    assert set(creator_health(workspace)) == {collab.creator_id}
    assert creator_health(workspace, [elsewhere.creator_id]) == {}


def test_health_takes_the_same_number_of_queries_for_one_creator_or_many(
    workspace, django_assert_num_queries
):
    def add_creator() -> None:
        collaboration = CollaborationFactory.create(
            campaign=CampaignFactory.create(workspace=workspace), stage=CollabStage.PAID
        )
        drafts(deliverable(collaboration, post_at=at(days=-9), went_live_at=at(days=-9)), count=2)
        survey(collaboration, satisfaction=4, open_to_new_formats=True)
        countered_by_creator(collaboration)
        clock(collaboration, started=at(days=-3), hours=1)

    add_creator()
    with django_assert_num_queries(11):
        assert len(creator_health(workspace)) == 1
    for _n in range(4):
        add_creator()
    with django_assert_num_queries(11):
        health = creator_health(workspace)
    assert len(health) == 5
    assert all(h.score is not None for h in health.values())
