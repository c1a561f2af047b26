"""API: invoices, payout files and bonuses, as finance sees them (the same services and roles as
the pages)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status

from rapport.api.pagination import Page, PageParams, keyset_page
from rapport.api.permissions import actor_of, require_perm, token_of, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns.queries.collaborations import collaboration_for
from rapport.campaigns.services.reviews import FileGone
from rapport.finance import bonuses, payouts, queries, services
from rapport.finance.models import BonusLine, BonusStatus, Invoice, InvoiceSource, InvoiceStatus
from rapport.finance.payouts import Layout
from rapport.workspaces.calendar import zone
from rapport.workspaces.roles import Perm

router = Router(tags=["invoices"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


class InvoiceOut(Schema):
    """A creator's invoice for one collaboration."""

    id: int
    collaboration_id: int
    creator_id: int
    creator: str = Field(description="The creator's name.")
    campaign_id: int
    campaign: str = Field(description="The campaign's name.")
    number: str = Field(description="The invoice number, as written on the invoice.")
    amount: Decimal = Field(description="The amount, in `currency`.")
    currency: str = Field(description="ISO 4217 code.")
    received_at: dt.datetime = Field(description="When the invoice arrived.")
    due_on: dt.date = Field(
        description="The payment date under the workspace's terms (Net N calendar days, in the "
        "workspace's time zone); the creator sees it on the hub."
    )
    overdue: bool = Field(description="Not paid, and the payment date has passed.")
    status: InvoiceStatus
    source: InvoiceSource = Field(description="hub: sent by the creator; team: entered by finance.")
    entered_by: str | None = Field(description="E-mail of the member; null from the hub.")
    paid_on: dt.date | None
    days_to_pay: int | None = Field(
        description="Calendar days from the day it was received to the day it was paid, on the "
        "workspace's calendar; null until paid."
    )
    payment_method: str
    note: str = Field(
        description="Notes for finance: a warning when the creator's payment details changed "
        "shortly before, and the reason of a dispute."
    )
    has_file: bool
    file_url: str | None = Field(
        description="GET it with a token that may manage invoices; null without a file."
    )
    created_at: dt.datetime

    @staticmethod
    def resolve_creator_id(i: Invoice) -> int:
        return i.collaboration.creator_id

    @staticmethod
    def resolve_creator(i: Invoice) -> str:
        return i.collaboration.creator.name

    @staticmethod
    def resolve_campaign_id(i: Invoice) -> int:
        return i.collaboration.campaign_id

    @staticmethod
    def resolve_campaign(i: Invoice) -> str:
        return i.collaboration.campaign.name

    @staticmethod
    def resolve_overdue(i: Invoice) -> bool:
        return queries.is_overdue(i, queries.today_in(i.workspace))

    @staticmethod
    def resolve_entered_by(i: Invoice) -> str | None:
        return i.entered_by.email if i.entered_by else None

    @staticmethod
    def resolve_has_file(i: Invoice) -> bool:
        return bool(i.file)

    @staticmethod
    def resolve_file_url(i: Invoice) -> str | None:
        return f"/api/v1/invoices/{i.pk}/file" if i.file else None


class InvoiceParams(PageParams):
    status: InvoiceStatus | None = Field(None, description="Only invoices of this status.")


class StatusIn(Schema):
    status: InvoiceStatus = Field(
        description="approved, scheduled, paid or disputed (received -> approved -> scheduled "
        "-> paid; disputed from any but paid)."
    )
    paid_on: dt.date | None = Field(None, description="Needed for paid.")
    payment_method: str = Field("", max_length=60, description="Such as PayPal or bank transfer.")
    reason: str = Field("", max_length=1000, description="Needed for disputed.")


def _detail(request: HttpRequest, invoice_id: int) -> Invoice:
    return queries.invoice_for(workspace_of(request), invoice_id)


@router.get("/invoices", response={200: Page[InvoiceOut], **ERRORS}, summary="List invoices")
def list_invoices(request: HttpRequest, params: Query[InvoiceParams]) -> dict[str, Any]:
    """The workspace's invoices by payment date, the soonest first."""
    require_perm(request, Perm.VIEW)
    status = params.status.value if params.status else ""
    qs = queries.workspace_invoices(workspace_of(request), status)
    page = keyset_page(qs, cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


@router.get(
    "/invoices/{int:invoice_id}", response={200: InvoiceOut, **ERRORS}, summary="Get an invoice"
)
def get_invoice(request: HttpRequest, invoice_id: int) -> Invoice:
    require_perm(request, Perm.VIEW)
    return _detail(request, invoice_id)


@router.post(
    "/collaborations/{int:collaboration_id}/invoices",
    response={201: InvoiceOut, **ERRORS},
    summary="Enter an invoice",
)
def create_invoice(
    request: HttpRequest,
    collaboration_id: int,
    number: Form[str] = "",
    amount: Form[str] = "",
    currency: Form[str] = "",
    received_at: Form[dt.datetime | None] = None,
    file: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Status[Invoice]:
    """Enter an invoice the creator sent (multipart/form-data: `number`, `amount`, `currency`
    (the agreed terms' when left out), `received_at` (now when left out; without an offset, in
    the workspace's time zone), and optionally `file`:
    a PDF or an image, up to 10 MB). Gives the payment date and starts the payment clock."""
    require_perm(request, Perm.MANAGE_INVOICES)
    workspace = workspace_of(request)
    collaboration = collaboration_for(workspace, collaboration_id)
    if received_at is not None and timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at, zone(workspace.time_zone))
    invoice = services.receive_invoice(
        collaboration=collaboration,
        number=number,
        amount=amount,
        currency=currency,
        file=file,
        actor=actor_of(request),
        received_at=received_at,
    )
    return Status(201, _detail(request, invoice.pk))


@router.post(
    "/invoices/{int:invoice_id}/status",
    response={200: InvoiceOut, **ERRORS},
    summary="Change an invoice's status",
)
def change_status(request: HttpRequest, invoice_id: int, payload: StatusIn) -> Invoice:
    """Approve, schedule, mark paid (with `paid_on`; this stops the payment clock) or dispute
    (with a `reason`)."""
    require_perm(request, Perm.MANAGE_INVOICES)
    invoice = services.set_invoice_status(
        invoice=_detail(request, invoice_id),
        status=payload.status.value,
        actor=actor_of(request),
        paid_on=payload.paid_on,
        payment_method=payload.payment_method,
        reason=payload.reason,
    )
    return _detail(request, invoice.pk)


@router.get(
    "/invoices/{int:invoice_id}/file",
    response={200: None, 410: ErrorOut, **ERRORS},
    summary="Download an invoice's file",
)
def download_file(request: HttpRequest, invoice_id: int) -> HttpResponseBase:
    """The file, as an attachment, with the content type of its kind (checked from its content
    when it arrived). 410 when the invoice has no file or it is no longer stored."""
    require_perm(request, Perm.MANAGE_INVOICES)
    try:
        return services.file_download(_detail(request, invoice_id))
    except FileGone as exc:
        return JsonResponse({"detail": str(exc)}, status=410)


# ---------------------------------------------------------------------------------------------
# Payout files

PAYOUT_TAGS = ["payouts"]


def _require_export(request: HttpRequest) -> None:
    for perm in payouts.PERMS:  # the one list of what a payout file needs
        require_perm(request, perm)


class PayoutRowOut(Schema):
    invoice_id: int
    number: str = Field(description="The invoice number.")
    creator: str = Field(description="The creator's name.")
    amount: Decimal
    currency: str
    due_on: dt.date
    status: InvoiceStatus
    warning: str = Field(
        "",
        description="Set when the creator's payout details changed within 7 days before the "
        "invoice arrived, or since: check them before paying. Empty otherwise.",
    )


class ExcludedOut(PayoutRowOut):
    reason: str = Field(description="Why the invoice cannot go in this file.")


class TotalOut(Schema):
    currency: str
    amount: Decimal


class PayoutPreviewOut(Schema):
    """What a payout file would pay, and what it cannot (with the reason)."""

    layout: Layout
    currency: str = Field(description="The one currency of a PayPal file; empty for bank.")
    included: list[PayoutRowOut]
    excluded: list[ExcludedOut]
    totals: list[TotalOut] = Field(description="What the file pays, per currency.")
    not_found: list[int] = Field(
        description="Chosen ids that are not invoices of this workspace (left out, not counted)."
    )


class PayoutParams(Schema):
    layout: Layout = Field(description="paypal (PayPal Payouts upload) or bank (bank transfer).")
    invoice_ids: list[int] = Field(
        default_factory=list, description="The invoices to pay (repeat the parameter)."
    )
    due_by: dt.date | None = Field(
        None,
        description="Without invoice_ids: every approved or scheduled invoice due on or before "
        "this date.",
    )
    currency: str = Field("", max_length=3, description="A PayPal file's currency.")


class PayoutIn(Schema):
    layout: Layout = Field(description="paypal (PayPal Payouts upload) or bank (bank transfer).")
    invoice_ids: list[int] = Field(description="The invoices to pay, all approved or scheduled.")
    currency: str = Field(
        "", max_length=3, description="A PayPal file's one currency; defaults to the invoices'."
    )


class PayoutRefusedOut(Schema):
    """400: some invoices cannot go in the file; nothing was exported."""

    detail: str
    excluded: list[ExcludedOut]


class ScheduleIn(Schema):
    invoice_ids: list[int] = Field(description="Approved (or already scheduled) invoices.")


def _row(invoice: Invoice, warning: str) -> dict[str, Any]:
    return {
        "warning": warning,
        "invoice_id": invoice.pk,
        "number": invoice.number,
        "creator": invoice.collaboration.creator.name,
        "amount": invoice.amount,
        "currency": invoice.currency,
        "due_on": invoice.due_on,
        "status": invoice.status,
    }


def _preview(payout: payouts.Payout) -> dict[str, Any]:
    return {
        "layout": payout.layout,
        "currency": payout.currency,
        "included": [_row(i, warning) for i, warning in payout.rows()],
        "excluded": [_row(e.invoice, e.warning) | {"reason": e.reason} for e in payout.excluded],
        "totals": [{"currency": c, "amount": a} for c, a in payout.totals()],
        "not_found": payout.not_found,
    }


@router.get(
    "/payouts/preview",
    response={200: PayoutPreviewOut, **ERRORS},
    summary="Preview a payout file",
    tags=PAYOUT_TAGS,
)
def preview_payout(request: HttpRequest, params: Query[PayoutParams]) -> dict[str, Any]:
    """Which invoices a payout file in `layout` would pay, and which it cannot, with the reason.
    Each row carries a `warning` when the creator's payout details changed lately; ids that are
    not this workspace's invoices are listed in `not_found`. Needs a role that manages invoices
    and sees payout details (finance)."""
    _require_export(request)
    payout = payouts.prepare_payout(
        workspace=workspace_of(request),
        layout=params.layout.value,
        invoice_ids=params.invoice_ids,
        due_by=None if params.invoice_ids else params.due_by,
        currency=params.currency,
    )
    return _preview(payout)


@router.post(
    "/payouts/export",
    response={200: None, 400: PayoutRefusedOut, **ERRORS},
    summary="Export a payout file",
    tags=PAYOUT_TAGS,
)
def export_payout(request: HttpRequest, payload: PayoutIn) -> HttpResponseBase:
    """The payout file as CSV (`text/csv`): PayPal's Payouts upload layout (no header: e-mail,
    amount, currency, reference, note, PAYPAL) or the bank layout (with a header: beneficiary
    name, account number or IBAN, bank code, amount, currency, reference = invoice number,
    creator). Amounts are written "1234.50". 400 lists every invoice that cannot go in the file
    (and nothing is exported). Audited. Needs the finance role."""
    _require_export(request)
    workspace = workspace_of(request)
    payout = payouts.prepare_payout(
        workspace=workspace,
        layout=payload.layout.value,
        invoice_ids=payload.invoice_ids,
        currency=payload.currency,
    )
    if payout.not_found:
        return JsonResponse(
            {
                "detail": _("No such invoices: %(ids)s.")
                % {"ids": ", ".join(map(str, payout.not_found))},
                "excluded": [],
            },
            status=404,
        )
    if payout.excluded or not payout.included:
        return JsonResponse(
            {
                "detail": _("These invoices cannot go in the file; nothing was exported.")
                if payout.excluded
                else _("Choose the invoices to pay."),
                "excluded": _preview(payout)["excluded"],
            },
            status=400,
            json_dumps_params={"default": str},
        )
    payout, text = payouts.export_payout(
        workspace=workspace,
        actor=actor_of(request),
        layout=payload.layout.value,
        invoice_ids=payload.invoice_ids,
        currency=payload.currency,
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = payouts.filename(workspace, payout, queries.today_in(workspace))
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.post(
    "/payouts/schedule",
    response={200: list[InvoiceOut], **ERRORS},
    summary="Mark a payout's invoices as payment scheduled",
    tags=PAYOUT_TAGS,
)
def schedule_payout(request: HttpRequest, payload: ScheduleIn) -> list[Invoice]:
    """After uploading the file: the approved invoices become payment scheduled (the creator
    sees the date on the hub). Returns those that moved."""
    _require_export(request)
    workspace = workspace_of(request)
    moved = payouts.schedule_payout(
        workspace=workspace, actor=actor_of(request), invoice_ids=payload.invoice_ids
    )
    return list(queries.workspace_invoices(workspace).filter(pk__in=[i.pk for i in moved]))


# ---------------------------------------------------------------------------------------------
# Bonuses

BONUS_TAGS = ["bonuses"]


class BonusOut(Schema):
    """A collaboration's performance bonus, with its calculation."""

    id: int
    collaboration_id: int
    creator: str = Field(description="The creator's name.")
    campaign: str = Field(description="The campaign's name.")
    metric: str = Field(description="cpa, revenue or conversions (a commission is on revenue).")
    measured: Decimal | None = Field(
        description="The metric as measured; null for a CPA without any conversion (n/a)."
    )
    amount: Decimal = Field(description="The bonus, in `currency`.")
    currency: str
    status: BonusStatus = Field(description="computed (may change), approved (fixed) or paid.")
    computed_at: dt.datetime
    paid_on: dt.date | None
    calculation: dict[str, Any] = Field(
        description="Every input (window, spend, orders, revenue, orders left out for their "
        "currency) and each rung's outcome."
    )
    explanation: list[str] = Field(description="The calculation in plain words, step by step.")

    @staticmethod
    def resolve_creator(line: BonusLine) -> str:
        return line.collaboration.creator.name

    @staticmethod
    def resolve_campaign(line: BonusLine) -> str:
        return line.collaboration.campaign.name

    @staticmethod
    def resolve_explanation(line: BonusLine) -> list[str]:
        return bonuses.explain(line.calculation)


class BonusParams(PageParams):
    status: BonusStatus | None = Field(None, description="Only bonuses of this status.")


class BonusPaidIn(Schema):
    paid_on: dt.date | None = Field(None, description="The day it was paid (not in the future).")


@router.get(
    "/bonuses", response={200: Page[BonusOut], **ERRORS}, summary="List bonuses", tags=BONUS_TAGS
)
def list_bonuses(request: HttpRequest, params: Query[BonusParams]) -> dict[str, Any]:
    """The workspace's bonus lines, the latest computed first."""
    require_perm(request, Perm.VIEW)
    status = params.status.value if params.status else ""
    qs = queries.workspace_bonuses(workspace_of(request), status)
    page = keyset_page(qs, cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


@router.get(
    "/bonuses/{int:bonus_id}",
    response={200: BonusOut, **ERRORS},
    summary="Get a bonus",
    tags=BONUS_TAGS,
)
def get_bonus(request: HttpRequest, bonus_id: int) -> BonusLine:
    require_perm(request, Perm.VIEW)
    return queries.bonus_for(workspace_of(request), bonus_id)


@router.post(
    "/collaborations/{int:collaboration_id}/bonus",
    response={200: BonusOut, **ERRORS},
    summary="Compute a collaboration's bonus",
    tags=BONUS_TAGS,
)
def compute_bonus(request: HttpRequest, collaboration_id: int) -> BonusLine:
    """Evaluate the agreed ladder (or commission) on the measured results now; done by itself
    when the collaboration reaches Reported. An approved or paid bonus is returned unchanged.
    422 when the terms have no bonus. Managers and finance."""
    require_perm(request, Perm.VIEW)
    if not bonuses.may_compute(token_of(request).role):
        require_perm(request, Perm.MANAGE_INVOICES)
    workspace = workspace_of(request)
    collaboration = collaboration_for(workspace, collaboration_id)
    line = bonuses.compute_bonus(collaboration=collaboration, actor=actor_of(request))
    if line is None:
        raise ValidationError({"bonus": _("The agreed terms have no bonus.")})
    return queries.bonus_for(workspace, line.pk)


@router.post(
    "/bonuses/{int:bonus_id}/approve",
    response={200: BonusOut, **ERRORS},
    summary="Approve a bonus",
    tags=BONUS_TAGS,
)
def approve_bonus(request: HttpRequest, bonus_id: int) -> BonusLine:
    """A computed bonus becomes approved: it is fixed from now on."""
    require_perm(request, Perm.MANAGE_INVOICES)
    workspace = workspace_of(request)
    line = bonuses.approve_bonus(
        line=queries.bonus_for(workspace, bonus_id), actor=actor_of(request)
    )
    return queries.bonus_for(workspace, line.pk)


@router.post(
    "/bonuses/{int:bonus_id}/paid",
    response={200: BonusOut, **ERRORS},
    summary="Mark a bonus paid",
    tags=BONUS_TAGS,
)
def pay_bonus(request: HttpRequest, bonus_id: int, payload: BonusPaidIn) -> BonusLine:
    """An approved bonus was paid on `paid_on`."""
    require_perm(request, Perm.MANAGE_INVOICES)
    workspace = workspace_of(request)
    line = bonuses.mark_bonus_paid(
        line=queries.bonus_for(workspace, bonus_id),
        actor=actor_of(request),
        paid_on=payload.paid_on,
    )
    return queries.bonus_for(workspace, line.pk)
