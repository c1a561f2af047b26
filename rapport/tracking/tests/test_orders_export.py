"""The orders export (page and API, with the list's filters) and the orders file template."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from rapport.campaigns.models import Collaboration
from rapport.testing.factories import CollaborationFactory, DiscountCodeFactory, ShopFactory
from rapport.tracking.models import Shop
from rapport.tracking.records import RefundData
from rapport.tracking.services.order_import import import_orders
from rapport.tracking.services.orders import ingest
from rapport.tracking.tests.order_helpers import PLACED, order_data
from rapport.workspaces.models import AuditEvent, Membership, Workspace
from rapport.workspaces.roles import Role

HEADER = [
    "order", "shop", "placed", "currency", "total", "refunded", "revenue", "cancelled", "codes",
    "attributed by", "creator", "campaign",
]  # fmt: skip


@pytest.fixture
def shop(workspace: Workspace) -> Shop:
    workspace.time_zone = "Europe/Paris"
    workspace.save(update_fields=["time_zone"])
    return ShopFactory.create(workspace=workspace, name="=Lumen US")


@pytest.fixture
def ana(workspace: Workspace) -> Collaboration:
    return CollaborationFactory.create(
        campaign__workspace=workspace, campaign__name="Spring glow", creator__name="Ana Lima"
    )


@pytest.fixture
def orders(shop: Shop, ana: Collaboration) -> None:
    DiscountCodeFactory.create(collaboration=ana, code="ANA15")
    ingest(
        shop=shop,
        data=order_data(codes=("ANA15",), refunds=(RefundData("rf-1", Decimal("20"), PLACED),)),
        source="webhook",
    )
    ingest(
        shop=shop,
        data=order_data(
            external_id="5002",
            name="#1002",
            currency="EUR",
            placed_at=PLACED + dt.timedelta(hours=1),
            cancelled_at=PLACED + dt.timedelta(hours=2),
        ),
        source="webhook",
    )


def rows_of(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_page_exports_the_filtered_orders(
    orders: None, ana: Collaboration, manager: Membership,
    client_for: Callable[[Membership], Client], django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    client = client_for(manager)
    html = client.get("/w/lumen/tracking/orders/?currency=USD").content.decode()
    assert 'href="/w/lumen/tracking/orders/export.csv?currency=USD"' in html
    assert "Export these orders (CSV)" in html

    with django_assert_max_num_queries(8):
        response = client.get("/w/lumen/tracking/orders/export.csv")
        rows = rows_of(response)
    assert response["Content-Disposition"].startswith('attachment; filename="lumen-orders-')
    assert rows[0] == HEADER
    assert rows[1] == [
        "#1002", "'=Lumen US", "2026-03-31T15:00:00+02:00", "EUR", "120.00", "0.00", "0.00",
        "2026-03-31T16:00:00+02:00", "", "none", "", "",
    ]  # fmt: skip
    assert rows[2] == [
        "#1001", "'=Lumen US", "2026-03-31T14:00:00+02:00", "USD", "120.00", "20.00", "100.00",
        "", "ANA15", "code", "Ana Lima", "Spring glow",
    ]  # fmt: skip
    only_usd = rows_of(client.get("/w/lumen/tracking/orders/export.csv?currency=USD"))
    assert [r[0] for r in only_usd[1:]] == ["#1001"]
    by_campaign = rows_of(
        client.get(f"/w/lumen/tracking/orders/export.csv?campaign={ana.campaign_id}")
    )
    assert [r[0] for r in by_campaign[1:]] == ["#1001"]
    assert AuditEvent.objects.filter(kind="tracking.orders_exported").count() == 3


def test_exporting_needs_the_export_permission(
    orders: None, member: Callable[[str], Membership], client_for: Callable[[Membership], Client]
) -> None:
    viewer = client_for(member(Role.VIEWER))
    assert "Export orders (CSV)" not in viewer.get("/w/lumen/tracking/orders/").content.decode()
    assert viewer.get("/w/lumen/tracking/orders/export.csv").status_code == 403
    finance = client_for(member(Role.FINANCE))
    assert finance.get("/w/lumen/tracking/orders/export.csv").status_code == 200


def test_the_api_exports_with_the_same_filters(
    orders: None, manager: Membership, member: Callable[[str], Membership],
    api_client_for: Callable[..., Client],
) -> None:  # fmt: skip
    api = api_client_for(manager)
    rows = rows_of(api.get("/api/v1/orders/export?attribution=none"))
    assert rows[0] == HEADER and [r[0] for r in rows[1:]] == ["#1002"]
    assert api_client_for(member(Role.VIEWER)).get("/api/v1/orders/export").status_code == 403


def test_the_import_page_links_a_template_that_imports(
    workspace: Workspace, manager: Membership, client_for: Callable[[Membership], Client]
) -> None:
    shop = ShopFactory.create(workspace=workspace, platform="other")
    client = client_for(manager)
    html = client.get("/w/lumen/tracking/orders/import/").content.decode()
    assert 'href="/w/lumen/tracking/orders/import/template.csv"' in html

    response = client.get("/w/lumen/tracking/orders/import/template.csv")
    assert response["Content-Disposition"] == 'attachment; filename="rapport-orders-template.csv"'
    text = response.content.decode("utf-8-sig")
    header, _example = list(csv.reader(io.StringIO(text)))
    assert header[:4] == ["order_id", "placed_at", "currency", "total"]
    summary = import_orders(shop=shop, data=response.content, actor=manager.user)
    assert summary.created == 1
