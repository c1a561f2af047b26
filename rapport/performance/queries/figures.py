"""The raw figures of every level, summed in the database: the one aggregation reports read.

Which collaborations count: the workspace's (and the campaign's, when one is given) whose money
currency (the collaboration's ``currency``, else its campaign's) is the asked currency, and whose
stage is neither declined nor cancelled. One currency at a time: a collaboration in another
currency is not in this currency's figures at all.

- Spend of a collaboration = committed cost (0 when not set) less the seeded product's value,
  plus that value again when the campaign counts product in spend, plus its bonus line (any
  status).
- Reach, impressions, views and engagements (likes + comments + shares + saves, an unknown figure
  adding 0) come from each post's latest snapshot (:mod:`rapport.performance.queries.snapshots`).
- Conversions and revenue: the collaboration's attributed orders that count as converted
  (``tracking.queries.orders.CONVERTED``) in the collaboration's currency.
- Clicks: clicks by people (not bots) on the collaboration's tracking links.

Levels grouped by collaboration (collaboration, creator, campaign, tier, workspace) sum every
figure by their key in the database. At the post, deliverable and platform levels spend,
conversions, revenue and clicks are only known per collaboration: each collaboration's are shared
equally among its posts (to the cent, the remainder going to its first posts, so the parts add up
to the whole), and a collaboration without any post yet appears in no row at those levels.

Every function runs a fixed number of queries whatever the number of rows, and never reads a
snapshot into Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.campaigns.models import Campaign, Collaboration, CollabStage, Deliverable
from rapport.creators.models import Creator, Platform, Tier
from rapport.performance.kpis import Figures
from rapport.performance.models import ENGAGEMENT_PARTS, MetricSnapshot, Post
from rapport.performance.queries.snapshots import latest_snapshots
from rapport.tracking.models import Click, Order
from rapport.tracking.queries.orders import CONVERTED
from rapport.tracking.services.orders import CENT
from rapport.workspaces.models import Workspace

# Collaborations in these stages never committed money and are left out of every figure.
LEFT_OUT = (CollabStage.DECLINED, CollabStage.CANCELLED)
# A group's key: an id, or a tier or platform code.
Key = int | str
MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY)


class Level(models.TextChoices):
    """What one row of a report stands for."""

    POST = "post", _("Post")
    DELIVERABLE = "deliverable", _("Deliverable")
    COLLABORATION = "collaboration", _("Collaboration")
    CREATOR = "creator", _("Creator")
    CAMPAIGN = "campaign", _("Campaign")
    TIER = "tier", _("Tier")
    PLATFORM = "platform", _("Platform")
    WORKSPACE = "workspace", _("Workspace")


# Key of each level grouped by collaboration, as a path from a collaboration.
BY_COLLABORATION = {
    Level.COLLABORATION: "id",
    Level.CREATOR: "creator_id",
    Level.CAMPAIGN: "campaign_id",
    Level.TIER: "creator__tier",
    Level.WORKSPACE: "workspace_id",
}
# Key of each level grouped by post, as a path from a post.
BY_POST = {Level.POST: "id", Level.DELIVERABLE: "deliverable_id", Level.PLATFORM: "platform"}
# The levels whose spend, conversions, revenue and clicks are shares of their collaborations'.
SHARED_LEVELS = frozenset(BY_POST)
# Said with every money-based figure at those levels.
SHARED_NOTE = _(
    "At this level, each collaboration's spend, conversions, revenue and clicks are shared "
    "equally among its posts."
)


def money_currency(prefix: str = "") -> Coalesce:
    """The currency a collaboration's money is in: its own, else its campaign's."""
    return Coalesce(
        NullIf(F(f"{prefix}currency"), Value("")),
        F(f"{prefix}campaign__currency"),
        output_field=CharField(),
    )


def counted(
    workspace: Workspace, *, currency: str, campaign: Campaign | None = None, prefix: str = ""
) -> Q:
    """The condition on collaborations (reached through ``prefix``, such as ``"collaboration__"``)
    that count in ``currency``'s figures of ``workspace`` (and ``campaign``)."""
    own = Q(**{f"{prefix}currency": currency}) | (
        Q(**{f"{prefix}currency": ""}) & Q(**{f"{prefix}campaign__currency": currency})
    )
    condition = (
        Q(**{f"{prefix}workspace_id": workspace.pk}) & own & ~Q(**{f"{prefix}stage__in": LEFT_OUT})
    )
    if campaign is not None:
        condition &= Q(**{f"{prefix}campaign_id": campaign.pk})
    return condition


def spend_expression(prefix: str = "", *, with_bonus: bool = True) -> Any:
    """A collaboration's spend as a database expression (see the module's docstring); without
    ``with_bonus``, what it costs before any bonus."""
    committed = Coalesce(F(f"{prefix}committed_cost"), ZERO, output_field=MONEY)
    without_product = Case(
        When(**{f"{prefix}campaign__spend_includes_product": True}, then=committed),
        default=committed - F(f"{prefix}product_value"),
        output_field=MONEY,
    )
    if not with_bonus:
        return without_product
    bonus = Coalesce(F(f"{prefix}bonus_line__amount"), ZERO, output_field=MONEY)
    return without_product + bonus


def spend_before_bonus(collaboration: Collaboration) -> Decimal:
    """What ``collaboration`` costs before any bonus, by the same rule as the reports' spend:
    the spend a bonus ladder's CPA divides (a bonus cannot pay for itself). One query."""
    spend = (
        Collaboration.objects.filter(pk=collaboration.pk)
        .annotate(spend=spend_expression(with_bonus=False))
        .values_list("spend", flat=True)
        .get()
    )
    return _cents(spend)


def engagements_expression(prefix: str = "") -> Any:
    """Likes + comments + shares + saves of a snapshot (reached through ``prefix``) as a database
    expression, an unknown part adding 0: the one place engagements are summed in SQL."""
    parts = [Coalesce(F(f"{prefix}{name}"), 0) for name in ENGAGEMENT_PARTS]
    total: Any = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def _cents(amount: Decimal | None) -> Decimal:
    # SQLite's sum drops the scale (100 for 100.00): give the cents back.
    return (amount or Decimal(0)).quantize(CENT)


@dataclass
class _Money:
    """What one group's collaborations cost and brought in."""

    spend: Decimal = Decimal(0)
    conversions: int = 0
    revenue: Decimal = Decimal(0)
    clicks: int = 0


def _money_by(
    workspace: Workspace, *, currency: str, campaign: Campaign | None, key: str
) -> dict[Any, _Money]:
    """Spend, conversions, revenue and clicks grouped by ``key`` (a path from a collaboration):
    three queries."""
    found: dict[Any, _Money] = defaultdict(_Money)
    spends = (
        Collaboration.objects.filter(counted(workspace, currency=currency, campaign=campaign))
        .order_by()
        .values(group=F(key))
        .annotate(spend=Sum(spend_expression(), output_field=MONEY))
    )
    for row in spends:
        found[row["group"]].spend = _cents(row["spend"])
    orders = (
        Order.objects.filter(
            counted(workspace, currency=currency, campaign=campaign, prefix="collaboration__"),
            CONVERTED,
            workspace_id=workspace.pk,
            currency=currency,
        )
        .order_by()
        .values(group=F(f"collaboration__{key}"))
        .annotate(converted=Count("id"), earned=Sum("revenue"))
    )
    for order_row in orders:
        found[order_row["group"]].conversions = order_row["converted"]
        found[order_row["group"]].revenue = _cents(order_row["earned"])
    clicks = (
        Click.objects.filter(
            counted(
                workspace, currency=currency, campaign=campaign, prefix="link__collaboration__"
            ),
            workspace_id=workspace.pk,
            is_bot=False,
        )
        .order_by()
        .values(group=F(f"link__collaboration__{key}"))
        .annotate(clicks=Count("id"))
    )
    for click_row in clicks:
        found[click_row["group"]].clicks = click_row["clicks"]
    return found


def counted_posts(
    workspace: Workspace, *, currency: str, campaign: Campaign | None = None
) -> QuerySet[Post]:
    """The posts of the collaborations that count in ``currency``."""
    return Post.objects.filter(
        counted(workspace, currency=currency, campaign=campaign, prefix="collaboration__"),
        workspace_id=workspace.pk,
    )


def _count_sums() -> dict[str, Any]:
    return {
        "reach": Coalesce(Sum("reach"), 0),
        "impressions": Coalesce(Sum("impressions"), 0),
        "views": Coalesce(Sum("views"), 0),
        "engagements": Coalesce(Sum(engagements_expression()), 0),
    }


def _counts_by(posts: QuerySet[Post], key: str) -> Any:
    """Reach, impressions, views and engagements of each post's latest snapshot, summed by
    ``key`` (a path from a post); one query."""
    return (
        latest_snapshots(posts).order_by().values(group=F(f"post__{key}")).annotate(**_count_sums())
    )


def _share(total: Decimal | int, parts: int, index: int) -> Any:
    """Part ``index`` of ``total`` shared equally in ``parts`` (to the cent for money, whole
    numbers for counts); the remainder goes to the first parts so they add up to ``total``."""
    unit: Decimal | int = CENT if isinstance(total, Decimal) else 1
    steps = int(Decimal(total) / Decimal(unit))
    base, remainder = divmod(steps, parts)
    count = base + (1 if index < remainder else 0)
    return count * unit if isinstance(total, int) else (Decimal(count) * CENT).quantize(CENT)


def figures_by(
    workspace: Workspace, *, level: str, currency: str, campaign: Campaign | None = None
) -> dict[Key, Figures]:
    """The figures in ``currency`` of each group of ``level`` (a :class:`Level`), keyed by the
    group's id (tier and platform: their code; workspace: the workspace's id). A group with
    nothing to count is absent. Four or five queries."""
    level = Level(level)
    currency = currency.upper()
    posts = counted_posts(workspace, currency=currency, campaign=campaign)
    if level not in SHARED_LEVELS:
        key = BY_COLLABORATION[level]
        money = _money_by(workspace, currency=currency, campaign=campaign, key=key)
        counts = {row["group"]: row for row in _counts_by(posts, f"collaboration__{key}")}
        return {
            group: _figures(currency, money.get(group, _Money()), counts.get(group))
            for group in sorted(set(money) | set(counts), key=_order)
        }
    money = _money_by(workspace, currency=currency, campaign=campaign, key="id")
    key = BY_POST[level]
    shares: dict[Key, _Money] = defaultdict(_Money)
    rows = list(posts.order_by("collaboration_id", "id").values_list("collaboration_id", key))
    per_collaboration: dict[int, int] = defaultdict(int)
    for collaboration_id, _group in rows:
        per_collaboration[collaboration_id] += 1
    seen: dict[int, int] = defaultdict(int)
    for collaboration_id, group in rows:
        whole = money.get(collaboration_id, _Money())
        parts, index = per_collaboration[collaboration_id], seen[collaboration_id]
        seen[collaboration_id] += 1
        share = shares[group]
        share.spend += _share(whole.spend, parts, index)
        share.conversions += _share(whole.conversions, parts, index)
        share.revenue += _share(whole.revenue, parts, index)
        share.clicks += _share(whole.clicks, parts, index)
    counts = {row["group"]: row for row in _counts_by(posts, key)}
    return {
        group: _figures(currency, shares[group], counts.get(group))
        for group in sorted(shares, key=_order)
    }


def _order(group: Any) -> tuple[str, Any]:
    return (type(group).__name__, group)


def _figures(currency: str, money: _Money, counts: dict[str, Any] | None) -> Figures:
    counts = counts or {}
    return Figures(
        currency=currency,
        spend=money.spend,
        reach=counts.get("reach", 0),
        impressions=counts.get("impressions", 0),
        views=counts.get("views", 0),
        engagements=counts.get("engagements", 0),
        conversions=money.conversions,
        revenue=money.revenue,
        clicks=money.clicks,
    )


def totals(workspace: Workspace, *, currency: str, campaign: Campaign | None = None) -> Figures:
    """All the figures in ``currency`` of ``workspace`` (or of ``campaign``) as one group."""
    found = figures_by(workspace, level=Level.WORKSPACE, currency=currency, campaign=campaign)
    return found.get(workspace.pk, Figures(currency=currency.upper()))


def currencies(workspace: Workspace, *, campaign: Campaign | None = None) -> list[str]:
    """The currencies the workspace's (or campaign's) counted collaborations are in: the
    workspace's default currency first when present, then the others alphabetically. One query."""
    found = set(
        Collaboration.objects.filter(workspace_id=workspace.pk)
        .exclude(stage__in=LEFT_OUT)
        .filter(**({"campaign_id": campaign.pk} if campaign is not None else {}))
        .order_by()
        .values_list(money_currency(), flat=True)
        .distinct()
    )
    default = workspace.default_currency
    return ([default] if default in found else []) + sorted(found - {default})


def series(
    workspace: Workspace,
    *,
    campaign: Campaign,
    currency: str,
    points: int = 12,
    whole: Figures | None = None,
) -> list[tuple[dt.date, Figures]]:
    """The campaign's figures as they were known on ``points`` dates spread evenly from its
    first post (or first collection) to today, or to its end date (or its last collection, if
    later) when it ended before today.

    On each date: reach, impressions, views and engagements from each post's latest snapshot
    collected on or before that date; conversions and revenue of the orders placed up to the end
    of that day (the current time zone). Spend and clicks are the campaign's whole spend and
    clicks on every date, so a cost-per figure falls as results come in. An empty list when the
    campaign has no post yet. ``whole`` is the campaign's totals when the caller has them
    already. ``points + 6`` queries (``points + 2`` with ``whole``)."""
    currency = currency.upper()
    posts = counted_posts(workspace, currency=currency, campaign=campaign)
    # Each post's first and last collection dates by index seeks, not a scan of its snapshots.
    dates_of = MetricSnapshot.objects.filter(post=OuterRef("pk")).values("collected_on")
    bounds = posts.annotate(
        first_on=Subquery(dates_of.order_by("collected_on")[:1]),
        last_on=Subquery(dates_of.order_by("-collected_on")[:1]),
    ).aggregate(first=Min("first_on"), last=Max("last_on"), first_post=Min("posted_at"))
    first_post = bounds["first_post"]
    zone = timezone.get_current_timezone()
    starts = [
        day
        for day in (
            bounds["first"],
            timezone.localtime(first_post, zone).date() if first_post else None,
        )
        if day is not None
    ]
    if not starts:
        return []
    today = timezone.localdate()
    end = today
    if campaign.ends_on is not None and campaign.ends_on < today:
        end = max(campaign.ends_on, bounds["last"] or campaign.ends_on)
    start = min(min(starts), end)
    dates = _spread(start, end, points)
    if whole is None:
        whole = totals(workspace, currency=currency, campaign=campaign)
    order_counts = _orders_until(workspace, currency=currency, campaign=campaign, dates=dates)
    found = []
    for index, day in enumerate(dates):
        counts = latest_snapshots(posts, as_of=day).aggregate(**_count_sums())
        money = _Money(
            spend=whole.spend,
            conversions=order_counts[f"converted_{index}"],
            revenue=_cents(order_counts[f"earned_{index}"]),
            clicks=whole.clicks,
        )
        found.append((day, _figures(currency, money, counts)))
    return found


def _spread(start: dt.date, end: dt.date, points: int) -> list[dt.date]:
    """``points`` dates from ``start`` to ``end`` inclusive, evenly spaced, without repeats."""
    span = (end - start).days
    if points <= 1 or span == 0:
        return [end]
    return sorted(
        {start + dt.timedelta(days=round(span * i / (points - 1))) for i in range(points)}
    )


def _orders_until(
    workspace: Workspace, *, currency: str, campaign: Campaign, dates: Iterable[dt.date]
) -> dict[str, Any]:
    """Converted orders and their revenue placed up to the end of each date: one query."""
    zone = timezone.get_current_timezone()
    aggregates: dict[str, Any] = {}
    for index, day in enumerate(dates):
        until = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        aggregates[f"converted_{index}"] = Count("id", filter=Q(placed_at__lt=until))
        aggregates[f"earned_{index}"] = Sum("revenue", filter=Q(placed_at__lt=until))
    return Order.objects.filter(
        counted(workspace, currency=currency, campaign=campaign, prefix="collaboration__"),
        CONVERTED,
        workspace_id=workspace.pk,
        currency=currency,
    ).aggregate(**aggregates)


def labels(workspace: Workspace, *, level: str, keys: Iterable[Key]) -> dict[Key, str]:
    """What to call each group of ``level`` on a page or in a file: at most one query."""
    keys = list(keys)
    ids = [key for key in keys if isinstance(key, int)]
    level = Level(level)
    if level == Level.TIER:
        return {key: str(Tier(key).label) if key in Tier.values else str(key) for key in keys}
    if level == Level.PLATFORM:
        return {
            key: str(Platform(key).label) if key in Platform.values else str(key) for key in keys
        }
    if level == Level.WORKSPACE:
        return dict.fromkeys(keys, workspace.name)
    if level == Level.CREATOR:
        creators = Creator.objects.filter(workspace_id=workspace.pk, pk__in=ids)
        return {c.pk: c.name for c in creators.only("pk", "name")}
    if level == Level.CAMPAIGN:
        campaigns = Campaign.objects.filter(workspace_id=workspace.pk, pk__in=ids)
        return {c.pk: c.name for c in campaigns.only("pk", "name")}
    if level == Level.COLLABORATION:
        collaborations = Collaboration.objects.filter(workspace_id=workspace.pk, pk__in=ids)
        return {
            c.pk: f"{c.creator.name} · {c.campaign.name}"
            for c in collaborations.select_related("creator", "campaign")
        }
    if level == Level.DELIVERABLE:
        deliverables = Deliverable.objects.filter(workspace_id=workspace.pk, pk__in=ids)
        return {
            d.pk: f"{d.collaboration.creator.name} · {d}"
            for d in deliverables.select_related("collaboration__creator")
        }
    posts = Post.objects.filter(workspace_id=workspace.pk, pk__in=ids)
    return {p.pk: p.url for p in posts.only("pk", "url")}
