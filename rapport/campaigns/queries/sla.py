"""Reads of service-level clocks: the running ones by state, a collaboration's, and the attainment
and resolution-time figures that the service-levels page and the reports share.

A clock's state depends on the time, so ``now`` is a parameter everywhere (tests pin it).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.campaigns.models import Collaboration, Moment, SlaClock
from rapport.campaigns.queries.listing import Listing
from rapport.campaigns.services.sla import DUE_SOON_SHARE, STATE_LABELS, ClockState, state_of
from rapport.workspaces.models import User, Workspace

RUNNING_STATES = (ClockState.BREACHED, ClockState.DUE_SOON, ClockState.RUNNING)
# Running clocks the service-levels page shows per state.
CAP = 50
Grouping = Literal["moment", "owner"]


class Epoch(Func):
    """A datetime column as seconds since 1970 (UTC), on PostgreSQL and SQLite alike: durations
    become plain numbers, which both databases divide and compare the same way."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "((julianday(%(expressions)s) - 2440587.5) * 86400.0)"
        return self.as_sql(compiler, connection, template=template, **extra)


def with_due_soon_at(qs: QuerySet[SlaClock]) -> QuerySet[SlaClock]:
    """Annotate ``due_soon_epoch``: when each clock turns due soon (seconds since 1970), computed
    in the database exactly as ``services.sla.due_soon_at`` computes it."""
    due = Epoch("due_at")
    since = Epoch(Coalesce("acknowledged_at", "started_at"))
    return qs.annotate(
        due_soon_epoch=ExpressionWrapper(
            due - (due - since) * Value(DUE_SOON_SHARE), output_field=FloatField()
        )
    )


def in_state(qs: QuerySet[SlaClock], state: str, now: dt.datetime) -> QuerySet[SlaClock]:
    """Clocks of ``qs`` in ``state`` at ``now`` (the same rule as ``services.sla.state_of``)."""
    if state == ClockState.MET:
        return qs.filter(stopped_at__isnull=False, stopped_at__lte=F("original_due_at"))
    if state == ClockState.MISSED:
        return qs.filter(stopped_at__isnull=False, stopped_at__gt=F("original_due_at"))
    running = qs.filter(stopped_at__isnull=True)
    if state == ClockState.BREACHED:
        return running.filter(due_at__lt=now)
    running = with_due_soon_at(running)
    if state == ClockState.DUE_SOON:
        return running.filter(
            LessThanOrEqual(F("due_soon_epoch"), now.timestamp()), due_at__gte=now
        )
    return running.filter(GreaterThan(F("due_soon_epoch"), now.timestamp()))


def clocks(
    workspace: Workspace,
    *,
    moment: str = "",
    state: str = "",
    owner: User | int | None = None,
    collaboration: Collaboration | int | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[SlaClock]:
    """The workspace's clocks with what a list shows of them, filtered, soonest due first."""
    qs = SlaClock.objects.filter(workspace=workspace).select_related(
        "owner", "acknowledged_by", "collaboration__creator", "collaboration__campaign"
    )
    if moment:
        qs = qs.filter(moment=moment)
    if owner is not None:
        qs = qs.filter(owner=owner)
    if collaboration is not None:
        qs = qs.filter(collaboration=collaboration)
    if state:
        qs = in_state(qs, state, now or timezone.now())
    return qs.order_by("due_at", "id")


def clock_for(workspace: Workspace, pk: int) -> SlaClock:
    """One clock of the workspace, or 404."""
    return get_object_or_404(clocks(workspace), pk=pk)


@dataclass(frozen=True)
class ClockRow:
    """A clock as a list shows it: its state at ``now`` and the creator's time zone."""

    clock: SlaClock
    state: ClockState
    creator_time_zone: str

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def acknowledged(self) -> bool:
        return self.clock.acknowledged_at is not None


def rows(
    workspace: Workspace, clocks_: list[SlaClock] | QuerySet[SlaClock], now: dt.datetime
) -> list[ClockRow]:
    """Each clock with its state (no query beyond the clocks' own, which select their creator)."""
    return [
        ClockRow(
            clock=clock,
            state=state_of(clock, now),
            creator_time_zone=(
                (clock.collaboration.creator.time_zone if clock.collaboration else "")
                or workspace.time_zone
            ),
        )
        for clock in clocks_
    ]


def running_by_state(
    workspace: Workspace,
    *,
    now: dt.datetime,
    moment: str = "",
    owner: User | int | None = None,
    only: str | None = None,
    limit: int = CAP,
    offset: int = 0,
) -> dict[ClockState, Listing[ClockRow]]:
    """The running clocks grouped breached, due soon, on track; each group soonest due first,
    ``limit`` rows from ``offset`` with the group's true count (with ``only``, a state, the other
    groups hold no rows). Two queries per group, whatever the number of clocks."""
    running = clocks(workspace, moment=moment, owner=owner)
    grouped: dict[ClockState, Listing[ClockRow]] = {}
    for state in RUNNING_STATES:
        qs = in_state(running, state, now)
        part = slice(offset, offset + limit) if only in (None, state) else slice(0, 0)
        grouped[state] = Listing(
            rows=rows(workspace, qs[part], now) if part.stop else [],
            count=qs.count(),
            offset=part.start,
        )
    return grouped


@dataclass(frozen=True)
class Attainment:
    """How often the promises of one moment (or one owner) were kept over a period."""

    key: str
    label: str
    met: int
    missed: int

    @property
    def total(self) -> int:
        return self.met + self.missed

    @property
    def percent(self) -> Decimal | None:
        """Met as a share of the decided clocks, in percent; None when none was decided."""
        if not self.total:
            return None
        return (Decimal(self.met) * 100 / self.total).quantize(Decimal("0.1"))


def _decided(
    workspace: Workspace, since: dt.datetime, until: dt.datetime, now: dt.datetime
) -> QuerySet[SlaClock]:
    """Clocks started in [since, until) that have a verdict: stopped ones, and running ones
    already past their original deadline (missed, whatever the new deadline says)."""
    return SlaClock.objects.filter(
        workspace=workspace, started_at__gte=since, started_at__lt=until
    ).filter(Q(stopped_at__isnull=False) | Q(original_due_at__lt=now))


def _group_label(by: Grouping, key: Any, row: dict[str, Any]) -> str:
    if by == "moment":
        return str(Moment(key).label)
    if key is None:
        return ""
    return str(row.get("owner__name") or row.get("owner__email") or "")


def attainment(
    workspace: Workspace,
    *,
    since: dt.datetime,
    until: dt.datetime,
    by: Grouping = "moment",
    now: dt.datetime | None = None,
) -> list[Attainment]:
    """SLA attainment per moment or per owner for clocks started in [since, until).

    A clock counts as met when it stopped on or before its *original* deadline (an acknowledged
    breach is still a miss); a running clock past its original deadline counts as missed; a
    running clock not yet due is left out. One query.
    """
    now = now or timezone.now()
    met = Q(stopped_at__isnull=False, stopped_at__lte=F("original_due_at"))
    fields = ["moment"] if by == "moment" else ["owner", "owner__name", "owner__email"]
    grouped = (
        _decided(workspace, since, until, now)
        .values(*fields)
        .annotate(met=Count("id", filter=met), total=Count("id"))
        .order_by(*fields)
    )
    result = [
        Attainment(
            key="" if row[fields[0]] is None else str(row[fields[0]]),
            label=_group_label(by, row[fields[0]], row),
            met=row["met"],
            missed=row["total"] - row["met"],
        )
        for row in grouped
    ]
    if by == "moment":
        order = list(Moment.values)
        result.sort(key=lambda item: order.index(item.key))
    return result


@dataclass(frozen=True)
class Resolution:
    """The median time the clocks of one moment (or owner) took from start to stop."""

    key: str
    label: str
    count: int
    median: dt.timedelta

    @property
    def median_text(self) -> str:
        return duration_text(self.median)


def duration_text(value: dt.timedelta) -> str:
    """A duration as people say it: "2 d 3 h", "5 h 20 min", "12 min"."""
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    return _("%(m)s min") % {"m": minutes}


def median_resolution(
    workspace: Workspace,
    *,
    since: dt.datetime,
    until: dt.datetime,
    by: Grouping = "moment",
) -> list[Resolution]:
    """Median time to resolve, per moment or per owner, of the clocks started in [since, until)
    that have stopped (median first-response time, median approval time, median days-to-pay)."""
    fields = ["moment"] if by == "moment" else ["owner", "owner__name", "owner__email"]
    stopped = SlaClock.objects.filter(
        workspace=workspace, started_at__gte=since, started_at__lt=until, stopped_at__isnull=False
    ).values(*fields, "started_at", "stopped_at")
    durations: dict[Any, list[dt.timedelta]] = defaultdict(list)
    labels: dict[Any, str] = {}
    for row in stopped:
        key = row[fields[0]]
        durations[key].append(row["stopped_at"] - row["started_at"])
        labels[key] = _group_label(by, key, row)
    result = [
        Resolution(
            key="" if key is None else str(key),
            label=labels[key],
            count=len(values),
            # The middle duration, or the mean of the two middle ones.
            median=statistics.median(values),  # type: ignore[type-var]
        )
        for key, values in durations.items()
    ]
    if by == "moment":
        order = list(Moment.values)
        result.sort(key=lambda item: order.index(item.key))
    else:
        result.sort(key=lambda item: item.label)
    return result
