"""Storing orders: once per shop and order id, refunds once per refund id, cancellations."""

from __future__ import annotations

import datetime as dt
import threading
import time
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from rapport.testing.factories import ShopFactory, WorkspaceFactory
from rapport.tracking.models import Order, Refund, Shop
from rapport.tracking.records import RefundData
from rapport.tracking.services import orders
from rapport.tracking.services.orders import add_refund, ingest
from rapport.tracking.tests.order_helpers import PLACED, order_data, shop
from rapport.workspaces.models import Workspace

__all__ = ["shop"]  # fixtures


def refund(external_id: str, amount: str) -> RefundData:
    return RefundData(external_id, Decimal(amount), PLACED + dt.timedelta(days=2))


def test_the_same_order_delivered_twice_is_one_order_with_the_same_revenue(shop: Shop) -> None:
    first = ingest(shop=shop, data=order_data(), source="webhook")
    again = ingest(shop=shop, data=order_data(), source="webhook")

    assert again.pk == first.pk
    assert Order.objects.count() == 1
    stored = Order.objects.get()
    assert (stored.total, stored.revenue, stored.currency) == (
        Decimal("120.00"),
        Decimal("120.00"),
        "USD",
    )


def test_a_replay_that_says_nothing_new_changes_nothing(shop: Shop) -> None:
    ingest(shop=shop, data=order_data(refunds=(refund("r1", "20"),)), source="webhook")
    outcome = orders.store_order(
        shop=shop, data=order_data(refunds=(refund("r1", "20"),)), source="webhook"
    )
    assert not outcome.created and not outcome.changed


def test_a_delivery_older_than_the_stored_one_only_adds_its_refunds(shop: Shop) -> None:
    newer = PLACED + dt.timedelta(days=3)
    ingest(shop=shop, data=order_data(cancelled_at=newer, updated_at=newer), source="webhook")

    older = order_data(total=Decimal("150"), updated_at=PLACED, refunds=(refund("r1", "20"),))
    outcome = orders.store_order(shop=shop, data=older, source="webhook")

    order = outcome.order
    assert outcome.changed  # the refund
    assert (order.total, order.cancelled_at, order.shop_updated_at) == (
        Decimal("120.00"),
        newer,
        newer,
    )
    assert (order.refunded, order.revenue) == (Decimal("20.00"), Decimal("0.00"))
    # A source that does not say when the order changed (a file) applies, and keeps the time.
    ingest(shop=shop, data=order_data(total=Decimal("130")), source="file")
    order.refresh_from_db()
    assert (order.total, order.cancelled_at, order.shop_updated_at) == (
        Decimal("130.00"),
        None,
        newer,
    )


def test_the_same_order_id_in_two_shops_is_two_orders(workspace: Workspace, shop: Shop) -> None:
    other_shop = ShopFactory.create(workspace=workspace)
    ingest(shop=shop, data=order_data(), source="webhook")
    ingest(shop=other_shop, data=order_data(), source="webhook")
    assert Order.objects.count() == 2


def test_a_refund_lowers_revenue_once_however_often_it_arrives(shop: Shop) -> None:
    ingest(shop=shop, data=order_data(), source="webhook")
    for _ in range(2):
        order = add_refund(shop=shop, order_external_id="5001", refund=refund("r1", "30.00"))
    assert order is not None
    assert (order.refunded, order.revenue) == (Decimal("30.00"), Decimal("90.00"))
    # The order delivered again with its refunds listed counts each refund once.
    ingest(
        shop=shop,
        data=order_data(refunds=(refund("r1", "30.00"), refund("r2", "10.00"))),
        source="webhook",
    )
    order.refresh_from_db()
    assert (order.refunded, order.revenue) == (Decimal("40.00"), Decimal("80.00"))
    assert Refund.objects.filter(order=order).count() == 2


def test_refunds_beyond_the_total_leave_no_negative_revenue(shop: Shop) -> None:
    order = ingest(shop=shop, data=order_data(refunds=(refund("r1", "150"),)), source="webhook")
    assert (order.refunded, order.revenue) == (Decimal("150.00"), Decimal("0.00"))


def test_a_refund_for_an_unknown_order_is_not_kept(shop: Shop) -> None:
    assert add_refund(shop=shop, order_external_id="404", refund=refund("r1", "5")) is None
    assert not Refund.objects.exists()


def test_a_cancelled_order_brings_in_nothing(shop: Shop) -> None:
    ingest(shop=shop, data=order_data(), source="webhook")
    order = ingest(
        shop=shop, data=order_data(cancelled_at=PLACED + dt.timedelta(hours=3)), source="webhook"
    )
    assert order.cancelled_at is not None
    assert (order.total, order.revenue) == (Decimal("120.00"), Decimal("0.00"))
    assert Order.objects.get().revenue == Decimal("0.00")


def test_codes_are_kept_upper_case_and_the_currency_as_given(shop: Shop) -> None:
    order = ingest(
        shop=shop,
        data=order_data(codes=("glow15", " Glow15 ", "spring"), currency="eur"),
        source="webhook",
    )
    assert order.codes == ["GLOW15", "SPRING"]
    assert order.currency == "EUR"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"currency": "DOLLARS"}, "currency"),
        ({"total": Decimal("-1")}, "total"),
        ({"total": "abc"}, "total"),
        ({"external_id": " "}, "external_id"),
        ({"placed_at": dt.datetime(2026, 3, 1, 12, 0)}, "placed_at"),
        ({"refunds": (refund("", "5"),)}, "refunds"),
    ],
)
def test_bad_data_is_refused_naming_the_field_and_nothing_is_stored(
    shop: Shop, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        ingest(shop=shop, data=order_data(**overrides), source="webhook")
    assert field in exc.value.message_dict
    assert not Order.objects.exists()


def test_the_database_constraint_settles_a_lost_race(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other worker stored the order between our look-up and our insert: our insert fails
    inside its savepoint and we update their order instead."""
    ingest(shop=shop, data=order_data(), source="webhook")
    real = orders._locked
    calls = []

    def missed_once(shop: Shop, external_id: str) -> Order | None:
        calls.append(external_id)
        return None if len(calls) == 1 else real(shop, external_id)

    monkeypatch.setattr(orders, "_locked", missed_once)
    order = ingest(shop=shop, data=order_data(total=Decimal("99.00")), source="webhook")
    assert len(calls) == 2
    assert Order.objects.count() == 1
    assert order.total == Decimal("99.00") == Order.objects.get().revenue


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_deliveries_store_one_order() -> None:
    workspace = WorkspaceFactory.create()
    shop = ShopFactory.create(workspace=workspace)
    workers = 6
    barrier = threading.Barrier(workers)
    results: list[Any] = []

    def deliver() -> None:
        try:
            barrier.wait()
            for _attempt in range(500):
                try:
                    results.append(
                        ingest(
                            shop=shop,
                            data=order_data(refunds=(refund("r1", "20"),)),
                            source="webhook",
                        ).pk
                    )
                    return
                except OperationalError as exc:
                    # The in-memory test database answers "locked" at once where a database
                    # file waits (busy_timeout): wait here instead, as the file would.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.005)
        except Exception as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert len(results) == workers and len(set(results)) == 1, results
    assert Order.objects.count() == 1
    assert Refund.objects.count() == 1
    assert Order.objects.get().revenue == Decimal("100.00")
