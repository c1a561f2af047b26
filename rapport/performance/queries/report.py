"""A campaign's wrap report, assembled once for the page, the shared link, the exports and the API.

Every figure comes from :mod:`rapport.performance.queries.figures` (the one aggregation) and is
written by :func:`rapport.performance.kpis.show` with its definition from
:func:`rapport.performance.kpis.definition`; each creator's recommendation comes from
:mod:`rapport.performance.queries.recommendations`. The report is in one currency at a time: a
campaign with collaborations in several currencies has one report per currency, never a sum.

Assembling it runs a fixed number of queries whatever the number of collaborations and snapshots.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rapport.campaigns.models import Campaign, Collaboration, Experiment
from rapport.creators.models import Tier
from rapport.performance.kpis import LABELS, Figures, Kpis, definition, kpis, show
from rapport.performance.models import MetricSnapshot, Post
from rapport.performance.queries import figures as levels
from rapport.performance.queries.posts import figures_of
from rapport.performance.queries.recommendations import (
    Recommendation,
    cost_explanation,
    cost_metric,
    recommend,
    rules,
)
from rapport.performance.queries.snapshots import latest_snapshots

# The headline figures, in the order the report shows them.
HEADLINE = (
    "spend", "reach", "impressions", "views", "engagements", "er", "cpm", "cpv", "cpa",
    "conversions", "revenue", "roas",
)  # fmt: skip
# The columns of the per-creator table, after the creator and tier.
ROW_FIGURES = (
    "spend", "reach", "impressions", "views", "engagements", "conversions", "revenue", "er",
    "cpm", "cpv", "cpa", "roas",
)  # fmt: skip
# The latest figures shown for each top post.
POST_FIGURES = ("reach", "impressions", "views", "engagements")
TOP_POSTS = 5
# Dates on the "over time" charts: each is one pass over the campaign's posts.
SERIES_POINTS = 8
KPI_NAMES = frozenset(("er", "cpm", "cpv", "cpa", "cpe", "roas"))


@dataclass(frozen=True)
class Figure:
    """One figure as a reader sees it: its value (``None`` = n/a), how it is written, and what
    it means. The words are worked out when first read: a page shows a few rows of a report
    whose exports hold thousands."""

    name: str
    value: Decimal | int | None
    currency: str | None
    er_denominator: str

    @property
    def is_kpi(self) -> bool:
        return self.name in KPI_NAMES

    @property
    def label(self) -> str:
        return str(LABELS[self.name])

    @functools.cached_property
    def display(self) -> str:
        return show(self.name, self.value, self.currency)

    @property
    def definition(self) -> str:
        return _definition(self.name, self.er_denominator, translation.get_language())


@functools.cache
def _definition(name: str, er_denominator: str, language: str | None) -> str:
    # The language is part of the key: the same report is read in English and in French.
    return definition(name, er_denominator)


@dataclass(frozen=True)
class CreatorRow:
    """One collaboration of the campaign, with its figures and the recommendation for it."""

    collaboration_id: int
    creator_id: int
    creator: str
    tier: str
    tier_label: str
    figures: Figures
    kpis: Kpis
    cells: list[Figure]
    recommendation: Recommendation

    def cell(self, name: str) -> Figure:
        return next(cell for cell in self.cells if cell.name == name)


@dataclass(frozen=True)
class TopPost:
    """One of the campaign's most engaging posts, with its latest figures."""

    post_id: int
    url: str
    platform: str
    creator: str
    collected_on: dt.date
    cells: list[Figure]


@dataclass(frozen=True)
class TierMix:
    """What one tier of creators cost and brought in."""

    tier: str
    label: str
    figures: Figures
    cells: list[Figure]


@dataclass(frozen=True)
class Report:
    """A campaign's wrap report in one currency."""

    campaign: Campaign
    currency: str
    currencies: list[str]
    er_denominator: str
    totals: Figures
    kpis: Kpis
    headline: list[Figure]
    rows: list[CreatorRow]
    top_posts: list[TopPost]
    # ``None`` when the page loads it in a second request (:func:`report_series`).
    series: list[tuple[dt.date, Figures]] | None
    tiers: list[TierMix]
    learnings: list[Experiment]
    cost_metric: str
    cost_explanation: str
    rules: list[tuple[str, str]]
    generated_at: dt.datetime

    @property
    def result_metric(self) -> str:
        """The result the campaign's cost per result divides by: conversions or impressions."""
        return "conversions" if self.cost_metric == "cpa" else "impressions"

    def definitions(self) -> list[tuple[str, str]]:
        """Every figure the report shows, with its definition (for the exports)."""
        return [(str(LABELS[name]), self.headline_figure(name).definition) for name in HEADLINE]

    def headline_figure(self, name: str) -> Figure:
        return next(figure for figure in self.headline if figure.name == name)


def figure(name: str, figures: Figures, kpi: Kpis) -> Figure:
    """Figure ``name`` (a raw total or a KPI) of ``figures``, written and defined."""
    value = getattr(kpi, name) if name in KPI_NAMES else getattr(figures, name)
    return Figure(
        name=name, value=value, currency=figures.currency, er_denominator=kpi.er_denominator
    )


def report_currency(campaign: Campaign, currency: str | None, found: list[str]) -> str:
    """The currency to report in: the one asked for (it must be one the campaign has), else the
    campaign's own when it has figures in it, else the first found."""
    if currency:
        currency = currency.strip().upper()
        if currency not in found and currency != campaign.currency:
            raise ValidationError(
                {
                    "currency": _(
                        "This campaign has no collaborations in %(currency)s; choose one of: "
                        "%(found)s."
                    )
                    % {"currency": currency, "found": ", ".join(found) or campaign.currency}
                }
            )
        return currency
    if campaign.currency in found or not found:
        return campaign.currency
    return found[0]


def latest_with_engagements(posts: QuerySet[Post]) -> QuerySet[MetricSnapshot]:
    """The latest snapshot of each of ``posts``, with its engagements (an unknown part adding
    0) as ``engagement_count`` and its post, ordered by engagements, most first."""
    return (
        latest_snapshots(posts)
        .annotate(engagement_count=levels.engagements_expression())
        .order_by(F("engagement_count").desc(), "post_id")
        .select_related("post__collaboration__creator")
    )


def _top_posts(campaign: Campaign, currency: str) -> QuerySet[MetricSnapshot]:
    """The campaign's :data:`TOP_POSTS` posts with the most engagements in their latest
    snapshot (one query)."""
    posts = levels.counted_posts(campaign.workspace, currency=currency, campaign=campaign)
    return latest_with_engagements(posts)[:TOP_POSTS]


def _top_post(snapshot: MetricSnapshot, currency: str, er_denominator: str) -> TopPost:
    post = snapshot.post
    values = figures_of(snapshot)
    kpi = kpis(values, er_denominator)
    return TopPost(
        post_id=post.pk,
        url=post.url,
        platform=post.get_platform_display(),
        creator=post.collaboration.creator.name,
        collected_on=snapshot.collected_on,
        cells=[figure(name, values, kpi) for name in (*POST_FIGURES, "er")],
    )


def campaign_report(
    campaign: Campaign, *, currency: str | None = None, with_series: bool = True
) -> Report:
    """The wrap report of ``campaign`` in ``currency`` (see :func:`report_currency`).

    The figures of each collaboration are aggregated once in the database; the campaign's
    totals and the tier mix add those up (a few thousand rows at most, never the snapshots).
    Creators come most spend first. Without ``with_series`` the figures over time are left out
    (``series`` is ``None``): the page asks for them apart, see :func:`report_series`. Raises
    ``ValidationError({"currency": ...})`` for a currency the campaign does not use."""
    workspace = campaign.workspace
    found = levels.currencies(workspace, campaign=campaign)
    currency = report_currency(campaign, currency, found)
    er_denominator = campaign.er_denominator or workspace.er_denominator
    by_collaboration = levels.figures_by(
        workspace, level=levels.Level.COLLABORATION, currency=currency, campaign=campaign
    )
    whole = sum(by_collaboration.values(), Figures(currency=currency))
    whole_kpis = kpis(whole, er_denominator)
    metric = cost_metric(whole)

    collaborations = (
        Collaboration.objects.filter(campaign=campaign, pk__in=list(by_collaboration))
        .select_related("creator")
        .only("id", "creator__id", "creator__name", "creator__tier")
    )
    rows = []
    by_tier: dict[str, Figures] = {}
    tier_labels = {choice.value: str(choice.label) for choice in Tier}
    for collaboration in collaborations:
        values = by_collaboration[collaboration.pk]
        tier = collaboration.creator.tier
        by_tier[tier] = by_tier.get(tier, Figures(currency=currency)) + values
        kpi = kpis(values, er_denominator)
        rows.append(
            CreatorRow(
                collaboration_id=collaboration.pk,
                creator_id=collaboration.creator_id,
                creator=collaboration.creator.name,
                tier=tier,
                tier_label=tier_labels[tier],
                figures=values,
                kpis=kpi,
                cells=[figure(name, values, kpi) for name in ROW_FIGURES],
                recommendation=recommend(kpi, whole_kpis, metric),
            )
        )
    rows.sort(key=lambda row: (-row.figures.spend, row.creator, row.collaboration_id))
    tiers = []
    for choice in Tier:
        if choice.value in by_tier:
            values = by_tier[choice.value]
            kpi = kpis(values, er_denominator)
            tiers.append(
                TierMix(
                    tier=choice.value,
                    label=str(choice.label),
                    figures=values,
                    cells=[figure(name, values, kpi) for name in ROW_FIGURES],
                )
            )

    return Report(
        campaign=campaign,
        currency=currency,
        currencies=found,
        er_denominator=er_denominator,
        totals=whole,
        kpis=whole_kpis,
        headline=[figure(name, whole, whole_kpis) for name in HEADLINE],
        rows=rows,
        top_posts=[
            _top_post(snapshot, currency, er_denominator)
            for snapshot in _top_posts(campaign, currency)
        ],
        series=levels.series(
            workspace, campaign=campaign, currency=currency, points=SERIES_POINTS, whole=whole
        )
        if with_series
        else None,
        tiers=tiers,
        learnings=list(campaign.experiments.all()),
        cost_metric=metric,
        cost_explanation=cost_explanation(metric),
        rules=rules(metric),
        generated_at=timezone.now(),
    )


@dataclass(frozen=True)
class Series:
    """A campaign's figures over time in one currency, as the report's "over time" part shows
    them when it is loaded on its own."""

    currency: str
    er_denominator: str
    result_metric: str
    series: list[tuple[dt.date, Figures]]


def report_series(campaign: Campaign, *, currency: str | None = None) -> Series:
    """The figures over time of the campaign's report in ``currency`` (as
    :func:`campaign_report` chooses it); raises ``ValidationError`` as it does."""
    workspace = campaign.workspace
    currency = report_currency(campaign, currency, levels.currencies(workspace, campaign=campaign))
    whole = levels.totals(workspace, currency=currency, campaign=campaign)
    return Series(
        currency=currency,
        er_denominator=campaign.er_denominator or workspace.er_denominator,
        result_metric="conversions" if cost_metric(whole) == "cpa" else "impressions",
        series=levels.series(
            workspace, campaign=campaign, currency=currency, points=SERIES_POINTS, whole=whole
        ),
    )
