"""The weekly view (PRODUCT.md "The weekly rhythm"), computed live for the week around ``now`` in
the viewer's time zone, and what is due today or overdue for one member.

Every list is one query (the recaps three, with their deliverables and reviews), whatever the
number of rows: the page and ``/api/v1/weekly`` read the same :class:`WeeklyView`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import DateTimeField, Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan, LessThanOrEqual
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
from rapport.campaigns.queries.reviews import newer_versions
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import AuditEvent, User, Workspace

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


@dataclass
class WeeklyView:
    week: Week
    posting: list[Deliverable]
    approvals: list[Submission]
    not_posted: list[Deliverable]
    not_arrived: list[Shipment]
    links_to_collect: list[Deliverable]
    tracking_to_verify: list[Deliverable]
    performance_to_log: list[Deliverable]
    recaps: list[RecapRow]
    for_you: ForYou


def _deliverables(workspace: Workspace, campaign: Campaign | None) -> QuerySet[Deliverable]:
    qs = Deliverable.objects.filter(
        workspace=workspace, collaboration__stage__in=OPEN_STAGES
    ).select_related("collaboration__creator", "collaboration__campaign", "collaboration__owner")
    if campaign is not None:
        qs = qs.filter(collaboration__campaign=campaign)
    # When a deliverable is due: the end of its posting window, or its posting date.
    return qs.annotate(due_by=Coalesce("post_until", "post_at"))


def pending_approvals(
    workspace: Workspace, *, campaign: Campaign | None = None
) -> QuerySet[Submission]:
    """Undecided submissions that are the latest version of their stage (an earlier undecided
    version was replaced by it, and its clock carried over), each with ``review_due_at`` (its
    running clock's deadline), soonest due first."""
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
    label = _("%(kind)s on %(platform)s") % {
        "kind": deliverable.get_kind_display(),
        "platform": deliverable.get_platform_display(),
    }
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


def recaps(workspace: Workspace, *, week: Week, campaign: Campaign | None = None) -> list[RecapRow]:
    """Every active creator (contracted to live) with next steps and this week's recap, if sent."""
    qs = Collaboration.objects.filter(workspace=workspace, stage__in=ACTIVE_STAGES).select_related(
        "creator", "campaign", "owner", "workspace"
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    collaborations = list(with_review_history(qs.order_by("campaign__name", "creator__name", "id")))
    sent = dict(
        AuditEvent.objects.filter(
            workspace=workspace,
            kind=RECAP_SENT,
            object_type="collaboration",
            object_id__in=[c.pk for c in collaborations],
            created_at__gte=week.start,
        )
        .order_by("created_at")
        .values_list("object_id", "created_at")
    )
    return [
        RecapRow(
            collaboration=c,
            next_steps=next_steps(c, now=week.now),
            sent_at=sent.get(c.pk),
        )
        for c in collaborations
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


def weekly_view(
    workspace: Workspace,
    *,
    user: User,
    now: dt.datetime,
    time_zone: str,
    campaign: Campaign | None = None,
) -> WeeklyView:
    """The four lists of the weekly rhythm for the week around ``now`` in ``time_zone``, and what
    is due today or overdue for ``user``; optionally for one campaign."""
    week = Week.around(now, time_zone)
    deliverables = _deliverables(workspace, campaign)
    shipments = Shipment.objects.filter(
        workspace=workspace, status__in=NOT_ARRIVED, collaboration__stage__in=OPEN_STAGES
    ).select_related("collaboration__creator", "collaboration__campaign")
    if campaign is not None:
        shipments = shipments.filter(collaboration__campaign=campaign)
    return WeeklyView(
        week=week,
        # Monday: this week's posting schedule and every pending approval.
        posting=list(
            deliverables.filter(post_at__gte=week.start, post_at__lt=week.end).order_by(
                "post_at", "id"
            )
        ),
        approvals=list(pending_approvals(workspace, campaign=campaign)),
        # Midweek: who has not posted though due, and whose product has not arrived.
        not_posted=list(
            deliverables.filter(LessThanOrEqual(F("due_by"), now), live_url="").order_by(
                F("due_by"), "id"
            )
        ),
        not_arrived=list(shipments.order_by("expected_on", "created_at", "id")),
        # Friday: live links to collect, tracking to verify, early performance to log.
        links_to_collect=list(
            deliverables.filter(live_url="", post_at__lte=now).order_by("post_at", "id")
        ),
        tracking_to_verify=list(
            deliverables.exclude(live_url="")
            .filter(disclosure_checked=False)
            .order_by("went_live_at", "id")
        ),
        performance_to_log=list(
            deliverables.filter(
                went_live_at__gte=now - dt.timedelta(days=EARLY_PERFORMANCE_DAYS),
                went_live_at__lte=now,
            ).order_by("-went_live_at", "id")
        ),
        # End of week: a recap to each active creator.
        recaps=recaps(workspace, week=week, campaign=campaign),
        for_you=for_member(workspace, user=user, week=week, campaign=campaign),
    )
