"""Delivering recorded Shopify and WooCommerce payloads (``payloads/``) to the webhook
endpoints as the platforms do: the raw bytes, signed with the shop's secret."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.test import Client

from rapport.tracking.models import Shop
from rapport.tracking.services.webhooks import sign

PAYLOADS = Path(__file__).parent / "payloads"


def payload(name: str) -> bytes:
    """A recorded payload's bytes, exactly as stored."""
    return (PAYLOADS / name).read_bytes()


def edited(name: str, **changes: Any) -> bytes:
    """A recorded payload with some top-level fields changed (``None`` removes one)."""
    data = json.loads(payload(name))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return json.dumps(data).encode()


def shopify(
    shop: Shop,
    body: bytes,
    topic: str = "orders/create",
    *,
    signature: str | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """POST ``body`` to the shop's Shopify address, signed with its secret unless
    ``signature`` is given (``""`` sends none)."""
    sent = {
        "X-Shopify-Topic": topic,
        "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        "X-Shopify-Shop-Domain": shop.domain,
        "X-Shopify-API-Version": "2025-10",
        **(headers or {}),
    }
    sign_with = sign(shop.secret, body) if signature is None else signature
    if sign_with:
        sent["X-Shopify-Hmac-Sha256"] = sign_with
    return Client().post(
        f"/api/v1/webhooks/shopify/{shop.key}",
        data=body,
        content_type="application/json",
        headers=sent,
    )


def woocommerce(
    shop: Shop,
    body: bytes,
    topic: str = "order.created",
    *,
    signature: str | None = None,
) -> Any:
    """POST ``body`` to the shop's WooCommerce address, signed like WooCommerce does."""
    resource, _dot, event = topic.partition(".")
    sent = {
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-ID": "3",
        "X-WC-Webhook-Delivery-ID": "36e520ebabc2fa725092ff4a47acedf2",
        "X-WC-Webhook-Source": "https://shop.lumen.example/",
        "User-Agent": "WooCommerce/9.4.2 Hookshot (WordPress/6.7)",
    }
    sign_with = sign(shop.secret, body) if signature is None else signature
    if sign_with:
        sent["X-WC-Webhook-Signature"] = sign_with
    return Client().post(
        f"/api/v1/webhooks/woocommerce/{shop.key}",
        data=body,
        content_type="application/json",
        headers=sent,
    )
