"""Relationship health per creator (PRODUCT.md "Relationship health").

Stub agreed between parts: the health part implements it; the portfolio reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from rapport.workspaces.models import Workspace


@dataclass(frozen=True)
class CreatorHealth:
    """How one creator's relationship with the workspace is going; ``None`` = not known yet.

    Rates are fractions (0 to 1); times are hours; ``score`` is 0 to 100 by the documented rule.
    """

    creator_id: int
    collaborations: int
    on_time_rate: Decimal | None
    response_rate: Decimal | None
    approval_rounds: Decimal | None
    quality_score: Decimal | None
    repeat: bool
    satisfaction: Decimal | None
    open_to_new_formats: bool | None
    median_response_hours: Decimal | None
    median_approval_hours: Decimal | None
    median_days_to_pay: Decimal | None
    sla_attainment: Decimal | None
    score: Decimal | None


def creator_health(
    workspace: Workspace, creator_ids: Iterable[int] | None = None
) -> dict[int, CreatorHealth]:
    """The health of each creator of ``workspace`` (or only those of ``creator_ids``) who has
    at least one collaboration, keyed by creator id; a fixed number of queries."""
    raise NotImplementedError
