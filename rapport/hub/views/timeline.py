"""The hub's timeline section. Stub: its part fills it in (same names)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern

from rapport.hub.context import Hub


def section(request: HttpRequest, hub: Hub) -> dict[str, Any]:
    """The context of templates/hub/sections/timeline.html (keys start with ``timeline_``)."""
    return {}


urls: list[URLPattern] = []
