"""The portfolio: every creator by cost against outcome and by health, the tier mix of the
spend, and whom to deepen, keep, pause or test next, by rules the page prints.

One currency at a time, like every figure. A creator's *cost per result* is CPA when they have
attributed conversions, else CPM (:func:`~rapport.performance.queries.recommendations.
cost_metric`), and it is compared with the whole workspace's same figure: the *cost index* is the
creator's cost per result divided by the workspace's (below 1 is cheaper than usual). Health is
the relationship health score (:func:`~rapport.performance.queries.health.creator_health`).

The suggestion, tried in this order:

- **Deepen**: cost index below 1 (cheaper per result than the workspace) and health at least
  :data:`DEEPEN_HEALTH`;
- **Pause**: cost index at least :data:`PAUSE_COST_INDEX` (half again as costly per result) and
  health below :data:`PAUSE_HEALTH`;
- **Keep**: anything else, including a creator without a cost per result or a health score yet.

**Test next** lists the workspace's qualified creators who have never had a collaboration.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.creators.models import Creator, Stage, Tier
from rapport.performance.kpis import LABELS, Figures, kpis, ratio, show
from rapport.performance.queries import figures as levels
from rapport.performance.queries.explorer import clean_currency
from rapport.performance.queries.health import creator_health
from rapport.performance.queries.recommendations import cost_metric
from rapport.workspaces.models import Workspace

DEEPEN_HEALTH = Decimal(70)
PAUSE_HEALTH = Decimal(50)
PAUSE_COST_INDEX = Decimal("1.5")


class Suggestion(models.TextChoices):
    DEEPEN = "deepen", gettext_lazy("Deepen")
    KEEP = "keep", gettext_lazy("Keep")
    PAUSE = "pause", gettext_lazy("Pause")
    TEST_NEXT = "test_next", gettext_lazy("Test next")


def suggest(cost_index: Decimal | None, health: Decimal | None) -> Suggestion:
    """The suggestion for a creator with this cost index and health score (see the module)."""
    if cost_index is None or health is None:
        return Suggestion.KEEP
    if cost_index < 1 and health >= DEEPEN_HEALTH:
        return Suggestion.DEEPEN
    if cost_index >= PAUSE_COST_INDEX and health < PAUSE_HEALTH:
        return Suggestion.PAUSE
    return Suggestion.KEEP


def rules() -> list[tuple[str, str]]:
    """The rules in the order they are tried, as (suggestion, sentence) for the page."""
    return [
        (
            str(Suggestion.DEEPEN.label),
            _(
                "Cost per result lower than the workspace's and a health score of %(health)s "
                "or more."
            )
            % {"health": DEEPEN_HEALTH},
        ),
        (
            str(Suggestion.PAUSE.label),
            _(
                "Cost per result at least %(times)s times the workspace's and a health score "
                "under %(health)s."
            )
            % {"times": PAUSE_COST_INDEX, "health": PAUSE_HEALTH},
        ),
        (
            str(Suggestion.KEEP.label),
            _("Anything else, and creators without a cost per result or a health score yet."),
        ),
        (
            str(Suggestion.TEST_NEXT.label),
            _("Qualified creators who have never had a collaboration."),
        ),
    ]


@dataclass(frozen=True)
class Position:
    """Where one creator stands: their figures, cost per result, health and the suggestion."""

    creator_id: int
    name: str
    tier: str
    figures: Figures
    cost_metric: str
    cost: Decimal | None
    cost_index: Decimal | None
    er: Decimal | None
    health: Decimal | None
    suggestion: Suggestion

    @property
    def tier_label(self) -> str:
        return str(Tier(self.tier).label) if self.tier in Tier.values else self.tier

    @property
    def cost_text(self) -> str:
        """The cost per result as the page writes it, with its name: "CPA $50"."""
        return (
            f"{LABELS[self.cost_metric]} {show(self.cost_metric, self.cost, self.figures.currency)}"
        )


@dataclass(frozen=True)
class TierShare:
    """One tier's part of the spend and what it brought."""

    tier: str
    creators: int
    figures: Figures
    share: Decimal | None

    @property
    def share_percent(self) -> Decimal | None:
        """The share of the spend in percent, to one decimal."""
        return None if self.share is None else (self.share * 100).quantize(Decimal("0.1"))

    @property
    def label(self) -> str:
        return str(Tier(self.tier).label) if self.tier in Tier.values else self.tier


@dataclass(frozen=True)
class Candidate:
    """A qualified creator the workspace has not worked with yet."""

    creator_id: int
    name: str
    tier: str

    @property
    def tier_label(self) -> str:
        return str(Tier(self.tier).label) if self.tier in Tier.values else self.tier


@dataclass(frozen=True)
class Portfolio:
    currency: str
    currencies: list[str]
    er_denominator: str
    totals: Figures
    positions: list[Position] = field(default_factory=list)
    tiers: list[TierShare] = field(default_factory=list)
    test_next: list[Candidate] = field(default_factory=list)

    @property
    def summary(self) -> list[tuple[str, int]]:
        """How many creators each suggestion names, in the rules' order."""
        counts = {s: sum(1 for p in self.positions if p.suggestion == s) for s in Suggestion}
        counts[Suggestion.TEST_NEXT] = len(self.test_next)
        return [(str(s.label), counts[s]) for s in Suggestion]


def portfolio(workspace: Workspace, *, currency: str | None = None) -> Portfolio:
    """The workspace's creators in ``currency`` (the first of its currencies when blank):
    positions (biggest spend first), the tier mix and whom to test next. Raises
    ``ValidationError`` on ``currency`` for a currency without figures. A fixed number of
    queries: those of :func:`figures_by`, of :func:`creator_health`, and three more."""
    found = levels.currencies(workspace)
    money = clean_currency(currency, found)
    er_denominator = workspace.er_denominator
    test_next = [
        Candidate(c.pk, c.name, c.tier)
        for c in Creator.objects.filter(
            workspace=workspace, stage=Stage.QUALIFIED, collaborations__isnull=True
        )
        .order_by("name", "id")
        .only("pk", "name", "tier")
    ]
    if money is None:
        return Portfolio("", found, er_denominator, Figures(), test_next=test_next)
    by_creator = levels.figures_by(workspace, level=levels.Level.CREATOR, currency=money)
    total = sum(by_creator.values(), Figures(currency=money))
    health = creator_health(workspace, [int(key) for key in by_creator])
    creators = Creator.objects.filter(workspace=workspace, pk__in=list(by_creator)).only(
        "pk", "name", "tier"
    )
    benchmark = kpis(total, er_denominator)
    positions = []
    for creator in creators:
        figures = by_creator[creator.pk]
        own = kpis(figures, er_denominator)
        metric = cost_metric(figures)
        cost = getattr(own, metric)
        index = None if cost is None else ratio(cost, getattr(benchmark, metric))
        score = health[creator.pk].score if creator.pk in health else None
        positions.append(
            Position(
                creator_id=creator.pk,
                name=creator.name,
                tier=creator.tier,
                figures=figures,
                cost_metric=metric,
                cost=cost,
                cost_index=index,
                er=own.er,
                health=score,
                suggestion=suggest(index, score),
            )
        )
    positions.sort(key=lambda p: (-p.figures.spend, p.name.casefold()))
    return Portfolio(
        currency=money,
        currencies=found,
        er_denominator=er_denominator,
        totals=total,
        positions=positions,
        tiers=_tier_mix(positions, total),
        test_next=test_next,
    )


def _tier_mix(positions: list[Position], total: Figures) -> list[TierShare]:
    """Per tier, smallest first: creators, figures and share of the spend."""
    figures: dict[str, Figures] = defaultdict(lambda: Figures(currency=total.currency))
    creators: dict[str, int] = defaultdict(int)
    for position in positions:
        figures[position.tier] += position.figures
        creators[position.tier] += 1
    order = {tier: n for n, tier in enumerate(Tier.values)}
    return [
        TierShare(tier, creators[tier], figures[tier], ratio(figures[tier].spend, total.spend))
        for tier in sorted(figures, key=lambda t: order.get(t, len(order)))
    ]
