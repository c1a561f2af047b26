"""Malformed deliveries: a 400 that names the field and why, and nothing stored (not even the
delivery time)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rapport.testing.factories import ShopFactory
from rapport.tracking.models import Order, Refund, Shop
from rapport.tracking.tests.webhook_fixtures import edited, payload, shopify, woocommerce
from rapport.workspaces.models import Workspace


def _refund(amount: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": 1,
            "created_at": "2026-11-21T09:30:00-05:00",
            "transactions": [{"kind": "refund", "status": "success", "amount": amount}],
        }
    ]


SHOPIFY_CASES = [
    (b"{not json", "body", "not valid JSON"),
    (b'[{"id": 1}]', "body", "JSON object"),
    (edited("shopify_orders_create.json", id=None), "id", "missing"),
    (edited("shopify_orders_create.json", id=True), "id", "missing"),
    (edited("shopify_orders_create.json", id=-4), "id", "not an id"),
    (edited("shopify_orders_create.json", total_price="sixty-four"), "total_price", "not a number"),
    (edited("shopify_orders_create.json", total_price="-64.00"), "total_price", "negative"),
    (edited("shopify_orders_create.json", total_price=None), "total_price", "missing"),
    (edited("shopify_orders_create.json", total_price={"amount": 1}), "total_price", "amount"),
    (edited("shopify_orders_create.json", currency="DOLLARS"), "currency", "ISO 4217"),
    (edited("shopify_orders_create.json", currency="XYZ"), "currency", "ISO 4217"),
    (edited("shopify_orders_create.json", created_at="yesterday"), "created_at", "ISO 8601"),
    (
        edited("shopify_orders_create.json", created_at="2026-11-20T14:02:11"),
        "created_at",
        "offset",
    ),
    (edited("shopify_orders_create.json", created_at=None), "created_at", "missing"),
    (edited("shopify_orders_create.json", refunds={"id": 1}), "refunds", "list"),
    (
        edited("shopify_orders_create.json", refunds=_refund("12,50")),
        "refunds.0.transactions.0.amount",
        "not a number",
    ),
    (edited("shopify_orders_create.json", discount_codes="MAYA15"), "discount_codes", "list"),
]


@pytest.fixture
def shop(workspace: Workspace) -> Shop:
    return ShopFactory.create(workspace=workspace, secret="shpss_5e1f0c9d2b7a")


@pytest.mark.parametrize(("body", "field", "why"), SHOPIFY_CASES)
def test_a_malformed_shopify_order_is_refused_naming_the_field(
    shop: Shop, body: bytes, field: str, why: str
) -> None:
    response = shopify(shop, body)

    assert response.status_code == 400
    [error] = response.json()["detail"]
    assert error["field"] == field
    assert why in error["message"]
    assert not Order.objects.exists()
    shop.refresh_from_db()
    assert shop.last_delivery_at is None


def test_a_malformed_update_leaves_the_stored_order_as_it_was(shop: Shop) -> None:
    shopify(shop, payload("shopify_orders_create.json"))
    bad = json.loads(payload("shopify_orders_updated_refund.json"))
    bad["refunds"][0]["transactions"][0]["amount"] = "NaN"

    response = shopify(shop, json.dumps(bad).encode(), "orders/updated")

    assert response.status_code == 400
    assert not Refund.objects.exists()
    assert Order.objects.get().revenue == 64


def test_a_malformed_refund_is_refused(shop: Shop) -> None:
    shopify(shop, payload("shopify_orders_create.json"))
    body = edited("shopify_refunds_create.json", order_id=None)

    response = shopify(shop, body, "refunds/create")

    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "order_id"
    assert not Refund.objects.exists()


WOOCOMMERCE_CASES = [
    (edited("woocommerce_order_created.json", id="")[:-1], "body", "not valid JSON"),
    (edited("woocommerce_order_created.json", id=None), "id", "missing"),
    (edited("woocommerce_order_created.json", total="59,90 €"), "total", "not a number"),
    (edited("woocommerce_order_created.json", currency="€"), "currency", "ISO 4217"),
    (
        edited("woocommerce_order_created.json", date_created_gmt=None),
        "date_created_gmt",
        "missing",
    ),
    (
        edited("woocommerce_order_created.json", date_created_gmt="20/11/2026 13:05"),
        "date_created_gmt",
        "ISO 8601",
    ),
    (
        edited("woocommerce_order_created.json", refunds=[{"id": 9, "total": "ten"}]),
        "refunds.0.total",
        "not a number",
    ),
    (edited("woocommerce_order_created.json", meta_data=[7]), "meta_data.0", "JSON object"),
]


@pytest.mark.parametrize(("body", "field", "why"), WOOCOMMERCE_CASES)
def test_a_malformed_woocommerce_order_is_refused_naming_the_field(
    workspace: Workspace, body: bytes, field: str, why: str
) -> None:
    shop = ShopFactory.create(workspace=workspace, platform="woocommerce", secret="wc-secret-7f3a")

    response = woocommerce(shop, body)

    assert response.status_code == 400
    [error] = response.json()["detail"]
    assert (error["field"], why in error["message"]) == (field, True)
    assert not Order.objects.exists()
