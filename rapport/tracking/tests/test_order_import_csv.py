"""Uploading orders files: our template and Shopify's export, all rows or none, idempotent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rapport.campaigns.models import Collaboration
from rapport.testing.factories import (
    CollaborationFactory,
    DiscountCodeFactory,
    ShopFactory,
    TrackingLinkFactory,
)
from rapport.tracking.models import Attribution, Order, Shop
from rapport.tracking.records import RefundData
from rapport.tracking.services.order_import import OrderImportError, import_orders
from rapport.tracking.services.orders import ingest
from rapport.tracking.tests.order_helpers import PLACED, click_on, order_data, payload
from rapport.workspaces.models import AuditEvent, Membership, Workspace
from rapport.workspaces.roles import Role

HEADER = "order_id,placed_at,currency,total,discount_codes,landing_url,refunded,cancelled_at\n"


@pytest.fixture
def shop(workspace: Workspace) -> Shop:
    workspace.time_zone = "Europe/Paris"
    workspace.save()
    return ShopFactory.create(workspace=workspace, platform="other", name="Pop-up store")


@pytest.fixture
def ana(workspace: Workspace) -> Collaboration:
    ana = CollaborationFactory.create(campaign__workspace=workspace)
    DiscountCodeFactory.create(collaboration=ana, code="ANA15")
    link = TrackingLinkFactory.create(collaboration=ana)
    click_on(link, dt.datetime(2026, 3, 28, tzinfo=dt.UTC), "r-file1")
    click_on(link, dt.datetime(2026, 3, 28, tzinfo=dt.UTC), "r-shop1")
    return ana


def test_our_template_is_stored_and_attributed(shop: Shop, ana: Collaboration) -> None:
    summary = import_orders(shop=shop, data=payload("orders_template.csv"), actor=None)

    assert (summary.layout, summary.created, summary.updated, summary.unchanged) == (
        "template",
        3,
        0,
        0,
    )
    assert (summary.by_code, summary.by_click, summary.unattributed) == (1, 1, 1)
    by_id = {o.external_id: o for o in Order.objects.filter(shop=shop)}
    assert by_id["T-1001"].collaboration == ana
    assert by_id["T-1001"].attributed_by == Attribution.CODE
    assert by_id["T-1002"].attributed_by == Attribution.CLICK
    # No offset: the workspace's time zone (Paris, summer time from 29 March).
    assert by_id["T-1002"].placed_at == dt.datetime(2026, 3, 30, 16, 30, tzinfo=dt.UTC)
    assert (by_id["T-1002"].refunded, by_id["T-1002"].revenue) == (
        Decimal("5.50"),
        Decimal("40.00"),
    )
    # A date alone is midnight there; a cancelled order brings in nothing.
    assert by_id["T-1003"].placed_at == dt.datetime(2026, 3, 30, 22, 0, tzinfo=dt.UTC)
    assert (by_id["T-1003"].currency, by_id["T-1003"].revenue) == ("EUR", Decimal("0.00"))
    assert by_id["T-1003"].codes == ["WELCOME", "OTHER"]
    assert all(o.source == "file" for o in by_id.values())
    assert AuditEvent.objects.filter(kind="orders.imported").count() == 1


def test_the_same_file_twice_changes_nothing(shop: Shop, ana: Collaboration) -> None:
    import_orders(shop=shop, data=payload("orders_template.csv"), actor=None)
    again = import_orders(shop=shop, data=payload("orders_template.csv"), actor=None)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Order.objects.count() == 3
    assert Order.objects.get(external_id="T-1002").revenue == Decimal("40.00")
    assert AuditEvent.objects.filter(kind="orders.imported").count() == 1


def test_a_later_file_updates_what_changed(shop: Shop) -> None:
    import_orders(shop=shop, data=payload("orders_template.csv"), actor=None)
    changed = payload("orders_template.csv").replace(b"45.50,,/products", b"45.50,,/products")
    changed = changed.replace(b"5.50,\r\n", b"15.50,\r\n")
    summary = import_orders(shop=shop, data=changed, actor=None)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    assert Order.objects.get(external_id="T-1002").revenue == Decimal("30.00")


def test_shopifys_export_is_read_one_order_per_order_not_per_line(
    shop: Shop, ana: Collaboration
) -> None:
    summary = import_orders(shop=shop, data=payload("shopify_orders_export.csv"), actor=None)

    assert (summary.layout, summary.created) == ("shopify", 3)
    first = Order.objects.get(external_id="5548201001")
    assert (first.name, first.total, first.currency) == ("#1001", Decimal("102.20"), "USD")
    assert first.placed_at == dt.datetime(2026, 3, 29, 18, 5, 9, tzinfo=dt.UTC)
    assert (first.collaboration, first.attributed_by) == (ana, Attribution.CODE)
    second = Order.objects.get(name="#1002")
    assert (second.refunded, second.revenue) == (Decimal("10.00"), Decimal("33.20"))
    assert (second.collaboration, second.attributed_by) == (ana, Attribution.CLICK)
    third = Order.objects.get(name="#1003")
    assert third.cancelled_at is not None and third.revenue == Decimal("0.00")
    assert third.currency == "CAD"


def test_an_export_of_orders_that_came_by_webhook_adds_no_second_copy(shop: Shop) -> None:
    ingest(
        shop=shop,
        data=order_data(external_id="5548201001", name="#1001", total=Decimal("102.20")),
        source="webhook",
    )
    summary = import_orders(shop=shop, data=payload("shopify_orders_export.csv"), actor=None)
    assert (summary.created, summary.updated) == (2, 1)
    assert Order.objects.filter(external_id="5548201001").get().source == "webhook"


def test_bad_rows_are_all_named_and_nothing_is_stored(shop: Shop) -> None:
    data = (
        HEADER
        + "A-1,2026-03-01,USD,10.00,,,,\n"
        + "A-2,2026-03-01,DOLLARS,10.00,,,,\n"
        + "A-3,2026-03-01,USD,12.5x,,,,\n"
        + "A-4,yesterday,USD,10.00,,,,\n"
        + "A-1,2026-03-02,USD,11.00,,,,\n"
        + ",2026-03-01,USD,10.00,,,-2,\n"
    ).encode()
    with pytest.raises(OrderImportError) as exc:
        import_orders(shop=shop, data=data, actor=None)

    found = {(p.row, p.column) for p in exc.value.problems}
    assert found == {
        (3, "currency"),
        (4, "total"),
        (5, "placed_at"),
        (6, "order_id"),
        (7, "refunded"),
        (7, "order_id"),
    }
    messages = [str(p) for p in exc.value.problems]
    assert "Row 3, currency: “DOLLARS” is not a currency code such as USD or EUR." in messages
    assert any(m.startswith("Row 6, order_id: This order id is on row 2") for m in messages)
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"order_id,currency,total\nA-1,USD,3\n", "lacks placed at"),
        ("order_id;placed_at\n\u00e9t\u00e9;x\n".encode("latin-1"), "not UTF-8"),
        (b"\n\n", "empty"),
        (HEADER.encode(), "no orders"),
        (b"x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ],
)
def test_an_unusable_file_says_why(shop: Shop, data: bytes, why: str) -> None:
    with pytest.raises(OrderImportError) as exc:
        import_orders(shop=shop, data=data, actor=None)
    assert why in " ".join(str(p) for p in exc.value.problems)


def test_a_bom_semicolons_and_capitalised_headings_are_read(shop: Shop) -> None:
    data = "\ufeffORDER_ID;Placed At;Currency;TOTAL\nB-1;2026-03-01T10:00:00+00:00;gbp;9.99\n"
    summary = import_orders(shop=shop, data=data.encode("utf-8"), actor=None)
    assert summary.created == 1
    assert Order.objects.get().currency == "GBP"


def test_the_api_imports_a_file_and_answers_the_summary(
    shop: Shop, manager: Membership, api_client_for: Callable[..., Client]
) -> None:
    client = api_client_for(manager)
    upload = SimpleUploadedFile("orders.csv", payload("orders_template.csv"), "text/csv")
    response = client.post("/api/v1/orders/import", {"shop_id": shop.pk, "file": upload})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "layout": "template",
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "attributed_by_code": 0,
        "attributed_by_click": 0,
        "unattributed": 3,
    }


def test_the_api_answers_400_with_the_rows_problems(
    shop: Shop, manager: Membership, api_client_for: Callable[..., Client]
) -> None:
    upload = SimpleUploadedFile("orders.csv", (HEADER + "A-1,soon,USD,1,,,,\n").encode())
    response = api_client_for(manager).post(
        "/api/v1/orders/import", {"shop_id": shop.pk, "file": upload}
    )
    assert response.status_code == 400
    assert response.json()["problems"] == [
        {
            "row": 2,
            "column": "placed_at",
            "message": "This is not a date and time such as 2025-03-05 14:30.",
        }
    ]
    assert not Order.objects.exists()


def test_the_api_refuses_a_viewer_and_another_workspaces_shop(
    shop: Shop,
    member: Callable[[str], Membership],
    other_workspace: Workspace,
    api_client_for: Callable[..., Client],
) -> None:
    upload = SimpleUploadedFile("orders.csv", payload("orders_template.csv"))
    viewer = api_client_for(member(Role.VIEWER))
    assert (
        viewer.post("/api/v1/orders/import", {"shop_id": shop.pk, "file": upload}).status_code
        == 403
    )
    theirs = ShopFactory.create(workspace=other_workspace)
    upload.seek(0)
    ops = api_client_for(member(Role.OPS))
    response = ops.post("/api/v1/orders/import", {"shop_id": theirs.pk, "file": upload})
    assert response.status_code == 404
    assert not Order.objects.exists()


def test_a_files_refund_total_does_not_add_to_the_refunds_a_webhook_reported(shop: Shop) -> None:
    refund = RefundData("77", Decimal("30.00"), PLACED)
    ingest(shop=shop, data=order_data(external_id="1001", refunds=(refund,)), source="webhook")

    import_orders(
        shop=shop, data=(HEADER + "1001,2026-03-01,USD,120.00,,,30.00,\n").encode(), actor=None
    )

    order = Order.objects.get(external_id="1001")
    assert (order.refunded, order.revenue) == (Decimal("30.00"), Decimal("90.00"))


def test_a_refund_reported_after_a_file_is_not_counted_twice_either(shop: Shop) -> None:
    import_orders(
        shop=shop, data=(HEADER + "1001,2026-03-01,USD,120.00,,,30.00,\n").encode(), actor=None
    )
    refund = RefundData("77", Decimal("30.00"), PLACED)
    ingest(shop=shop, data=order_data(external_id="1001", refunds=(refund,)), source="webhook")
    order = Order.objects.get(external_id="1001")
    assert (order.refunded, order.revenue) == (Decimal("30.00"), Decimal("90.00"))

    later = RefundData("78", Decimal("20.00"), PLACED)
    ingest(
        shop=shop, data=order_data(external_id="1001", refunds=(refund, later)), source="webhook"
    )
    assert Order.objects.get(external_id="1001").refunded == Decimal("50.00")


def test_a_refund_above_the_orders_total_is_refused_with_its_row(shop: Shop) -> None:
    data = (HEADER + "C-6,2026-03-01,USD,10.00,,,20.00,\n").encode()

    with pytest.raises(OrderImportError) as exc:
        import_orders(shop=shop, data=data, actor=None)

    assert [str(p) for p in exc.value.problems] == [
        "Row 2, refunded: 20.00 refunded is more than the order's total, 10.00."
    ]
    assert not Order.objects.exists()
