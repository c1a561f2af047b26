"""Exporting creators to CSV and XLSX, in constant memory, for the UI, the API and the CLI.

The rows are the list's rows: ``CreatorFilters`` + ``filtered_creators`` choose and sort them, and
an optional selection of ids narrows them (the list's "export selected"). Creators are read in
chunks with their e-mails, channels and tags prefetched per chunk, so the number of queries grows
with the chunks, never with the rows. CSV is streamed as it is written; XLSX is written by
openpyxl's write-only workbook to a temporary file, then streamed.

Every text cell that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) gets a leading single quote, so opening an export never runs
what a creator typed into their profile.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from rapport.creators.models import (
    Creator,
    CreatorEmail,
    CustomField,
    Platform,
    SocialAccount,
    Stage,
    Tier,
)
from rapport.creators.queries import CreatorFilters, filtered_creators
from rapport.workspaces.models import User, Workspace
from rapport.workspaces.services import record

CHUNK_SIZE = 500
FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    """A cell value that cannot run as a spreadsheet formula (text only; numbers are data)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Creator], Any]


def parse_ids(raw: Iterable[str]) -> list[int]:
    """Creator ids from ``ids`` parameters, each a comma-separated list."""
    ids: list[int] = []
    for value in raw:
        for part in str(value).split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit():
                raise ValidationError({"ids": _("“%(v)s” is not a creator id.") % {"v": part}})
            ids.append(int(part))
    return ids


def creators_to_export(
    workspace: Workspace, filters: CreatorFilters, ids: Sequence[int] = ()
) -> QuerySet[Creator]:
    """The list's creators under ``filters``, narrowed to ``ids`` when a selection is given."""
    qs = filtered_creators(workspace, filters)
    if ids:
        qs = qs.filter(pk__in=list(ids))
    return qs


def _joined(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in values if v not in (None, ""))


def _accounts(creator: Creator, platform: str) -> list[SocialAccount]:
    return [a for a in creator.social_accounts.all() if a.platform == platform]


def _platform_columns(platform: str) -> list[Column]:
    label = Platform(platform).label

    def followers(creator: Creator) -> Any:
        figures = [a.followers for a in _accounts(creator, platform) if a.followers is not None]
        return figures[0] if len(figures) == 1 else _joined(figures)

    return [
        Column(
            _("%(platform)s handle") % {"platform": label},
            lambda c: _joined(a.handle for a in _accounts(c, platform)),
        ),
        Column(
            _("%(platform)s URL") % {"platform": label},
            lambda c: _joined(a.url for a in _accounts(c, platform)),
        ),
        Column(_("%(platform)s followers") % {"platform": label}, followers),
    ]


def _custom_column(definition: CustomField) -> Column:
    def value(creator: Creator) -> Any:
        raw = (creator.custom_fields or {}).get(definition.key)
        return _joined(raw) if isinstance(raw, list) else raw

    return Column(definition.label, value)


def _created(creator: Creator) -> dt.datetime:
    # Shown in the member's time zone; spreadsheets have no time zones, so it is written naive.
    return timezone.localtime(creator.created_at).replace(tzinfo=None, microsecond=0)


def export_columns(
    workspace: Workspace, qs: QuerySet[Creator], *, include_private: bool
) -> list[Column]:
    """The export's columns: profile, one handle/URL/followers trio per platform in use, ER,
    the workspace's custom fields, then the private fields when the role may see them."""
    used = set(
        SocialAccount.objects.filter(creator__in=qs.order_by().values("pk"))
        .order_by()
        .values_list("platform", flat=True)
        .distinct()
    )
    columns = [
        Column(_("Name"), lambda c: c.name),
        Column(_("Primary e-mail"), lambda c: c.primary_email),
        Column(
            _("Other e-mails"),
            lambda c: _joined(e.email for e in c.emails.all() if e.email != c.primary_email),
        ),
        Column(_("Stage"), lambda c: str(Stage(c.stage).label)),
        Column(_("Tier"), lambda c: str(Tier(c.tier).label)),
        Column(_("Owner e-mail"), lambda c: c.owner.email if c.owner else ""),
        Column(_("Phone"), lambda c: c.phone),
        Column(_("Country"), lambda c: c.country),
        Column(_("City"), lambda c: c.city),
        Column(_("Languages"), lambda c: _joined(c.languages or [])),
        Column(_("Niches"), lambda c: _joined(c.niches or [])),
        Column(_("Tags"), lambda c: _joined(t.name for t in c.tags.all())),
    ]
    for platform in Platform.values:
        if platform in used:
            columns += _platform_columns(platform)
    columns.append(Column(_("ER (%)"), lambda c: c.engagement_rate))
    columns += [_custom_column(f) for f in CustomField.objects.filter(workspace=workspace)]
    columns += [
        Column(_("Do-not-contact reason"), lambda c: c.do_not_contact_reason),
        Column(_("Notes"), lambda c: c.notes),
        Column(_("Added"), _created),
    ]
    if include_private:
        columns += [
            Column(_("Shipping address"), lambda c: c.shipping_address),
            Column(_("Tax details"), lambda c: c.tax_details),
            Column(_("Paid by"), lambda c: c.get_payout_method_display()),
            Column(_("PayPal e-mail"), lambda c: c.payout_email),
            Column(_("Account holder"), lambda c: c.bank_account_name),
            Column(_("Account number or IBAN"), lambda c: c.bank_account_number),
            Column(_("Bank code"), lambda c: c.bank_code),
        ]
    return columns


def export_table(
    workspace: Workspace, qs: QuerySet[Creator], *, include_private: bool
) -> tuple[list[str], Iterator[list[Any]]]:
    """The header and a lazy iterator over the rows, every cell made formula-safe."""
    columns = export_columns(workspace, qs, include_private=include_private)
    rows = (
        qs.select_related("owner")
        .prefetch_related(
            Prefetch("emails", queryset=CreatorEmail.objects.order_by("-is_primary", "email")),
            Prefetch("social_accounts", queryset=SocialAccount.objects.order_by("-followers")),
            "tags",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )
    header = [safe_cell(c.header) for c in columns]
    return header, ([safe_cell(col.value(creator)) for col in columns] for creator in rows)


class _Echo:
    """A file-like object whose ``write`` returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV text, line by line, starting with a byte-order mark so spreadsheets read it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow(
            [v.strftime("%Y-%m-%d %H:%M") if isinstance(v, dt.datetime) else v for v in row]
        )


def write_xlsx(header: Sequence[Any], rows: Iterable[Sequence[Any]], out: IO[bytes]) -> None:
    """Write an XLSX workbook with openpyxl's write-only mode (rows go to disk as they come)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Creators"))
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(out)


def _filename(workspace: Workspace, fmt: str) -> str:
    return f"{workspace.slug}-creators-{timezone.localdate().isoformat()}.{fmt}"


def _audit(
    workspace: Workspace, actor: User | None, qs: QuerySet[Creator], fmt: str, private: bool
) -> None:
    record(
        workspace=workspace,
        actor=actor,
        kind="creators.exported",
        summary=_("Exported %(n)s creators as %(fmt)s%(private)s")
        % {
            "n": qs.count(),
            "fmt": fmt.upper(),
            "private": _(" with addresses and tax details") if private else "",
        },
    )


def export_response(
    *,
    workspace: Workspace,
    actor: User | None,
    filters: CreatorFilters,
    ids: Sequence[int] = (),
    fmt: str = "csv",
    include_private: bool = False,
) -> HttpResponseBase:
    """The export as a download: CSV streamed as it is written, XLSX from a temporary file.

    The caller has checked that the member may export (and may see private fields).
    """
    if fmt not in FORMATS:
        raise ValidationError({"format": _("Choose csv or xlsx.")})
    qs = creators_to_export(workspace, filters, ids)
    _audit(workspace, actor, qs, fmt, include_private)
    header, rows = export_table(workspace, qs, include_private=include_private)
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines(header, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{_filename(workspace, fmt)}"'
        return response
    # Deleted as soon as FileResponse closes it.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    write_xlsx(header, rows, out)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=_filename(workspace, fmt), content_type=XLSX_TYPE
    )


def write_export(
    out: IO[bytes],
    *,
    workspace: Workspace,
    filters: CreatorFilters,
    fmt: str = "csv",
    include_private: bool = False,
) -> None:
    """Write the export to a binary file (the CLI's standard output or a file)."""
    if fmt not in FORMATS:
        raise ValidationError({"format": _("Choose csv or xlsx.")})
    qs = creators_to_export(workspace, filters)
    _audit(workspace, None, qs, fmt, include_private)
    header, rows = export_table(workspace, qs, include_private=include_private)
    if fmt == "csv":
        for line in csv_lines(header, rows):
            out.write(line.encode())
    else:
        write_xlsx(header, rows, out)
