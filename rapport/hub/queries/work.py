"""Reads of the creator's work on the hub: their deliverables with each draft and the reviewer's
notes, and their shipments. Everything is reached from the one collaboration the link opens, and
numbered by position (deliverable 1, 2...), never by database id."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from rapport.campaigns import carriers
from rapport.campaigns.models import (
    ApprovalStage,
    Collaboration,
    Deliverable,
    ReviewDecision,
    Shipment,
    ShipmentItem,
    ShipmentStatus,
    Submission,
    Verdict,
)
from rapport.campaigns.queries.deliverables import StageProgress, stage_progress
from rapport.campaigns.services.reviews import download_name


class DeliverableStatus(StrEnum):
    """Where a deliverable stands, from the creator's side."""

    WAITING = "waiting"
    IN_REVIEW = "in_review"
    CHANGES = "changes"
    APPROVED_WITH_EDITS = "approved_with_edits"
    APPROVED = "approved"
    LIVE = "live"


STATUS_LABELS = {
    DeliverableStatus.WAITING: _("Waiting for your draft"),
    DeliverableStatus.IN_REVIEW: _("Draft in review"),
    DeliverableStatus.CHANGES: _("Changes requested"),
    DeliverableStatus.APPROVED_WITH_EDITS: _("Approved with edits: make them, then post"),
    DeliverableStatus.APPROVED: _("Approved, ready to post"),
    DeliverableStatus.LIVE: _("Live"),
}

#: The statuses in which the creator may mark the deliverable posted.
POSTABLE = (DeliverableStatus.APPROVED, DeliverableStatus.APPROVED_WITH_EDITS)


@dataclass(frozen=True)
class Draft:
    """One submission as the creator sees it: the file's name (or the link), the decision and the
    reviewer's notes (never who reviewed it, nor their rating), and whether a newer version
    replaced it before anyone decided."""

    submission: Submission
    file_name: str
    replaced: bool

    @property
    def decision(self) -> ReviewDecision | None:
        return getattr(self.submission, "decision", None)


@dataclass
class DeliverableRow:
    """One deliverable as the hub shows it: its position, status, drafts, and the stages still
    waiting for an approved draft (the first of them is where the next draft goes)."""

    position: int
    deliverable: Deliverable
    status: DeliverableStatus
    drafts: list[Draft]
    open_stages: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def next_stage(self) -> str:
        return self.open_stages[0] if self.open_stages else ""

    @property
    def can_post(self) -> bool:
        return self.status in POSTABLE


def deliverable_status(
    deliverable: Deliverable, progress: list[StageProgress]
) -> DeliverableStatus:
    """The deliverable's status in plain words, from its stages' progress: live once posted;
    else the state of the first stage without an approved draft; approved (with edits when the
    last stage's approval asked for them) when every stage is approved or none is needed."""
    if deliverable.went_live_at is not None:
        return DeliverableStatus.LIVE
    for stage in progress:
        if stage.approved:
            continue
        decision = getattr(stage.latest, "decision", None) if stage.latest else None
        if stage.latest is None:
            return DeliverableStatus.WAITING
        if decision is None:
            return DeliverableStatus.IN_REVIEW
        return DeliverableStatus.CHANGES
    last = progress[-1].latest if progress else None
    last_decision = getattr(last, "decision", None) if last else None
    if last_decision is not None and last_decision.verdict == Verdict.APPROVED_WITH_EDITS:
        return DeliverableStatus.APPROVED_WITH_EDITS
    return DeliverableStatus.APPROVED


def _drafts(submissions: list[Submission]) -> list[Draft]:
    """The drafts by stage (in the approval order), newest version first."""
    order = ApprovalStage.values
    latest: dict[str, int] = {}
    for s in submissions:
        latest[s.stage] = max(latest.get(s.stage, 0), s.version)
    ordered = sorted(
        submissions,
        key=lambda s: (order.index(s.stage) if s.stage in order else len(order), -s.version),
    )
    return [
        Draft(
            submission=s,
            file_name=download_name(s) if s.file else "",
            replaced=s.version < latest[s.stage] and getattr(s, "decision", None) is None,
        )
        for s in ordered
    ]


def deliverable_rows(collaboration: Collaboration) -> list[DeliverableRow]:
    """The collaboration's deliverables numbered 1..n in the order they were added, each with its
    status, its drafts (by stage, newest version first) and the decisions on them (two queries)."""
    deliverables = (
        Deliverable.objects.filter(
            workspace_id=collaboration.workspace_id, collaboration=collaboration
        )
        .order_by("pk")
        .prefetch_related(
            Prefetch(
                "submissions",
                queryset=Submission.objects.select_related("decision").order_by(
                    "stage", "-version"
                ),
            )
        )
    )
    rows = []
    for position, deliverable in enumerate(deliverables, start=1):
        # The hub's own collaboration: no query per row, and services see the same creator.
        deliverable.collaboration = collaboration
        progress = stage_progress(deliverable)
        rows.append(
            DeliverableRow(
                position=position,
                deliverable=deliverable,
                status=deliverable_status(deliverable, progress),
                drafts=_drafts(list(deliverable.submissions.all())),
                open_stages=[p.stage for p in progress if not p.approved],
            )
        )
    return rows


def deliverable_at(collaboration: Collaboration, position: int) -> DeliverableRow:
    """The collaboration's deliverable number ``position`` (1-based), or 404."""
    rows = deliverable_rows(collaboration)
    if not 1 <= position <= len(rows):
        raise Http404
    return rows[position - 1]


@dataclass
class ShipmentRow:
    """One shipment as the hub shows it, numbered 1..n (oldest first)."""

    position: int
    shipment: Shipment
    tracking_url: str

    @property
    def status_label(self) -> str:
        return str(SHIPMENT_LABELS[ShipmentStatus(self.shipment.status)])

    @property
    def can_confirm(self) -> bool:
        return self.shipment.status in (ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED)


SHIPMENT_LABELS = {
    ShipmentStatus.DRAFT: _("Being prepared"),
    ShipmentStatus.LABEL_CREATED: _("Packed, waiting for the carrier"),
    ShipmentStatus.SHIPPED: _("On its way"),
    ShipmentStatus.DELIVERED: _("Delivered, says the carrier"),
    ShipmentStatus.RECEIVED: _("Arrived: you confirmed it"),
}


def shipment_rows(collaboration: Collaboration) -> list[ShipmentRow]:
    """The collaboration's shipments numbered 1..n, oldest first, with their items and each
    carrier's tracking link (two queries)."""
    shipments = (
        Shipment.objects.filter(
            workspace_id=collaboration.workspace_id, collaboration=collaboration
        )
        .order_by("created_at", "pk")
        .prefetch_related(
            Prefetch("items", queryset=ShipmentItem.objects.select_related("product"))
        )
    )
    return [
        ShipmentRow(
            position=position,
            shipment=shipment,
            tracking_url=carriers.tracking_url(shipment.carrier, shipment.tracking_number),
        )
        for position, shipment in enumerate(shipments, start=1)
    ]


def shipment_at(collaboration: Collaboration, position: int) -> Shipment:
    """The collaboration's shipment number ``position`` (1-based, oldest first), or 404."""
    rows = shipment_rows(collaboration)
    if not 1 <= position <= len(rows):
        raise Http404
    return rows[position - 1].shipment


def seeding_agreed(collaboration: Collaboration) -> bool:
    """Whether the agreed terms include product for the creator."""
    return bool((collaboration.terms or {}).get("seeding"))


def masked_account(number: str) -> str:
    """An account number or IBAN shown by its last four characters only."""
    compact = "".join(number.split())
    if not compact:
        return ""
    return "•••• " + compact[-4:]
