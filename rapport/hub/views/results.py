"""Placeholder: the part that owns this module replaces it."""

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern

from rapport.hub.context import Hub


def section(request: HttpRequest, hub: Hub) -> dict[str, Any]:
    """The context of templates/hub/sections/results.html."""
    return {}


urls: list[URLPattern] = []
