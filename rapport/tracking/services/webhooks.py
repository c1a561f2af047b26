"""Order webhooks from Shopify and WooCommerce: check the signature, read the shop's own JSON,
store the order.

Both platforms sign the exact bytes they send: the base64 HMAC-SHA256 of the raw body, keyed with
the shop's signing secret (Shopify in ``X-Shopify-Hmac-Sha256``, WooCommerce in
``X-WC-Webhook-Signature``). The signature is checked on the raw body before anything is read;
a delivery that fails it changes nothing.

Each platform's order JSON becomes a :class:`rapport.tracking.records.OrderData` (UTC times,
``Decimal`` money, upper-case ISO currency), which ``services.orders.ingest`` stores once per
shop and order id, so a re-delivered webhook never counts twice. A field that is missing or cannot
be read raises ``ValidationError`` naming it (``refunds.0.transactions.1.amount``) and nothing is
stored. Bodies and secrets are never logged.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.tracking.models import Order, OrderSource, Shop
from rapport.tracking.records import OrderData, RefundData
from rapport.tracking.services import orders
from rapport.workspaces.services import is_currency

logger = logging.getLogger(__name__)

# The largest delivery taken (an order with hundreds of lines is well under 200 KB).
MAX_BODY_BYTES = 1024 * 1024
CLICK_REF_MAX = 24  # Click.ref: a longer value cannot be one of ours
LANDING_MAX = 2000  # Order.landing_url
ID_MAX = 64  # Order.external_id, Refund.external_id

SHOPIFY_ORDER_TOPICS = frozenset({"orders/create", "orders/updated", "orders/cancelled"})
SHOPIFY_REFUND_TOPIC = "refunds/create"
WOOCOMMERCE_ORDER_TOPICS = frozenset({"order.created", "order.updated", "order.restored"})
WOOCOMMERCE_DELETED_TOPIC = "order.deleted"
# WooCommerce order statuses that bring nothing in: the order counts as cancelled.
WOOCOMMERCE_VOID_STATUSES = frozenset({"cancelled", "failed", "trash"})
WOOCOMMERCE_UTM_META = ("utm_source", "utm_medium", "utm_campaign", "utm_content")
# The test delivery WooCommerce sends, unsigned, when a webhook is saved: ``webhook_id=12``.
WOOCOMMERCE_PING = re.compile(rb"webhook_id=\d{1,20}")


class SignatureRejected(Exception):
    """The delivery is not signed with the shop's secret (answered 401, nothing stored)."""


@dataclass(frozen=True)
class Delivery:
    """What became of a delivery: ``stored`` (with the order as it now stands) or ``ignored``
    (a topic we do not use, a refund of an order never received, WooCommerce's test delivery)."""

    status: str
    order: Order | None = None
    reason: str = ""


def sign(secret: str, body: bytes) -> str:
    """The signature Shopify and WooCommerce send: base64 of the HMAC-SHA256 of ``body``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify_signature(*, shop: Shop, body: bytes, signature: str) -> None:
    """Raise :class:`SignatureRejected` unless ``signature`` is the body's, under the shop's
    secret (compared in constant time)."""
    if not shop.secret:
        raise SignatureRejected(
            _("This shop has no signing secret in Rapport: add it on the shop's page.")
        )
    if not signature:
        raise SignatureRejected(_("The delivery is not signed (no signature header)."))
    if not hmac.compare_digest(sign(shop.secret, body).encode(), signature.strip().encode()):
        raise SignatureRejected(
            _("The signature does not match: check the shop's signing secret in Rapport.")
        )


# ---------------------------------------------------------------------------------------------
# Receiving


def receive_shopify(
    *, shop: Shop, body: bytes, signature: str, topic: str, shop_domain: str = ""
) -> Delivery:
    """Take one Shopify delivery (``X-Shopify-Topic``): orders/create, orders/updated and
    orders/cancelled store the order as it now stands; refunds/create adds the refund to its
    order. Other topics are ignored. A shop whose domain is its ``….myshopify.com`` address also
    refuses deliveries that name another shop (``X-Shopify-Shop-Domain``)."""
    verify_signature(shop=shop, body=body, signature=signature)
    domain = shop_domain.strip().lower()
    if shop.domain.endswith(".myshopify.com") and domain and domain != shop.domain:
        raise SignatureRejected(
            _("The delivery comes from %(domain)s, not from this shop.") % {"domain": domain}
        )
    if not topic:
        raise ValidationError({"X-Shopify-Topic": _("The topic header is missing.")})
    if topic not in SHOPIFY_ORDER_TOPICS and topic != SHOPIFY_REFUND_TOPIC:
        return _accepted(shop, Delivery("ignored", reason=_("Rapport does not use this topic.")))
    payload = _json_object(body)
    with transaction.atomic():
        if topic == SHOPIFY_REFUND_TOPIC:
            order_id, refund = shopify_refund(payload)
            delivery = _add_refund(shop, order_id, refund)
        else:
            data = shopify_order(payload)
            if topic == "orders/cancelled" and data.cancelled_at is None:
                data = _cancelled(data, timezone.now())
            delivery = Delivery("stored", _ingest(shop, data))
    return _accepted(shop, delivery)


def is_woocommerce_ping(*, body: bytes, topic: str) -> bool:
    """Whether this is the unsigned test delivery WooCommerce sends when a webhook is saved."""
    return not topic and WOOCOMMERCE_PING.fullmatch(body.strip()) is not None


def receive_woocommerce(*, shop: Shop, body: bytes, signature: str, topic: str) -> Delivery:
    """Take one WooCommerce delivery (``X-WC-Webhook-Topic``): order.created, order.updated and
    order.restored store the order as it now stands; order.deleted cancels it (the payload is the
    order, or only its id once it is deleted for good). Other topics are ignored; the test
    delivery is answered and changes nothing."""
    if is_woocommerce_ping(body=body, topic=topic):
        return Delivery("ignored", reason=_("WooCommerce's test delivery: the address works."))
    verify_signature(shop=shop, body=body, signature=signature)
    if not topic:
        raise ValidationError({"X-WC-Webhook-Topic": _("The topic header is missing.")})
    if topic not in WOOCOMMERCE_ORDER_TOPICS and topic != WOOCOMMERCE_DELETED_TOPIC:
        return _accepted(shop, Delivery("ignored", reason=_("Rapport does not use this topic.")))
    payload = _json_object(body)
    with transaction.atomic():
        if topic == WOOCOMMERCE_DELETED_TOPIC:
            delivery = _woocommerce_deleted(shop, payload)
        else:
            delivery = Delivery("stored", _ingest(shop, woocommerce_order(payload)))
    return _accepted(shop, delivery)


def _ingest(shop: Shop, data: OrderData) -> Order:
    return orders.ingest(shop=shop, data=data, source=OrderSource.WEBHOOK)


def _add_refund(shop: Shop, order_id: str, refund: RefundData | None) -> Delivery:
    if refund is None:
        return Delivery("ignored", reason=_("The refund gives no money back."))
    order = orders.add_refund(shop=shop, order_external_id=order_id, refund=refund)
    if order is None:
        # The order's own update (orders/updated) carries the refund when the order arrives.
        return Delivery("ignored", reason=_("Rapport has not received this order."))
    return Delivery("stored", order)


def _woocommerce_deleted(shop: Shop, payload: dict[str, Any]) -> Delivery:
    """Cancel a deleted order: from the payload when it is the whole order, else from what is
    stored (WooCommerce sends only the id of an order deleted for good)."""
    if "date_created_gmt" in payload:
        data = woocommerce_order(payload)
        return Delivery("stored", _ingest(shop, _cancelled(data, timezone.now())))
    external_id = _id(payload.get("id"), "id")
    order = Order.objects.filter(shop=shop, external_id=external_id).first()
    if order is None:
        return Delivery("ignored", reason=_("Rapport has not received this order."))
    # Deleted now: an update sent before the deletion and arriving after it does not restore it.
    now = timezone.now()
    data = OrderData(**{**_as_data(order).__dict__, "updated_at": now})
    return Delivery("stored", _ingest(shop, _cancelled(data, now)))


def _accepted(shop: Shop, delivery: Delivery) -> Delivery:
    """Note the delivery's time on the shop (what its page shows as the last delivery). After the
    order's transaction, so that concurrent deliveries do not queue on the shop's row."""
    Shop.objects.filter(pk=shop.pk).update(last_delivery_at=timezone.now())
    logger.info("Webhook for shop %s: %s", shop.pk, delivery.status)
    return delivery


def _cancelled(data: OrderData, at: dt.datetime) -> OrderData:
    if data.cancelled_at is not None:
        return data
    return OrderData(**{**data.__dict__, "cancelled_at": at})


def _as_data(order: Order) -> OrderData:
    """A stored order as the record it was stored from, refunds included."""
    return OrderData(
        external_id=order.external_id,
        name=order.name,
        placed_at=order.placed_at,
        currency=order.currency,
        total=order.total,
        codes=tuple(order.codes),
        landing_url=order.landing_url,
        click_ref=order.click_ref,
        cancelled_at=order.cancelled_at,
        updated_at=order.shop_updated_at,
        refunds=tuple(
            RefundData(external_id=r.external_id, amount=r.amount, refunded_at=r.refunded_at)
            for r in order.refunds.all()
        ),
    )


# ---------------------------------------------------------------------------------------------
# Shopify's JSON


def shopify_order(payload: dict[str, Any]) -> OrderData:
    """A Shopify order (the orders/create, orders/updated and orders/cancelled payload).

    Read: ``id``, ``name``, ``created_at``, ``updated_at``, ``currency``, ``total_price``,
    ``cancelled_at``, ``discount_codes[].code``, ``landing_site`` (the first page of the visit,
    often a path with our ``rclid`` and UTM parameters), ``note_attributes[]`` named ``rclid``,
    and ``refunds[]`` (each refund's successful ``refund`` transactions)."""
    refunds = []
    for i, refund in enumerate(_list(payload, "refunds")):
        data = _shopify_refund(_dict(refund, f"refunds.{i}"), f"refunds.{i}.")
        if data is not None:
            refunds.append(data)
    codes = [
        _text(_dict(item, f"discount_codes.{i}").get("code"), f"discount_codes.{i}.code", 100)
        for i, item in enumerate(_list(payload, "discount_codes"))
    ]
    click_ref = ""
    for i, item in enumerate(_list(payload, "note_attributes")):
        attribute = _dict(item, f"note_attributes.{i}")
        if str(attribute.get("name", "")).strip().lower() == "rclid":
            click_ref = _click_ref(attribute.get("value"))
    return OrderData(
        external_id=_id(payload.get("id"), "id"),
        name=_text(payload.get("name"), "name", 64),
        placed_at=_moment(payload.get("created_at"), "created_at"),
        currency=_currency(payload.get("currency"), "currency"),
        total=_money(payload.get("total_price"), "total_price"),
        codes=tuple(c for c in codes if c),
        landing_url=_text(payload.get("landing_site"), "landing_site", None)[:LANDING_MAX],
        click_ref=click_ref,
        cancelled_at=_optional_moment(payload.get("cancelled_at"), "cancelled_at"),
        refunds=tuple(refunds),
        updated_at=_optional_moment(payload.get("updated_at"), "updated_at"),
    )


def shopify_refund(payload: dict[str, Any]) -> tuple[str, RefundData | None]:
    """A Shopify refund (the refunds/create payload): its order's id, and the refund (None when
    no money went back, such as a restock only)."""
    return _id(payload.get("order_id"), "order_id"), _shopify_refund(payload, "")


def _shopify_refund(refund: dict[str, Any], prefix: str) -> RefundData | None:
    """The money a Shopify refund gave back: the sum of its successful ``refund`` transactions."""
    amount = Decimal(0)
    for i, item in enumerate(_list(refund, f"{prefix}transactions", key="transactions")):
        transaction_ = _dict(item, f"{prefix}transactions.{i}")
        if transaction_.get("kind") == "refund" and transaction_.get("status") == "success":
            amount += _money(transaction_.get("amount"), f"{prefix}transactions.{i}.amount")
    external_id = _id(refund.get("id"), f"{prefix}id")
    refunded_at = _moment(refund.get("created_at"), f"{prefix}created_at")
    if not amount:
        return None
    return RefundData(external_id=external_id, amount=amount, refunded_at=refunded_at)


# ---------------------------------------------------------------------------------------------
# WooCommerce's JSON


def woocommerce_order(payload: dict[str, Any]) -> OrderData:
    """A WooCommerce order (REST API v3 shape, as its order webhooks send it).

    Read: ``id``, ``number``, ``status`` (cancelled and failed orders bring nothing in),
    ``currency``, ``total``, ``date_created_gmt`` and ``date_modified_gmt`` (UTC, without an
    offset), ``coupon_lines[].code``, ``refunds[]`` (``id`` and ``total``, written negative), and
    ``meta_data[]``: WooCommerce's order attribution (``_wc_order_attribution_session_entry``, the
    landing page, and ``_wc_order_attribution_utm_*``) and an ``rclid`` field when the shop
    keeps one."""
    placed_at = _moment(payload.get("date_created_gmt"), "date_created_gmt", naive_utc=True)
    modified = _optional_moment(
        payload.get("date_modified_gmt"), "date_modified_gmt", naive_utc=True
    )
    modified_at = modified or placed_at
    refunds = []
    for i, item in enumerate(_list(payload, "refunds")):
        refund = _dict(item, f"refunds.{i}")
        # WooCommerce writes a refund's total as a negative amount ("-10.00").
        total = refund.get("total")
        amount = _money(
            total.strip().removeprefix("-") if isinstance(total, str) else total,
            f"refunds.{i}.total",
        )
        external_id = _id(refund.get("id"), f"refunds.{i}.id")
        if amount:
            refunds.append(
                RefundData(external_id=external_id, amount=amount, refunded_at=modified_at)
            )
    codes = [
        _text(_dict(item, f"coupon_lines.{i}").get("code"), f"coupon_lines.{i}.code", 100)
        for i, item in enumerate(_list(payload, "coupon_lines"))
    ]
    meta: dict[str, Any] = {}
    for i, item in enumerate(_list(payload, "meta_data")):
        entry = _dict(item, f"meta_data.{i}")
        if isinstance(entry.get("key"), str):
            meta[entry["key"]] = entry.get("value")
    status = _text(payload.get("status"), "status", 40)
    return OrderData(
        external_id=_id(payload.get("id"), "id"),
        name=_text(payload.get("number"), "number", 64),
        placed_at=placed_at,
        currency=_currency(payload.get("currency"), "currency"),
        total=_money(payload.get("total"), "total"),
        codes=tuple(c for c in codes if c),
        landing_url=_woocommerce_landing(meta),
        click_ref=_click_ref(meta.get("rclid", meta.get("_rclid"))),
        cancelled_at=modified_at if status in WOOCOMMERCE_VOID_STATUSES else None,
        refunds=tuple(refunds),
        updated_at=modified,
    )


def _woocommerce_landing(meta: dict[str, Any]) -> str:
    """The landing page from WooCommerce's order attribution, with the UTM parameters it
    recorded apart added to the address when the address lost them."""
    entry = meta.get("_wc_order_attribution_session_entry")
    url = entry.strip() if isinstance(entry, str) and entry.strip() != "(none)" else ""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {name for name, _value in query}
    for name in WOOCOMMERCE_UTM_META:
        value = meta.get(f"_wc_order_attribution_{name}")
        if isinstance(value, str) and value and value != "(none)" and name not in present:
            query.append((name, value))
    if not query:
        return url[:LANDING_MAX]
    return urlunsplit(parts._replace(query=urlencode(query)))[:LANDING_MAX]


# ---------------------------------------------------------------------------------------------
# Reading fields: each names the field at fault


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(
            {"body": _("The body is not valid JSON (%(error)s).") % {"error": exc}}
        ) from None
    if not isinstance(payload, dict):
        raise ValidationError({"body": _("The body must be a JSON object (an order).")})
    return payload


def _dict(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError({field: _("Must be a JSON object.")})
    return value


def _list(payload: dict[str, Any], field: str, key: str | None = None) -> list[Any]:
    value = payload.get(key or field)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError({field: _("Must be a list.")})
    return value


def _id(value: Any, field: str) -> str:
    if isinstance(value, bool) or value is None or value == "":
        raise ValidationError({field: _("The id is missing.")})
    if isinstance(value, int) and value > 0:
        return str(value)
    if isinstance(value, str) and len(value.strip()) <= ID_MAX and value.strip():
        return value.strip()
    raise ValidationError(
        {field: _("“%(value)s” is not an id (a positive number).") % {"value": str(value)[:80]}}
    )


def _text(value: Any, field: str, max_length: int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValidationError({field: _("Must be text.")})
    value = value.strip()
    if max_length is not None and len(value) > max_length:
        raise ValidationError({field: _("Has more than %(n)s characters.") % {"n": max_length}})
    return value


def _money(value: Any, field: str) -> Decimal:
    """An amount as the platforms write it (a string such as ``"49.90"``), to the cent."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | None):
        raise ValidationError({field: _("Must be an amount such as “49.90”.")})
    return orders.amount_of(value, field)


def _currency(value: Any, field: str) -> str:
    code = value.strip().upper() if isinstance(value, str) else ""
    if not is_currency(code):
        raise ValidationError(
            {
                field: _("“%(value)s” is not an ISO 4217 currency code (such as USD or EUR).")
                % {"value": str(value)[:80]}
            }
        )
    return code


def _moment(value: Any, field: str, *, naive_utc: bool = False) -> dt.datetime:
    """An ISO 8601 time, in UTC. Without an offset it is UTC where the platform says so
    (WooCommerce's ``*_gmt`` fields), else an error."""
    if value is None or value == "":
        raise ValidationError({field: _("The date is missing.")})
    try:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError(
            {field: _("“%(value)s” is not an ISO 8601 date and time.") % {"value": str(value)[:80]}}
        )
    if moment.tzinfo is None:
        if not naive_utc:
            raise ValidationError({field: _("The date has no time zone offset.")})
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _optional_moment(value: Any, field: str, *, naive_utc: bool = False) -> dt.datetime | None:
    return None if value is None or value == "" else _moment(value, field, naive_utc=naive_utc)


def _click_ref(value: Any) -> str:
    """Our click reference, when the value can be one."""
    if not isinstance(value, str):
        return ""
    value = value.strip()
    return value if 0 < len(value) <= CLICK_REF_MAX else ""
