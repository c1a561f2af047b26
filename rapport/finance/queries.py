"""Reading invoices: one workspace's, one collaboration's, and which are overdue."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rapport.campaigns.models import Collaboration
from rapport.finance.models import Invoice, InvoiceStatus
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import Workspace


def today_in(workspace: Workspace) -> dt.date:
    """Today's date on the workspace's clock: what "overdue" is judged against."""
    return timezone.localdate(timezone=zone(workspace.time_zone))


def is_overdue(invoice: Invoice, today: dt.date) -> bool:
    """Not paid, and its payment date has passed."""
    return invoice.status != InvoiceStatus.PAID and invoice.due_on < today


def with_relations(qs: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """What a list row shows: the creator, the campaign and who entered it."""
    return qs.select_related(
        "workspace",
        "collaboration__creator",
        "collaboration__campaign",
        "collaboration__owner",
        "entered_by",
    )


def workspace_invoices(workspace: Workspace, status: str = "") -> QuerySet[Invoice]:
    """The workspace's invoices, soonest payment date first, of one status when given."""
    qs = Invoice.objects.filter(workspace=workspace)
    if status:
        qs = qs.filter(status=status)
    return with_relations(qs).order_by("due_on", "id")


def collaboration_invoices(collaboration: Collaboration) -> list[Invoice]:
    """One collaboration's invoices, oldest first (the creator numbers them in this order)."""
    return list(
        Invoice.objects.filter(collaboration=collaboration)
        .select_related("entered_by")
        .order_by("received_at", "id")
    )


def invoice_for(workspace: Workspace, pk: int) -> Invoice:
    """One invoice of the workspace, or 404."""
    return get_object_or_404(with_relations(Invoice.objects.filter(workspace=workspace)), pk=pk)
