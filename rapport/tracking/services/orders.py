"""Storing a shop's orders and refunds, however often and however concurrently they arrive.

Every source (Shopify or WooCommerce webhook, CSV file) hands an :class:`OrderData` to
:func:`ingest`. An order is stored once per shop and order id: the first delivery creates it, later
ones update it (status, cancellation, refunds, landing page) and a delivery that says nothing new
changes nothing. Deliveries can arrive out of order (a shop retries a failed one later): one that
says the shop changed the order before the newest delivery applied (``OrderData.updated_at``
older than ``Order.shop_updated_at``) leaves the order's own fields as they are, so an old
"created" cannot undo a cancellation; its refunds are still added, as refunds only ever add.

Two workers receiving the same order at the same moment are settled by the database's unique
constraint, not by a check: the loser's insert fails inside a savepoint and it updates the
winner's row under a row lock instead (SQLite serialises writers; PostgreSQL makes the second
insert wait for the first to commit, then fail).

Refunds are stored once per refund id; ``refunded`` is their sum and ``revenue`` is the total less
refunds (never below zero), or zero once the order is cancelled. Amounts are kept to the cent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.tracking.models import Order, Refund, Shop
from rapport.tracking.records import OrderData, RefundData
from rapport.tracking.services.attribution import attribute
from rapport.workspaces.services import is_currency

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1e12")
MAX_CODES = 20
MAX_CODE_LENGTH = 100


@dataclass(frozen=True)
class Stored:
    """What :func:`store_order` did: the order, whether it was new, whether anything changed."""

    order: Order
    created: bool
    changed: bool


# The refund a file stands for: the total refunded so far, as the shop's export gives it.
FILE_REFUND_ID = "file"


def amount_of(value: Any, field: str) -> Decimal:
    """An order amount to the cent (zero or more); ``ValidationError({field: why})`` otherwise.

    Shops in three-decimal currencies send 12.345: it is kept as 12.35 rather than refused, or
    the shop would retry the delivery for ever."""
    if value is None or str(value).strip() == "":
        raise ValidationError({field: _("The amount is missing.")})
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("This is not a number.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("This is not a number.")})
    if amount < 0:
        raise ValidationError({field: _("An amount cannot be negative.")})
    if amount >= MAX_AMOUNT:
        raise ValidationError({field: _("This amount is too large.")})
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def clean_codes(codes: tuple[str, ...] | list[str]) -> list[str]:
    """The order's discount codes upper-cased, without blanks or repeats, in the order given."""
    cleaned: list[str] = []
    for code in codes:
        text = str(code).strip().upper()[:MAX_CODE_LENGTH]
        if text and text not in cleaned:
            cleaned.append(text)
    return cleaned[:MAX_CODES]


def _moment(value: dt.datetime | None, field: str) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        raise ValidationError({field: _("The time needs its offset, such as +00:00.")})
    return value


def clean_order(data: OrderData) -> dict[str, Any]:
    """The order's stored fields from what the shop said, checked.

    Raises ``ValidationError`` naming each field at fault (``external_id``, ``placed_at``,
    ``currency``, ``total``, ``cancelled_at``, ``updated_at``, ``refunds``) and why; nothing is
    stored then. ``shop_updated_at`` is only among them when the shop said when it changed the
    order."""
    errors: dict[str, str] = {}
    external_id = str(data.external_id or "").strip()
    if not external_id:
        errors["external_id"] = _("The order id is missing.")
    elif len(external_id) > Order._meta.get_field("external_id").max_length:  # type: ignore[operator]
        errors["external_id"] = _("The order id is longer than 64 characters.")
    currency = str(data.currency or "").strip().upper()
    if not is_currency(currency):
        errors["currency"] = _("“%(code)s” is not a currency code such as USD or EUR.") % {
            "code": data.currency
        }
    values: dict[str, Any] = {}
    for field, check in (
        ("placed_at", lambda: _moment(data.placed_at, "placed_at")),
        ("cancelled_at", lambda: _moment(data.cancelled_at, "cancelled_at")),
        ("updated_at", lambda: _moment(data.updated_at, "updated_at")),
        ("total", lambda: amount_of(data.total, "total")),
    ):
        try:
            values[field] = check()
        except ValidationError as exc:
            errors[field] = " ".join(exc.message_dict[field])
    if values.get("placed_at", True) is None:
        errors["placed_at"] = _("The order's date is missing.")
    for refund in data.refunds:
        try:
            _clean_refund(refund)
        except ValidationError as exc:
            errors["refunds"] = " ".join(exc.message_dict["refunds"])
    if errors:
        raise ValidationError(errors)
    click_ref = str(data.click_ref or "").strip()
    cleaned: dict[str, Any] = {
        "external_id": external_id,
        "name": str(data.name or "").strip()[:64],
        "placed_at": values["placed_at"],
        "currency": currency,
        "total": values["total"],
        "cancelled_at": values["cancelled_at"],
        "codes": clean_codes(data.codes),
        "landing_url": str(data.landing_url or "").strip()[:2000],
        # Longer than ours cannot be ours: keep none rather than a cut one.
        "click_ref": click_ref if len(click_ref) <= 24 else "",
    }
    if values["updated_at"] is not None:
        cleaned["shop_updated_at"] = values["updated_at"]
    return cleaned


def _clean_refund(refund: RefundData) -> tuple[str, Decimal, dt.datetime]:
    external_id = str(refund.external_id or "").strip()
    if not external_id or len(external_id) > 64:
        raise ValidationError({"refunds": _("A refund needs its id (at most 64 characters).")})
    try:
        amount = amount_of(refund.amount, "refunds")
        refunded_at = _moment(refund.refunded_at, "refunds")
    except ValidationError as exc:
        why = " ".join(exc.message_dict["refunds"])
        raise ValidationError(
            {"refunds": _("Refund %(id)s: %(why)s") % {"id": external_id, "why": why}}
        ) from None
    if refunded_at is None:
        raise ValidationError({"refunds": _("Refund %(id)s has no date.") % {"id": external_id}})
    return external_id, amount, refunded_at


def revenue_of(total: Decimal, refunded: Decimal, cancelled_at: dt.datetime | None) -> Decimal:
    """What an order still brings in: nothing once cancelled, else the total less refunds."""
    if cancelled_at is not None:
        return Decimal("0.00")
    return max(total - refunded, Decimal("0.00"))


def _locked(shop: Shop, external_id: str) -> Order | None:
    return Order.objects.select_for_update().filter(shop=shop, external_id=external_id).first()


def _claim(shop: Shop, values: dict[str, Any], source: str) -> tuple[Order, bool]:
    """The shop's order with this id, locked for the rest of the transaction; created if new."""
    found = _locked(shop, values["external_id"])
    if found is not None:
        return found, False
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves the outer transaction usable
            order = Order.objects.create(
                workspace_id=shop.workspace_id,
                shop=shop,
                source=source,
                revenue=revenue_of(values["total"], Decimal(0), values["cancelled_at"]),
                **values,
            )
            return order, True
    except IntegrityError:
        found = _locked(shop, values["external_id"])
        if found is None:  # the constraint failed for another reason
            raise
        return found, False


def _store_refunds(order: Order, refunds: tuple[RefundData, ...] | list[RefundData]) -> bool:
    """Add the refunds not stored yet (an id seen before with a new amount takes the new one) and
    total them on the order; whether anything changed. The caller holds the order's row lock.

    A file gives only the total refunded so far, kept as the refund named :data:`FILE_REFUND_ID`:
    it overlaps the refunds the shop itemised, so the order's refunded amount is the larger of the
    two, never their sum."""
    stored = {r.external_id: r for r in order.refunds.all()}
    changed = False
    for refund in refunds:
        external_id, amount, refunded_at = _clean_refund(refund)
        known = stored.get(external_id)
        if known is None:
            stored[external_id] = Refund.objects.create(
                workspace_id=order.workspace_id,
                order=order,
                external_id=external_id,
                amount=amount,
                refunded_at=refunded_at,
            )
            changed = True
        elif known.amount != amount:
            known.amount = amount
            known.save(update_fields=["amount"])
            changed = True
    itemised = sum(
        (r.amount for key, r in stored.items() if key != FILE_REFUND_ID), Decimal("0.00")
    )
    from_file = stored[FILE_REFUND_ID].amount if FILE_REFUND_ID in stored else Decimal("0.00")
    order.refunded = max(itemised, from_file)
    return changed


def _settle(order: Order) -> None:
    order.revenue = revenue_of(order.total, order.refunded, order.cancelled_at)


def _is_older(order: Order, values: dict[str, Any]) -> bool:
    """Whether the delivery describes the order as the shop had it before the newest delivery
    already applied (an unknown time on either side is not older)."""
    told = values.get("shop_updated_at")
    return told is not None and order.shop_updated_at is not None and told < order.shop_updated_at


def store_order(*, shop: Shop, data: OrderData, source: str) -> Stored:
    """:func:`ingest`, also saying whether the order was created and whether anything changed
    (a file import reports it)."""
    values = clean_order(data)
    with transaction.atomic():
        order, created = _claim(shop, values, source)
        before = {name: getattr(order, name) for name in (*values, "refunded", "revenue")}
        if not created and not _is_older(order, values):
            for name, value in values.items():
                setattr(order, name, value)
        _store_refunds(order, data.refunds)
        _settle(order)
        attribution_changed = attribute(order, save=False)
        changed = attribution_changed or any(getattr(order, k) != v for k, v in before.items())
        if changed or created:
            order.save()
    return Stored(order=order, created=created, changed=created or changed)


def ingest(*, shop: Shop, data: OrderData, source: str) -> Order:
    """Store the shop's order: create it, or bring the stored one up to date; then attribute it.

    Atomic: a ``ValidationError`` (naming the field) stores nothing. Delivering the same order
    any number of times, also at the same moment from several workers, keeps one order."""
    return store_order(shop=shop, data=data, source=source).order


def add_refund(*, shop: Shop, order_external_id: str, refund: RefundData) -> Order | None:
    """Record one refund on the shop's order (once per refund id) and lower its revenue.

    None when the shop's order is unknown here: the refund is not kept, and counts when the order
    itself arrives carrying its refunds (Shopify and WooCommerce send them with the order)."""
    with transaction.atomic():
        order = _locked(shop, str(order_external_id).strip())
        if order is None:
            return None
        if _store_refunds(order, [refund]):
            _settle(order)
            order.save(update_fields=["refunded", "revenue", "updated_at"])
    return order
