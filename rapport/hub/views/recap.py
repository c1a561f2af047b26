"""The hub's recap section: once the collaboration is live, the creator's results, the team's
note on what was learned and what comes next, and where their payment is."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern

from rapport.hub.context import Hub
from rapport.performance.queries.recap import creator_recap, shows_recap


def section(request: HttpRequest, hub: Hub) -> dict[str, Any]:
    """The context of templates/hub/sections/recap.html: ``recap``, None before live."""
    if not shows_recap(hub.collaboration):
        return {"recap": None}
    return {"recap": creator_recap(hub.collaboration)}


urls: list[URLPattern] = []
