"""Pages: seeding."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from rapport.campaigns.models import Collaboration
from rapport.workspaces.decorators import workspace_view
from rapport.workspaces.roles import Perm


@workspace_view(Perm.VIEW)
def _placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    # Stub until this part is built.
    return render(request, "campaigns/placeholder.html", {})


urls: list[URLPattern] = [
    path("products/", _placeholder, name="products"),
    path("shipments/", _placeholder, name="shipments"),
    path("shipments/<int:pk>/", _placeholder, name="shipment"),
]


def collaboration_section(request: HttpRequest, collaboration: Collaboration) -> dict[str, Any]:
    """The context of the collaboration page's seeding section (campaigns/_seeding_section.html)."""
    return {}
