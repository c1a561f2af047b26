"""The hub page: one server-rendered page, mobile first, built from each part's section."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from rapport.hub.context import Hub, request_hub
from rapport.hub.decorators import hub_view
from rapport.hub.views import (
    brief,
    deliverables,
    details,
    faq,
    handoff,
    invoices,
    messages,
    recap,
    results,
    shipping,
    survey,
    terms,
    timeline,
)

#: Each part builds its own context with ``section(request, hub)``; keys are prefixed by part.
PARTS = (
    terms,
    timeline,
    brief,
    handoff,
    deliverables,
    results,
    shipping,
    invoices,
    recap,
    survey,
    messages,
    faq,
    details,
)


def render_page(
    request: HttpRequest, hub: Hub, *, status: int = 200, refused: str = ""
) -> HttpResponse:
    """The whole page, each part adding its section's context; ``refused`` is the id of the
    section whose action was just refused."""
    context: dict[str, Any] = {"hub": hub, "hub_refused": refused}
    for part in PARTS:
        context |= part.section(request, hub)
    return render(request, "hub/page.html", context, status=status)


@hub_view
def page(request: HttpRequest) -> HttpResponse:
    """Everything the creator needs about this collaboration, on one page."""
    return render_page(request, request_hub(request))


urls: list[URLPattern] = [path("<str:token>/", page, name="page")]
