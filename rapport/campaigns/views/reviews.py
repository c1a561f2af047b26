"""Pages: reviews."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from rapport.workspaces.decorators import workspace_view
from rapport.workspaces.roles import Perm


@workspace_view(Perm.VIEW)
def review_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/review_queue.html", {})


@workspace_view(Perm.VIEW)
def _placeholder(request: HttpRequest, **kwargs: object) -> HttpResponse:
    # Stub until this part is built.
    return render(request, "campaigns/placeholder.html", {})


urls: list[URLPattern] = [
    path("submissions/<int:pk>/", _placeholder, name="submission"),
    path("reviews/", review_queue, name="review_queue"),
]
