"""Order webhooks: where Shopify and WooCommerce send orders, signed with the shop's secret.

No bearer token: the address names the shop (its random key) and the signature proves the shop
sent it. The handlers only read headers and the raw body and call ``services.webhooks``.

Answers: 200 ``stored`` with the order and its attribution, or 200 ``ignored`` (a topic Rapport
does not use, WooCommerce's test delivery); 400 with the field at fault, nothing stored; 401 for a
missing or wrong signature, nothing stored; 404 for an address no active shop has; 413 for a body
over 1 MB.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.tracking.models import Attribution, Order, Shop, ShopPlatform
from rapport.tracking.queries.shops import shop_for_webhook
from rapport.tracking.services import webhooks
from rapport.tracking.services.webhooks import Delivery, SignatureRejected

logger = logging.getLogger(__name__)

router = Router(tags=["webhooks"], auth=None)

RESPONSES: dict[int, Any] = {
    400: FieldErrorsOut,
    401: ErrorOut,
    404: ErrorOut,
    413: ErrorOut,
}


class WebhookOrderOut(Schema):
    """The order as stored after this delivery."""

    id: int = Field(description="Rapport's id of the order (GET /api/v1/orders/{id}).")
    external_id: str = Field(description="The shop's order id.")
    name: str = Field(description="The order's number as the shop shows it, such as #1001.")
    currency: str = Field(description="ISO 4217 code; the order keeps its own currency.")
    total: Decimal
    refunded: Decimal = Field(description="The sum of the order's refunds.")
    revenue: Decimal = Field(description="Total less refunds; 0 once cancelled.")
    cancelled: bool

    @staticmethod
    def resolve_cancelled(order: Order) -> bool:
        return order.cancelled_at is not None


class AttributedOut(Schema):
    collaboration_id: int
    by: Attribution = Field(description="code: its discount code; click: a tracked click.")


class DeliveryOut(Schema):
    """What became of the delivery."""

    status: str = Field(
        description="stored: the order is stored or brought up to date (a re-delivery changes "
        "nothing); ignored: nothing to store (a topic Rapport does not use, a refund of an order "
        "not received, WooCommerce's test delivery)."
    )
    reason: str = Field("", description="Why a delivery was ignored.")
    order: WebhookOrderOut | None = None
    attributed_to: AttributedOut | None = Field(
        None, description="The collaboration the order counts for; null when unattributed."
    )


def _header(name: str, description: str, required: bool = True) -> dict[str, Any]:
    return {
        "in": "header",
        "name": name,
        "required": required,
        "description": description,
        "schema": {"type": "string"},
    }


SHOPIFY_EXAMPLE = {
    "id": 820982911946154508,
    "name": "#1001",
    "created_at": "2026-11-20T14:02:11-05:00",
    "currency": "USD",
    "total_price": "64.00",
    "cancelled_at": None,
    "discount_codes": [{"code": "MAYA15", "amount": "9.60", "type": "percentage"}],
    "landing_site": "/products/serum?utm_source=instagram&rclid=k3Jx9qTz2LmW",
    "note_attributes": [{"name": "rclid", "value": "k3Jx9qTz2LmW"}],
    "refunds": [
        {
            "id": 509562969,
            "created_at": "2026-11-21T09:30:00-05:00",
            "transactions": [{"kind": "refund", "status": "success", "amount": "20.00"}],
        }
    ],
}
SHOPIFY_REFUND_EXAMPLE = {
    "id": 509562969,
    "order_id": 820982911946154508,
    "created_at": "2026-11-21T09:30:00-05:00",
    "transactions": [{"kind": "refund", "status": "success", "amount": "20.00"}],
}
WOOCOMMERCE_EXAMPLE = {
    "id": 4750,
    "number": "4750",
    "status": "processing",
    "currency": "EUR",
    "total": "59.90",
    "date_created_gmt": "2026-11-20T13:05:42",
    "date_modified_gmt": "2026-11-20T13:05:44",
    "coupon_lines": [{"id": 12, "code": "maya15", "discount": "9.00"}],
    "refunds": [{"id": 4761, "reason": "Damaged", "total": "-10.00"}],
    "meta_data": [
        {
            "id": 9012,
            "key": "_wc_order_attribution_session_entry",
            "value": "https://shop.example.com/serum?utm_source=tiktok&rclid=k3Jx9qTz2LmW",
        },
        {"id": 9013, "key": "_wc_order_attribution_utm_source", "value": "tiktok"},
    ],
}


def _body(examples: dict[str, Any]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"type": "object"},
                    "examples": {name: {"value": value} for name, value in examples.items()},
                }
            },
        }
    }


def _delivery_out(delivery: Delivery) -> dict[str, Any]:
    order: Order | None = delivery.order
    attributed = order is not None and order.collaboration_id is not None
    return {
        "status": delivery.status,
        "reason": delivery.reason,
        "order": order,
        "attributed_to": (
            {"collaboration_id": order.collaboration_id, "by": order.attributed_by}
            if order is not None and attributed
            else None
        ),
    }


def _receive(request: HttpRequest, platform: str, shop_key: str) -> Status[Any]:
    """The one way through for both platforms: the shop, the size, then the service."""
    shop = shop_for_webhook(platform, shop_key)
    if shop is None:
        return Status(404, {"detail": _("No active shop has this webhook address.")})
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > webhooks.MAX_BODY_BYTES or len(request.body) > webhooks.MAX_BODY_BYTES:
        return Status(413, {"detail": _("The body is larger than 1 MB.")})
    try:
        delivery = _call(request, shop, request.body)
    except SignatureRejected as exc:
        return Status(401, {"detail": str(exc)})
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
        logger.info("Webhook for shop %s refused: %s", shop.pk, sorted(map(str, errors)))
        detail = [{"field": field, "message": " ".join(m)} for field, m in errors.items()]
        return Status(400, {"detail": detail})
    return Status(200, _delivery_out(delivery))


def _call(request: HttpRequest, shop: Shop, body: bytes) -> Delivery:
    headers = request.headers
    if shop.platform == ShopPlatform.SHOPIFY:
        return webhooks.receive_shopify(
            shop=shop,
            body=body,
            signature=headers.get("X-Shopify-Hmac-Sha256", ""),
            topic=headers.get("X-Shopify-Topic", ""),
            shop_domain=headers.get("X-Shopify-Shop-Domain", ""),
        )
    return webhooks.receive_woocommerce(
        shop=shop,
        body=body,
        signature=headers.get("X-WC-Webhook-Signature", ""),
        topic=headers.get("X-WC-Webhook-Topic", ""),
    )


@router.post(
    "/webhooks/shopify/{shop_key}",
    response={200: DeliveryOut, **RESPONSES},
    summary="Receive a Shopify order webhook",
    url_name="shopify_webhook",
    openapi_extra={
        **_body({"orders/create": SHOPIFY_EXAMPLE, "refunds/create": SHOPIFY_REFUND_EXAMPLE}),
        "parameters": [
            _header(
                "X-Shopify-Hmac-Sha256",
                "Base64 of the HMAC-SHA256 of the raw body, keyed with the shop's signing secret.",
            ),
            _header(
                "X-Shopify-Topic",
                "orders/create, orders/updated, orders/cancelled or refunds/create; any other "
                "topic is answered ignored.",
            ),
            _header("X-Shopify-Webhook-Id", "The delivery's id (the same on a retry).", False),
            _header(
                "X-Shopify-Shop-Domain",
                "The shop's ….myshopify.com domain; when the shop's domain in Rapport is that "
                "address, a delivery naming another shop is refused.",
                False,
            ),
        ],
    },
)
def shopify(request: HttpRequest, shop_key: str) -> Status[Any]:
    """Shopify's order webhooks (JSON, as Shopify documents them), at the address shown on the
    shop's page. The order is stored once however often it is delivered; orders/updated brings
    refunds and changes, orders/cancelled sets its revenue to 0, refunds/create adds one refund.
    Then it is attributed: by a discount code of the workspace, else by the last tracked click
    (``rclid`` in `landing_site` or in a note attribute named `rclid`, or the landing UTM
    parameters) within the attribution window."""
    return _receive(request, ShopPlatform.SHOPIFY, shop_key)


@router.post(
    "/webhooks/woocommerce/{shop_key}",
    response={200: DeliveryOut, **RESPONSES},
    summary="Receive a WooCommerce order webhook",
    url_name="woocommerce_webhook",
    openapi_extra={
        **_body({"order.created": WOOCOMMERCE_EXAMPLE}),
        "parameters": [
            _header(
                "X-WC-Webhook-Signature",
                "Base64 of the HMAC-SHA256 of the raw body, keyed with the webhook's secret.",
            ),
            _header(
                "X-WC-Webhook-Topic",
                "order.created, order.updated, order.deleted or order.restored; any other topic "
                "is answered ignored. WooCommerce's test delivery (a form body `webhook_id=…`, "
                "without topic or signature) is answered ignored.",
            ),
            _header("X-WC-Webhook-Delivery-ID", "The delivery's id.", False),
            _header("X-WC-Webhook-Source", "The shop's address.", False),
        ],
    },
)
def woocommerce(request: HttpRequest, shop_key: str) -> Status[Any]:
    """WooCommerce's order webhooks (the REST API v3 order JSON), at the address shown on the
    shop's page. order.created, order.updated and order.restored store the order as it stands
    (a cancelled or failed order brings in 0; `refunds[]` lower its revenue); order.deleted
    cancels it. Coupons (`coupon_lines`) and WooCommerce's order attribution (`meta_data`:
    `_wc_order_attribution_session_entry` and `_wc_order_attribution_utm_*`, or an `rclid`
    field) attribute it."""
    return _receive(request, ShopPlatform.WOOCOMMERCE, shop_key)
