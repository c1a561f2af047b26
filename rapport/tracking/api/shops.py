"""API: shops that send orders (the same services and roles as the shops page).

The signing secret is write-only: answers give bullets and at most its last two characters,
never the secret. The webhook address carries the shop's key: only tokens whose role manages
tracking get it (``null`` for the others).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from rapport.api.pagination import Page, PageParams, keyset_page
from rapport.api.permissions import actor_of, allows, require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.creators.api import unset
from rapport.tracking.models import Shop, ShopPlatform
from rapport.tracking.queries.shops import shop_for, shops_for
from rapport.tracking.services import shops as services
from rapport.workspaces.roles import Perm

router = Router(tags=["shops"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


class ShopOut(Schema):
    """A shop that sends orders by webhook (or by file, for other platforms)."""

    id: int
    name: str
    platform: ShopPlatform
    domain: str = Field(description="The shop's host name; may be empty.")
    is_active: bool = Field(description="false: deliveries to its address are refused (404).")
    webhook_url: str | None = Field(
        description="The absolute address to paste into the shop's admin; empty for platform "
        "other (file upload only); null unless the token's role manages tracking (owner, "
        "manager, ops), as it carries the shop's key."
    )
    topics: list[str] = Field(description="The webhook topics to subscribe in the shop's admin.")
    secret_hint: str = Field(
        description="Bullets, then the signing secret's last two characters when it is longer "
        "than 24 (bullets only otherwise); empty when none is set. The secret itself is never "
        "returned."
    )
    last_delivery_at: dt.datetime | None = Field(
        description="When the last accepted delivery arrived."
    )
    orders_received: int = Field(description="Orders stored from this shop.")
    created_at: dt.datetime

    @staticmethod
    def resolve_webhook_url(shop: Shop, context: dict[str, Any]) -> str | None:
        if not allows(context["request"], Perm.MANAGE_TRACKING):
            return None
        return services.webhook_url(shop)

    @staticmethod
    def resolve_topics(shop: Shop) -> list[str]:
        return list(services.TOPICS.get(shop.platform, ()))

    @staticmethod
    def resolve_secret_hint(shop: Shop) -> str:
        return services.masked_secret(shop)


class ShopIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    platform: ShopPlatform
    domain: str = Field("", max_length=255, description="Such as lumen.myshopify.com.")
    secret: str = Field(
        "",
        max_length=200,
        description="The webhook signing secret (write-only). Needed for shopify and woocommerce.",
    )


class ShopPatch(Schema):
    """The fields to change; those left out keep their value."""

    name: str = unset(min_length=1, max_length=120)
    platform: ShopPlatform = unset()
    domain: str = unset(max_length=255)
    secret: str = unset(max_length=200, description="A new signing secret; empty keeps it.")
    is_active: bool = unset(description="false takes the shop off; true puts it back on.")


def _detail(request: HttpRequest, shop_id: int) -> Shop:
    return shop_for(workspace_of(request), shop_id)


@router.get("/shops", response={200: Page[ShopOut], **ERRORS}, summary="List shops")
def list_shops(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """The workspace's shops by name, each with its webhook address and orders received."""
    require_perm(request, Perm.VIEW)
    page = keyset_page(shops_for(workspace_of(request)), cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


@router.post("/shops", response={201: ShopOut, **ERRORS}, summary="Connect a shop")
def create_shop(request: HttpRequest, payload: ShopIn) -> Status[Shop]:
    """Connect a shop: the answer gives its webhook address and the topics to subscribe."""
    require_perm(request, Perm.MANAGE_TRACKING)
    shop = services.create_shop(
        workspace=workspace_of(request), actor=actor_of(request), **payload.model_dump()
    )
    return Status(201, _detail(request, shop.pk))


@router.get("/shops/{int:shop_id}", response={200: ShopOut, **ERRORS}, summary="A shop")
def get_shop(request: HttpRequest, shop_id: int) -> Shop:
    require_perm(request, Perm.VIEW)
    return _detail(request, shop_id)


@router.patch("/shops/{int:shop_id}", response={200: ShopOut, **ERRORS}, summary="Change a shop")
def update_shop(request: HttpRequest, shop_id: int, payload: ShopPatch) -> Shop:
    require_perm(request, Perm.MANAGE_TRACKING)
    values = payload.model_dump(exclude_unset=True)
    services.update_shop(shop=_detail(request, shop_id), actor=actor_of(request), **values)
    return _detail(request, shop_id)


@router.delete("/shops/{int:shop_id}", response={200: ShopOut, **ERRORS}, summary="Take a shop off")
def deactivate_shop(request: HttpRequest, shop_id: int) -> Shop:
    """Shops are never deleted (their orders refer to them): this refuses further deliveries.
    PATCH `is_active: true` puts it back on."""
    require_perm(request, Perm.MANAGE_TRACKING)
    services.deactivate_shop(shop=_detail(request, shop_id), actor=actor_of(request))
    return _detail(request, shop_id)


@router.post(
    "/shops/{int:shop_id}/rotate-key",
    response={200: ShopOut, **ERRORS},
    summary="Give a shop a new webhook address",
)
def rotate_key(request: HttpRequest, shop_id: int) -> Shop:
    """The current address stops working at once; paste the new `webhook_url` into the shop."""
    require_perm(request, Perm.MANAGE_TRACKING)
    services.rotate_key(shop=_detail(request, shop_id), actor=actor_of(request))
    return _detail(request, shop_id)
