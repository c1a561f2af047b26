"""Part of a long list: the rows a page shows, from an offset, with the list's true size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class Listing(Generic[T]):
    """Some rows of a list, from ``offset``, and how many rows the whole list has."""

    rows: list[T]
    count: int
    offset: int = 0

    @property
    def more(self) -> bool:
        """Whether the list has rows beyond those held."""
        return self.offset + len(self.rows) < self.count

    @property
    def next_offset(self) -> int | None:
        """The offset of the rows after these; None when these are the last."""
        return self.offset + len(self.rows) if self.more and self.rows else None

    def pages(self, size: int) -> int:
        """How many pages of ``size`` rows the whole list fills (at least one)."""
        return max(1, -(-self.count // size))
