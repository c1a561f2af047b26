"""The brand's service towards creators (PRODUCT.md "Service levels" and "Relationship health"):
median first-response time, median approval time, median days-to-pay, SLA attainment,
clarification rate and days content sits in review, for the whole workspace or grouped by
relationship owner, by creator or by month.

Durations are computed in the database (expressions on the clocks, the invoices and the reviews);
for the medians, one query per source fetches only ``(group, duration)`` pairs and the median is
taken in Python (the same way on SQLite and PostgreSQL). Counts (attainment, clarifications) are
aggregated in the database. :func:`service_levels` is five queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Count, ExpressionWrapper, F, FloatField, Q, QuerySet, Value
from django.db.models.functions import TruncMonth
from django.utils import timezone

from rapport.campaigns.models import Moment, Question, ReviewDecision, SlaClock
from rapport.campaigns.queries.sla import (
    Attainment,
    Epoch,
    Resolution,
    attainment,
    median_resolution,
)
from rapport.creators.models import Creator
from rapport.finance.models import Invoice
from rapport.finance.queries import days_to_pay
from rapport.performance.kpis import ratio
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import User, Workspace

HOUR = 3600.0
DAY = 86400.0
APPROVALS = (Moment.CONCEPT_APPROVAL, Moment.FINAL_APPROVAL)
# The periods the dashboard offers, in calendar months.
MONTH_CHOICES = (3, 6, 12)
# Medians are kept to a tenth of an hour or day: finer is noise.
TENTH = Decimal("0.1")


class GroupBy(StrEnum):
    """How the figures are split: not at all, by the relationship owner (the collaboration's
    owner), by creator, or by calendar month (in the workspace's time zone)."""

    ALL = "all"
    OWNER = "owner"
    CREATOR = "creator"
    MONTH = "month"


@dataclass(frozen=True)
class ServiceLevels:
    """How the brand served creators in one group; a median is ``None`` when nothing was
    measured, a rate ``None`` when its denominator is zero ("n/a")."""

    median_response_hours: Decimal | None = None
    median_approval_hours: Decimal | None = None
    median_days_to_pay: Decimal | None = None
    median_review_days: Decimal | None = None
    sla_met: int = 0
    sla_decided: int = 0
    questions: int = 0
    clarifications: int = 0

    @property
    def sla_attainment(self) -> Decimal | None:
        """Clocks met by their original deadline, over the clocks decided (fraction)."""
        return ratio(self.sla_met, self.sla_decided)

    @property
    def clarification_rate(self) -> Decimal | None:
        """Questions asking to clarify the brief, over all questions (fraction)."""
        return ratio(self.clarifications, self.questions)


@dataclass
class _Gathered:
    response: list[float] = field(default_factory=list)
    approval: list[float] = field(default_factory=list)
    pay: list[float] = field(default_factory=list)
    review: list[float] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def median(values: list[float]) -> Decimal | None:
    """The middle value (the mean of the two middle ones for an even count), to a tenth; None
    for no value."""
    if not values:
        return None
    return Decimal(str(statistics.median(values))).quantize(TENTH)


def _key(by: GroupBy, collaboration: str, moment: str, workspace: Workspace) -> Any:
    """The group expression of a row reached through ``collaboration`` and dated by ``moment``."""
    if by == GroupBy.OWNER:
        return F(f"{collaboration}__owner")
    if by == GroupBy.CREATOR:
        return F(f"{collaboration}__creator")
    if by == GroupBy.MONTH:
        return TruncMonth(moment, tzinfo=zone(workspace.time_zone))
    return Value(0)


def _scoped(
    qs: QuerySet[Any],
    *,
    moment: str,
    collaboration: str,
    since: dt.datetime | None,
    until: dt.datetime | None,
    creator_ids: list[int] | None,
) -> QuerySet[Any]:
    if since is not None:
        qs = qs.filter(**{f"{moment}__gte": since})
    if until is not None:
        qs = qs.filter(**{f"{moment}__lt": until})
    if creator_ids is not None:
        qs = qs.filter(**{f"{collaboration}__creator__in": creator_ids})
    return qs


def _month(value: Any) -> Any:
    """A month key as the first day of the month (SQLite and PostgreSQL give datetimes)."""
    return value.date() if isinstance(value, dt.datetime) else value


def service_levels(
    workspace: Workspace,
    *,
    by: GroupBy = GroupBy.ALL,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    creator_ids: Iterable[int] | None = None,
    now: dt.datetime | None = None,
) -> dict[Any, ServiceLevels]:
    """The brand's service levels of ``workspace`` grouped ``by`` (key: owner id or None,
    creator id, first day of the month, or 0 for everything), over what started in
    [``since``, ``until``) (all time without them), for ``creator_ids`` only when given.

    - response: start to stop of each stopped first-response clock, in hours;
    - approval: the same for concept and final approval clocks;
    - days-to-pay: each paid invoice's days-to-pay (``finance.queries.days_to_pay``);
    - review: submission to decision of each decided draft, in days;
    - SLA attainment: clocks stopped by their *original* deadline over clocks decided (stopped,
      or still running past the original deadline, which is a miss whatever a later deadline);
    - clarification rate: questions marked as asking to clarify the brief, over questions.

    Periods and months follow when each thing started: the clock, the invoice's receipt, the
    question, the draft. Five queries.
    """
    now = now or timezone.now()
    ids = None if creator_ids is None else list(creator_ids)
    gathered: dict[Any, _Gathered] = defaultdict(_Gathered)

    def scoped(qs: QuerySet[Any], moment: str, collaboration: str = "collaboration") -> Any:
        qs = _scoped(
            qs,
            moment=moment,
            collaboration=collaboration,
            since=since,
            until=until,
            creator_ids=ids,
        )
        return qs.annotate(key=_key(by, collaboration, moment, workspace))

    clocks = scoped(SlaClock.objects.filter(workspace=workspace), "started_at")
    hours = ExpressionWrapper(
        (Epoch("stopped_at") - Epoch("started_at")) / Value(HOUR), output_field=FloatField()
    )
    stopped = clocks.filter(
        stopped_at__isnull=False, moment__in=(Moment.FIRST_RESPONSE, *APPROVALS)
    ).values_list("key", "moment", hours)
    for key, moment, value in stopped:
        bucket = gathered[key]
        (bucket.response if moment == Moment.FIRST_RESPONSE else bucket.approval).append(value)

    met = Q(stopped_at__isnull=False, stopped_at__lte=F("original_due_at"))
    decided = Q(stopped_at__isnull=False) | Q(original_due_at__lt=now)
    for row in (
        clocks.filter(decided)
        .values("key")
        .annotate(met=Count("id", filter=met), decided=Count("id"))
        .order_by()
    ):
        gathered[row["key"]].counts |= {"sla_met": row["met"], "sla_decided": row["decided"]}

    paid = scoped(Invoice.objects.filter(workspace=workspace, paid_on__isnull=False), "received_at")
    for key, days in paid.annotate(days=days_to_pay(workspace)).values_list("key", "days"):
        gathered[key].pay.append(float(days))

    questions = scoped(Question.objects.filter(workspace=workspace), "received_at")
    for row in (
        questions.values("key")
        .annotate(
            questions=Count("id"), clarifications=Count("id", filter=Q(is_clarification=True))
        )
        .order_by()
    ):
        gathered[row["key"]].counts |= {
            "questions": row["questions"],
            "clarifications": row["clarifications"],
        }

    review = ExpressionWrapper(
        (Epoch("decided_at") - Epoch("submission__submitted_at")) / Value(DAY),
        output_field=FloatField(),
    )
    decisions = scoped(
        ReviewDecision.objects.filter(workspace=workspace),
        "submission__submitted_at",
        "submission__deliverable__collaboration",
    )
    for key, days in decisions.values_list("key", review):
        gathered[key].review.append(days)

    return {
        (_month(key) if by == GroupBy.MONTH else key): ServiceLevels(
            median_response_hours=median(g.response),
            median_approval_hours=median(g.approval),
            median_days_to_pay=median(g.pay),
            median_review_days=median(g.review),
            **g.counts,
        )
        for key, g in gathered.items()
    }


def month_starts(today: dt.date, months: int) -> list[dt.date]:
    """The first day of each of the last ``months`` calendar months, this one last."""
    starts = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


@dataclass(frozen=True)
class Group:
    """One row of a breakdown: who or what it is, and its service levels."""

    key: Any
    label: str
    levels: ServiceLevels


@dataclass(frozen=True)
class MomentRow:
    """One service moment: its attainment (met, missed) and median time to resolve."""

    attainment: Attainment
    median: Resolution | None


@dataclass(frozen=True)
class Dashboard:
    """The service dashboard: the last ``months`` calendar months, overall, per service moment,
    per relationship owner, per creator, and month by month."""

    months: int
    since: dt.datetime
    overall: ServiceLevels
    by_moment: list[MomentRow]
    by_owner: list[Group]
    by_creator: list[Group]
    trend: list[Group]


def dashboard(
    workspace: Workspace, *, months: int = 6, now: dt.datetime | None = None
) -> Dashboard:
    """Everything the service dashboard shows, over the last ``months`` calendar months (this
    one included) on the workspace's calendar. A fixed number of queries (24)."""
    now = now or timezone.now()
    tz = zone(workspace.time_zone)
    starts = month_starts(now.astimezone(tz).date(), months)
    since = dt.datetime.combine(starts[0], dt.time(0), tzinfo=tz)
    period: dict[str, Any] = {"since": since, "now": now}
    per_owner = service_levels(workspace, by=GroupBy.OWNER, **period)
    people = {
        user.pk: user.name or user.email
        for user in User.objects.filter(pk__in=[k for k in per_owner if k is not None])
    }
    per_creator = service_levels(workspace, by=GroupBy.CREATOR, **period)
    names = dict(
        Creator.objects.filter(
            workspace=workspace, pk__in=[k for k in per_creator if k]
        ).values_list("pk", "name")
    )
    per_month = service_levels(workspace, by=GroupBy.MONTH, **period)
    medians = {
        row.key: row for row in median_resolution(workspace, since=since, until=now, by="moment")
    }
    return Dashboard(
        months=months,
        since=since,
        overall=service_levels(workspace, **period).get(0, ServiceLevels()),
        by_moment=[
            MomentRow(attainment=row, median=medians.get(row.key))
            for row in attainment(workspace, since=since, until=now, by="moment", now=now)
        ],
        by_owner=sorted(
            (
                Group(key, people.get(key, "") if key is not None else "", levels)
                for key, levels in per_owner.items()
            ),
            key=lambda group: (group.key is None, group.label.lower()),
        ),
        by_creator=sorted(
            (Group(key, names[key], levels) for key, levels in per_creator.items() if key),
            key=lambda group: group.label.lower(),
        ),
        trend=[Group(start, "", per_month.get(start, ServiceLevels())) for start in starts],
    )
