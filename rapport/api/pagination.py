"""Keyset (cursor) pagination for every list endpoint.

A page is read with ``WHERE (sort columns) come after (the last row's values)`` instead of an
``OFFSET``, so page 2,000 costs what page 1 costs and rows added meanwhile neither repeat nor go
missing. The cursor handed to clients is opaque: the sort it belongs to and the last row's sort
values, base64-encoded.

Any queryset ordered by plain field paths works (``order_by("-followers_max", "-id")``,
``order_by("owner__name", "id")``); the primary key is added as the last tie-breaker when the
ordering does not end with it. Nullable columns are handled in the database's own NULL order, so
the index that serves the sort keeps serving it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import F, Model, Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

M = TypeVar("M", bound=Model)
ItemT = TypeVar("ItemT")


class PageParams(Schema):
    """The query parameters every paginated endpoint takes."""

    cursor: str | None = Field(
        None, description="The `next` value of the previous page; leave out for the first page."
    )
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Rows per page, at most {MAX_LIMIT}."
    )


class Page(Schema, Generic[ItemT]):
    """One page of a list: its rows, and the cursor of the next page (null on the last page)."""

    items: list[ItemT]
    next: str | None = Field(
        description="Pass as `cursor` to get the next page; null when there are no more rows."
    )


@dataclass
class KeysetPage(Generic[M]):
    items: list[M]
    next: str | None


def keyset_page(qs: QuerySet[M], *, cursor: str | None, limit: int) -> KeysetPage[M]:
    """The page of ``qs`` that follows ``cursor`` (the first page when it is empty).

    A cursor that is malformed or was made for another sort order raises ``ValidationError`` on
    the ``cursor`` field.
    """
    ordering = _ordering(qs)
    signature = [f"{'-' if descending else ''}{path}" for path, descending in ordering]
    aliases = {f"cursor_{i}": F(path) for i, (path, _desc) in enumerate(ordering)}
    qs = qs.annotate(**aliases).order_by(*signature)
    if cursor:
        values = _decode(cursor, signature)
        nulls_largest = connections[qs.db].features.nulls_order_largest
        try:
            qs = qs.filter(_after(qs.model, ordering, values, nulls_largest=nulls_largest))
        except (ValueError, TypeError, ValidationError):
            # Well-formed but tampered with: a value the sort column cannot hold.
            raise _bad_cursor() from None
    rows = list(qs[: limit + 1])
    items, more = rows[:limit], len(rows) > limit
    next_cursor = None
    if more:
        last = items[-1]
        next_cursor = _encode(signature, [getattr(last, alias) for alias in aliases])
    return KeysetPage(items=items, next=next_cursor)


def _ordering(qs: QuerySet[Any]) -> list[tuple[str, bool]]:
    """The queryset's ordering as ``(field path, descending)``, ending with the primary key."""
    ordering: list[tuple[str, bool]] = []
    for item in qs.query.order_by or qs.model._meta.ordering:
        if not isinstance(item, str) or item == "?":
            raise TypeError(f"Keyset pagination needs orderings by field names, not {item!r}.")
        path = item.lstrip("-")
        ordering.append(("pk" if path == qs.model._meta.pk.name else path, item.startswith("-")))
    if not ordering or ordering[-1][0] != "pk":
        ordering.append(("pk", False))
    return ordering


def _after(
    model: type[Model], ordering: list[tuple[str, bool]], values: list[Any], *, nulls_largest: bool
) -> Q:
    """Rows that sort after ``values``: (a > x) or (a = x and b > y) or …, NULL-aware."""
    condition = Q(pk__in=[])
    equal_so_far = Q()
    for (path, descending), value in zip(ordering, values, strict=True):
        later = _later(path, value, descending=descending, nulls_largest=nulls_largest)
        if later is not None:
            condition |= equal_so_far & later
        equal_so_far &= Q(**{f"{path}__isnull": True}) if value is None else Q(**{path: value})
    # The same, plus a plain bound on the first column, so the database seeks to the page through
    # the sort's index instead of reading every row before it.
    (path, descending), value = ordering[0], values[0]
    nulls_after = nulls_largest != descending and _nullable(model, path)
    if value is not None and not nulls_after:
        condition &= Q(**{f"{path}__{'lte' if descending else 'gte'}": value})
    return condition


def _nullable(model: type[Model], path: str) -> bool:
    """Whether ``path`` can be NULL (any path through a relation is assumed to be)."""
    if path == "pk":
        return False
    if "__" in path:
        return True
    return bool(model._meta.get_field(path).null)


def _later(path: str, value: Any, *, descending: bool, nulls_largest: bool) -> Q | None:
    """Rows whose ``path`` sorts strictly after ``value``; None when nothing can."""
    null, not_null = Q(**{f"{path}__isnull": True}), Q(**{f"{path}__isnull": False})
    nulls_last = nulls_largest != descending  # in this direction, do NULLs follow every value?
    if value is None:
        return None if nulls_last else not_null
    beyond = Q(**{f"{path}__{'lt' if descending else 'gt'}": value})
    return beyond | null if nulls_last else beyond


def _encode(signature: list[str], values: list[Any]) -> str:
    payload = json.dumps({"s": signature, "v": [_plain(v) for v in values]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _plain(value: Any) -> Any:
    """A sort value as JSON, exactly (no rounding of times or decimals)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decode(cursor: str, signature: list[str]) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
        values = payload["v"]
        valid = isinstance(values, list) and len(values) == len(signature)
    except (binascii.Error, ValueError, TypeError, KeyError):
        valid = False
    if not valid:
        raise _bad_cursor()
    if payload.get("s") != signature:
        raise ValidationError(
            {"cursor": _("This cursor belongs to another sort order; start again without it.")}
        )
    return list(values)


def _bad_cursor() -> ValidationError:
    return ValidationError({"cursor": _("This is not a cursor this list gave out.")})
