"""Reads of deliverables: the creator's time zone, posting deadlines and the on-time status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from rapport.campaigns.models import (
    ApprovalStage,
    Collaboration,
    Deliverable,
    Submission,
    Verdict,
)
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import Workspace


class OnTime(StrEnum):
    """Where a deliverable stands against its posting date."""

    UNSCHEDULED = "unscheduled"
    DUE = "due"
    OVERDUE = "overdue"
    ON_TIME = "on_time"
    LATE = "late"


ON_TIME_LABELS = {
    OnTime.UNSCHEDULED: gettext_lazy("No posting date"),
    OnTime.DUE: gettext_lazy("Due"),
    OnTime.OVERDUE: gettext_lazy("Overdue"),
    OnTime.ON_TIME: gettext_lazy("On time"),
    OnTime.LATE: gettext_lazy("Late"),
}

APPROVED = (Verdict.APPROVED, Verdict.APPROVED_WITH_EDITS)


def creator_zone_name(collaboration: Collaboration) -> str:
    """The time zone deadlines are set and shown in for this creator: theirs, else the
    workspace's."""
    return collaboration.creator.time_zone or collaboration.workspace.time_zone or "UTC"


def posting_deadline(deliverable: Deliverable) -> dt.datetime | None:
    """The last moment the post counts as on time: the end of the window, else the end of the
    posting day in the creator's time zone (None without a posting date)."""
    if deliverable.post_until is not None:
        return deliverable.post_until
    if deliverable.post_at is None:
        return None
    tz = zone(creator_zone_name(deliverable.collaboration))
    day = deliverable.post_at.astimezone(tz).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz).astimezone(dt.UTC)


def on_time_status(deliverable: Deliverable, now: dt.datetime | None = None) -> OnTime:
    """On time or late once live; due or overdue before; unscheduled without a posting date."""
    deadline = posting_deadline(deliverable)
    if deadline is None:
        return OnTime.UNSCHEDULED
    if deliverable.went_live_at is not None:
        return OnTime.ON_TIME if deliverable.went_live_at < deadline else OnTime.LATE
    return OnTime.OVERDUE if (now or timezone.now()) >= deadline else OnTime.DUE


def deliverable_for(workspace: Workspace, pk: int) -> Deliverable:
    """The workspace's deliverable ``pk`` with its collaboration, creator and campaign, or 404."""
    return get_object_or_404(
        Deliverable.objects.filter(workspace=workspace).select_related(
            "workspace",
            "collaboration__creator",
            "collaboration__campaign__decision_maker",
            "collaboration__workspace",
        ),
        pk=pk,
    )


def collaboration_for(workspace: Workspace, pk: int) -> Collaboration:
    """The workspace's collaboration ``pk`` with its creator and campaign, or 404."""
    return get_object_or_404(
        Collaboration.objects.filter(workspace=workspace).select_related(
            "creator", "campaign", "workspace"
        ),
        pk=pk,
    )


def deliverables_of(collaboration: Collaboration) -> QuerySet[Deliverable]:
    """The collaboration's deliverables, posting date first, with their submissions and
    decisions loaded (two more queries in all)."""
    return (
        Deliverable.objects.filter(
            workspace_id=collaboration.workspace_id, collaboration=collaboration
        )
        .order_by("post_at", "id")
        .prefetch_related(
            Prefetch(
                "submissions",
                queryset=Submission.objects.select_related("decision__decided_by").order_by(
                    "stage", "-version"
                ),
            )
        )
    )


@dataclass
class StageProgress:
    """One approval stage of a deliverable: its latest submission and where it stands."""

    stage: str
    label: str
    latest: Submission | None
    versions: int

    @property
    def approved(self) -> bool:
        decision = getattr(self.latest, "decision", None) if self.latest else None
        return decision is not None and decision.verdict in APPROVED


def stage_progress(deliverable: Deliverable) -> list[StageProgress]:
    """Each approval stage the deliverable needs, from its (prefetched) submissions."""
    submissions = list(deliverable.submissions.all())
    rows = []
    for stage in deliverable.approval_stages:
        if stage not in ApprovalStage.values:
            continue
        mine = [s for s in submissions if s.stage == stage]
        latest = max(mine, key=lambda s: s.version) if mine else None
        rows.append(StageProgress(stage, str(ApprovalStage(stage).label), latest, len(mine)))
    return rows


def approval_rounds(deliverable: Deliverable) -> int:
    """How many rounds of review the deliverable has been through: one per decision taken, at
    any stage (from its prefetched submissions)."""
    return sum(1 for s in deliverable.submissions.all() if getattr(s, "decision", None))


def final_approved(deliverable: Deliverable) -> bool:
    """Whether the deliverable's latest final has been approved (with or without edits)."""
    latest = (
        Submission.objects.filter(deliverable=deliverable, stage=ApprovalStage.FINAL)
        .select_related("decision")
        .order_by("-version")
        .first()
    )
    decision = getattr(latest, "decision", None) if latest else None
    return decision is not None and decision.verdict in APPROVED
