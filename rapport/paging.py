"""Pagination for list pages that must stay fast however many rows match."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 1_000


def page_number(raw: Any) -> int:
    """The page asked for in a query string; anything unreadable is page 1."""
    try:
        return max(int(raw), 1)
    except (TypeError, ValueError):
        return 1


class CappedPaginator(Paginator):
    """A paginator that counts matches only up to the requested page plus ``cap`` more rows.

    Counting every match of a 100,000-row list costs more than the page itself. Past the cap
    the list says "1,000+" (``more`` is true) and the pages after the known ones stay reachable
    by "next".
    """

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, page: int) -> None:
        super().__init__(object_list, per_page)
        self.queryset = object_list
        self.requested = page
        self.more = False

    @cached_property
    def count(self) -> int:
        limit = self.requested * self.per_page + COUNT_CAP
        # No ordering: a sliced, ordered count would walk the sort index.
        found = self.queryset.order_by().values("pk")[: limit + 1].count()
        self.more = found > limit
        return min(found, limit)
