"""The brand's service levels from real rows: medians (odd and even counts), SLA attainment
against the original deadlines, days-to-pay, clarification rate, days in review, and the
groupings (owner, creator, month)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rapport.campaigns.models import CollabStage, Moment
from rapport.performance.queries.service import (
    GroupBy,
    ServiceLevels,
    dashboard,
    median,
    month_starts,
    service_levels,
)
from rapport.performance.tests.health_helpers import (
    NOW,
    at,
    clock,
    deliverable,
    drafts,
    invoice,
    question,
)
from rapport.testing.factories import CampaignFactory, CollaborationFactory, CreatorFactory


@pytest.fixture
def collab(workspace, manager):
    return CollaborationFactory.create(
        campaign=CampaignFactory.create(workspace=workspace),
        creator=CreatorFactory.create(workspace=workspace, name="Maya"),
        owner=manager.user,
        stage=CollabStage.LIVE,
    )


def everything(workspace) -> ServiceLevels:
    return service_levels(workspace, now=NOW)[0]


def test_nothing_measured_is_unknown_never_zero(workspace):
    levels = service_levels(workspace, now=NOW).get(0, ServiceLevels())
    assert levels.median_response_hours is None
    assert levels.median_days_to_pay is None
    assert levels.sla_attainment is None
    assert levels.clarification_rate is None
    assert levels.median_review_days is None


def test_median_of_an_odd_and_an_even_count():
    assert median([5.0, 1.0, 3.0]) == Decimal("3.0")
    assert median([4.0, 1.0, 3.0, 10.0]) == Decimal("3.5")
    assert median([]) is None


def test_median_first_response_odd_then_even(collab):
    for hours in (1, 9, 4):
        clock(collab, started=at(days=-5), hours=hours)
    clock(collab, started=at(days=-5))  # still running: no duration yet
    assert everything(collab.workspace).median_response_hours == Decimal("4.0")
    clock(collab, started=at(days=-5), hours=6)
    assert everything(collab.workspace).median_response_hours == Decimal("5.0")


def test_approval_time_takes_concept_and_final_clocks_only(collab):
    clock(collab, moment=Moment.CONCEPT_APPROVAL, started=at(days=-6), hours=20, due_hours=48)
    clock(collab, moment=Moment.FINAL_APPROVAL, started=at(days=-6), hours=40, due_hours=48)
    clock(collab, moment=Moment.SHIPPING, started=at(days=-6), hours=100)
    levels = everything(collab.workspace)
    assert levels.median_approval_hours == Decimal("30.0")
    assert levels.median_response_hours is None


def test_sla_attainment_is_judged_on_the_original_deadline(collab):
    clock(collab, started=at(days=-9), hours=20)  # met
    clock(collab, started=at(days=-9), hours=24)  # met, exactly on time
    # Missed, then acknowledged with a new deadline that was kept: still a miss.
    clock(collab, started=at(days=-9), hours=30, new_due_hours=48)
    # Running past its original deadline, new deadline still ahead: a miss already.
    clock(collab, started=at(days=-2), new_due_hours=24 * 5)
    # Running and not due yet: no verdict.
    clock(collab, started=at(hours=-2))
    levels = everything(collab.workspace)
    assert (levels.sla_met, levels.sla_decided) == (2, 4)
    assert levels.sla_attainment == Decimal("0.5")


def test_days_to_pay_is_the_median_over_paid_invoices(collab):
    invoice(collab, received=at(days=-40), paid_after_days=10)
    invoice(collab, received=at(days=-30), paid_after_days=20)
    invoice(collab, received=at(days=-20), paid_after_days=None)
    assert everything(collab.workspace).median_days_to_pay == Decimal("15.0")


def test_clarification_rate_and_days_in_review(collab):
    question(collab, received=at(days=-3), clarification=True)
    question(collab, received=at(days=-3))
    question(collab, received=at(days=-3))
    question(collab, received=at(days=-3))
    drafts(deliverable(collab), count=1, review_days=1)
    drafts(deliverable(collab), count=1, review_days=2.5)
    drafts(deliverable(collab), count=1, decided=False)
    levels = everything(collab.workspace)
    assert levels.clarification_rate == Decimal("0.25")
    assert levels.median_review_days == Decimal("1.8")  # (1 + 2.5) / 2 = 1.75, to a tenth


def test_groups_by_owner_creator_and_month(collab, workspace, member):
    other = CollaborationFactory.create(
        campaign=collab.campaign,
        creator=CreatorFactory.create(workspace=workspace, name="Omar"),
        owner=member("ops").user,
    )
    clock(collab, started=dt.datetime(2025, 5, 10, tzinfo=dt.UTC), hours=2)
    clock(other, started=dt.datetime(2025, 6, 10, tzinfo=dt.UTC), hours=8)
    clock(None, workspace=workspace, started=dt.datetime(2025, 6, 11, tzinfo=dt.UTC), hours=50)
    by_owner = service_levels(workspace, by=GroupBy.OWNER, now=NOW)
    assert by_owner[collab.owner_id].median_response_hours == Decimal("2.0")
    assert by_owner[other.owner_id].median_response_hours == Decimal("8.0")
    assert by_owner[None].median_response_hours == Decimal("50.0")
    by_creator = service_levels(workspace, by=GroupBy.CREATOR, now=NOW)
    assert by_creator[other.creator_id].sla_attainment == 1
    by_month = service_levels(workspace, by=GroupBy.MONTH, now=NOW)
    assert by_month[dt.date(2025, 5, 1)].median_response_hours == Decimal("2.0")
    assert by_month[dt.date(2025, 6, 1)].median_response_hours == Decimal("29.0")


def test_months_follow_the_workspaces_time_zone(collab, workspace):
    workspace.time_zone = "Asia/Tokyo"
    workspace.save()
    # 31 May 20:00 UTC is already 1 June in Tokyo.
    clock(collab, started=dt.datetime(2025, 5, 31, 20, tzinfo=dt.UTC), hours=3)
    assert list(service_levels(workspace, by=GroupBy.MONTH, now=NOW)) == [dt.date(2025, 6, 1)]


def test_the_dashboard_period_leaves_older_rows_out(collab, workspace):
    clock(collab, started=dt.datetime(2024, 11, 30, tzinfo=dt.UTC), hours=99)
    clock(collab, started=dt.datetime(2025, 1, 2, tzinfo=dt.UTC), hours=3)
    board = dashboard(workspace, months=6, now=NOW)
    assert [g.key for g in board.trend] == month_starts(NOW.date(), 6)
    assert board.trend[0].key == dt.date(2025, 1, 1)
    assert board.overall.median_response_hours == Decimal("3.0")
    assert [g.label for g in board.by_creator] == ["Maya"]
    assert [row.attainment.key for row in board.by_moment] == [Moment.FIRST_RESPONSE]


def test_month_starts_cross_the_year():
    assert month_starts(dt.date(2025, 2, 14), 3) == [
        dt.date(2024, 12, 1),
        dt.date(2025, 1, 1),
        dt.date(2025, 2, 1),
    ]


def test_another_workspaces_rows_never_count(collab, other_workspace):
    elsewhere = CollaborationFactory.create(
        campaign=CampaignFactory.create(workspace=other_workspace)
    )
    clock(elsewhere, started=at(days=-3), hours=70)
    clock(collab, started=at(days=-3), hours=1)
    assert everything(collab.workspace).median_response_hours == Decimal("1.0")
