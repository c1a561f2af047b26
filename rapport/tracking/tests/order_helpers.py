"""Shared arrangements of the orders, attribution and results tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from rapport.testing.factories import ShopFactory
from rapport.tracking.models import Click, Shop, TrackingLink
from rapport.tracking.records import OrderData
from rapport.workspaces.models import Workspace

PAYLOADS = Path(__file__).parent / "payloads"
PLACED = dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture
def shop(workspace: Workspace) -> Shop:
    """A shop of the test's workspace (import it into a test module to use it)."""
    return ShopFactory.create(workspace=workspace)


def order_data(**overrides: Any) -> OrderData:
    """An order as a shop would describe it; override what the test is about."""
    values: dict[str, Any] = {
        "external_id": "5001",
        "name": "#1001",
        "placed_at": PLACED,
        "currency": "USD",
        "total": Decimal("120.00"),
    }
    values.update(overrides)
    return OrderData(**values)


def click_on(link: TrackingLink, at: dt.datetime, ref: str, *, is_bot: bool = False) -> Click:
    """A recorded click on ``link`` at ``at``."""
    return Click.objects.create(
        workspace_id=link.workspace_id, link=link, ref=ref, at=at, is_bot=is_bot
    )


def payload(name: str) -> bytes:
    """A recorded file from ``payloads/``."""
    return (PAYLOADS / name).read_bytes()
