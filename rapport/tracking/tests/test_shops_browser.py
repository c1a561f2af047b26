"""The shops page in a real Chromium: ops connects a Shopify shop, copies its webhook address,
the shop delivers a signed order to that address, and the page shows it arrived."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect

from rapport.conftest import login
from rapport.testing.factories import MembershipFactory, UserFactory, WorkspaceFactory
from rapport.tracking.services.webhooks import sign
from rapport.tracking.tests.webhook_fixtures import payload
from rapport.workspaces.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "shpss_0c5d9e8f1a2b3c4d7e6f"


def test_ops_connects_a_shop_and_sees_its_first_order_arrive(
    page: Any, live_server: Any, settings: Any
) -> None:
    settings.RAPPORT_BASE_URL = live_server.url
    workspace = WorkspaceFactory.create(name="Lumen Skincare", slug="lumen")
    MembershipFactory.create(
        workspace=workspace, role=Role.OPS, user=UserFactory.create(email="olu@lumen.test")
    )
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, live_server, "olu@lumen.test")

    page.goto(live_server.url + "/w/lumen/tracking/shops/")
    expect(page.get_by_text("No shop is connected yet.")).to_be_visible()
    page.get_by_label("Name").fill("Lumen US")
    page.get_by_label("Platform").select_option("shopify")
    page.get_by_label("Shop domain").fill("lumen-skin.myshopify.com")
    page.get_by_label("Webhook signing secret").fill(SECRET)
    page.get_by_role("button", name="Connect shop").click()

    expect(page.get_by_role("heading", level=1, name="Lumen US")).to_be_visible()
    expect(page.get_by_text("Lumen US connected")).to_be_visible()
    expect(page.get_by_text("\N{BULLET}" * 8 + "6f")).to_be_visible()
    expect(page.get_by_text("Settings, then Notifications, then Webhooks")).to_be_visible()
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    address = page.evaluate("navigator.clipboard.readText()")
    assert address.startswith(live_server.url + "/api/v1/webhooks/shopify/")

    body = payload("shopify_orders_create.json")
    delivery = urllib.request.Request(
        address,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Shopify-Topic": "orders/create",
            "X-Shopify-Hmac-Sha256": sign(SECRET, body),
            "X-Shopify-Shop-Domain": "lumen-skin.myshopify.com",
        },
    )
    with urllib.request.urlopen(delivery, timeout=10) as answer:
        assert answer.status == 200

    page.goto(live_server.url + "/w/lumen/tracking/shops/")
    shop = page.get_by_role("article", name="Lumen US")
    expect(shop.get_by_role("link", name="1", exact=True)).to_be_visible()
    expect(shop.get_by_text("None yet")).to_have_count(0)
