"""Reading invoices: one workspace's, one collaboration's, which are overdue, and how many days
each took to pay."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Func, IntegerField, QuerySet
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rapport.campaigns.models import Collaboration, CollabStage
from rapport.finance.models import BonusLine, Invoice, InvoiceStatus
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import Workspace


def today_in(workspace: Workspace) -> dt.date:
    """Today's date on the workspace's clock: what "overdue" is judged against."""
    return timezone.localdate(timezone=zone(workspace.time_zone))


def is_overdue(invoice: Invoice, today: dt.date) -> bool:
    """Not paid, and its payment date has passed."""
    return invoice.status != InvoiceStatus.PAID and invoice.due_on < today


class DaysBetween(Func):
    """Whole calendar days from the second date to the first (NULL when either is NULL)."""

    output_field = IntegerField()
    arity = 2
    # PostgreSQL subtracts dates into whole days; SQLite goes through Julian day numbers.
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


def days_to_pay(workspace: Workspace) -> DaysBetween:
    """Days-to-pay of an invoice as a database expression: its paid date minus the day it was
    received, both on the workspace's calendar (its time zone). NULL until it is paid. Annotate
    with it, or aggregate it (issue 6's median days-to-pay)."""
    return DaysBetween(F("paid_on"), TruncDate("received_at", tzinfo=zone(workspace.time_zone)))


def with_days_to_pay(qs: QuerySet[Invoice], workspace: Workspace) -> QuerySet[Invoice]:
    """``qs`` with each invoice's ``days_to_pay`` (None until paid)."""
    return qs.annotate(days_to_pay=days_to_pay(workspace))


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
    return with_days_to_pay(with_relations(qs), workspace).order_by("due_on", "id")


def collaboration_invoices(collaboration: Collaboration) -> list[Invoice]:
    """One collaboration's invoices, oldest first (the creator numbers them in this order)."""
    qs = Invoice.objects.filter(collaboration=collaboration).select_related("entered_by")
    return list(with_days_to_pay(qs, collaboration.workspace).order_by("received_at", "id"))


def invoice_for(workspace: Workspace, pk: int) -> Invoice:
    """One invoice of the workspace, or 404."""
    qs = with_relations(Invoice.objects.filter(workspace=workspace))
    return get_object_or_404(with_days_to_pay(qs, workspace), pk=pk)


def unknown_invoice_ids(workspace: Workspace, ids: list[int]) -> list[int]:
    """Those of ``ids`` that are not invoices of ``workspace``, in the order given."""
    if not ids:
        return []
    known = set(
        Invoice.objects.filter(workspace=workspace, pk__in=ids).values_list("pk", flat=True)
    )
    return [pk for pk in ids if pk not in known]


def workspace_bonuses(workspace: Workspace, status: str = "") -> QuerySet[BonusLine]:
    """The workspace's bonus lines, the latest computed first, of one status when given."""
    qs = BonusLine.objects.filter(workspace=workspace)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related(
        "workspace", "collaboration__creator", "collaboration__campaign", "approved_by"
    ).order_by("-computed_at", "-id")


def bonus_for(workspace: Workspace, pk: int) -> BonusLine:
    """One bonus line of the workspace, or 404."""
    return get_object_or_404(workspace_bonuses(workspace), pk=pk)


def collaboration_bonus(collaboration: Collaboration) -> BonusLine | None:
    """The collaboration's bonus line, once computed."""
    return (
        BonusLine.objects.filter(collaboration=collaboration).select_related("approved_by").first()
    )


# The stages from the wrap on: the creator sees their bonus from then (before it, a computed line
# is finance's preview).
WRAPPED = (CollabStage.REPORTED, CollabStage.PAID, CollabStage.CLOSED)


def wrapped_bonus(collaboration: Collaboration) -> BonusLine | None:
    """The bonus line the creator sees on the hub: once the collaboration reached the wrap (no
    query before it)."""
    if collaboration.stage not in WRAPPED:
        return None
    return collaboration_bonus(collaboration)
