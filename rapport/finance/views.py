"""Finance pages: a collaboration's invoices and bonus (on its page), entering an invoice, moving
one along, its file, the workspace's invoices by payment date, payout files and bonus lines.

Everyone in the workspace sees invoices and bonuses; entering invoices, changing their status,
opening their files and approving or paying bonuses needs ``MANAGE_INVOICES`` (owners and
finance); payout files also need ``VIEW_PRIVATE`` (they carry payout details: the finance role);
managers and finance compute bonuses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from rapport.campaigns.models import Collaboration
from rapport.campaigns.queries.collaborations import collaboration_for
from rapport.campaigns.services.reviews import FileGone
from rapport.finance import bonuses, payouts, queries, services
from rapport.finance.forms import BonusPaidForm, InvoiceForm, InvoiceStatusForm, PayoutForm
from rapport.finance.models import BonusLine, BonusStatus, Invoice, InvoiceStatus
from rapport.hub.money import money
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
    } | bonus_section(request, collaboration)


def bonus_section(request: HttpRequest, collaboration: Collaboration) -> dict[str, Any]:
    """The context of finance/_collaboration_bonus.html: the bonus line with its calculation in
    words, and what the member may do with it. Empty without an agreed bonus or a line."""
    line = queries.collaboration_bonus(collaboration)
    if line is None and bonuses.agreed_bonus(collaboration) is None:
        return {"bonus_shown": False}
    membership = request_membership(request)
    return {
        "bonus_shown": True,
        "bonus_line": line,
        "bonus_explained": bonuses.explain(line.calculation) if line else [],
        "bonus_can_compute": bonuses.may_compute(membership)
        and (line is None or line.status == BonusStatus.COMPUTED),
        "bonus_can_manage": membership.can(Perm.MANAGE_INVOICES),
        "bonus_paid_form": BonusPaidForm(prefix=f"b{line.pk}") if line else None,
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
            "can_export": payouts.may_export(request_membership(request)),
            "payable": payouts.PAYABLE,
            "layouts": payouts.Layout.choices,
            "today": today,
        },
    )


# ---------------------------------------------------------------------------------------------
# Payout files


def _ids(values: list[str]) -> list[int]:
    """Invoice ids from ``ids`` parameters (each may be a comma-separated list), each once."""
    return list(dict.fromkeys(int(p) for v in values for p in v.split(",") if p.strip().isdigit()))


def _require_export(request: HttpRequest) -> None:
    if not payouts.may_export(request_membership(request)):
        raise PermissionDenied


def _payout_page(
    request: HttpRequest,
    form: PayoutForm,
    ids: list[int],
    error: str = "",
    status: int = 200,
) -> HttpResponseBase:
    workspace = request_workspace(request)
    payout = None
    if form.is_valid() and (ids or form.cleaned_data["due_by"]):
        data = form.cleaned_data
        try:
            payout = payouts.prepare_payout(
                workspace=workspace,
                layout=data["layout"],
                invoice_ids=ids,
                due_by=None if ids else data["due_by"],
                currency=data["currency"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
    not_found = (
        payout.not_found if payout is not None else queries.unknown_invoice_ids(workspace, ids)
    )
    return render(
        request,
        "finance/payouts.html",
        {
            "form": form,
            "ids": [pk for pk in ids if pk not in not_found],
            "not_found": not_found,
            "payout": payout,
            "schedulable": [
                i for i in (payout.included if payout else []) if i.status == InvoiceStatus.APPROVED
            ],
            "error": error,
        },
        status=status,
    )


@require_safe
@workspace_view(Perm.MANAGE_INVOICES)
def payout_preview(request: HttpRequest) -> HttpResponseBase:
    """Choose a layout and the invoices (those ticked on the list, or everything due up to a
    date) and see what the file will pay and what it cannot, with the reason, before
    downloading it."""
    _require_export(request)
    data = request.GET.copy()
    data.setdefault("layout", payouts.Layout.PAYPAL)
    return _payout_page(request, PayoutForm(data), _ids(request.GET.getlist("ids")))


@require_POST
@workspace_view(Perm.MANAGE_INVOICES)
def payout_export(request: HttpRequest) -> HttpResponseBase:
    """Download the payout file of the invoices the preview showed (audited)."""
    _require_export(request)
    workspace = request_workspace(request)
    form = PayoutForm(request.POST)
    ids = _ids(request.POST.getlist("ids"))
    if not form.is_valid():
        return _payout_page(request, form, ids, status=422)
    try:
        payout, text = payouts.export_payout(
            workspace=workspace,
            actor=request_user(request),
            layout=form.cleaned_data["layout"],
            invoice_ids=ids,
            currency=form.cleaned_data["currency"],
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
        return _payout_page(request, form, ids, error=error, status=422)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = payouts.filename(workspace, payout, queries.today_in(workspace))
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@workspace_view(Perm.MANAGE_INVOICES)
def payout_schedule(request: HttpRequest) -> HttpResponseBase:
    """After the export: mark the file's approved invoices as payment scheduled."""
    _require_export(request)
    workspace = request_workspace(request)
    ids = _ids(request.POST.getlist("ids"))
    try:
        moved = payouts.schedule_payout(
            workspace=workspace, actor=request_user(request), invoice_ids=ids
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s invoice marked as payment scheduled.",
                "%(n)s invoices marked as payment scheduled.",
                len(moved),
            )
            % {"n": len(moved)},
        )
    return redirect("finance:invoices", ws=workspace.slug)


# ---------------------------------------------------------------------------------------------
# Bonuses


@workspace_view(Perm.VIEW)
def bonus_list(request: HttpRequest) -> HttpResponseBase:
    """The workspace's bonus lines with their calculation, the latest first, 50 to a page."""
    workspace = request_workspace(request)
    status = request.GET.get("status", "")
    if status not in BonusStatus.values:
        status = ""
    number = page_number(request.GET.get("page"))
    paginator = CappedPaginator(
        queries.workspace_bonuses(workspace, status), PAGE_SIZE, page=number
    )
    page = paginator.get_page(number)
    return render(
        request,
        "finance/bonuses.html",
        {
            "rows": [
                {
                    "line": line,
                    "explained": bonuses.explain(line.calculation),
                    "paid_form": BonusPaidForm(prefix=f"b{line.pk}"),
                }
                for line in page.object_list
            ],
            "page": page,
            "status": status,
            "status_choices": BonusStatus.choices,
            "can_manage": request_membership(request).can(Perm.MANAGE_INVOICES),
        },
    )


def _back(request: HttpRequest, line: BonusLine) -> HttpResponseBase:
    if request.POST.get("back") == "bonuses":
        return redirect("finance:bonuses", ws=line.workspace.slug)
    url = reverse(
        "campaigns:collaboration", kwargs={"ws": line.workspace.slug, "pk": line.collaboration_id}
    )
    return redirect(url + "#bonus")


@require_POST
@workspace_view(Perm.VIEW)
def bonus_compute(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Compute (or recompute, while only computed) the collaboration's bonus now."""
    if not bonuses.may_compute(request_membership(request)):
        raise PermissionDenied
    workspace = request_workspace(request)
    collaboration = collaboration_for(workspace, pk)
    line = bonuses.compute_bonus(collaboration=collaboration, actor=request_user(request))
    if line is None:
        messages.error(request, _("The agreed terms have no bonus."))
    else:
        messages.success(
            request,
            _("Bonus computed: %(amount)s.") % {"amount": money(line.amount, line.currency)},
        )
    url = reverse("campaigns:collaboration", kwargs={"ws": workspace.slug, "pk": pk})
    return redirect(url + "#bonus")


@require_POST
@workspace_view(Perm.MANAGE_INVOICES)
def bonus_approve(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Approve a computed bonus: it no longer changes."""
    line = queries.bonus_for(request_workspace(request), pk)
    try:
        bonuses.approve_bonus(line=line, actor=request_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Bonus approved."))
    return _back(request, line)


@require_POST
@workspace_view(Perm.MANAGE_INVOICES)
def bonus_paid(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Record the day an approved bonus was paid."""
    line = queries.bonus_for(request_workspace(request), pk)
    form = BonusPaidForm(request.POST, prefix=f"b{line.pk}")
    paid_on = form.cleaned_data["paid_on"] if form.is_valid() else None
    try:
        bonuses.mark_bonus_paid(line=line, actor=request_user(request), paid_on=paid_on)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Bonus marked as paid."))
    return _back(request, line)


urls: list[URLPattern] = [
    path("invoices/", invoice_list, name="invoices"),
    path("invoices/<int:pk>/", invoice_page, name="invoice"),
    path("invoices/<int:pk>/status/", invoice_status, name="invoice_status"),
    path("invoices/<int:pk>/file/", invoice_file, name="invoice_file"),
    path("collaborations/<int:pk>/invoices/", invoice_add, name="invoice_add"),
    path("payouts/", payout_preview, name="payouts"),
    path("payouts/export/", payout_export, name="payout_export"),
    path("payouts/schedule/", payout_schedule, name="payout_schedule"),
    path("bonuses/", bonus_list, name="bonuses"),
    path("bonuses/<int:pk>/approve/", bonus_approve, name="bonus_approve"),
    path("bonuses/<int:pk>/paid/", bonus_paid, name="bonus_paid"),
    path("collaborations/<int:pk>/bonus/", bonus_compute, name="bonus_compute"),
]
