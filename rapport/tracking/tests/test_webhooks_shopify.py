"""Shopify's order webhooks: signed deliveries of recorded payloads in Shopify's documented
format, stored once, refunds and cancellations counted, attributed by code or click."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from rapport.testing.factories import (
    CollaborationFactory,
    DiscountCodeFactory,
    ShopFactory,
    TrackingLinkFactory,
)
from rapport.tracking.models import Attribution, Click, Order, Refund, Shop
from rapport.tracking.tests.webhook_fixtures import edited, payload, shopify
from rapport.workspaces.models import Workspace

CREATE = "shopify_orders_create.json"


@pytest.fixture
def shop(workspace: Workspace) -> Shop:
    return ShopFactory.create(
        workspace=workspace, domain="lumen-skin.myshopify.com", secret="shpss_5e1f0c9d2b7a"
    )


@pytest.fixture
def maya_code(workspace: Workspace) -> object:
    return DiscountCodeFactory.create(
        code="MAYA15", collaboration=CollaborationFactory.create(campaign__workspace=workspace)
    )


def test_a_new_order_is_stored_and_attributed_to_the_code(shop: Shop, maya_code: object) -> None:
    response = shopify(shop, payload(CREATE))

    assert response.status_code == 200
    answer = response.json()
    order = Order.objects.get()
    assert answer["status"] == "stored"
    assert answer["order"]["external_id"] == "5830117523541"
    assert answer["order"]["revenue"] == "64.00"
    assert answer["attributed_to"] == {
        "collaboration_id": maya_code.collaboration_id,  # type: ignore[attr-defined]
        "by": "code",
    }
    assert (order.workspace, order.shop, order.name) == (shop.workspace, shop, "#1001")
    assert order.placed_at == dt.datetime(2026, 11, 20, 19, 2, 11, tzinfo=dt.UTC)
    assert (order.currency, order.total, order.revenue) == ("USD", Decimal("64.00"), Decimal(64))
    assert order.codes == ["MAYA15"]
    assert order.landing_url.startswith("/products/glow-serum?utm_source=instagram")
    assert order.attributed_by == Attribution.CODE
    shop.refresh_from_db()
    assert shop.last_delivery_at is not None


def test_a_replayed_delivery_stores_the_order_once(shop: Shop) -> None:
    answers = [shopify(shop, payload(CREATE)).json() for _ in range(3)]

    assert Order.objects.count() == 1
    assert {a["order"]["id"] for a in answers} == {Order.objects.get().pk}


def test_an_update_with_a_refund_lowers_the_revenue_once(shop: Shop) -> None:
    shopify(shop, payload(CREATE))
    for _ in range(2):
        response = shopify(shop, payload("shopify_orders_updated_refund.json"), "orders/updated")

    assert response.status_code == 200
    assert response.json()["order"]["refunded"] == "20.00"  # the failed transaction is not money
    order = Order.objects.get()
    assert (order.total, order.refunded, order.revenue) == (
        Decimal("64.00"),
        Decimal("20.00"),
        Decimal("44.00"),
    )
    assert list(Refund.objects.values_list("external_id", "amount")) == [
        ("1011523051605", Decimal("20.00"))
    ]


def test_refunds_create_adds_one_refund_however_often_it_arrives(shop: Shop) -> None:
    shopify(shop, payload(CREATE))
    shopify(shop, payload("shopify_orders_updated_refund.json"), "orders/updated")
    for _ in range(2):
        response = shopify(shop, payload("shopify_refunds_create.json"), "refunds/create")

    assert response.status_code == 200
    assert response.json()["status"] == "stored"
    order = Order.objects.get()
    assert (order.refunded, order.revenue) == (Decimal("32.50"), Decimal("31.50"))
    assert Refund.objects.count() == 2


def test_a_refund_of_an_order_never_received_is_ignored(shop: Shop) -> None:
    response = shopify(shop, payload("shopify_refunds_create.json"), "refunds/create")

    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert not Order.objects.exists() and not Refund.objects.exists()


def test_a_cancelled_order_brings_in_nothing(shop: Shop) -> None:
    shopify(shop, payload(CREATE))
    response = shopify(shop, payload("shopify_orders_cancelled.json"), "orders/cancelled")

    assert response.json()["order"] | {"id": 0} == {
        "id": 0,
        "external_id": "5830117523541",
        "name": "#1001",
        "currency": "USD",
        "total": "64.00",
        "refunded": "0.00",
        "revenue": "0.00",
        "cancelled": True,
    }
    assert Order.objects.get().cancelled_at == dt.datetime(2026, 11, 22, 13, 15, tzinfo=dt.UTC)


def test_an_older_delivery_arriving_late_does_not_undo_the_cancellation(shop: Shop) -> None:
    shopify(shop, payload("shopify_orders_cancelled.json"), "orders/cancelled")

    late_create = shopify(shop, payload(CREATE))  # the shop changed it on 20 Nov, before 22 Nov
    late_refund = shopify(shop, payload("shopify_orders_updated_refund.json"), "orders/updated")

    assert late_create.json()["order"]["cancelled"] is True
    order = Order.objects.get()
    assert order.cancelled_at == dt.datetime(2026, 11, 22, 13, 15, tzinfo=dt.UTC)
    assert order.shop_updated_at == dt.datetime(2026, 11, 22, 13, 15, 1, tzinfo=dt.UTC)
    # Its refund still counts: refunds only ever add.
    assert late_refund.json()["order"]["refunded"] == "20.00"
    assert (order.refunded, order.revenue) == (Decimal("20.00"), Decimal("0.00"))


def test_a_newer_update_applies(shop: Shop) -> None:
    shopify(shop, payload("shopify_orders_cancelled.json"), "orders/cancelled")

    newer = edited(CREATE, total_price="70.00", updated_at="2026-11-23T10:00:00-05:00")
    response = shopify(shop, newer, "orders/updated")

    assert response.json()["order"] | {"id": 0} == {
        "id": 0,
        "external_id": "5830117523541",
        "name": "#1001",
        "currency": "USD",
        "total": "70.00",
        "refunded": "0.00",
        "revenue": "70.00",
        "cancelled": False,
    }
    assert Order.objects.get().shop_updated_at == dt.datetime(2026, 11, 23, 15, tzinfo=dt.UTC)


def test_the_click_reference_in_a_note_attribute_attributes_the_order(shop: Shop) -> None:
    link = TrackingLinkFactory.create(collaboration__campaign__workspace=shop.workspace)
    Click.objects.create(
        workspace=shop.workspace,
        link=link,
        ref="Wq81nZr5Tb0c",
        at=dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.UTC),
    )

    response = shopify(shop, payload("shopify_orders_create_note_attribute.json"))

    assert response.json()["attributed_to"] == {
        "collaboration_id": link.collaboration_id,
        "by": "click",
    }
    order = Order.objects.get()
    assert (order.click_ref, order.currency, order.landing_url) == ("Wq81nZr5Tb0c", "EUR", "")


@pytest.mark.parametrize(
    ("signature", "why"),
    [
        ("", "not signed"),
        ("bm90IHRoZSBzaWduYXR1cmU=", "does not match"),
        ("%%% not base64 %%%", "does not match"),
    ],
)
def test_a_missing_or_wrong_signature_is_refused_and_stores_nothing(
    shop: Shop, signature: str, why: str
) -> None:
    response = shopify(shop, payload(CREATE), signature=signature)

    assert response.status_code == 401
    assert why in response.json()["detail"]
    assert not Order.objects.exists()
    shop.refresh_from_db()
    assert shop.last_delivery_at is None


def test_the_signature_is_of_the_raw_bytes_not_of_the_json(shop: Shop) -> None:
    from rapport.tracking.services.webhooks import sign

    body = payload(CREATE)
    reserialised = json.dumps(json.loads(body)).encode()  # the same JSON, other bytes

    response = shopify(shop, reserialised, signature=sign(shop.secret, body))

    assert response.status_code == 401
    assert not Order.objects.exists()


def test_another_secret_is_refused(shop: Shop) -> None:
    from rapport.tracking.services.webhooks import sign

    body = payload(CREATE)
    response = shopify(shop, body, signature=sign("shpss_another_shop_secret", body))

    assert response.status_code == 401


def test_a_shop_without_a_secret_accepts_nothing(shop: Shop) -> None:
    Shop.objects.filter(pk=shop.pk).update(secret="")
    shop.refresh_from_db()

    response = shopify(shop, payload(CREATE), signature="anything")

    assert response.status_code == 401
    assert "no signing secret" in response.json()["detail"]


def test_a_delivery_naming_another_shop_is_refused(shop: Shop) -> None:
    response = shopify(
        shop, payload(CREATE), headers={"X-Shopify-Shop-Domain": "someone-else.myshopify.com"}
    )

    assert response.status_code == 401
    assert not Order.objects.exists()


def test_unknown_inactive_and_wrong_platform_addresses_are_not_found(
    shop: Shop, workspace: Workspace
) -> None:
    unknown = ShopFactory.build(key="no-such-key-0000000000000000000", secret=shop.secret)
    woo = ShopFactory.create(workspace=workspace, platform="woocommerce", secret=shop.secret)
    off = ShopFactory.create(workspace=workspace, is_active=False, secret=shop.secret)

    for target in (unknown, woo, off):
        response = shopify(target, payload(CREATE))
        assert response.status_code == 404
    assert not Order.objects.exists()


def test_a_topic_rapport_does_not_use_is_ignored(shop: Shop) -> None:
    response = shopify(shop, b'{"id": 8851130876245, "title": "Glow Serum"}', "products/update")

    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert not Order.objects.exists()


def test_a_missing_topic_is_a_bad_request(shop: Shop) -> None:
    response = shopify(shop, payload(CREATE), "")

    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "X-Shopify-Topic"


def test_a_body_over_one_megabyte_is_refused(shop: Shop) -> None:
    body = edited(CREATE, note="x" * (1024 * 1024))

    response = shopify(shop, body)

    assert response.status_code == 413
    assert not Order.objects.exists()


def test_another_workspaces_shop_never_receives_into_this_one(
    shop: Shop, maya_code: object, other_workspace: Workspace
) -> None:
    theirs = ShopFactory.create(workspace=other_workspace, secret="their-own-secret-42")

    response = shopify(theirs, payload(CREATE))

    assert response.status_code == 200
    assert response.json()["attributed_to"] is None  # our MAYA15 is not their code
    order = Order.objects.get()
    assert (order.workspace, order.shop) == (other_workspace, theirs)
    assert not Order.objects.filter(workspace=shop.workspace).exists()
    # Signed with their secret, a delivery to our address is refused.
    from rapport.tracking.services.webhooks import sign

    body = payload(CREATE)
    assert shopify(shop, body, signature=sign(theirs.secret, body)).status_code == 401


def test_a_rotated_key_retires_the_old_address(shop: Shop) -> None:
    from rapport.tracking.services.shops import rotate_key

    old = Shop.objects.get(pk=shop.pk)
    rotate_key(shop=shop, actor=None)

    assert shopify(old, payload(CREATE)).status_code == 404
    assert shopify(shop, payload(CREATE)).status_code == 200
