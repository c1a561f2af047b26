"""The weekly view (PRODUCT.md "The weekly rhythm"), computed live for the week around ``now`` in
the viewer's time zone, and what is due today or overdue for one member.

Each list holds at most ``limit`` rows (from ``offset``) with its true count, counted in SQL; the
recaps' next steps are worked out only for the rows held. The lists hold everyone's rows, or one
member's (:class:`Mine`). The query count is the same whatever the number of rows: the page and
``/api/v1/weekly`` read the same :class:`WeeklyView`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.utils import formats
from django.utils.translation import gettext as _

from rapport.campaigns.models import (
    ApprovalStage,
    Campaign,
    Collaboration,
    CollabStage,
    Deliverable,
    ReviewDecision,
    Shipment,
    ShipmentStatus,
    SlaClock,
    Submission,
    Verdict,
)
from rapport.campaigns.queries.listing import Listing
from rapport.campaigns.queries.reviews import newer_versions
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import AuditEvent, User, Workspace
from rapport.workspaces.roles import Perm, role_allows

S = CollabStage
# Collaborations whose work is still going on (deliverables, reviews and shipments matter).
OPEN_STAGES = tuple(s for s in S.values if s not in (S.DECLINED, S.CANCELLED, S.CLOSED))
# The creators who get an end-of-week recap: contracted up to live.
ACTIVE_STAGES = (
    S.CONTRACTED,
    S.BRIEFED,
    S.PRODUCT_SHIPPED,
    S.IN_PRODUCTION,
    S.IN_REVIEW,
    S.APPROVED,
    S.LIVE,
)
NOT_ARRIVED = (ShipmentStatus.DRAFT, ShipmentStatus.LABEL_CREATED, ShipmentStatus.SHIPPED)
EARLY_PERFORMANCE_DAYS = 7
RECAP_SENT = "collaboration.recap_sent"
# Rows each list holds on the weekly page (and the endpoint, by default).
CAP = 25
# The lists, in the order of the week.
LISTS = (
    "posting",
    "approvals",
    "not_posted",
    "not_arrived",
    "links_to_collect",
    "tracking_to_verify",
    "performance_to_log",
    "recaps",
)


@dataclass(frozen=True)
class Week:
    """Monday 00:00 to the next Monday 00:00 in ``time_zone``, and today within it."""

    start: dt.datetime
    end: dt.datetime
    today_start: dt.datetime
    today_end: dt.datetime
    now: dt.datetime
    time_zone: str

    @classmethod
    def around(cls, now: dt.datetime, time_zone: str) -> Week:
        local = now.astimezone(zone(time_zone))
        today = local.date()
        monday = today - dt.timedelta(days=today.weekday())

        def midnight(day: dt.date) -> dt.datetime:
            return dt.datetime.combine(day, dt.time(0), tzinfo=zone(time_zone))

        return cls(
            start=midnight(monday),
            end=midnight(monday + dt.timedelta(days=7)),
            today_start=midnight(today),
            today_end=midnight(today + dt.timedelta(days=1)),
            now=now,
            time_zone=time_zone,
        )

    @property
    def last_day(self) -> dt.date:
        """Sunday, the week's last day (``end`` is the Monday after, exclusive)."""
        return (self.end - dt.timedelta(days=1)).date()


@dataclass
class RecapRow:
    """An active creator's end-of-week recap: what comes next, and where payment stands."""

    collaboration: Collaboration
    next_steps: list[str]
    sent_at: dt.datetime | None


@dataclass
class ForYou:
    """What one member owns that is due today or already late."""

    clocks_due_today: list[SlaClock] = field(default_factory=list)
    clocks_overdue: list[SlaClock] = field(default_factory=list)
    deliverables_due_today: list[Deliverable] = field(default_factory=list)
    deliverables_overdue: list[Deliverable] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.clocks_due_today
            or self.clocks_overdue
            or self.deliverables_due_today
            or self.deliverables_overdue
        )


@dataclass(frozen=True)
class Mine:
    """Only one member's rows: the collaborations they own, and the approvals they may decide
    (as the campaign's decision-maker or a delegate, with a role that may review)."""

    user: User
    role: str


@dataclass
class WeeklyView:
    week: Week
    posting: Listing[Deliverable]
    approvals: Listing[Submission]
    not_posted: Listing[Deliverable]
    not_arrived: Listing[Shipment]
    links_to_collect: Listing[Deliverable]
    tracking_to_verify: Listing[Deliverable]
    performance_to_log: Listing[Deliverable]
    recaps: Listing[RecapRow]
    for_you: ForYou


def _deliverables(
    workspace: Workspace, campaign: Campaign | None, owner: User | None = None
) -> QuerySet[Deliverable]:
    qs = Deliverable.objects.filter(
        workspace=workspace, collaboration__stage__in=OPEN_STAGES
    ).select_related("collaboration__creator", "collaboration__campaign", "collaboration__owner")
    if campaign is not None:
        qs = qs.filter(collaboration__campaign=campaign)
    if owner is not None:
        qs = qs.filter(collaboration__owner=owner)
    # When a deliverable is due: the end of its posting window, or its posting date.
    return qs.annotate(due_by=Coalesce("post_until", "post_at"))


def pending_approvals(
    workspace: Workspace, *, campaign: Campaign | None = None, decider: Mine | None = None
) -> QuerySet[Submission]:
    """Undecided submissions that are the latest version of their stage (an earlier undecided
    version was replaced by it, and its clock carried over), each with ``review_due_at`` (its
    running clock's deadline), soonest due first; only those ``decider`` may decide if given."""
    clock_due = SlaClock.objects.filter(
        workspace=workspace,
        subject_type="submission",
        subject_id=OuterRef("pk"),
        stopped_at__isnull=True,
    ).values("due_at")[:1]
    qs = (
        Submission.objects.filter(
            workspace=workspace,
            decision__isnull=True,
            deliverable__collaboration__stage__in=OPEN_STAGES,
        )
        .select_related(
            "deliverable__collaboration__creator", "deliverable__collaboration__campaign"
        )
        .exclude(Exists(newer_versions()))
        .annotate(review_due_at=Subquery(clock_due, output_field=DateTimeField()))
    )
    if campaign is not None:
        qs = qs.filter(deliverable__collaboration__campaign=campaign)
    if decider is not None:
        if not role_allows(decider.role, Perm.REVIEW):
            return qs.none()
        decides = Campaign.objects.filter(workspace=workspace).filter(
            Q(decision_maker=decider.user) | Q(delegates=decider.user)
        )
        qs = qs.filter(deliverable__collaboration__campaign__in=decides.values("pk"))
    return qs.order_by("review_due_at", "submitted_at", "id")


def _decision(submission: Submission) -> ReviewDecision | None:
    try:
        return submission.decision
    except ObjectDoesNotExist:
        return None


def _when(value: dt.datetime, time_zone: str) -> str:
    return formats.date_format(value.astimezone(zone(time_zone)), "l j F, H:i T")


def next_step(deliverable: Deliverable, *, now: dt.datetime, time_zone: str) -> str:
    """The creator's next step on one deliverable, in plain words ('' once it is live).

    Reads ``deliverable.submissions`` with their decisions: prefetch them for a list.
    """
    if deliverable.live_url:
        return ""
    label = str(deliverable)
    submissions = list(deliverable.submissions.all())
    for stage in ApprovalStage:
        if stage.value not in (deliverable.approval_stages or []):
            continue
        of_stage = [s for s in submissions if s.stage == stage.value]
        if not of_stage:
            if stage == ApprovalStage.FINAL and deliverable.final_approval_due:
                return _("Send your final version of the %(what)s for review, before %(when)s.") % {
                    "what": label,
                    "when": _when(deliverable.final_approval_due, time_zone),
                }
            return _("Send your %(stage)s of the %(what)s for review.") % {
                "stage": stage.label.lower(),
                "what": label,
            }
        latest = max(of_stage, key=lambda s: s.version)
        decision = _decision(latest)
        if decision is None:
            return _("We are reviewing version %(n)s of your %(stage)s of the %(what)s.") % {
                "n": latest.version,
                "stage": stage.label.lower(),
                "what": label,
            }
        if decision.verdict == Verdict.CHANGES_REQUESTED:
            return _("Send a new version of your %(stage)s of the %(what)s with our changes.") % {
                "stage": stage.label.lower(),
                "what": label,
            }
    if deliverable.post_at is None:
        return _("Agree a posting date for the %(what)s with us.") % {"what": label}
    if deliverable.post_at > now:
        return _("Post the %(what)s on %(when)s.") % {
            "what": label,
            "when": _when(deliverable.post_at, time_zone),
        }
    return _("Send us the link to the live %(what)s.") % {"what": label}


def with_review_history(qs: QuerySet[Collaboration]) -> QuerySet[Collaboration]:
    """Collaborations with their deliverables, submissions and decisions (three queries)."""
    return qs.prefetch_related(
        Prefetch(
            "deliverables",
            queryset=Deliverable.objects.order_by("post_at", "id").prefetch_related(
                Prefetch("submissions", queryset=Submission.objects.select_related("decision"))
            ),
        )
    )


def next_steps(collaboration: Collaboration, *, now: dt.datetime) -> list[str]:
    """The creator's next steps across the collaboration's deliverables (in their time zone)."""
    time_zone = collaboration.creator.time_zone or collaboration.workspace.time_zone
    steps = [
        next_step(deliverable, now=now, time_zone=time_zone)
        for deliverable in collaboration.deliverables.all()
    ]
    return [step for step in steps if step]


def active_collaborations(
    workspace: Workspace, *, campaign: Campaign | None = None, owner: User | None = None
) -> QuerySet[Collaboration]:
    """The collaborations whose creator gets an end-of-week recap (contracted to live), by
    campaign and creator name."""
    qs = Collaboration.objects.filter(workspace=workspace, stage__in=ACTIVE_STAGES).select_related(
        "creator", "campaign", "owner", "workspace"
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if owner is not None:
        qs = qs.filter(owner=owner)
    return qs.order_by("campaign__name", "creator__name", "id")


def recaps(
    workspace: Workspace, collaborations: QuerySet[Collaboration], *, week: Week
) -> list[RecapRow]:
    """The recap rows of ``collaborations`` (from :func:`active_collaborations`, sliced: the next
    steps are worked out for each one) with this week's recap, if sent. Four queries."""
    rows = list(with_review_history(collaborations))
    sent = dict(
        AuditEvent.objects.filter(
            workspace=workspace,
            kind=RECAP_SENT,
            object_type="collaboration",
            object_id__in=[c.pk for c in rows],
            created_at__gte=week.start,
        )
        .order_by("created_at")
        .values_list("object_id", "created_at")
    )
    return [
        RecapRow(collaboration=c, next_steps=next_steps(c, now=week.now), sent_at=sent.get(c.pk))
        for c in rows
    ]


def for_member(
    workspace: Workspace, *, user: User, week: Week, campaign: Campaign | None = None
) -> ForYou:
    """The member's clocks and their collaborations' deliverables due today or overdue."""
    mine = ForYou()
    running = SlaClock.objects.filter(
        workspace=workspace, owner=user, stopped_at__isnull=True, due_at__lt=week.today_end
    ).select_related("collaboration__creator", "collaboration__campaign")
    if campaign is not None:
        running = running.filter(collaboration__campaign=campaign)
    for clock in running.order_by("due_at", "id"):
        (mine.clocks_overdue if clock.due_at < week.now else mine.clocks_due_today).append(clock)
    deliverables = _deliverables(workspace, campaign).filter(
        LessThan(F("due_by"), week.today_end), collaboration__owner=user, live_url=""
    )
    for deliverable in deliverables.order_by(F("due_by"), "id"):
        late = deliverable.due_by < week.now  # type: ignore[attr-defined]
        (mine.deliverables_overdue if late else mine.deliverables_due_today).append(deliverable)
    return mine


def _deliverable_lists(week: Week) -> dict[str, tuple[Q, tuple[Any, ...]]]:
    """The deliverable lists: which deliverables each holds, and in what order."""
    now = week.now
    return {
        # Monday: this week's posting schedule.
        "posting": (Q(post_at__gte=week.start, post_at__lt=week.end), ("post_at", "id")),
        # Midweek: who has not posted though due.
        "not_posted": (Q(due_by__lte=now, live_url=""), (F("due_by"), "id")),
        # Friday: live links to collect, tracking to verify, early performance to log.
        "links_to_collect": (Q(live_url="", post_at__lte=now), ("post_at", "id")),
        "tracking_to_verify": (
            ~Q(live_url="") & Q(disclosure_checked=False),
            ("went_live_at", "id"),
        ),
        "performance_to_log": (
            Q(
                went_live_at__gte=now - dt.timedelta(days=EARLY_PERFORMANCE_DAYS),
                went_live_at__lte=now,
            ),
            ("-went_live_at", "id"),
        ),
    }


def weekly_view(
    workspace: Workspace,
    *,
    user: User,
    now: dt.datetime,
    time_zone: str,
    campaign: Campaign | None = None,
    mine: Mine | None = None,
    only: str | None = None,
    limit: int = CAP,
    offset: int = 0,
) -> WeeklyView:
    """The lists of the weekly rhythm for the week around ``now`` in ``time_zone``, and what is
    due today or overdue for ``user``; optionally for one campaign, and only ``mine``.

    Each list holds ``limit`` rows from ``offset`` and its true count. With ``only`` (a name of
    ``LISTS``), the other lists hold no rows (their counts are still given). The same number of
    queries whatever the rows: one per list's rows, one for the five deliverable counts, one for
    each other count, four for the recaps and two for ``for_you``.
    """
    week = Week.around(now, time_zone)
    owner = mine.user if mine is not None else None
    deliverables = _deliverables(workspace, campaign, owner)
    shipments = (
        Shipment.objects.filter(
            workspace=workspace, status__in=NOT_ARRIVED, collaboration__stage__in=OPEN_STAGES
        )
        .select_related("collaboration__creator", "collaboration__campaign")
        .order_by("expected_on", "created_at", "id")
    )
    if campaign is not None:
        shipments = shipments.filter(collaboration__campaign=campaign)
    if owner is not None:
        shipments = shipments.filter(collaboration__owner=owner)
    approvals = pending_approvals(workspace, campaign=campaign, decider=mine)
    active = active_collaborations(workspace, campaign=campaign, owner=owner)

    def shown(name: str) -> slice:
        return slice(offset, offset + limit) if only in (None, name) else slice(0, 0)

    def listing(name: str, qs: QuerySet[Any], count: int) -> Listing[Any]:
        part = shown(name)
        rows = list(qs[part]) if part.stop else []
        return Listing(rows=rows, count=count, offset=part.start)

    by_list = _deliverable_lists(week)
    counts = deliverables.aggregate(
        **{name: Count("id", filter=where) for name, (where, _order) in by_list.items()}
    )
    lists = {
        name: listing(name, deliverables.filter(where).order_by(*order), counts[name])
        for name, (where, order) in by_list.items()
    }
    part = shown("recaps")
    return WeeklyView(
        week=week,
        approvals=listing("approvals", approvals, approvals.count()),
        not_arrived=listing("not_arrived", shipments, shipments.count()),
        recaps=Listing(
            rows=recaps(workspace, active[part], week=week) if part.stop else [],
            count=active.count(),
            offset=part.start,
        ),
        for_you=for_member(workspace, user=user, week=week, campaign=campaign),
        **lists,
    )
