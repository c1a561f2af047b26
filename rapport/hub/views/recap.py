"""The hub's recap section: once the collaboration is live, the creator's results, the team's
note on what was learned and what comes next, and where their payment is.

A figure the creator (or the team) never gave is written as a dash, as in "Your results", not
as 0; posts are numbered as they are there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern

from rapport.hub.context import Hub
from rapport.performance.queries.posts import PostRow, post_rows
from rapport.performance.queries.recap import creator_recap, shows_recap
from rapport.performance.queries.report import Figure

# The counts a snapshot may leave unknown (the engagement rate is "n/a" by its own rule).
COUNTS = ("reach", "impressions", "views", "engagements")


@dataclass(frozen=True)
class Cell:
    """One recap figure as the hub writes it."""

    label: str
    definition: str
    display: str


@dataclass(frozen=True)
class RecapRow:
    """One post of the recap table: its number in "Your results" and its figures."""

    url: str
    platform: str
    position: int
    cells: list[Cell]


def _unknown(row: PostRow, name: str) -> bool:
    value = row.engagements if name == "engagements" else getattr(row.latest, name, None)
    return value is None


def _cells(figures: list[Figure], rows: list[PostRow]) -> list[Cell]:
    """``figures`` written for the hub: a count none of ``rows`` gave is a dash."""
    return [
        Cell(
            f.label,
            f.definition,
            rows[0].shown(f.name)
            if f.name in COUNTS and all(_unknown(row, f.name) for row in rows)
            else f.display,
        )
        for f in figures
    ]


def section(request: HttpRequest, hub: Hub) -> dict[str, Any]:
    """The context of templates/hub/sections/recap.html: ``recap`` (None before live), its
    ``recap_totals`` and ``recap_posts`` as written on the hub."""
    if not shows_recap(hub.collaboration):
        return {"recap": None}
    recap = creator_recap(hub.collaboration)
    by_url = {row.post.url: row for row in post_rows(hub.collaboration) if row.latest}
    posts = [
        RecapRow(post.url, post.platform, by_url[post.url].position,
                 _cells(post.cells, [by_url[post.url]]))
        for post in recap.posts
    ]  # fmt: skip
    return {
        "recap": recap,
        "recap_posts": posts,
        "recap_totals": _cells(recap.totals, list(by_url.values())) if by_url else [],
    }


urls: list[URLPattern] = []
