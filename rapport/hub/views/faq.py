"""The hub's FAQ: the workspace's questions and answers, or the built-in defaults."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern

from rapport.hub.context import Hub
from rapport.hub.queries.faq import faq_in_effect


def section(request: HttpRequest, hub: Hub) -> dict[str, Any]:
    """The context of templates/hub/sections/faq.html (keys start with ``faq_``)."""
    return {"faq_entries": faq_in_effect(hub.workspace).entries}


urls: list[URLPattern] = []
