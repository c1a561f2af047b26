"""Importing posts' figures from a CSV or XLSX file.

A file has a header row, then one row per post and collection date: the post's address (matched
among the workspace's posts, or by the platform id read from it, so ``youtu.be/<id>`` finds the
post saved as ``youtube.com/watch?v=<id>``), the collection date, and any of the metrics (a blank
cell is unknown). Headings are read in English or French, in any case, with ``_`` or spaces
(:data:`COLUMNS`).

Rules: CSV in UTF-8 with or without a byte-order mark, comma or semicolon separated (the house
reader, :func:`rapport.creators.importing.read_csv_bytes`), or an Excel workbook (.xlsx, its first
sheet); at most 5 MB. Every row is checked first; with any problem nothing is stored and each
problem names its row (the header is row 1), its column and why. Figures are stored through
:func:`~rapport.performance.services.snapshots.record_snapshot` with source ``imported``, so the
same post and date again updates its figures: importing a file twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook

from rapport.creators.exporting import csv_lines
from rapport.creators.importing import _xlsx_rows, heading_key, read_csv_bytes, text_of
from rapport.creators.services import parse_date, writes_month_first
from rapport.performance.models import METRICS, MetricSource, Post
from rapport.performance.services.posts import external_id_from
from rapport.performance.services.snapshots import clean_collected_on, clean_metrics
from rapport.performance.services.snapshots import record_snapshot as store
from rapport.tracking.services.order_import import RowProblem
from rapport.workspaces.models import User, Workspace
from rapport.workspaces.services import record

MAX_IMPORT_BYTES = 5 * 1024 * 1024

# field -> the headings it is read from (compared without case, accents or punctuation)
COLUMNS: dict[str, tuple[str, ...]] = {
    "url": ("post url", "url", "post", "post address", "address", "link", "post link", "lien",
            "url du post", "adresse", "adresse du post", "publication"),
    "collected_on": ("collection date", "collected on", "date", "collected", "date de collecte",
                     "date de releve", "releve le"),
    "reach": ("reach", "accounts reached", "portee", "couverture"),
    "impressions": ("impressions",),
    "views": ("views", "video views", "plays", "vues", "lectures"),
    "likes": ("likes", "like", "j aime", "mentions j aime"),
    "comments": ("comments", "commentaires"),
    "shares": ("shares", "partages"),
    "saves": ("saves", "saved", "enregistrements"),
    "clicks": ("clicks", "link clicks", "clics", "clics sur le lien"),
    "watch_time_seconds": ("watch time seconds", "watch time", "watch time s",
                           "duree de visionnage secondes", "duree de visionnage"),
    "note": ("note", "notes", "comment", "remarque"),
}  # fmt: skip
REQUIRED = ("url", "collected_on")
TEMPLATE_HEADER = ("post_url", "collection_date", *METRICS, "note")
TEMPLATE_EXAMPLE = (
    "https://www.instagram.com/reel/C9abcDEF123/",
    "2025-03-12",
    "48200",
    "61000",
    "52000",
    "3100",
    "140",
    "95",
    "410",
    "",
    "",
    "From the creator's insights screen",
)


def column_key(heading: str) -> str:
    """A heading as headings are compared: :func:`heading_key`, without accents, brackets or
    apostrophes ("Durée de visionnage (secondes)" reads "duree de visionnage secondes")."""
    text = unicodedata.normalize("NFKD", str(heading))
    text = "".join(c for c in text if not unicodedata.combining(c))
    for mark in "()[]'\u2019.":
        text = text.replace(mark, " ")
    return heading_key(text)


_ALIAS = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}


class MetricImportError(ValidationError):
    """The file has problems; nothing was stored. ``problems`` lists every one."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__([str(p) for p in problems])
        self.problems = problems


@dataclass
class ImportSummary:
    """What an import did: snapshots created and updated, and the posts it touched."""

    created: int = 0
    updated: int = 0
    post_ids: set[int] = field(default_factory=set)

    def __str__(self) -> str:
        """The summary a user reads: "2 new, 1 updated, for 1 post."."""
        posts = len(self.post_ids)
        return ngettext(
            "%(created)s new, %(updated)s updated, for %(posts)s post.",
            "%(created)s new, %(updated)s updated, for %(posts)s posts.",
            posts,
        ) % {"created": self.created, "updated": self.updated, "posts": posts}


@dataclass(frozen=True)
class _Row:
    number: int
    post: Post
    collected_on: dt.date
    values: dict[str, Any]
    note: str


def _rows(data: bytes, name: str) -> list[list[Any]]:
    """The file's rows: an Excel workbook by its name or its zip signature, else CSV text."""
    if len(data) > MAX_IMPORT_BYTES:
        raise MetricImportError([RowProblem(0, "", _("The file is larger than 5 MB."))])
    try:
        if name.lower().endswith((".xlsx", ".xlsm")) or data.startswith(b"PK\x03\x04"):
            return list(_xlsx_rows(io.BytesIO(data)))
        if name.lower().endswith(".xls"):
            raise ValidationError(_("Old Excel files (.xls) cannot be read: save it as .xlsx."))
        return list(read_csv_bytes(data))
    except ValidationError as exc:
        raise MetricImportError([RowProblem(0, "", " ".join(exc.messages))]) from None


def _columns(header: list[Any]) -> dict[str, int]:
    """Each field's column index, from the header row (the first column a field matches)."""
    columns: dict[str, int] = {}
    for index, heading in enumerate(header):
        name = _ALIAS.get(column_key(text_of(heading)))
        if name and name not in columns:
            columns[name] = index
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in columns]
    if missing:
        raise MetricImportError(
            [
                RowProblem(
                    0,
                    "",
                    _(
                        "The header row lacks %(missing)s. Use our template: post_url, "
                        "collection_date, then any of %(metrics)s, and note."
                    )
                    % {"missing": ", ".join(missing), "metrics": ", ".join(METRICS)},
                )
            ]
        )
    if not any(name in columns for name in METRICS):
        raise MetricImportError(
            [
                RowProblem(
                    0,
                    "",
                    _("The header row has no metric column: add at least one of %(metrics)s.")
                    % {"metrics": ", ".join(METRICS)},
                )
            ]
        )
    return columns


def _normal_url(url: str) -> str:
    """An address as addresses are compared: scheme and host in lower case, without ``www.``,
    a fragment or a trailing slash (the path keeps its case: Instagram's shortcodes have one)."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{host}{parts.path.rstrip('/')}{query}"


class _PostFinder:
    """Finds the workspace's post a row's address names, with two queries for the whole file."""

    def __init__(self, workspace: Workspace, urls: list[str]) -> None:
        platform_ids = {external_id_from("", u) for u in urls} - {""}
        variants = {v for u in urls for v in (u.strip(), u.strip().rstrip("/") + "/")}
        variants |= {u.strip().rstrip("/") for u in urls}
        posts = Post.objects.filter(workspace=workspace).filter(
            Q(url__in=variants) | Q(external_id__in=platform_ids)
        )
        self.by_url: dict[str, list[Post]] = {}
        self.by_id: dict[str, list[Post]] = {}
        for post in posts.select_related("workspace", "collaboration"):
            self.by_url.setdefault(_normal_url(post.url), []).append(post)
            if post.external_id:
                self.by_id.setdefault(post.external_id, []).append(post)

    def find(self, url: str) -> Post | str:
        """The post at ``url``, or why there is none."""
        found = self.by_url.get(_normal_url(url)) or self.by_id.get(external_id_from("", url), [])
        if not found:
            return _("No post of this workspace has this address: add the post first.")
        if len(found) > 1:
            return _(
                "Several collaborations have a post at this address; enter these figures on "
                "the post's page."
            )
        return found[0]


def check_file(*, workspace: Workspace, data: bytes, name: str = "") -> list[_Row]:
    """Read and check every row; the figures to store. Raises :class:`MetricImportError` with
    every problem (row, column, why)."""
    rows = _rows(data, name)

    def blank(cells: list[Any]) -> bool:
        return not any(text_of(c) for c in cells)

    start = next((i for i, r in enumerate(rows) if not blank(r)), None)
    if start is None:
        raise MetricImportError([RowProblem(0, "", _("The file is empty."))])
    header = [text_of(h) for h in rows[start]]
    columns = _columns(header)
    body = [(n, cells) for n, cells in enumerate(rows[start + 1 :], start=start + 2)]
    body = [(n, cells) for n, cells in body if not blank(cells)]

    def cell(cells: list[Any], key: str) -> Any:
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def heading(key: str) -> str:
        return header[columns[key]] if key in columns else key

    finder = _PostFinder(workspace, [text_of(cell(c, "url")) for _n, c in body])
    month_first = writes_month_first(workspace)
    problems: list[RowProblem] = []
    found: list[_Row] = []
    seen: dict[tuple[int, dt.date], int] = {}
    for number, cells in body:
        before = len(problems)
        url = text_of(cell(cells, "url"))
        post: Post | None = None
        if not url:
            problems.append(RowProblem(number, heading("url"), _("The post's address is empty.")))
        else:
            match = finder.find(url)
            if isinstance(match, str):
                problems.append(RowProblem(number, heading("url"), match))
            else:
                post = match
        day: dt.date | None = None
        raw_day = cell(cells, "collected_on")
        try:
            day = parse_date(raw_day, month_first=month_first) if text_of(raw_day) else None
        except (ValueError, OverflowError):
            problems.append(
                RowProblem(
                    number,
                    heading("collected_on"),
                    _("“%(value)s” is not a date such as 2025-03-12.") % {"value": raw_day},
                )
            )
        else:
            if day is None:
                problems.append(
                    RowProblem(number, heading("collected_on"), _("The date is empty."))
                )
            elif post is not None:
                try:
                    clean_collected_on(post, day)
                except ValidationError as exc:
                    problems.append(RowProblem(number, heading("collected_on"), exc.messages[0]))
        values = {m: text_of(cell(cells, m)) for m in METRICS if m in columns}
        try:
            clean_metrics(values)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                column = heading(key) if key in columns else _("figures")
                problems.append(RowProblem(number, column, " ".join(messages)))
        if post is not None and day is not None:
            earlier = seen.get((post.pk, day))
            if earlier is not None:
                problems.append(
                    RowProblem(
                        number,
                        heading("url"),
                        _("This post and date are on row %(row)s already.") % {"row": earlier},
                    )
                )
            seen.setdefault((post.pk, day), number)
        if len(problems) == before and post is not None and day is not None:
            note = text_of(cell(cells, "note"))
            found.append(_Row(number, post, day, values, note))
    if problems:
        raise MetricImportError(problems)
    if not found:
        raise MetricImportError([RowProblem(0, "", _("The file has no figures."))])
    return found


def import_metrics(
    *, workspace: Workspace, data: bytes, actor: User | None, name: str = ""
) -> ImportSummary:
    """Store a file's figures (``name`` is the file's name: ``.xlsx`` is read as a workbook),
    all or none. Raises :class:`MetricImportError` listing every problem; nothing is stored
    then."""
    rows = check_file(workspace=workspace, data=data, name=name)
    summary = ImportSummary()
    with transaction.atomic():
        for row in rows:
            _snapshot, created = store(
                post=row.post,
                collected_on=row.collected_on,
                source=MetricSource.IMPORTED,
                values=row.values,
                actor=actor,
                note=row.note,
            )
            summary.created += created
            summary.updated += not created
            summary.post_ids.add(row.post.pk)
        record(
            workspace=workspace,
            actor=actor,
            kind="metrics.imported",
            summary=_("Figures file imported: %(summary)s") % {"summary": summary},
        )
    return summary


def import_template(fmt: str) -> HttpResponse:
    """The figures file template (its header and one example row), as CSV or XLSX."""
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = _("Figures")
        sheet.append(list(TEMPLATE_HEADER))
        sheet.append([_template_cell(v) for v in TEMPLATE_EXAMPLE])
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(
            "".join(csv_lines(list(TEMPLATE_HEADER), [list(TEMPLATE_EXAMPLE)])),
            content_type="text/csv; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="rapport-figures-template.{fmt}"'
    return response


def _template_cell(value: str) -> Any:
    """A template cell as a spreadsheet holds it: numbers as numbers, the date as a date."""
    if value.isdigit():
        return int(value)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return value
