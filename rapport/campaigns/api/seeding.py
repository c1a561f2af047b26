"""API of product seeding: products, shipments and their steps, and the fulfilment files.

Handlers are thin: they check the token's role, resolve ids within the token's workspace (another
workspace's row is a 404) and call the same services and queries as the pages. Addresses are only
in answers to tokens whose role sees private details.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, File, Query, Router, Schema, UploadedFile
from ninja.responses import Status

from rapport.api.pagination import Page, PageParams, keyset_page
from rapport.api.permissions import actor_of, allows, require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns import carriers
from rapport.campaigns.models import Carrier, Product, Shipment, ShipmentStatus
from rapport.campaigns.queries import seeding as queries
from rapport.campaigns.services import seeding as services
from rapport.campaigns.services.sla import state_of
from rapport.creators.api import PrivateFieldsGuard, unset
from rapport.workspaces.roles import Perm
from rapport.workspaces.services import PermissionDenied

router = Router(tags=["seeding"])

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


# --- Products --------------------------------------------------------------------------------


class ProductOut(Schema):
    id: int
    name: str
    sku: str = Field(description="Unique in the workspace.")
    value: Decimal
    currency: str = Field(description="ISO 4217 code of `value`.")
    variants: list[str] = Field(description="Sizes or variants a shipment item may choose from.")
    is_active: bool = Field(description="Offered: only offered products go into new shipments.")


class ProductIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    sku: str = Field(min_length=1, max_length=64, description="Unique in the workspace.")
    value: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    currency: str = Field(min_length=3, max_length=3, description="Such as USD or EUR.")
    variants: list[str] = Field(default_factory=list, description="Sizes or variants, in order.")
    is_active: bool = True


class ProductPatch(Schema):
    """The fields to change; those left out keep their value. `is_active: false` deactivates."""

    name: str = unset(min_length=1, max_length=200)
    sku: str = unset(min_length=1, max_length=64)
    value: Decimal = unset(ge=0, max_digits=12, decimal_places=2)
    currency: str = unset(min_length=3, max_length=3)
    variants: list[str] = unset(description="Replaces the list.")
    is_active: bool = unset(description="false takes the product off what can be shipped.")


class ProductParams(PageParams):
    offered: bool | None = Field(None, description="true: only the products still offered.")


@router.get("/products", response={200: Page[ProductOut], **READ_ERRORS}, summary="List products")
def list_products(request: HttpRequest, params: Query[ProductParams]) -> dict[str, Any]:
    """The workspace's product list, by name."""
    require_perm(request, Perm.VIEW)
    qs = queries.products_for(workspace_of(request), offered_only=bool(params.offered))
    page = keyset_page(qs.order_by("name", "id"), cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


@router.post("/products", response={201: ProductOut, **READ_ERRORS}, summary="Add a product")
def create_product(request: HttpRequest, payload: ProductIn) -> Status[Product]:
    require_perm(request, Perm.MANAGE_SEEDING)
    product = services.create_product(
        workspace=workspace_of(request), actor=actor_of(request), **payload.model_dump()
    )
    return Status(201, product)


@router.get(
    "/products/{int:product_id}", response={200: ProductOut, **READ_ERRORS}, summary="A product"
)
def get_product(request: HttpRequest, product_id: int) -> Product:
    require_perm(request, Perm.VIEW)
    return queries.product_for(workspace_of(request), product_id)


@router.patch(
    "/products/{int:product_id}",
    response={200: ProductOut, **READ_ERRORS},
    summary="Change or deactivate a product",
)
def update_product(request: HttpRequest, product_id: int, payload: ProductPatch) -> Product:
    require_perm(request, Perm.MANAGE_SEEDING)
    product = queries.product_for(workspace_of(request), product_id)
    values = payload.model_dump(exclude_unset=True)
    return services.update_product(product=product, actor=actor_of(request), **values)


@router.delete(
    "/products/{int:product_id}",
    response={200: ProductOut, **READ_ERRORS},
    summary="Deactivate a product",
)
def deactivate_product(request: HttpRequest, product_id: int) -> Product:
    """Products are never deleted (shipments refer to them): this marks it no longer offered."""
    require_perm(request, Perm.MANAGE_SEEDING)
    product = queries.product_for(workspace_of(request), product_id)
    return services.update_product(product=product, actor=actor_of(request), is_active=False)


# --- Shipments -------------------------------------------------------------------------------


class ItemOut(Schema):
    product_id: int
    sku: str
    name: str
    variant: str
    quantity: int

    @staticmethod
    def resolve_sku(item: Any) -> str:
        return str(item.product.sku)

    @staticmethod
    def resolve_name(item: Any) -> str:
        return str(item.product.name)


class ClockOut(Schema):
    state: str = Field(description="running, due_soon, breached, met or missed.")
    started_at: dt.datetime
    due_at: dt.datetime
    original_due_at: dt.datetime
    stopped_at: dt.datetime | None


class ShipmentOut(PrivateFieldsGuard):
    id: int
    collaboration_id: int
    campaign_id: int
    creator_id: int
    creator_name: str
    status: ShipmentStatus
    items: list[ItemOut]
    shipping_address: str | None = Field(
        None,
        description="The address as it was when the shipment was prepared. Only for roles that "
        "see private details (finance, ops).",
    )
    carrier: Carrier | None
    tracking_number: str
    tracking_url: str = Field(description="The carrier's public tracking page; empty if none.")
    expected_on: dt.date | None
    created_at: dt.datetime
    label_created_at: dt.datetime | None
    creator_told_at: dt.datetime | None
    shipped_at: dt.datetime | None
    delivered_at: dt.datetime | None
    received_at: dt.datetime | None
    clock: ClockOut | None = Field(description="The shipping-confirmation clock, once started.")

    @staticmethod
    def resolve_campaign_id(shipment: Shipment) -> int:
        return shipment.collaboration.campaign_id

    @staticmethod
    def resolve_creator_id(shipment: Shipment) -> int:
        return shipment.collaboration.creator_id

    @staticmethod
    def resolve_creator_name(shipment: Shipment) -> str:
        return shipment.collaboration.creator.name

    @staticmethod
    def resolve_carrier(shipment: Shipment) -> str | None:
        return shipment.carrier or None

    @staticmethod
    def resolve_shipping_address(shipment: Shipment) -> str:
        return shipment.address

    @staticmethod
    def resolve_items(shipment: Shipment) -> list[Any]:
        return list(shipment.items.all())

    @staticmethod
    def resolve_tracking_url(shipment: Shipment) -> str:
        return carriers.tracking_url(shipment.carrier, shipment.tracking_number)

    @staticmethod
    def resolve_clock(shipment: Shipment) -> dict[str, Any] | None:
        clock = getattr(shipment, "shipping_clock", None)
        if clock is None:
            return None
        return {
            "state": str(state_of(clock)),
            "started_at": clock.started_at,
            "due_at": clock.due_at,
            "original_due_at": clock.original_due_at,
            "stopped_at": clock.stopped_at,
        }


class ItemIn(Schema):
    product_id: int = Field(description="A product of the workspace that is still offered.")
    variant: str = Field("", max_length=60, description="One of the product's variants, if any.")
    quantity: int = Field(1, ge=1, le=9999)


class ShipmentIn(Schema):
    items: list[ItemIn] = Field(description="At least one.")
    carrier: Carrier | None = Field(None, description="If already known.")
    tracking_number: str = Field("", max_length=64)
    expected_on: dt.date | None = None


class ShipmentPatch(Schema):
    """The fields to change; items only while the shipment is a draft."""

    items: list[ItemIn] = unset(description="Replaces the items (drafts only).")
    carrier: Carrier | None = Field(None, description="null clears it.")
    tracking_number: str = unset(max_length=64)
    expected_on: dt.date | None = None


class LabelIn(Schema):
    carrier: Carrier | None = Field(None, description="Set with the label, when known.")
    tracking_number: str | None = Field(None, max_length=64)


class TellIn(Schema):
    expected_on: dt.date | None = Field(None, description="Sets the expected delivery date first.")


class ShipmentParams(PageParams):
    status: ShipmentStatus | None = None
    campaign_id: int | None = None
    collaboration_id: int | None = None


def _with_clocks(shipments: list[Shipment]) -> list[Shipment]:
    clocks = queries.shipping_clocks(shipments)
    for shipment in shipments:
        shipment.shipping_clock = clocks.get(shipment.pk)  # type: ignore[attr-defined]
    return shipments


def _shipment(request: HttpRequest, shipment_id: int) -> Shipment:
    return queries.shipment_for(workspace_of(request), shipment_id)


def _fresh(request: HttpRequest, shipment: Shipment) -> Shipment:
    return _with_clocks([_shipment(request, shipment.pk)])[0]


def _items(items: list[ItemIn]) -> list[services.ItemData]:
    return [services.ItemData(i.product_id, i.variant, i.quantity) for i in items]


@router.get(
    "/shipments", response={200: Page[ShipmentOut], **READ_ERRORS}, summary="List shipments"
)
def list_shipments(request: HttpRequest, params: Query[ShipmentParams]) -> dict[str, Any]:
    """The workspace's shipments, newest first, filtered by status, campaign or collaboration."""
    require_perm(request, Perm.VIEW)
    filters = queries.ShipmentFilters(
        status=params.status or "",
        campaign_id=params.campaign_id,
        collaboration_id=params.collaboration_id,
    )
    qs = queries.with_shipment_relations(queries.filtered_shipments(workspace_of(request), filters))
    page = keyset_page(qs, cursor=params.cursor, limit=params.limit)
    return {"items": _with_clocks(page.items), "next": page.next}


@router.post(
    "/collaborations/{int:collaboration_id}/shipments",
    response={201: ShipmentOut, **READ_ERRORS},
    summary="Prepare a shipment",
)
def create_shipment(
    request: HttpRequest, collaboration_id: int, payload: ShipmentIn
) -> Status[Shipment]:
    """A draft shipment to the collaboration's creator, keeping the creator's shipping address as
    it is now; 422 when the creator has none."""
    require_perm(request, Perm.MANAGE_SEEDING)
    collaboration = queries.collaboration_for(workspace_of(request), collaboration_id)
    shipment = services.create_shipment(
        collaboration=collaboration,
        actor=actor_of(request),
        items=_items(payload.items),
        carrier=payload.carrier or "",
        tracking_number=payload.tracking_number,
        expected_on=payload.expected_on,
    )
    return Status(201, _fresh(request, shipment))


@router.get(
    "/shipments/{int:shipment_id}", response={200: ShipmentOut, **READ_ERRORS}, summary="A shipment"
)
def get_shipment(request: HttpRequest, shipment_id: int) -> Shipment:
    require_perm(request, Perm.VIEW)
    return _with_clocks([_shipment(request, shipment_id)])[0]


@router.patch(
    "/shipments/{int:shipment_id}",
    response={200: ShipmentOut, **READ_ERRORS},
    summary="Change a shipment",
)
def update_shipment(request: HttpRequest, shipment_id: int, payload: ShipmentPatch) -> Shipment:
    """Carrier, tracking number (checked against the carrier's format), expected delivery date,
    and items while it is a draft."""
    require_perm(request, Perm.MANAGE_SEEDING)
    shipment = _shipment(request, shipment_id)
    values = payload.model_dump(exclude_unset=True)
    if "items" in values:
        values["items"] = _items(payload.items)
    if "carrier" in values:
        values["carrier"] = values["carrier"] or ""
    services.update_shipment(shipment=shipment, actor=actor_of(request), **values)
    return _fresh(request, shipment)


@router.post(
    "/shipments/{int:shipment_id}/label",
    response={200: ShipmentOut, **READ_ERRORS},
    summary="Label created",
)
def create_label(request: HttpRequest, shipment_id: int, payload: LabelIn) -> Shipment:
    """Mark the label created (optionally with carrier and number); starts the shipping clock."""
    require_perm(request, Perm.MANAGE_SEEDING)
    shipment = _shipment(request, shipment_id)
    services.create_label(
        shipment=shipment,
        actor=actor_of(request),
        carrier=payload.carrier.value if payload.carrier else None,
        tracking_number=payload.tracking_number,
    )
    return _fresh(request, shipment)


def _step(request: HttpRequest, shipment_id: int, step: Any) -> Shipment:
    require_perm(request, Perm.MANAGE_SEEDING)
    shipment = _shipment(request, shipment_id)
    step(shipment=shipment, actor=actor_of(request))
    return _fresh(request, shipment)


@router.post(
    "/shipments/{int:shipment_id}/ship",
    response={200: ShipmentOut, **READ_ERRORS},
    summary="Shipped",
)
def ship(request: HttpRequest, shipment_id: int) -> Shipment:
    """The parcel has left; the collaboration moves to product shipped when its stage allows."""
    return _step(request, shipment_id, services.mark_shipped)


@router.post(
    "/shipments/{int:shipment_id}/deliver",
    response={200: ShipmentOut, **READ_ERRORS},
    summary="Delivered",
)
def deliver(request: HttpRequest, shipment_id: int) -> Shipment:
    return _step(request, shipment_id, services.mark_delivered)


@router.post(
    "/shipments/{int:shipment_id}/confirm-receipt",
    response={200: ShipmentOut, **READ_ERRORS},
    summary="Receipt confirmed",
)
def confirm_receipt(request: HttpRequest, shipment_id: int) -> Shipment:
    """Record that the creator has the parcel (once shipped)."""
    return _step(request, shipment_id, services.confirm_receipt)


@router.post(
    "/shipments/{int:shipment_id}/tell-creator",
    response={200: ShipmentOut, **READ_ERRORS},
    summary="Tell the creator",
)
def tell_creator(request: HttpRequest, shipment_id: int, payload: TellIn) -> Shipment:
    """E-mail the creator what was sent, the tracking link and the expected date; stops the
    shipping clock. Needs carrier, tracking number and expected date (422 otherwise)."""
    require_perm(request, Perm.MANAGE_SEEDING)
    shipment = _shipment(request, shipment_id)
    services.tell_creator(
        shipment=shipment, actor=actor_of(request), expected_on=payload.expected_on
    )
    return _fresh(request, shipment)


# --- Fulfilment files ------------------------------------------------------------------------


class ProblemOut(Schema):
    row: int = Field(description="The row as a spreadsheet numbers it (the header is row 1).")
    field: str = Field(description="reference, carrier, tracking_number, shipped_on or file.")
    message: str


class ImportProblemsOut(Schema):
    """422: the file has problems; nothing was changed."""

    detail: str
    problems: list[ProblemOut]


class ImportResultOut(Schema):
    labelled: list[int] = Field(description="Shipments whose label was created (clock started).")
    shipped: list[int] = Field(description="Shipments marked shipped.")
    unchanged: int = Field(description="Shipments the file changed nothing on (already imported).")
    empty: int = Field(description="Rows with no carrier, number or date (left for later).")


@router.get(
    "/shipments/fulfilment.csv",
    response={200: None, **READ_ERRORS},
    summary="Fulfilment file (CSV)",
)
def fulfilment_export(
    request: HttpRequest, campaign_id: int | None = None
) -> StreamingHttpResponse:
    """The shipments awaiting a label, one row per item: reference (the shipment id), campaign,
    creator, five address lines, SKU, product, variant, quantity, and empty carrier, tracking
    number and shipped date columns for the fulfilment centre. Needs a role that both manages
    seeding and sees private details (ops)."""
    require_perm(request, Perm.MANAGE_SEEDING)
    if not allows(request, Perm.VIEW_PRIVATE):
        raise PermissionDenied(Perm.VIEW_PRIVATE)
    return services.fulfilment_export(
        workspace=workspace_of(request), actor=actor_of(request), campaign_id=campaign_id
    )


@router.post(
    "/shipments/tracking-import",
    response={200: ImportResultOut, 422: ImportProblemsOut, 401: ErrorOut, 403: ErrorOut},
    summary="Import tracking numbers",
)
def tracking_import(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """A CSV (multipart, UTF-8 with or without BOM, comma or semicolon) with columns reference,
    carrier, tracking number and optionally shipped date (YYYY-MM-DD). Every row is checked
    first; any problem answers 422 listing them all (row, field, why) and changes nothing.
    Importing the same file again changes nothing."""
    require_perm(request, Perm.MANAGE_SEEDING)
    try:
        result = services.import_tracking(
            workspace=workspace_of(request), actor=actor_of(request), data=file.read()
        )
    except services.TrackingImportError as exc:
        return Status(
            422,
            {
                "detail": "The file has problems; nothing was changed.",
                "problems": [
                    {"row": p.row, "field": p.field, "message": p.message} for p in exc.problems
                ],
            },
        )
    return result
