"""Keyset pagination: every row exactly once, whatever the sort, NULLs included, on any database."""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from rapport.api.pagination import _after, keyset_page
from rapport.creators.models import Creator
from rapport.workspaces.models import User, Workspace

RATES = [None, Decimal("1.5"), Decimal("1.5"), None, Decimal("0.25"), Decimal("9"), None]


@pytest.fixture
def creators(workspace: Workspace) -> list[Creator]:
    owners = [
        None,
        User.objects.create_user("zoe@example.test", None, name="Zoe"),
        User.objects.create_user("al@example.test", None, name="Al"),
    ]
    return [
        Creator.objects.create(
            workspace=workspace,
            name=f"C{n % 3}",
            engagement_rate=rate,
            owner=owners[n % 3],
            followers_max=(n % 2) * 100,
        )
        for n, rate in enumerate(RATES)
    ]


def walk(qs: QuerySet[Creator], limit: int) -> list[int]:
    seen: list[int] = []
    cursor = None
    while True:
        page = keyset_page(qs, cursor=cursor, limit=limit)
        seen += [c.pk for c in page.items]
        if page.next is None:
            return seen
        cursor = page.next


@pytest.mark.parametrize(
    "ordering",
    [
        ("name", "id"),
        ("-engagement_rate", "-id"),
        ("engagement_rate", "id"),
        ("owner__name", "id"),
        ("-owner__name", "-id"),
        ("followers_max", "-engagement_rate", "name"),  # no id: the primary key is added
        ("-created_at",),
    ],
)
@pytest.mark.parametrize("limit", [1, 2, 3, 10])
def test_walks_every_row_once_in_order(
    creators: list[Creator], ordering: tuple[str, ...], limit: int
) -> None:
    qs = Creator.objects.filter(workspace=creators[0].workspace).order_by(*ordering)
    expected = [c.pk for c in qs.order_by(*ordering, "pk")]
    assert walk(qs, limit) == expected


@pytest.mark.parametrize("nulls_largest", [True, False])
@pytest.mark.parametrize("descending", [True, False])
def test_after_follows_either_null_order(
    creators: list[Creator], nulls_largest: bool, descending: bool
) -> None:
    """PostgreSQL sorts NULL as the largest value, SQLite as the smallest: both must work."""
    missing = float("inf") if nulls_largest else float("-inf")

    def key(c: Creator) -> tuple[float, int]:
        rate = float(c.engagement_rate) if c.engagement_rate is not None else missing
        return (-rate, -c.pk) if descending else (rate, c.pk)

    in_order = sorted(creators, key=key)
    ordering = [("engagement_rate", descending), ("pk", descending)]
    for position, row in enumerate(in_order):
        condition = _after(
            Creator, ordering, [row.engagement_rate, row.pk], nulls_largest=nulls_largest
        )
        later = set(Creator.objects.filter(condition).values_list("pk", flat=True))
        assert later == {c.pk for c in in_order[position + 1 :]}, (position, row.engagement_rate)


def forged(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",
        forged(["not", "a", "dict"]),
        forged({"s": ["-followers_max", "-pk"], "v": [1]}),
        forged({"s": ["-followers_max", "-pk"], "v": ["lots", 3]}),
        forged({"s": ["-followers_max", "-pk"], "v": [{"x": 1}, 3]}),
        forged({"s": ["name", "pk"], "v": ["a", 1]}),
    ],
)
def test_a_forged_or_foreign_cursor_is_a_field_error(creators: list[Creator], cursor: str) -> None:
    qs = Creator.objects.order_by("-followers_max", "-id")
    with pytest.raises(ValidationError) as error:
        keyset_page(qs, cursor=cursor, limit=2)
    assert list(error.value.message_dict) == ["cursor"]


def test_the_last_page_has_no_next(creators: list[Creator]) -> None:
    page = keyset_page(Creator.objects.order_by("name", "id"), cursor=None, limit=len(RATES))
    assert len(page.items) == len(RATES)
    assert page.next is None
