"""The figures file upload page and its templates (CSV and XLSX). Recording figures needs
``RECORD_RESULTS``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from rapport.performance.forms.imports import MetricFileForm
from rapport.performance.services.metric_import import (
    ImportSummary,
    MetricImportError,
    import_metrics,
    import_template,
)
from rapport.workspaces.decorators import request_user, request_workspace, workspace_view
from rapport.workspaces.roles import Perm


@workspace_view(Perm.RECORD_RESULTS)
def import_page(request: HttpRequest) -> HttpResponseBase:
    """Upload a file of posts' figures; every row is checked before any is stored."""
    posted = request.method == "POST"
    form = MetricFileForm(request.POST if posted else None, request.FILES if posted else None)
    problems: list[str] = []
    summary: ImportSummary | None = None
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = import_metrics(
                workspace=request_workspace(request),
                data=upload.read(),
                name=upload.name or "",
                actor=request_user(request),
            )
        except MetricImportError as exc:
            problems = [str(p) for p in exc.problems]
    return render(
        request,
        "performance/import.html",
        {"form": form, "problems": problems, "summary": summary},
        status=422 if problems or form.errors else 200,
    )


@require_safe
@workspace_view(Perm.RECORD_RESULTS)
def template_csv(request: HttpRequest) -> HttpResponseBase:
    """The figures file template as CSV: its header and one example row."""
    return import_template("csv")


@require_safe
@workspace_view(Perm.RECORD_RESULTS)
def template_xlsx(request: HttpRequest) -> HttpResponseBase:
    """The figures file template as an Excel workbook."""
    return import_template("xlsx")


urls: list[URLPattern] = [
    path("import/", import_page, name="import"),
    path("import/template.csv", template_csv, name="import_template_csv"),
    path("import/template.xlsx", template_xlsx, name="import_template_xlsx"),
]
