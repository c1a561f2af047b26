"""Reads of reviews: who may decide, a submission's history and clock, and the reviewer queue."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rapport.campaigns.models import (
    Campaign,
    ReviewDecision,
    SlaClock,
    Submission,
    Verdict,
)
from rapport.campaigns.services.sla import STATE_LABELS, ClockState, state_of
from rapport.workspaces.models import User, Workspace
from rapport.workspaces.roles import Perm, role_allows

SUBJECT = Submission._meta.model_name


def can_decide(campaign: Campaign, user: User | None, role: str) -> bool:
    """Whether ``user`` acting with ``role`` may decide on the campaign's content: the
    decision-maker or a named delegate, with a role that may review."""
    if user is None or not user.is_authenticated or not role_allows(role, Perm.REVIEW):
        return False
    if campaign.decision_maker_id == user.pk:
        return True
    return campaign.delegates.filter(pk=user.pk).exists()


def newer_versions() -> QuerySet[Submission]:
    """The later versions of the outer query's submission (same deliverable and stage), for
    ``Exists``: an undecided submission with one was replaced and no longer waits for a
    decision."""
    return Submission.objects.filter(
        deliverable=OuterRef("deliverable"),
        stage=OuterRef("stage"),
        version__gt=OuterRef("version"),
    )


def is_superseded(submission: Submission) -> bool:
    """Whether a later version of the same stage was submitted."""
    return Submission.objects.filter(
        deliverable_id=submission.deliverable_id,
        stage=submission.stage,
        version__gt=submission.version,
    ).exists()


def with_round(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    """Annotate ``review_round``: 1 + the earlier versions of the stage sent back with changes
    requested (a version replaced before anyone decided does not open a new round)."""
    sent_back = (
        ReviewDecision.objects.filter(
            submission__deliverable=OuterRef("deliverable"),
            submission__stage=OuterRef("stage"),
            submission__version__lt=OuterRef("version"),
            verdict=Verdict.CHANGES_REQUESTED,
        )
        .order_by()
        .values("submission__deliverable")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return submissions.annotate(
        review_round=Coalesce(Subquery(sent_back, output_field=IntegerField()), Value(0)) + 1
    )


def submission_for(workspace: Workspace, pk: int) -> Submission:
    """The workspace's submission ``pk`` with its deliverable and collaboration, or 404."""
    return get_object_or_404(
        with_round(
            Submission.objects.filter(workspace=workspace).select_related(
                "workspace",
                "submitted_by",
                "deliverable__collaboration__creator",
                "deliverable__collaboration__campaign__decision_maker",
                "deliverable__collaboration__workspace",
                "deliverable__workspace",
            )
        ),
        pk=pk,
    )


def decision_of(submission: Submission) -> ReviewDecision | None:
    """The submission's decision, read fresh from the database (None while undecided)."""
    return (
        ReviewDecision.objects.filter(submission_id=submission.pk)
        .select_related("decided_by")
        .first()
    )


def stage_history(submission: Submission) -> QuerySet[Submission]:
    """Every version of the submission's stage, newest first, with decisions and rounds."""
    return with_round(
        Submission.objects.filter(
            workspace_id=submission.workspace_id,
            deliverable_id=submission.deliverable_id,
            stage=submission.stage,
        )
        .select_related("decision__decided_by", "submitted_by")
        .order_by("-version")
    )


def clock_of(submission: Submission) -> SlaClock | None:
    """The approval clock of the submission (the running one, else the latest)."""
    return (
        SlaClock.objects.filter(
            workspace_id=submission.workspace_id, subject_type=SUBJECT, subject_id=submission.pk
        )
        .order_by(F("stopped_at").desc(nulls_first=True), "-started_at")
        .first()
    )


@dataclass
class QueueRow:
    """One submission waiting for a decision, with its clock."""

    submission: Submission
    clock: SlaClock | None
    state: ClockState | None

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state]) if self.state else ""


def waiting_submissions(
    workspace: Workspace, user: User, role: str, *, everyone: bool = False
) -> QuerySet[Submission]:
    """Undecided submissions that are the latest version of their stage; only those ``user``
    (acting with ``role``) may decide unless ``everyone``."""
    qs = Submission.objects.filter(workspace=workspace, decision__isnull=True).exclude(
        Exists(newer_versions())
    )
    if everyone:
        return qs
    if not role_allows(role, Perm.REVIEW):
        return qs.none()
    mine = Campaign.objects.filter(workspace=workspace).filter(
        Q(decision_maker=user) | Q(delegates=user)
    )
    return qs.filter(deliverable__collaboration__campaign__in=mine.values("pk"))


def queue_clocks(
    workspace: Workspace, user: User, role: str, *, everyone: bool = False
) -> QuerySet[SlaClock]:
    """The running approval clocks of the waiting submissions, soonest due first: the queue's
    order (one row per submission; every submission starts its clock)."""
    waiting = waiting_submissions(workspace, user, role, everyone=everyone)
    return SlaClock.objects.filter(
        workspace=workspace,
        subject_type=SUBJECT,
        subject_id__in=waiting.values("pk"),
        stopped_at=None,
    ).order_by("due_at", "id")


def queue_rows(clocks: list[SlaClock]) -> list[QueueRow]:
    """The queue's rows for these clocks, in their order, with each submission's deliverable,
    collaboration, campaign, creator and round (one query)."""
    submissions = with_round(
        Submission.objects.filter(pk__in=[c.subject_id for c in clocks]).select_related(
            "workspace",
            "submitted_by",
            "decision__decided_by",
            "deliverable__collaboration__creator",
            "deliverable__collaboration__campaign",
        )
    ).in_bulk()
    now = timezone.now()
    return [
        QueueRow(submissions[c.subject_id], c, state_of(c, now))
        for c in clocks
        if c.subject_id in submissions
    ]


def review_queue(
    workspace: Workspace, user: User, role: str, *, everyone: bool = False
) -> list[QueueRow]:
    """The reviewer queue, soonest SLA due time first (two queries)."""
    return queue_rows(list(queue_clocks(workspace, user, role, everyone=everyone)))
