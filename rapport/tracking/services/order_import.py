"""Uploading a shop's orders as a CSV file into one of the workspace's shops.

Two layouts are read, told apart by their header row (headings in any case; ``_`` and spaces
alike):

- our template: ``order_id``, ``placed_at``, ``currency``, ``total`` (required), and
  ``discount_codes`` (several separated by spaces or commas), ``landing_url``, ``refunded`` (the
  total refunded so far), ``cancelled_at``, and optionally ``name`` and ``click_ref``;
- Shopify's own orders export: ``Name``, ``Id``, ``Created at``, ``Currency``, ``Total``,
  ``Discount Code``, ``Refunded Amount``, ``Cancelled at``, ``Landing Site`` when present, and
  our click reference from ``Note Attributes`` (``rclid: …``). It has one row per line item with
  the order's own fields on the order's first row; the other rows of the order are passed over.

Rules: at most 5 MB of UTF-8 text (with or without a byte-order mark), comma or semicolon
separated. Every row is checked before anything is stored; with any problem nothing is stored
and each problem names its row (the header is row 1), its column and why. Rows go through
``services.orders`` exactly like a webhook delivery, so the same file twice changes nothing the
second time. Times without an offset are in the workspace's time zone; a date alone is midnight.
A file's ``refunded`` figure is stored as one refund named ``file``, replaced by the next file's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.creators.importing import heading_key, read_csv_bytes
from rapport.tracking.models import Attribution, OrderSource, Shop
from rapport.tracking.records import OrderData, RefundData
from rapport.tracking.services.orders import FILE_REFUND_ID, amount_of, clean_order, store_order
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import User
from rapport.workspaces.services import record

MAX_IMPORT_BYTES = 5 * 1024 * 1024
CODE_SPLIT_RE = re.compile(r"[\s,;]+")
SPACED_OFFSET_RE = re.compile(r"^(.*\d)\s+([+-]\d{2}:?\d{2}|Z)$")
RCLID_RE = re.compile(r"\brclid\s*[:=]\s*([A-Za-z0-9_-]{1,24})")

# field -> the headings it is read from, per layout (normalised: lower case, single spaces)
TEMPLATE_COLUMNS = {
    "external_id": ("order id",),
    "placed_at": ("placed at",),
    "currency": ("currency",),
    "total": ("total",),
    "codes": ("discount codes",),
    "landing_url": ("landing url",),
    "refunded": ("refunded",),
    "cancelled_at": ("cancelled at",),
    "name": ("name",),
    "click_ref": ("click ref",),
}
SHOPIFY_COLUMNS = {
    "name": ("name",),
    "external_id": ("id",),
    "placed_at": ("created at",),
    "currency": ("currency",),
    "total": ("total",),
    "codes": ("discount code",),
    "landing_url": ("landing site",),
    "refunded": ("refunded amount",),
    "cancelled_at": ("cancelled at",),
    "note_attributes": ("note attributes",),
}
REQUIRED = {
    "template": ("external_id", "placed_at", "currency", "total"),
    "shopify": ("name", "placed_at", "currency", "total"),
}


@dataclass(frozen=True)
class RowProblem:
    """One problem of a file: its row as a spreadsheet numbers it (0 for the whole file), the
    column's heading as the file writes it, and why."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.message
        return _("Row %(row)s, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class OrderImportError(ValidationError):
    """The file has problems; nothing was stored. ``problems`` lists every one."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__([str(p) for p in problems])
        self.problems = problems


@dataclass
class ImportSummary:
    """What an upload did to the shop's orders, and how the file's orders are now attributed."""

    layout: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_code: int = 0
    by_click: int = 0
    unattributed: int = 0
    order_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    number: int
    data: OrderData


def _read(data: bytes) -> list[list[str]]:
    if len(data) > MAX_IMPORT_BYTES:
        raise OrderImportError([RowProblem(0, "", _("The file is larger than 5 MB."))])
    try:
        return read_csv_bytes(data)
    except ValidationError as exc:
        raise OrderImportError([RowProblem(0, "", exc.messages[0])]) from None


def _layout(header: list[str]) -> tuple[str, dict[str, int]]:
    """Which layout the header row is, and the column index of each field it has."""
    names = [heading_key(h) for h in header]
    layout = "template" if "order id" in names else "shopify"
    spec = TEMPLATE_COLUMNS if layout == "template" else SHOPIFY_COLUMNS
    columns = {
        key: names.index(alias)
        for key, aliases in spec.items()
        for alias in aliases
        if alias in names
    }
    missing = [spec[key][0] for key in REQUIRED[layout] if key not in columns]
    if missing:
        raise OrderImportError(
            [
                RowProblem(
                    1,
                    "",
                    _(
                        "The header row lacks %(missing)s. Use our template (order_id, placed_at, "
                        "currency, total, discount_codes, landing_url, refunded, cancelled_at) or "
                        "Shopify's orders export as it is."
                    )
                    % {"missing": ", ".join(missing)},
                )
            ]
        )
    return layout, columns


def _moment(text: str, time_zone: str) -> dt.datetime | None:
    """A time as files write it: ISO 8601 (``2025-03-05T14:22:10Z``), Shopify's
    ``2025-03-05 14:22:10 -0500``, or a date alone; no offset means the workspace's zone."""
    if not text:
        return None
    spaced = SPACED_OFFSET_RE.match(text)
    if spaced:
        text = spaced.group(1) + spaced.group(2)
    value = dt.datetime.fromisoformat(text)  # ValueError when unreadable
    if timezone.is_naive(value):
        value = value.replace(tzinfo=zone(time_zone))
    return value


class _RowReader:
    """Reads one row's cells into an :class:`OrderData`, collecting its problems."""

    def __init__(self, header: list[str], columns: dict[str, int], time_zone: str) -> None:
        self.header = header
        self.columns = columns
        self.time_zone = time_zone

    def heading(self, key: str) -> str:
        index = self.columns.get(key)
        return self.header[index].strip() if index is not None else key

    def cell(self, cells: list[str], key: str) -> str:
        index = self.columns.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def read(
        self, number: int, cells: list[str], problems: list[RowProblem], *, layout: str
    ) -> OrderData | None:
        def problem(key: str, message: str) -> None:
            key = "refunded" if key == "refunds" else key
            if key not in reported:
                reported.add(key)
                problems.append(RowProblem(number, self.heading(key), message))

        reported: set[str] = set()
        moments: dict[str, dt.datetime | None] = {"placed_at": None, "cancelled_at": None}
        for key in ("placed_at", "cancelled_at"):
            try:
                moments[key] = _moment(self.cell(cells, key), self.time_zone)
            except ValueError:
                problem(key, _("This is not a date and time such as 2025-03-05 14:30."))
        refunded = Decimal(0)
        if self.cell(cells, "refunded"):
            try:
                refunded = amount_of(self.cell(cells, "refunded"), "refunded")
                total = amount_of(self.cell(cells, "total"), "total")
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    problem(key, " ".join(messages))
            else:
                if refunded > total:
                    problem(
                        "refunded",
                        _("%(refunded)s refunded is more than the order's total, %(total)s.")
                        % {"refunded": refunded, "total": total},
                    )
        external_id = self.cell(cells, "external_id")
        name = self.cell(cells, "name")
        if layout == "shopify":
            external_id = external_id or name
        click_ref = self.cell(cells, "click_ref")
        if not click_ref and (found := RCLID_RE.search(self.cell(cells, "note_attributes"))):
            click_ref = found.group(1)
        placed_at = moments["placed_at"]
        data = OrderData(
            external_id=external_id,
            placed_at=placed_at,  # type: ignore[arg-type]  # checked by clean_order
            currency=self.cell(cells, "currency"),
            total=self.cell(cells, "total"),  # type: ignore[arg-type]  # checked by clean_order
            name=name,
            codes=tuple(c for c in CODE_SPLIT_RE.split(self.cell(cells, "codes")) if c),
            landing_url=self.cell(cells, "landing_url"),
            click_ref=click_ref,
            cancelled_at=moments["cancelled_at"],
            refunds=(
                (RefundData(FILE_REFUND_ID, refunded, moments["cancelled_at"] or placed_at),)
                if refunded and placed_at
                else ()
            ),
        )
        try:
            clean_order(data)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                problem(key, " ".join(messages))
        return None if reported else data


def check_file(*, shop: Shop, data: bytes) -> tuple[str, list[_Row]]:
    """Read and check every row; the layout and the orders to store.

    Raises :class:`OrderImportError` with every problem (row, column, why)."""
    rows = _read(data)
    start = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if start is None:
        raise OrderImportError([RowProblem(0, "", _("The file is empty."))])
    header = rows[start]
    layout, columns = _layout(header)
    reader = _RowReader(header, columns, shop.workspace.time_zone)
    problems: list[RowProblem] = []
    found: list[_Row] = []
    first_row: dict[str, int] = {}
    for number, cells in enumerate(rows[start + 1 :], start=start + 2):
        if not any(c.strip() for c in cells):
            continue
        key = reader.cell(cells, "name" if layout == "shopify" else "external_id")
        if key and key in first_row:
            if layout == "shopify":
                continue  # another line item of an order already read
            problems.append(
                RowProblem(
                    number,
                    reader.heading("external_id"),
                    _("This order id is on row %(row)s already.") % {"row": first_row[key]},
                )
            )
            continue
        if key:
            first_row[key] = number
        order = reader.read(number, cells, problems, layout=layout)
        if order is not None:
            found.append(_Row(number, order))
    if problems:
        raise OrderImportError(problems)
    if not found:
        raise OrderImportError([RowProblem(0, "", _("The file has no orders."))])
    return layout, found


def import_orders(*, shop: Shop, data: bytes, actor: User | None) -> ImportSummary:
    """Store a file's orders in ``shop`` (one of the workspace's shops), all or none.

    Raises :class:`OrderImportError` listing every problem; nothing is stored then."""
    layout, rows = check_file(shop=shop, data=data)
    summary = ImportSummary(layout=layout)
    with transaction.atomic():
        for row in rows:
            stored = store_order(shop=shop, data=row.data, source=OrderSource.FILE)
            if stored.created:
                summary.created += 1
            elif stored.changed:
                summary.updated += 1
            else:
                summary.unchanged += 1
            by = stored.order.attributed_by
            summary.by_code += by == Attribution.CODE
            summary.by_click += by == Attribution.CLICK
            summary.unattributed += by == Attribution.NONE
            summary.order_ids.append(stored.order.pk)
        if summary.created or summary.updated:
            record(
                workspace=shop.workspace,
                actor=actor,
                kind="orders.imported",
                summary=_(
                    "Orders file for %(shop)s: %(created)s new, %(updated)s updated, "
                    "%(unchanged)s unchanged."
                )
                % {
                    "shop": shop.name,
                    "created": summary.created,
                    "updated": summary.updated,
                    "unchanged": summary.unchanged,
                },
                obj=shop,
            )
    return summary


def summary_dict(summary: ImportSummary) -> dict[str, Any]:
    """The summary as the API answers it."""
    return {
        "layout": summary.layout,
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "attributed_by_code": summary.by_code,
        "attributed_by_click": summary.by_click,
        "unattributed": summary.unattributed,
    }
