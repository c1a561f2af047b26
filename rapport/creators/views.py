"""Creator pages: the list with its filters, and each creator's page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapport.creators.queries import (
    COLUMNS,
    CreatorFilters,
    creator_for,
    filtered_creators,
    with_list_relations,
)
from rapport.workspaces.decorators import workspace_view
from rapport.workspaces.roles import Perm

PAGE_SIZE = 50


@workspace_view(Perm.VIEW)
def creator_list(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    errors: dict[str, list[str]] = {}
    try:
        filters = CreatorFilters.from_params(request.GET)
    except ValidationError as exc:
        errors = exc.message_dict
        filters = CreatorFilters()
    page = Paginator(
        with_list_relations(filtered_creators(workspace, filters)), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page, "errors": errors, "columns": COLUMNS}
    template = "creators/_results.html" if request.htmx else "creators/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@workspace_view(Perm.VIEW)
def creator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    creator = creator_for(request.workspace, pk)  # type: ignore[attr-defined]
    return render(request, "creators/detail.html", {"creator": creator})


# --- Import and export pages (owned by the import/export work) ---
