"""WooCommerce's order webhooks: recorded payloads in WooCommerce's REST API v3 order format,
signed as WooCommerce signs them; its test delivery; deletion and restoring."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from rapport.testing.factories import (
    CollaborationFactory,
    DiscountCodeFactory,
    ShopFactory,
    TrackingLinkFactory,
)
from rapport.tracking.models import Attribution, Click, Order, Shop
from rapport.tracking.services.webhooks import woocommerce_order
from rapport.tracking.tests.webhook_fixtures import edited, payload, woocommerce
from rapport.workspaces.models import Workspace

CREATED = "woocommerce_order_created.json"


@pytest.fixture
def shop(workspace: Workspace) -> Shop:
    return ShopFactory.create(
        workspace=workspace,
        platform="woocommerce",
        domain="shop.lumen.example",
        secret="wc-secret-7f3a9b1c44",
    )


def test_a_new_order_is_stored_and_attributed_to_its_coupon(shop: Shop) -> None:
    code = DiscountCodeFactory.create(
        code="MAYA15", collaboration=CollaborationFactory.create(campaign__workspace=shop.workspace)
    )

    response = woocommerce(shop, payload(CREATED))

    assert response.status_code == 200
    assert response.json()["attributed_to"] == {
        "collaboration_id": code.collaboration_id,
        "by": "code",
    }
    order = Order.objects.get()
    assert (order.external_id, order.name, order.currency) == ("4750", "4750", "EUR")
    assert order.placed_at == dt.datetime(2026, 11, 20, 13, 5, 42, tzinfo=dt.UTC)
    assert (order.total, order.revenue, order.codes) == (
        Decimal("59.90"),
        Decimal("59.90"),
        ["MAYA15"],
    )
    shop.refresh_from_db()
    assert shop.last_delivery_at is not None


def test_the_click_reference_from_woocommerce_attribution_attributes_the_order(
    shop: Shop,
) -> None:
    link = TrackingLinkFactory.create(collaboration__campaign__workspace=shop.workspace)
    Click.objects.create(
        workspace=shop.workspace,
        link=link,
        ref="k3Jx9qTz2LmW",
        at=dt.datetime(2026, 11, 19, 22, 0, tzinfo=dt.UTC),
    )

    response = woocommerce(shop, edited(CREATED, coupon_lines=[]))

    assert response.json()["attributed_to"] == {
        "collaboration_id": link.collaboration_id,
        "by": "click",
    }
    assert Order.objects.get().attributed_by == Attribution.CLICK


def test_the_landing_page_gets_the_utm_parameters_woocommerce_kept_apart() -> None:
    import json

    data = woocommerce_order(json.loads(payload(CREATED)))

    assert data.landing_url == (
        "https://shop.lumen.example/serum?rclid=k3Jx9qTz2LmW&utm_source=tiktok"
        "&utm_medium=influencer&utm_campaign=spring-glow&utm_content=maya-video"
    )


def test_the_test_delivery_is_answered_and_changes_nothing(shop: Shop) -> None:
    response = Client().post(
        f"/api/v1/webhooks/woocommerce/{shop.key}",
        data="webhook_id=3",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert not Order.objects.exists()
    shop.refresh_from_db()
    assert shop.last_delivery_at is None


@pytest.mark.parametrize("signature", ["", "5poyFy4qB6fdvvT5pGbefZmfkpL48uD47F0WYwfmpo4="])
def test_a_missing_or_wrong_signature_is_refused(shop: Shop, signature: str) -> None:
    response = woocommerce(shop, payload(CREATED), signature=signature)

    assert response.status_code == 401
    assert not Order.objects.exists()


def test_a_refund_in_an_update_lowers_the_revenue_once(shop: Shop) -> None:
    woocommerce(shop, payload(CREATED))
    for _ in range(3):
        response = woocommerce(
            shop, payload("woocommerce_order_updated_refund.json"), "order.updated"
        )

    assert response.json()["order"]["revenue"] == "49.90"
    order = Order.objects.get()
    assert (order.refunded, order.revenue) == (Decimal("10.00"), Decimal("49.90"))
    assert order.refunds.get().refunded_at == dt.datetime(2026, 11, 21, 9, 12, 3, tzinfo=dt.UTC)


def test_a_cancelled_order_brings_in_nothing(shop: Shop) -> None:
    woocommerce(shop, payload(CREATED))
    response = woocommerce(shop, payload("woocommerce_order_cancelled.json"), "order.updated")

    assert response.json()["order"]["cancelled"] is True
    assert Order.objects.get().revenue == Decimal(0)


def test_an_older_delivery_arriving_late_does_not_undo_the_cancellation(shop: Shop) -> None:
    woocommerce(shop, payload("woocommerce_order_cancelled.json"), "order.updated")

    late_create = woocommerce(shop, payload(CREATED))  # modified 20 Nov, cancelled 22 Nov
    late_refund = woocommerce(
        shop, payload("woocommerce_order_updated_refund.json"), "order.updated"
    )

    assert late_create.json()["order"]["cancelled"] is True
    order = Order.objects.get()
    assert order.shop_updated_at == dt.datetime(2026, 11, 22, 7, tzinfo=dt.UTC)
    assert order.cancelled_at == dt.datetime(2026, 11, 22, 7, tzinfo=dt.UTC)
    # Its refund still counts: refunds only ever add.
    assert late_refund.json()["order"]["refunded"] == "10.00"
    assert (order.refunded, order.revenue) == (Decimal("10.00"), Decimal("0.00"))


def test_a_newer_update_applies(shop: Shop) -> None:
    woocommerce(shop, payload("woocommerce_order_cancelled.json"), "order.updated")

    reopened = edited(CREATED, status="processing", date_modified_gmt="2026-11-23T08:00:00")
    response = woocommerce(shop, reopened, "order.updated")

    assert response.json()["order"]["cancelled"] is False
    assert response.json()["order"]["revenue"] == "59.90"
    assert Order.objects.get().shop_updated_at == dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)


def test_a_deleted_order_is_cancelled_and_a_restored_one_counts_again(shop: Shop) -> None:
    woocommerce(shop, payload(CREATED))
    woocommerce(shop, payload("woocommerce_order_updated_refund.json"), "order.updated")

    deleted = woocommerce(shop, payload("woocommerce_order_deleted.json"), "order.deleted")

    assert deleted.json()["status"] == "stored"
    order = Order.objects.get()
    assert order.cancelled_at is not None and order.revenue == Decimal(0)
    assert order.refunded == Decimal("10.00")  # the refund is kept
    # An update from before the deletion, arriving after it, does not bring the order back.
    late = woocommerce(shop, payload("woocommerce_order_updated_refund.json"), "order.updated")
    assert late.json()["order"]["cancelled"] is True
    # Restoring it changes the order again, so WooCommerce sends a newer modification time.
    later = (timezone.now() + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S")
    restored_order = edited("woocommerce_order_updated_refund.json", date_modified_gmt=later)
    restored = woocommerce(shop, restored_order, "order.restored")
    assert restored.json()["order"]["revenue"] == "49.90"


def test_deleting_an_order_never_received_is_ignored(shop: Shop) -> None:
    response = woocommerce(shop, payload("woocommerce_order_deleted.json"), "order.deleted")

    assert response.json()["status"] == "ignored"
    assert not Order.objects.exists()


def test_other_topics_are_ignored(shop: Shop) -> None:
    response = woocommerce(shop, b'{"id": 93, "name": "Glow Serum"}', "product.updated")

    assert response.json()["status"] == "ignored"
    assert not Order.objects.exists()


def test_a_shopify_address_does_not_take_a_woocommerce_shop(shop: Shop) -> None:
    response = Client().post(
        f"/api/v1/webhooks/shopify/{shop.key}",
        data=payload(CREATED),
        content_type="application/json",
    )

    assert response.status_code == 404
