"""Reads for the hub's timeline: the collaboration's dated milestones, soonest first, each marked
done, late or coming."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from rapport.campaigns.models import ApprovalStage, Collaboration, Shipment, ShipmentStatus
from rapport.campaigns.queries.deliverables import (
    OnTime,
    on_time_status,
    stage_progress,
)
from rapport.finance.models import Invoice, InvoiceStatus
from rapport.hub.queries.work import deliverable_rows


class Status(StrEnum):
    COMING = "coming"
    DONE = "done"
    LATE = "late"


@dataclass(frozen=True)
class Milestone:
    """One dated step. ``at`` is a moment (shown with its time) or, when ``whole_day``, the
    start of that day in the creator's time zone (shown as a date)."""

    at: dt.datetime
    whole_day: bool
    title: str
    status: Status
    until: dt.datetime | None = None

    @property
    def status_label(self) -> str:
        return {
            Status.DONE: pgettext("hub milestone", "Done"),
            Status.LATE: pgettext("hub milestone", "Late"),
            Status.COMING: "",
        }[self.status]


def _day_start(day: dt.date, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz)


def _deliverable_milestones(collaboration: Collaboration, now: dt.datetime) -> list[Milestone]:
    found = []
    # Numbered like the deliverables section (and its forms): by position, in the order added.
    for row in deliverable_rows(collaboration):
        deliverable = row.deliverable
        what = _("Deliverable %(n)s (%(what)s)") % {"n": row.position, "what": deliverable}
        if deliverable.final_approval_due is not None:
            final = next(
                (p for p in stage_progress(deliverable) if p.stage == ApprovalStage.FINAL), None
            )
            approved = final is not None and final.approved
            status = (
                Status.DONE
                if approved
                else Status.LATE
                if now >= deliverable.final_approval_due
                else Status.COMING
            )
            found.append(
                Milestone(
                    deliverable.final_approval_due,
                    False,
                    _("%(what)s: final draft approved") % {"what": what},
                    status,
                )
            )
        if deliverable.post_at is not None:
            on_time = on_time_status(deliverable, now)
            status = (
                Status.DONE
                if on_time in (OnTime.ON_TIME, OnTime.LATE)
                else Status.LATE
                if on_time == OnTime.OVERDUE
                else Status.COMING
            )
            title = (
                _("%(what)s: posting window") % {"what": what}
                if deliverable.post_until
                else _("%(what)s: posting day") % {"what": what}
            )
            found.append(
                Milestone(deliverable.post_at, False, title, status, until=deliverable.post_until)
            )
    return found


def _shipment_milestones(
    collaboration: Collaboration, today: dt.date, tz: zoneinfo.ZoneInfo
) -> list[Milestone]:
    found = []
    shipments = Shipment.objects.filter(
        workspace_id=collaboration.workspace_id,
        collaboration=collaboration,
        expected_on__isnull=False,
    ).exclude(status=ShipmentStatus.DRAFT)
    for shipment in shipments:
        arrived = shipment.delivered_at is not None or shipment.received_at is not None
        assert shipment.expected_on is not None
        status = (
            Status.DONE
            if arrived
            else Status.LATE
            if shipment.expected_on < today
            else Status.COMING
        )
        found.append(
            Milestone(
                _day_start(shipment.expected_on, tz),
                True,
                _("Your product is expected to arrive"),
                status,
            )
        )
    return found


def _invoice_milestones(
    collaboration: Collaboration, today: dt.date, tz: zoneinfo.ZoneInfo
) -> list[Milestone]:
    found = []
    invoices = Invoice.objects.filter(
        workspace_id=collaboration.workspace_id, collaboration=collaboration
    ).exclude(status=InvoiceStatus.DISPUTED)
    for invoice in invoices:
        paid = invoice.status == InvoiceStatus.PAID
        status = Status.DONE if paid else Status.LATE if invoice.due_on < today else Status.COMING
        found.append(
            Milestone(
                _day_start(invoice.due_on, tz),
                True,
                _("Payment of your invoice %(number)s scheduled") % {"number": invoice.number},
                status,
            )
        )
    return found


def milestones(
    collaboration: Collaboration, tz: zoneinfo.ZoneInfo, now: dt.datetime | None = None
) -> list[Milestone]:
    """Every dated milestone of the collaboration, soonest first: each deliverable's final
    approval deadline and posting date (or window), each shipment's expected delivery and each
    invoice's scheduled payment. Whole days are read in ``tz`` (the creator's time zone)."""
    now = now or timezone.now()
    today = now.astimezone(tz).date()
    found = [
        *_deliverable_milestones(collaboration, now),
        *_shipment_milestones(collaboration, today, tz),
        *_invoice_milestones(collaboration, today, tz),
    ]
    return sorted(found, key=lambda m: m.at)
