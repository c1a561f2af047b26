"""API: importing posts' figures from a CSV or XLSX file, with the same service and rules as
the page (``record_results`` needed)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, UploadedFile
from ninja.responses import Status

from rapport.api.permissions import actor_of, require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.performance.services.metric_import import (
    MetricImportError,
    import_metrics,
    import_template,
)
from rapport.workspaces.roles import Perm

router = Router(tags=["Performance"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


class ImportSummaryOut(Schema):
    created: int = Field(description="Snapshots added.")
    updated: int = Field(description="Snapshots of the same post and date that were updated.")
    posts: int = Field(description="Posts the file gave figures for.")


class ImportProblemOut(Schema):
    row: int = Field(
        description="The row as a spreadsheet numbers it (the header is 1); 0 for the whole file."
    )
    column: str = Field(description="The column's heading as the file writes it.")
    message: str = Field(description="Why.")


class ImportProblemsOut(Schema):
    """400: the file has problems; nothing was stored."""

    detail: str
    problems: list[ImportProblemOut]


class TemplateParams(Schema):
    format: Literal["csv", "xlsx"] = Field("csv", description="csv or xlsx.")


@router.post(
    "/metrics/import",
    response={200: ImportSummaryOut, 400: ImportProblemsOut, **ERRORS},
    summary="Import posts' figures from a file",
)
def import_file(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """multipart/form-data: `file`, a CSV (UTF-8 with or without BOM, comma or semicolon) or an
    Excel workbook (.xlsx), at most 5 MB: `post_url`, `collection_date`, then any of the metrics
    and `note` (French headings are read too). Every row is checked first: any problem answers
    400 listing them all (row, column, why) and stores nothing. The same post and date again
    updates its figures (source `imported`)."""
    require_perm(request, Perm.RECORD_RESULTS)
    try:
        summary = import_metrics(
            workspace=workspace_of(request),
            data=file.read(),
            name=file.name or "",
            actor=actor_of(request),
        )
    except MetricImportError as exc:
        return Status(
            400,
            {
                "detail": _("The file has problems; nothing was stored."),
                "problems": [
                    {"row": p.row, "column": p.column, "message": p.message} for p in exc.problems
                ],
            },
        )
    return {"created": summary.created, "updated": summary.updated, "posts": len(summary.post_ids)}


@router.get(
    "/metrics/import/template",
    response={200: None, **ERRORS},
    summary="Download the figures file template",
)
def template(request: HttpRequest, params: Query[TemplateParams]) -> HttpResponse:
    """The header and one example row, as CSV or XLSX."""
    require_perm(request, Perm.RECORD_RESULTS)
    return import_template(params.format)
