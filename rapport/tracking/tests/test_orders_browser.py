"""The orders page in a real Chromium: upload a file, see its problems, then the orders and why
each counts for whom."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from rapport.conftest import login
from rapport.testing.factories import (
    CollaborationFactory,
    DiscountCodeFactory,
    MembershipFactory,
    ShopFactory,
    UserFactory,
    WorkspaceFactory,
)
from rapport.tracking.models import Order
from rapport.tracking.tests.order_helpers import payload
from rapport.workspaces.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_an_orders_file_and_find_the_unattributed_ones(page: Any, live_server: Any) -> None:
    workspace = WorkspaceFactory.create(name="Lumen Skincare", slug="lumen")
    MembershipFactory.create(
        workspace=workspace, role=Role.OPS, user=UserFactory.create(email="olu@lumen.test")
    )
    ShopFactory.create(workspace=workspace, name="Lumen US", platform="shopify")
    ana = CollaborationFactory.create(
        campaign__workspace=workspace, campaign__name="Spring glow", creator__name="Ana Lima"
    )
    DiscountCodeFactory.create(collaboration=ana, code="ANA15")
    login(page, live_server, "olu@lumen.test")

    page.goto(live_server.url + "/w/lumen/tracking/orders/")
    expect(page.get_by_text("No orders match.")).to_be_visible()
    page.get_by_role("button", name="Upload an orders file").click()

    bad = b"order_id,placed_at,currency,total\nA-1,someday,USD,10\n"
    page.get_by_label("Shop").select_option(label="Lumen US")
    page.get_by_label("Orders file (CSV)").set_input_files(
        files=[{"name": "orders.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    page.get_by_role("button", name="Upload").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The file has 1 problem; nothing was stored.")
    expect(alert).to_contain_text("Row 2, placed_at: This is not a date and time")
    assert not Order.objects.exists()

    page.get_by_label("Orders file (CSV)").set_input_files(
        files=[
            {
                "name": "export.csv",
                "mimeType": "text/csv",
                "buffer": payload("shopify_orders_export.csv"),
            }
        ]
    )
    page.get_by_role("button", name="Upload").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("3 new, 0 updated, 0 unchanged.")
    expect(status).to_contain_text("Attributed by code: 1; by click: 0; not attributed: 2.")

    page.get_by_role("link", name="See the orders").click()
    row = page.get_by_role("row").filter(has_text="#1001")
    expect(row).to_contain_text("Ana Lima")
    expect(row).to_contain_text("$102.20")
    page.get_by_role("link", name="2 orders are not attributed to anyone: see them").click()
    expect(page.get_by_role("row").filter(has_text="#1001")).to_have_count(0)
    expect(page.get_by_role("row").filter(has_text="#1003")).to_contain_text("Cancelled")

    page.get_by_role("link", name="#1002").click()
    expect(page.get_by_role("heading", name="Order #1002")).to_be_visible()
    expect(page.get_by_text("Not attributed: it used no discount code")).to_be_visible()
    expect(page.get_by_role("cell", name="file")).to_be_visible()  # the file's refund
