"""Finance pages: a collaboration's invoices (on its page), entering one, moving one along, its
file, and the workspace's invoices by payment date.

Everyone in the workspace sees invoices; entering them, changing their status and opening their
files needs ``MANAGE_INVOICES`` (owners and finance).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from rapport.campaigns.models import Collaboration
from rapport.campaigns.queries.collaborations import collaboration_for
from rapport.campaigns.services.reviews import FileGone
from rapport.finance import queries, services
from rapport.finance.forms import InvoiceForm, InvoiceStatusForm
from rapport.finance.models import Invoice, InvoiceStatus
from rapport.paging import CappedPaginator, page_number
from rapport.workspaces.calendar import zone
from rapport.workspaces.decorators import (
    request_membership,
    request_user,
    request_workspace,
    workspace_view,
)
from rapport.workspaces.forms import apply_service_errors
from rapport.workspaces.models import Workspace
from rapport.workspaces.roles import Perm

PAGE_SIZE = 50


def invoice_row(invoice: Invoice, today: dt.date, *, can_manage: bool) -> dict[str, Any]:
    """What a list shows of an invoice, with its status form for those who may change it."""
    allowed = services.allowed_statuses(invoice.status)
    return {
        "invoice": invoice,
        "overdue": queries.is_overdue(invoice, today),
        "status_form": (
            InvoiceStatusForm(allowed=allowed, prefix=f"i{invoice.pk}")
            if can_manage and allowed
            else None
        ),
    }


def _entry_form(collaboration: Collaboration, data: Any = None, files: Any = None) -> InvoiceForm:
    return InvoiceForm(
        data,
        files,
        require_file=False,
        with_received_on=True,
        initial={"currency": services.default_currency(collaboration)},
        prefix="invoice",
    )


def collaboration_section(request: HttpRequest, collaboration: Collaboration) -> dict[str, Any]:
    """The context of finance/_collaboration_invoices.html on the collaboration page."""
    can_manage = request_membership(request).can(Perm.MANAGE_INVOICES)
    today = queries.today_in(collaboration.workspace)
    return {
        "invoices_collaboration": collaboration,
        "invoices_rows": [
            invoice_row(i, today, can_manage=can_manage)
            for i in queries.collaboration_invoices(collaboration)
        ],
        "invoices_can_manage": can_manage,
        "invoices_form": _entry_form(collaboration) if can_manage else None,
        "invoices_net_days": services.payment_days(collaboration.workspace),
    }


def _received_at(workspace: Workspace, day: dt.date | None) -> dt.datetime | None:
    """The moment an invoice entered as received on ``day`` arrived: that day, at the current
    time of day on the workspace's clock (so today is now)."""
    if day is None:
        return None
    local_zone = zone(workspace.time_zone)
    now = timezone.localtime(timezone=local_zone)
    return dt.datetime.combine(day, now.time(), tzinfo=local_zone)


@workspace_view(Perm.MANAGE_INVOICES)
def invoice_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Enter an invoice the creator sent some other way (e-mail, post)."""
    workspace = request_workspace(request)
    collaboration = collaboration_for(workspace, pk)
    posted = request.method == "POST"
    form = _entry_form(
        collaboration, request.POST if posted else None, request.FILES if posted else None
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            invoice = services.receive_invoice(
                collaboration=collaboration,
                number=data["number"],
                amount=data["amount"],
                currency=data["currency"],
                file=data["file"] or None,
                actor=request_user(request),
                received_at=_received_at(workspace, data["received_on"]),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, aliases={"received_at": "received_on"})
        else:
            messages.success(
                request,
                _("Invoice %(n)s entered; payment is scheduled for %(date)s.")
                % {"n": invoice.number, "date": formats.date_format(invoice.due_on, "D j M Y")},
            )
            url = reverse("campaigns:collaboration", kwargs={"ws": workspace.slug, "pk": pk})
            return redirect(url + "#invoices")
    return render(
        request,
        "finance/invoice_add.html",
        {"collaboration": collaboration, "form": form},
        status=422 if form.errors else 200,
    )


def _invoice_page(
    request: HttpRequest, invoice: Invoice, form: InvoiceStatusForm | None, status: int = 200
) -> HttpResponseBase:
    can_manage = request_membership(request).can(Perm.MANAGE_INVOICES)
    allowed = services.allowed_statuses(invoice.status)
    if form is None and can_manage and allowed:
        form = InvoiceStatusForm(allowed=allowed, prefix=f"i{invoice.pk}")
    return render(
        request,
        "finance/invoice.html",
        {
            "invoice": invoice,
            "collaboration": invoice.collaboration,
            "overdue": queries.is_overdue(invoice, queries.today_in(invoice.workspace)),
            "can_manage": can_manage,
            "form": form,
        },
        status=status,
    )


@workspace_view(Perm.VIEW)
def invoice_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One invoice: its amounts, dates and status, and (for finance) the status form."""
    return _invoice_page(request, queries.invoice_for(request_workspace(request), pk), None)


@require_POST
@workspace_view(Perm.MANAGE_INVOICES)
def invoice_status(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Approve, schedule, mark paid or dispute an invoice; errors show on the invoice's page."""
    invoice = queries.invoice_for(request_workspace(request), pk)
    form = InvoiceStatusForm(
        request.POST, allowed=services.allowed_statuses(invoice.status), prefix=f"i{invoice.pk}"
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            invoice = services.set_invoice_status(
                invoice=invoice,
                status=data["status"],
                actor=request_user(request),
                paid_on=data["paid_on"],
                payment_method=data["payment_method"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Invoice %(n)s: %(status)s.")
                % {"n": invoice.number, "status": invoice.get_status_display()},
            )
            if request.POST.get("back") == "invoice":
                return redirect("finance:invoice", ws=invoice.workspace.slug, pk=invoice.pk)
            return redirect(_collaboration_url(invoice))
    return _invoice_page(request, invoice, form, status=422)


def _collaboration_url(invoice: Invoice) -> str:
    url = reverse(
        "campaigns:collaboration",
        kwargs={"ws": invoice.workspace.slug, "pk": invoice.collaboration_id},
    )
    return url + "#invoices"


@require_safe
@workspace_view(Perm.MANAGE_INVOICES)
def invoice_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Download an invoice's file, as an attachment; 410 Gone when there is none any more."""
    invoice = queries.invoice_for(request_workspace(request), pk)
    try:
        return services.file_download(invoice)
    except FileGone as exc:
        messages.error(request, str(exc))
        return _invoice_page(request, invoice, None, status=410)


@workspace_view(Perm.VIEW)
def invoice_list(request: HttpRequest) -> HttpResponseBase:
    """The workspace's invoices by payment date (overdue ones marked), of one status if asked,
    50 to a page."""
    workspace = request_workspace(request)
    status = request.GET.get("status", "")
    if status not in InvoiceStatus.values:
        status = ""
    number = page_number(request.GET.get("page"))
    paginator = CappedPaginator(
        queries.workspace_invoices(workspace, status), PAGE_SIZE, page=number
    )
    page = paginator.get_page(number)
    today = queries.today_in(workspace)
    can_manage = request_membership(request).can(Perm.MANAGE_INVOICES)
    return render(
        request,
        "finance/invoices.html",
        {
            "rows": [invoice_row(i, today, can_manage=False) for i in page.object_list],
            "page": page,
            "status": status,
            "status_choices": InvoiceStatus.choices,
            "can_manage": can_manage,
            "today": today,
        },
    )


urls: list[URLPattern] = [
    path("invoices/", invoice_list, name="invoices"),
    path("invoices/<int:pk>/", invoice_page, name="invoice"),
    path("invoices/<int:pk>/status/", invoice_status, name="invoice_status"),
    path("invoices/<int:pk>/file/", invoice_file, name="invoice_file"),
    path("collaborations/<int:pk>/invoices/", invoice_add, name="invoice_add"),
]
