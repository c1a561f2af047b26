"""API: orders, their attribution (also set by hand), the orders export and file upload, and a
collaboration's results (the same services and roles as the pages)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status

from rapport.api.pagination import Page, PageParams, keyset_page
from rapport.api.permissions import actor_of, require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns.queries.collaborations import collaboration_for
from rapport.tracking.models import Attribution, Order, Refund
from rapport.tracking.queries import orders as queries
from rapport.tracking.queries.results import Results, collaboration_results
from rapport.tracking.queries.shops import shop_for
from rapport.tracking.services.attribution import attribute_by_hand, clear_attribution
from rapport.tracking.services.order_export import orders_export
from rapport.tracking.services.order_import import OrderImportError, import_orders, summary_dict
from rapport.workspaces.calendar import zone
from rapport.workspaces.roles import Perm

router = Router(tags=["Tracking"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


class RefundOut(Schema):
    external_id: str = Field(description="The shop's refund id.")
    amount: Decimal = Field(description="In the order's currency.")
    refunded_at: dt.datetime


class OrderOut(Schema):
    """A shop's order and whom it counts for."""

    id: int
    shop_id: int
    shop: str = Field(description="The shop's name.")
    external_id: str = Field(description="The shop's order id (unique per shop).")
    name: str = Field(description="The shop's order name, such as #1001.")
    placed_at: dt.datetime
    currency: str = Field(description="ISO 4217 code, as the shop sent it.")
    total: Decimal
    refunded: Decimal = Field(description="The sum of the order's refunds.")
    revenue: Decimal = Field(description="Total less refunds (not below 0); 0 once cancelled.")
    cancelled_at: dt.datetime | None
    codes: list[str] = Field(description="The discount codes on the order, upper case.")
    landing_url: str = Field(description="The first page of the buyer's visit, if the shop said.")
    attributed_by: Attribution = Field(
        description="code: its discount code; click: a tracked click in the window; manual: "
        "set by hand (deliveries keep it); none."
    )
    collaboration_id: int | None = Field(description="The collaboration it counts for.")
    creator: str | None = Field(description="That collaboration's creator.")
    campaign_id: int | None
    discount_code: str | None = Field(description="The code that attributed it.")
    click_ref: str | None = Field(description="The reference of the click that attributed it.")
    click_at: dt.datetime | None = Field(description="When that click happened.")
    source: str = Field(description="webhook or file: how the order first arrived.")

    @staticmethod
    def resolve_shop(o: Order) -> str:
        return o.shop.name

    @staticmethod
    def resolve_creator(o: Order) -> str | None:
        return o.collaboration.creator.name if o.collaboration else None

    @staticmethod
    def resolve_campaign_id(o: Order) -> int | None:
        return o.collaboration.campaign_id if o.collaboration else None

    @staticmethod
    def resolve_discount_code(o: Order) -> str | None:
        return o.discount_code.code if o.discount_code else None

    @staticmethod
    def resolve_click_ref(o: Order) -> str | None:
        return o.click.ref if o.click else None

    @staticmethod
    def resolve_click_at(o: Order) -> dt.datetime | None:
        return o.click.at if o.click else None


class OrderDetailOut(OrderOut):
    """An order with its refunds and why it counts for whom it counts."""

    refunds: list[RefundOut]
    reason: str = Field(description="How the order was attributed, or why it was not.")

    @staticmethod
    def resolve_refunds(o: Order) -> list[Refund]:
        return list(o.refunds.all())

    @staticmethod
    def resolve_reason(o: Order) -> str:
        return queries.attribution_reason(o)


class OrderFilterParams(Schema):
    attribution: Attribution | None = Field(None, description="code, click, manual or none.")
    campaign_id: int | None = Field(None, description="Only orders counting for this campaign.")
    shop_id: int | None = Field(None, description="Only this shop's orders.")
    currency: str | None = Field(None, description="Only orders in this currency.")

    def filters(self) -> queries.OrderFilters:
        return queries.OrderFilters(
            attribution=self.attribution.value if self.attribution else "",
            campaign_id=self.campaign_id,
            shop_id=self.shop_id,
            currency=(self.currency or "").upper(),
        )


class OrderParams(PageParams, OrderFilterParams):
    pass


class HandAttributionIn(Schema):
    collaboration_id: int = Field(description="One of the workspace's collaborations.")
    reason: str = Field("", max_length=500, description="Why; kept on the timelines.")


class ClearAttributionIn(Schema):
    reason: str = Field("", max_length=500, description="Why; kept on the timelines.")


class ImportSummaryOut(Schema):
    layout: str = Field(description="template (ours) or shopify (Shopify's orders export).")
    created: int = Field(description="Orders new to this shop.")
    updated: int = Field(description="Orders already known that the file changed.")
    unchanged: int = Field(description="Orders already known as the file says.")
    attributed_by_code: int = Field(description="Of the file's orders, attributed by a code.")
    attributed_by_click: int = Field(description="Of the file's orders, attributed by a click.")
    unattributed: int = Field(description="Of the file's orders, attributed to nobody.")


class ProblemOut(Schema):
    row: int = Field(description="The row as a spreadsheet numbers it (header = 1); 0: the file.")
    column: str = Field(description="The column's heading as in the file.")
    message: str


class ImportProblemsOut(Schema):
    """400: the file has problems; nothing was stored."""

    detail: str
    problems: list[ProblemOut]


class ResultsOut(Schema):
    """What a collaboration's tracking brought in."""

    currency: str = Field(description="The agreed terms' currency, else the campaign's.")
    revenue: Decimal = Field(description="Attributed revenue net of refunds, in `currency`.")
    conversions: int = Field(
        description="Attributed orders in `currency`, not cancelled and not fully refunded."
    )
    other_currency_orders: int = Field(
        description="Attributed orders in other currencies, left out of the figures above."
    )
    clicks: int = Field(description="Clicks on the collaboration's links by people (no bots).")


@router.get("/orders", response={200: Page[OrderOut], **ERRORS}, summary="List orders")
def list_orders(request: HttpRequest, params: Query[OrderParams]) -> dict[str, Any]:
    """The workspace's orders, newest first; `attribution=none` lists those nobody is credited
    with."""
    require_perm(request, Perm.VIEW)
    qs = queries.workspace_orders(workspace_of(request), params.filters())
    page = keyset_page(qs, cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


@router.get("/orders/export", response={200: None, **ERRORS}, summary="Export orders (CSV)")
def export_orders(request: HttpRequest, params: Query[OrderFilterParams]) -> HttpResponseBase:
    """The orders the filters keep, newest first, as CSV: order, shop, placed (ISO 8601 in the
    workspace's time zone), currency, total, refunded, revenue, cancelled, codes, attributed by,
    creator, campaign (text cells made safe for spreadsheets). Needs the export permission."""
    require_perm(request, Perm.EXPORT)
    return orders_export(
        workspace=workspace_of(request), actor=actor_of(request), filters=params.filters()
    )


@router.get(
    "/orders/{int:order_id}", response={200: OrderDetailOut, **ERRORS}, summary="Get an order"
)
def get_order(request: HttpRequest, order_id: int) -> Order:
    require_perm(request, Perm.VIEW)
    return queries.order_for(workspace_of(request), order_id)


@router.post(
    "/orders/import",
    response={200: ImportSummaryOut, 400: ImportProblemsOut, **ERRORS},
    summary="Upload an orders file",
)
def import_file(request: HttpRequest, shop_id: Form[int], file: File[UploadedFile]) -> Any:
    """multipart/form-data: `shop_id` (one of the workspace's shops) and `file`, a CSV (UTF-8 with
    or without BOM, comma or semicolon, at most 5 MB) in our template (order_id, placed_at,
    currency, total, discount_codes, landing_url, refunded, cancelled_at) or Shopify's orders
    export. Every row is checked first: any problem answers 400 listing them all (row, column,
    why) and stores nothing. The same file twice changes nothing the second time."""
    require_perm(request, Perm.MANAGE_TRACKING)
    shop = shop_for(workspace_of(request), shop_id)
    try:
        summary = import_orders(shop=shop, data=file.read(), actor=actor_of(request))
    except OrderImportError as exc:
        return Status(
            400,
            {
                "detail": _("The file has problems; nothing was stored."),
                "problems": [
                    {"row": p.row, "column": p.column, "message": p.message} for p in exc.problems
                ],
            },
        )
    return summary_dict(summary)


@router.post(
    "/orders/{int:order_id}/attribution",
    response={200: OrderDetailOut, **ERRORS},
    summary="Set an order's attribution by hand",
)
def set_attribution(request: HttpRequest, order_id: int, payload: HandAttributionIn) -> Order:
    """Make the order count for `collaboration_id` whatever the rules say; deliveries keep it
    until DELETE. 422 (`collaboration`) for another workspace's collaboration, or when the order
    would leave or join a collaboration whose bonus is approved or paid."""
    require_perm(request, Perm.MANAGE_TRACKING)
    workspace = workspace_of(request)
    order = queries.order_for(workspace, order_id)
    attribute_by_hand(
        order=order,
        collaboration=collaboration_for(workspace, payload.collaboration_id),
        actor=actor_of(request),
        reason=payload.reason,
    )
    return queries.order_for(workspace, order_id)


@router.delete(
    "/orders/{int:order_id}/attribution",
    response={200: OrderDetailOut, **ERRORS},
    summary="Hand an order back to the attribution rules",
)
def delete_attribution(
    request: HttpRequest, order_id: int, payload: ClearAttributionIn | None = None
) -> Order:
    """Undo an attribution set by hand: the rules apply again at once. 422 (`attributed_by`)
    when the order was not set by hand."""
    require_perm(request, Perm.MANAGE_TRACKING)
    workspace = workspace_of(request)
    clear_attribution(
        order=queries.order_for(workspace, order_id),
        actor=actor_of(request),
        reason=payload.reason if payload else "",
    )
    return queries.order_for(workspace, order_id)


@router.get(
    "/collaborations/{int:collaboration_id}/results",
    response={200: ResultsOut, **ERRORS},
    summary="A collaboration's tracked results",
)
def results(
    request: HttpRequest,
    collaboration_id: int,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> Results:
    """Attributed orders and revenue (orders placed in [`since`, `until`) when given; a time
    without an offset is in the workspace's time zone) and clicks by people in the same
    period."""
    require_perm(request, Perm.VIEW)
    workspace = workspace_of(request)
    collaboration = collaboration_for(workspace, collaboration_id)
    since, until = (
        timezone.make_aware(t, zone(workspace.time_zone))
        if t is not None and timezone.is_naive(t)
        else t
        for t in (since, until)
    )
    return collaboration_results(collaboration, since=since, until=until)
