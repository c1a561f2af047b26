"""Pages: weekly."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from rapport.workspaces.decorators import workspace_view
from rapport.workspaces.roles import Perm


@workspace_view(Perm.VIEW)
def weekly(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/weekly.html", {})


urls: list[URLPattern] = [path("this-week/", weekly, name="weekly")]
