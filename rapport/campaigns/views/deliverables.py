"""Pages: deliverables."""

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


urls: list[URLPattern] = [path("deliverables/<int:pk>/", _placeholder, name="deliverable")]


def collaboration_section(request: HttpRequest, collaboration: Collaboration) -> dict[str, Any]:
    """The context of the page's deliverables section (campaigns/_deliverables_section.html)."""
    return {}
