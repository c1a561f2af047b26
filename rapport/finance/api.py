"""API: invoices, as finance sees them (the same services and roles as the pages)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status

from rapport.api.pagination import Page, PageParams, keyset_page
from rapport.api.permissions import actor_of, require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns.queries.collaborations import collaboration_for
from rapport.campaigns.services.reviews import FileGone
from rapport.finance import queries, services
from rapport.finance.models import Invoice, InvoiceSource, InvoiceStatus
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
