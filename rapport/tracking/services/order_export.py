"""Orders as CSV files: the workspace's (filtered) orders list, and the empty template an orders
file upload reads (header and one example row).

Every text cell goes through the creators export's formula neutraliser, so an order name or a
creator's name never runs as a spreadsheet formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.creators.exporting import csv_lines, safe_cell
from rapport.tracking.queries.orders import OrderFilters, workspace_orders
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import User, Workspace
from rapport.workspaces.services import record

EXPORT_HEADER = (
    "order", "shop", "placed", "currency", "total", "refunded", "revenue", "cancelled", "codes",
    "attributed by", "creator", "campaign",
)  # fmt: skip

# The orders file template: its columns in the order the orders page documents, and one example.
TEMPLATE_HEADER = (
    "order_id", "placed_at", "currency", "total", "discount_codes", "landing_url", "refunded",
    "cancelled_at",
)  # fmt: skip
TEMPLATE_EXAMPLE = (
    "1001", "2026-03-30 18:30", "USD", "45.50", "MAYA15", "https://shop.example.com/?rclid=ab12",
    "0", "",
)  # fmt: skip


def export_rows(workspace: Workspace, filters: OrderFilters) -> Iterator[list[Any]]:
    """The workspace's orders the filters keep, newest first, one row each: times in the
    workspace's time zone (ISO 8601), amounts as plain numbers in the order's currency."""
    local = zone(workspace.time_zone)

    def when(moment: dt.datetime | None) -> str:
        return moment.astimezone(local).isoformat(timespec="seconds") if moment else ""

    for o in workspace_orders(workspace, filters).iterator(chunk_size=500):
        collaboration = o.collaboration
        yield [
            str(o),
            o.shop.name,
            when(o.placed_at),
            o.currency,
            str(o.total),
            str(o.refunded),
            str(o.revenue),
            when(o.cancelled_at),
            " ".join(o.codes),
            o.attributed_by,
            collaboration.creator.name if collaboration else "",
            collaboration.campaign.name if collaboration else "",
        ]


def orders_export(
    *, workspace: Workspace, actor: User | None, filters: OrderFilters
) -> StreamingHttpResponse:
    """The orders list (with its filters) as a CSV download, streamed as it is written; every
    cell made formula-safe. The export is audited. The caller checked ``Perm.EXPORT``."""
    record(
        workspace=workspace,
        actor=actor,
        kind="tracking.orders_exported",
        summary=_("Orders exported (filtered)") if filters.is_filtered else _("Orders exported"),
    )
    rows = ([safe_cell(v) for v in row] for row in export_rows(workspace, filters))
    response = StreamingHttpResponse(
        csv_lines(list(EXPORT_HEADER), rows), content_type="text/csv; charset=utf-8"
    )
    name = f"{workspace.slug}-orders-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def import_template() -> HttpResponse:
    """The orders file template to fill in: its header and one example row."""
    response = HttpResponse(
        "".join(csv_lines(list(TEMPLATE_HEADER), [list(TEMPLATE_EXAMPLE)])),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="rapport-orders-template.csv"'
    return response
