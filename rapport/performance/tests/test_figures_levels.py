"""The one aggregation: figures per level, in one currency, from each post's latest snapshot."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from rapport.campaigns.models import Campaign
from rapport.performance.kpis import Figures, MixedCurrencies, kpis, show
from rapport.performance.queries.figures import (
    Level,
    currencies,
    figures_by,
    labels,
    series,
    totals,
)
from rapport.performance.tests.figures_helpers import (
    bonus,
    clicks,
    collaboration,
    orders,
    post,
    snapshot,
)
from rapport.testing.factories import CampaignFactory
from rapport.workspaces.models import Workspace

TODAY = dt.date(2026, 4, 20)


@pytest.fixture
def campaign(workspace: Workspace) -> Campaign:
    return CampaignFactory.create(workspace=workspace, name="Spring glow", currency="USD")


def shown(figures: Figures, er: str = "reach") -> dict[str, str]:
    found = kpis(figures, er)
    return {
        name: show(name, getattr(found, name), figures.currency)
        for name in ("cpm", "cpv", "cpa", "cpe", "roas", "er")
    }


def test_one_video_for_2000_and_120000_impressions_is_a_cpm_of_16_67(
    workspace: Workspace, campaign: Campaign
) -> None:
    collab = collaboration(campaign, "2000.00")
    post(collab, platform="youtube", impressions=120_000)

    figures = totals(workspace, currency="USD", campaign=campaign)

    assert figures.spend == Decimal("2000.00")
    assert figures.impressions == 120_000
    assert shown(figures)["cpm"] == "$16.67"


def test_three_creators_give_the_seed_cpm_cpv_and_cpa(
    workspace: Workspace, campaign: Campaign
) -> None:
    for _ in range(3):
        collab = collaboration(campaign, "2500.00")
        post(collab, impressions=150_000, views=70_000)
        orders(collab, 50)

    figures = totals(workspace, currency="USD", campaign=campaign)
    by_creator = figures_by(workspace, level=Level.CREATOR, currency="USD", campaign=campaign)

    assert (figures.spend, figures.impressions, figures.views, figures.conversions) == (
        Decimal("7500.00"),
        450_000,
        210_000,
        150,
    )
    assert {k: v for k, v in shown(figures).items() if k in ("cpm", "cpv", "cpa")} == {
        "cpm": "$16.67",
        "cpv": "$0.036",
        "cpa": "$50",
    }
    assert len(by_creator) == 3
    assert sum((f for f in by_creator.values()), Figures(currency="USD")) == figures


def test_zero_denominators_are_not_available(workspace: Workspace, campaign: Campaign) -> None:
    collaboration(campaign, "900.00")

    figures = totals(workspace, currency="USD", campaign=campaign)

    assert figures.spend == Decimal("900.00")
    assert shown(figures) == {
        "cpm": "n/a",
        "cpv": "n/a",
        "cpa": "n/a",
        "cpe": "n/a",
        "er": "n/a",
        "roas": "0.00x",  # nothing earned yet on money spent
    }
    assert shown(Figures(currency="USD"))["roas"] == "n/a"


def test_other_currencies_are_not_in_this_currencys_figures(
    workspace: Workspace, campaign: Campaign
) -> None:
    euro_campaign = CampaignFactory.create(workspace=workspace, currency="EUR")
    dollars = collaboration(campaign, "1000.00")
    post(dollars, impressions=10_000)
    # A collaboration's own currency wins over its campaign's.
    euros_in_dollar_campaign = collaboration(campaign, "500.00", currency="EUR")
    post(euros_in_dollar_campaign, impressions=99_999)
    orders(euros_in_dollar_campaign, 2)
    euros = collaboration(euro_campaign, "700.00")
    post(euros, impressions=5_000)
    # An order in another currency than its collaboration's is not its revenue either.
    orders(dollars, 1, currency="EUR")

    usd = totals(workspace, currency="USD")
    eur = totals(workspace, currency="EUR")

    assert (usd.spend, usd.impressions, usd.conversions) == (Decimal("1000.00"), 10_000, 0)
    assert (eur.spend, eur.impressions, eur.conversions) == (Decimal("1200.00"), 104_999, 2)
    assert currencies(workspace) == ["USD", "EUR"]
    assert currencies(workspace, campaign=euro_campaign) == ["EUR"]
    with pytest.raises(MixedCurrencies):
        _ = usd + eur


def test_each_post_counts_once_from_its_latest_snapshot(
    workspace: Workspace, campaign: Campaign
) -> None:
    collab = collaboration(campaign, "100.00")
    first = post(collab)
    today = timezone.localdate()
    # Entered out of order: the later collection date wins, whenever it was entered.
    snapshot(first, collected_on=today, reach=5_000, likes=100)
    snapshot(first, collected_on=today - dt.timedelta(days=7), reach=1_000, likes=10)
    # Two sources on the same day: the most recently recorded wins.
    second = post(collab)
    earlier = timezone.now() - dt.timedelta(hours=2)
    snapshot(second, collected_on=today, source="api", recorded_at=earlier, reach=700)
    snapshot(second, collected_on=today, source="creator", reach=800, comments=5, saves=None)

    figures = totals(workspace, currency="USD", campaign=campaign)

    assert (figures.reach, figures.engagements) == (5_800, 105)
    assert shown(figures)["er"] == "1.81%"


def test_engagements_add_likes_comments_shares_and_saves_with_unknowns_as_zero(
    workspace: Workspace, campaign: Campaign
) -> None:
    collab = collaboration(campaign, "100.00")
    post(collab, likes=10, comments=None, shares=3, saves=2, impressions=1_000)

    figures = totals(workspace, currency="USD", campaign=campaign)

    assert figures.engagements == 15
    assert shown(figures)["cpe"] == "$6.667"
    assert shown(figures, "impressions")["er"] == "1.50%"


@pytest.mark.parametrize(("counts_product", "spend"), [(False, "800.00"), (True, "1000.00")])
def test_product_value_is_in_spend_only_when_the_campaign_says(
    workspace: Workspace, counts_product: bool, spend: str
) -> None:
    campaign = CampaignFactory.create(workspace=workspace, spend_includes_product=counts_product)
    collaboration(campaign, "1000.00", product_value=Decimal("200.00"))

    assert totals(workspace, currency="USD").spend == Decimal(spend)


def test_bonus_counts_in_spend_and_declined_or_cancelled_are_left_out(
    workspace: Workspace, campaign: Campaign
) -> None:
    earned = collaboration(campaign, "1000.00")
    bonus(earned, "250.00")
    collaboration(campaign, None)  # not agreed yet: 0
    for stage in ("declined", "cancelled"):
        gone = collaboration(campaign, "5000.00", stage=stage)
        post(gone, impressions=1_000_000)
        orders(gone, 3)
        clicks(gone, 4)

    figures = totals(workspace, currency="USD", campaign=campaign)

    assert (figures.spend, figures.impressions, figures.conversions, figures.clicks) == (
        Decimal("1250.00"),
        0,
        0,
        0,
    )


def test_conversions_revenue_and_clicks_come_from_attributed_orders_and_people(
    workspace: Workspace, campaign: Campaign
) -> None:
    collab = collaboration(campaign, "400.00")
    orders(collab, 3, revenue="50.00")
    orders(collab, 1, revenue="80.00", cancelled_at=timezone.now())
    orders(collab, 1, revenue="0.00", total="60.00", refunded=Decimal("60.00"))
    clicks(collab, people=5, bots=2)

    figures = totals(workspace, currency="USD", campaign=campaign)

    assert (figures.conversions, figures.revenue, figures.clicks) == (3, Decimal("150.00"), 5)
    assert shown(figures)["roas"] == "0.38x"


def test_each_level_has_its_own_keys(workspace: Workspace, campaign: Campaign) -> None:
    other = CampaignFactory.create(workspace=workspace, name="Autumn")
    nano = collaboration(campaign, "300.00", creator_fields={"tier": "nano"})
    micro = collaboration(other, "600.00", creator_fields={"tier": "micro"})
    reel = post(nano, platform="instagram", impressions=1_000)
    video = post(nano, platform="youtube", impressions=3_000)
    short = post(micro, platform="youtube", impressions=2_000)

    def keys(level: str) -> set[Any]:
        return set(figures_by(workspace, level=level, currency="USD"))

    assert keys(Level.POST) == {reel.pk, video.pk, short.pk}
    assert keys(Level.DELIVERABLE) == {
        reel.deliverable_id,
        video.deliverable_id,
        short.deliverable_id,
    }
    assert keys(Level.COLLABORATION) == {nano.pk, micro.pk}
    assert keys(Level.CREATOR) == {nano.creator_id, micro.creator_id}
    assert keys(Level.CAMPAIGN) == {campaign.pk, other.pk}
    assert keys(Level.TIER) == {"nano", "micro"}
    assert keys(Level.PLATFORM) == {"instagram", "youtube"}
    assert keys(Level.WORKSPACE) == {workspace.pk}
    assert labels(workspace, level=Level.TIER, keys=["micro"]) == {"micro": "Micro"}
    assert labels(workspace, level=Level.CAMPAIGN, keys=[other.pk]) == {other.pk: "Autumn"}


def test_post_levels_share_a_collaborations_money_equally(
    workspace: Workspace, campaign: Campaign
) -> None:
    collab = collaboration(campaign, "100.00")
    posts = [
        post(collab, platform=p, impressions=1_000) for p in ("instagram", "youtube", "tiktok")
    ]
    orders(collab, 4, revenue="10.00")
    clicks(collab, 2)

    by_post = figures_by(workspace, level=Level.POST, currency="USD")
    by_platform = figures_by(workspace, level=Level.PLATFORM, currency="USD")

    assert [by_post[p.pk].spend for p in posts] == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    assert [by_post[p.pk].conversions for p in posts] == [2, 1, 1]
    assert sum((f for f in by_post.values()), Figures(currency="USD")) == totals(
        workspace, currency="USD"
    )
    assert by_platform["youtube"].impressions == 1_000


def test_other_workspaces_figures_never_show(
    workspace: Workspace, other_workspace: Workspace, campaign: Campaign
) -> None:
    theirs = CampaignFactory.create(workspace=other_workspace)
    post(collaboration(theirs, "999.00"), impressions=1)

    assert totals(workspace, currency="USD") == Figures(currency="USD")
    assert figures_by(workspace, level=Level.CREATOR, currency="USD") == {}
    assert currencies(workspace) == []


@pytest.mark.parametrize("level", list(Level))
def test_a_level_takes_a_fixed_number_of_queries(
    workspace: Workspace, campaign: Campaign, level: str, django_assert_max_num_queries: Any
) -> None:
    for n in range(6):
        collab = collaboration(campaign, "100.00")
        made = post(collab, impressions=n)
        snapshot(made, collected_on=timezone.localdate() - dt.timedelta(days=3), impressions=1)
        orders(collab, 2)
        clicks(collab, 1)

    with django_assert_max_num_queries(5):
        found = figures_by(workspace, level=level, currency="USD")
    assert found


def test_series_shows_figures_as_known_on_each_date(
    workspace: Workspace, campaign: Campaign, django_assert_max_num_queries: Any
) -> None:
    today = timezone.localdate()
    collab = collaboration(campaign, "1000.00")
    made = post(collab)
    snapshot(made, collected_on=today - dt.timedelta(days=10), impressions=10_000)
    snapshot(made, collected_on=today - dt.timedelta(days=5), impressions=40_000)
    snapshot(made, collected_on=today, impressions=50_000)
    orders(collab, 1, placed_at=timezone.now() - dt.timedelta(days=8))
    orders(collab, 2, placed_at=timezone.now() - dt.timedelta(minutes=5))

    with django_assert_max_num_queries(6 + 6):
        points = series(workspace, campaign=campaign, currency="USD", points=6)

    assert [day for day, _f in points] == [
        today - dt.timedelta(days=d) for d in (10, 8, 6, 4, 2, 0)
    ]
    assert [f.impressions for _d, f in points] == [10_000, 10_000, 10_000, 40_000, 40_000, 50_000]
    assert [f.conversions for _d, f in points] == [0, 1, 1, 1, 1, 3]
    assert {f.spend for _d, f in points} == {Decimal("1000.00")}
    assert show("cpm", kpis(points[-1][1], "reach").cpm, "USD") == "$20"


def test_series_is_empty_before_any_post(workspace: Workspace, campaign: Campaign) -> None:
    collaboration(campaign, "1000.00")

    assert series(workspace, campaign=campaign, currency="USD") == []
