"""Click counts per link, collaboration, campaign and creator, and a daily series.

Each count is one aggregate query: clicks by people (``human``) and by robots (``bots``) apart,
and ``visitors``: distinct visitor hashes among the people's clicks. The hash changes every UTC
day, so someone who clicks on three days counts three times; within a day, once.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from rapport.campaigns.models import Campaign
from rapport.creators.models import Creator
from rapport.tracking.models import Click, TrackingLink
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import Workspace


@dataclass(frozen=True)
class ClickCounts:
    """Clicks by people, clicks by robots, and distinct visitors (per day) among the people."""

    human: int = 0
    bots: int = 0
    visitors: int = 0


@dataclass(frozen=True)
class DailyClicks:
    """One day's clicks (in the workspace's time zone)."""

    day: dt.date
    human: int
    bots: int


def _measures() -> dict[str, Any]:
    people = Q(is_bot=False)
    return {
        "human": Count("id", filter=people),
        "bots": Count("id", filter=Q(is_bot=True)),
        "visitors": Count("visitor", filter=people & ~Q(visitor=""), distinct=True),
    }


def _counts(row: dict[str, Any]) -> ClickCounts:
    return ClickCounts(human=row["human"], bots=row["bots"], visitors=row["visitors"])


def _grouped(clicks: QuerySet[Click], key: str) -> dict[int, ClickCounts]:
    rows = clicks.order_by().values(key).annotate(**_measures())
    return {row[key]: _counts(row) for row in rows}


def link_counts(links: Iterable[TrackingLink | int]) -> dict[int, ClickCounts]:
    """Counts per link id, for every link given (zero counts for a link nobody clicked)."""
    ids = [link if isinstance(link, int) else link.pk for link in links]
    found = _grouped(Click.objects.filter(link_id__in=ids), "link_id")
    return {pk: found.get(pk, ClickCounts()) for pk in ids}


def _campaign_clicks(campaign: Campaign) -> QuerySet[Click]:
    return Click.objects.filter(
        workspace_id=campaign.workspace_id, link__collaboration__campaign=campaign
    )


def collaboration_counts(
    campaign: Campaign, *, collaboration_ids: Iterable[int] | None = None
) -> dict[int, ClickCounts]:
    """Counts per collaboration id of the campaign (those with clicks; or, given
    ``collaboration_ids``, exactly those, zero counts included)."""
    clicks = _campaign_clicks(campaign)
    if collaboration_ids is None:
        return _grouped(clicks, "link__collaboration_id")
    ids = list(collaboration_ids)
    found = _grouped(clicks.filter(link__collaboration_id__in=ids), "link__collaboration_id")
    return {pk: found.get(pk, ClickCounts()) for pk in ids}


def campaign_counts(campaign: Campaign) -> ClickCounts:
    """Counts over every link of the campaign."""
    return _counts(_campaign_clicks(campaign).aggregate(**_measures()))


def creator_counts(creator: Creator) -> ClickCounts:
    """Counts over every link of the creator, in every campaign."""
    clicks = Click.objects.filter(
        workspace_id=creator.workspace_id, link__collaboration__creator=creator
    )
    return _counts(clicks.aggregate(**_measures()))


def daily_clicks(target: TrackingLink | Campaign, days: int = 30) -> list[DailyClicks]:
    """Clicks per day over the last ``days`` days (today included) of a link or a campaign, in
    the workspace's time zone, with zero for days without clicks; oldest first."""
    workspace: Workspace = target.workspace
    tz = zone(workspace.time_zone)
    today = timezone.localdate(timezone=tz)
    first = today - dt.timedelta(days=days - 1)
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    if isinstance(target, TrackingLink):
        clicks = Click.objects.filter(link=target)
    else:
        clicks = _campaign_clicks(target)
    rows = (
        clicks.filter(at__gte=start)
        .annotate(day=TruncDate("at", tzinfo=tz))
        .order_by()
        .values("day")
        .annotate(
            human=Count("id", filter=Q(is_bot=False)), bots=Count("id", filter=Q(is_bot=True))
        )
    )
    by_day = {row["day"]: row for row in rows}
    series = []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        row = by_day.get(day, {"human": 0, "bots": 0})
        series.append(DailyClicks(day=day, human=row["human"], bots=row["bots"]))
    return series


@functools.cache
def _target_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    meta = TrackingLink._meta
    column = {field.attname: quote(str(field.column)) for field in meta.concrete_fields}
    table = quote(meta.db_table)
    # Only the model's own names go into the text; the slug is a parameter.
    return (
        f"SELECT {column['id']}, {column['workspace_id']}, {column['target_url']} "  # noqa: S608
        f"FROM {table} WHERE {column['slug']} = %s AND {column['is_active']} = %s"
    )


# Each worker process remembers the links it redirected for a few seconds, so a viral link costs
# one insert per click rather than a read and an insert. A link changed or turned off therefore
# takes up to TARGET_SECONDS to change in every worker (docs/operations/redirect.md).
TARGET_SECONDS = 30.0
TARGET_ENTRIES = 5000
_targets: dict[str, tuple[float, tuple[int, int, str] | None]] = {}


def forget_targets() -> None:
    """Empty this process's memory of link targets (tests, and after a link changes here)."""
    _targets.clear()


def redirect_target(slug: str) -> tuple[int, int, str] | None:
    """The id, workspace id and target address of the active link ``slug``, or None.

    One indexed lookup (slugs are unique) written out: on the redirect, compiling the ORM's
    query costs many times what running it does. Names come from the model. The answer is kept
    for ``TARGET_SECONDS`` in this process (an unknown slug's too, so guessing costs no reads).
    """
    now = time.monotonic()
    kept = _targets.get(slug)
    if kept is not None and kept[0] > now:
        return kept[1]
    with connection.cursor() as cursor:
        cursor.execute(_target_sql(connection.vendor), [slug, True])
        row = cursor.fetchone()
    found = (int(row[0]), int(row[1]), str(row[2])) if row else None
    if len(_targets) >= TARGET_ENTRIES:
        _targets.clear()
    _targets[slug] = (now + TARGET_SECONDS, found)
    return found
