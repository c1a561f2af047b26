"""The hub's asset handoff: what the creator needs to make the content right (the products, the
brief's do and don't, talking points, the required disclosure, tracking instructions) and their
personal link and code. The full brief is the brief section's; this keeps to the essentials."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern

from rapport.campaigns.queries.briefs import content_of, current_version
from rapport.hub.context import Hub
from rapport.hub.queries.handoff import product_facts, tracking_assets


def section(request: HttpRequest, hub: Hub) -> dict[str, Any]:
    """The context of templates/hub/sections/handoff.html (keys start with ``handoff_``)."""
    version = current_version(hub.campaign)
    # Only what was published reaches the creator; a draft brief stays with the team.
    content = content_of(version) if version is not None else None
    return {
        "handoff_brief": content,
        "handoff_products": product_facts(hub.collaboration),
        "handoff_tracking": tracking_assets(hub.collaboration),
    }


urls: list[URLPattern] = []
