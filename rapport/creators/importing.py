"""Importing creators from a CSV or XLSX spreadsheet: upload, map columns, check, commit.

How an import goes (the page, the API and the CLI all take these steps):

1. ``start_import`` checks the upload's size and type, stores it as an ``ImportJob``, reads the
   header row and guesses which field each column holds (``guess_mapping``).
2. ``set_mapping`` records the columns' fields and the duplicate policy.
3. ``check_import`` reads every row and validates it with the same code as the commit, noting
   what each row would do (add, update, skip) and every problem with its row, column and reason.
   Nothing is written to creators.
4. ``commit_import`` reads the rows again and writes them through ``creators.services``.

Decisions:

- Rows with errors are reported and skipped; the valid rows are imported. The commit runs in ONE
  database transaction: if the database refuses a write or the process stops, nothing of the
  import is kept and the job says why. Each row runs in a savepoint, so a row that the services
  refuse at commit time (say it became a duplicate since the check) is reported and skipped
  without touching the other rows.
- Duplicates are what ``services.find_duplicates`` says (same e-mail, platform and handle, or
  profile URL), plus rows repeating an earlier row of the same file. The job's policy decides:
  skip the row; update the creator (a filled cell replaces the value, e-mails, channels and tags
  are added, an empty cell changes nothing; a row matching several creators is an error); or add
  a new creator anyway (e-mails and handles already taken stay with their creator).
- Each added creator gets one ``creator.imported`` event; each import one summary event.
- A row without a name is named after its first handle; with neither it is an error.
- Files are streamed: ``csv.reader`` over a decoding wrapper, openpyxl in read-only mode. Only the
  problems and the first rows' outcomes are kept. Encoding: UTF-8 with or without a byte-order
  mark, UTF-16 with one, otherwise Windows-1252. Delimiter: whichever of comma, semicolon, tab
  or bar the header line uses most. The first non-empty row is the header; row numbers are the
  spreadsheet's.
- Dates (``services.parse_date``, as for custom date fields everywhere): XLSX date cells, Excel
  serial numbers, ISO dates, D.M.Y, and D/M/Y (M/D/Y in US workspaces; a day above 12 decides
  either way).
- Checking and committing run as background tasks (``creators.tasks``) that the page polls; the
  API and the CLI run them in-process and answer with the per-row report. While the commit runs
  only its status shows: its transaction hides progress until the end.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import re
import uuid
import zipfile
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, transaction
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from rapport.creators.models import (
    Creator,
    CustomField,
    FieldType,
    ImportJob,
    ImportStatus,
    OnDuplicate,
    Platform,
    SocialAccount,
    Stage,
)
from rapport.creators.services import (
    AccountData,
    Duplicate,
    DuplicateCreator,
    NewCreator,
    bulk_tag,
    clean_country,
    clean_custom_value,
    clean_emails,
    create_creator,
    find_duplicates,
    insert_creators,
    save_account,
    set_emails,
    update_creator,
    writes_month_first,
)
from rapport.creators.social import parse_count
from rapport.workspaces.models import Membership, User, Workspace
from rapport.workspaces.services import record

logger = logging.getLogger(__name__)

BATCH_ROWS = 50
PREVIEW_ROWS = 20
SAMPLE_ROWS = 5
MAX_FOLLOWERS = 10**11
SPLIT_RE = re.compile(r"\s*[,;|/]\s*")
EMAIL_SPLIT_RE = re.compile(r"[\s,;]+")


class Action:
    """What a row does (or would do): the vocabulary of the per-row report."""

    CREATE = "create"
    UPDATE = "update"
    SKIP = "skip"
    ERROR = "error"


ACTIONS = (Action.CREATE, Action.UPDATE, Action.SKIP, Action.ERROR)
# --- The fields a column can feed ---------------------------------------------------------------

# key -> (label, several columns may feed it)
PROFILE_TARGETS: dict[str, tuple[Any, bool]] = {
    "name": (gettext_lazy("Name"), False),
    "first_name": (gettext_lazy("First name"), False),
    "last_name": (gettext_lazy("Last name"), False),
    "email": (gettext_lazy("E-mail"), True),
    "other_emails": (gettext_lazy("Other e-mails"), True),
    "phone": (gettext_lazy("Phone"), False),
    "pronouns": (gettext_lazy("Pronouns"), False),
    "country": (gettext_lazy("Country (code or name)"), False),
    "city": (gettext_lazy("City"), False),
    "time_zone": (gettext_lazy("Time zone"), False),
    "languages": (gettext_lazy("Languages"), True),
    "niches": (gettext_lazy("Niches"), True),
    "tags": (gettext_lazy("Tags"), True),
    "stage": (gettext_lazy("Stage"), False),
    "do_not_contact_reason": (gettext_lazy("Do-not-contact reason"), False),
    "owner": (gettext_lazy("Owner (member's e-mail)"), False),
    "notes": (gettext_lazy("Notes"), True),
}
CHANNEL_TARGETS: dict[str, tuple[Any, bool]] = {
    "platform": (gettext_lazy("Platform"), False),
    "handle": (gettext_lazy("Handle or profile URL"), False),
    "profile_url": (gettext_lazy("Profile URL (platform from the address)"), False),
    "followers": (gettext_lazy("Followers (of the row's first channel)"), False),
    "engagement_rate": (gettext_lazy("Engagement rate (%)"), False),
}
PLATFORM_PARTS = ("handle", "url", "followers")
NAME_TARGETS = ("name", "first_name", "last_name")


def field_choices(workspace: Workspace) -> list[tuple[str, list[tuple[str, str]]]]:
    """The fields a column can be imported into, grouped for the mapping form."""
    groups = [
        (_("Profile"), [(k, str(v[0])) for k, v in PROFILE_TARGETS.items()]),
        (_("Channel"), [(k, str(v[0])) for k, v in CHANNEL_TARGETS.items()]),
    ]
    for platform in Platform:
        groups.append(
            (
                str(platform.label),
                [
                    (f"{platform.value}.handle", _("%(p)s handle") % {"p": platform.label}),
                    (f"{platform.value}.url", _("%(p)s URL") % {"p": platform.label}),
                    (f"{platform.value}.followers", _("%(p)s followers") % {"p": platform.label}),
                ],
            )
        )
    custom = [(f"cf.{f.key}", f.label) for f in CustomField.objects.filter(workspace=workspace)]
    if custom:
        groups.append((_("Custom fields"), custom))
    return groups


def _takes_several(target: str) -> bool:
    spec = PROFILE_TARGETS.get(target) or CHANNEL_TARGETS.get(target)
    return bool(spec and spec[1])


# --- Guessing the mapping from the headers ------------------------------------------------------

_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "full name",
        "fullname",
        "creator",
        "creator name",
        "influencer",
        "influencer name",
        "display name",
        "contact name",
        "nom",
    ),
    "first_name": ("first name", "firstname", "given name", "prenom"),
    "last_name": ("last name", "lastname", "surname", "family name"),
    "email": (
        "email",
        "email address",
        "emails",
        "mail",
        "primary email",
        "contact email",
        "courriel",
    ),
    "other_emails": ("other emails", "other email", "secondary email", "alternate email"),
    "phone": ("phone", "phone number", "mobile", "telephone", "tel", "whatsapp"),
    "pronouns": ("pronouns",),
    "country": ("country", "country code", "pays"),
    "city": ("city", "town", "ville"),
    "time_zone": ("time zone", "timezone", "tz"),
    "languages": ("language", "languages", "lang"),
    "niches": ("niche", "niches", "category", "categories", "vertical", "verticals", "topics"),
    "tags": ("tag", "tags", "label", "labels"),
    "stage": ("stage", "status", "relationship stage", "pipeline stage", "pipeline"),
    "do_not_contact_reason": ("do not contact reason", "dnc reason"),
    "owner": ("owner", "owner email", "account owner", "assigned to", "relationship owner"),
    "notes": ("notes", "note", "comments", "comment"),
    "platform": ("platform", "network", "social network"),
    "handle": ("handle", "username", "user name", "account", "social handle"),
    "profile_url": ("url", "profile url", "profile", "link", "profile link", "social url"),
    "followers": (
        "followers",
        "follower count",
        "followers count",
        "audience size",
        "subscribers",
        "audience",
    ),
    "engagement_rate": ("er", "engagement", "engagement rate", "eng rate"),
}
_ALIAS_TARGET = {alias: target for target, aliases in _ALIASES.items() for alias in aliases}
_PLATFORM_WORDS: dict[str, str] = {
    "instagram": Platform.INSTAGRAM,
    "insta": Platform.INSTAGRAM,
    "ig": Platform.INSTAGRAM,
    "tiktok": Platform.TIKTOK,
    "tt": Platform.TIKTOK,
    "youtube": Platform.YOUTUBE,
    "yt": Platform.YOUTUBE,
    "twitch": Platform.TWITCH,
    "x": Platform.X,
    "twitter": Platform.X,
    "pinterest": Platform.PINTEREST,
    "linkedin": Platform.LINKEDIN,
    "facebook": Platform.FACEBOOK,
    "fb": Platform.FACEBOOK,
    "snapchat": Platform.SNAPCHAT,
    "snap": Platform.SNAPCHAT,
    "blog": Platform.BLOG,
    "podcast": Platform.PODCAST,
}
_FOLLOWER_WORDS = {"followers", "follower", "subscribers", "subs", "fans", "audience", "following"}
_URL_WORDS = {"url", "link", "profile", "page", "address"}


def _words(header: str) -> list[str]:
    text = header.lower().replace("e-mail", "email").replace("é", "e")
    return re.findall(r"[a-z0-9]+", text)


def guess_field(header: str, custom_fields: dict[str, str]) -> str:
    """The field a column probably holds, from its header ('' when unknown).

    ``custom_fields`` maps each custom field's normalised label and key to its key.
    """
    words = _words(header)
    key = " ".join(words)
    if key in custom_fields:
        return f"cf.{custom_fields[key]}"
    if key in _ALIAS_TARGET:
        return _ALIAS_TARGET[key]
    platform = next((_PLATFORM_WORDS[w] for w in words if w in _PLATFORM_WORDS), None)
    if platform is None:
        # "instagramhandle", "tiktokfollowers": a platform name glued to a word.
        platform = next(
            (
                p
                for word in words
                for name, p in _PLATFORM_WORDS.items()
                if len(name) > 4 and word.startswith(name)
            ),
            None,
        )
    if platform is None:
        return ""
    if any(w in _FOLLOWER_WORDS or w.endswith("followers") for w in words):
        return f"{platform}.followers"
    if any(w in _URL_WORDS or w.endswith("url") for w in words):
        return f"{platform}.url"
    return f"{platform}.handle"


def guess_mapping(workspace: Workspace, headers: list[str]) -> list[str]:
    """A field for each header; a field that takes one column goes to its first column only."""
    custom: dict[str, str] = {}
    for definition in CustomField.objects.filter(workspace=workspace):
        custom[" ".join(_words(definition.label))] = definition.key
        custom[" ".join(_words(definition.key))] = definition.key
    mapping: list[str] = []
    for header in headers:
        target = guess_field(header, custom)
        if target and target in mapping and not _takes_several(target):
            target = ""
        mapping.append(target)
    return mapping


# --- Reading the file ---------------------------------------------------------------------------

Cell = Any


def column_label(headers: list[str], index: int) -> str:
    """How an error names a column: its header, or its letter when the header is empty."""
    header = headers[index] if index < len(headers) else ""
    return header or _("column %(letter)s") % {"letter": get_column_letter(index + 1)}


def _format_of(name: str, head: bytes) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xls":
        raise ValidationError(
            {"file": _("Old Excel files (.xls) cannot be read: save it as .xlsx or CSV.")}
        )
    if suffix in (".xlsx", ".xlsm"):
        if not head.startswith(b"PK\x03\x04"):
            raise ValidationError({"file": _("This file is not a valid Excel workbook (.xlsx).")})
        return "xlsx"
    if suffix in (".csv", ".txt", ".tsv"):
        utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        if b"\x00" in head and not utf16:
            raise ValidationError({"file": _("This file does not look like a CSV file.")})
        return "csv"
    raise ValidationError({"file": _("Upload a CSV file or an Excel workbook (.xlsx).")})


def _detect_encoding(fh: IO[bytes]) -> str:
    """UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252: read in chunks, never whole."""
    fh.seek(0)
    head = fh.read(4)
    fh.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := fh.read(1 << 16):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        fh.seek(0)
    return "utf-8-sig"


def _text_stream(fh: IO[bytes], encoding: str) -> io.TextIOWrapper:
    # Windows-1252 leaves five bytes undefined; they become "?" marks rather than a failure.
    return io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="")


def _detect_delimiter(fh: IO[bytes], encoding: str) -> str:
    text = _text_stream(fh, encoding)
    try:
        first = next((line for line in text if line.strip()), "")
    finally:
        text.detach()
        fh.seek(0)
    # Quoted parts may hold any character: only count outside quotes.
    outside = "".join(first.split('"')[::2])
    counts = {d: outside.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _is_blank(cells: list[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _csv_rows(fh: IO[bytes], encoding: str, delimiter: str) -> Iterator[list[Cell]]:
    text = _text_stream(fh, encoding)
    try:
        yield from csv.reader(text, delimiter=delimiter)
    except csv.Error as exc:
        raise ValidationError(_("The CSV file cannot be read: %(why)s.") % {"why": exc}) from None
    finally:
        text.detach()


def read_csv_bytes(data: bytes) -> list[list[str]]:
    """The rows of a small CSV file given whole (the order and shipment imports): UTF-8 with or
    without a BOM; separated by semicolons when the first line has more of them than commas
    outside quotes, else by commas. Raises ``ValidationError`` with one message saying why the
    file cannot be read."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text; save it as CSV UTF-8.")) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    outside_quotes = "".join(first.split('"')[::2])
    delimiter = ";" if outside_quotes.count(";") > outside_quotes.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ValidationError(_("The CSV file cannot be read: %(why)s.") % {"why": exc}) from None


def heading_key(heading: str) -> str:
    """A column heading as headings are compared: lower case, underscores as spaces, spaces
    collapsed ("Order_ID " and "order id" are the same)."""
    return " ".join(heading.strip().lower().replace("_", " ").split())


def _xlsx_rows(fh: IO[bytes]) -> Iterator[list[Cell]]:
    try:
        workbook = load_workbook(fh, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ValidationError(
            {"file": _("This file could not be read as an Excel workbook (.xlsx).")}
        ) from None
    try:
        sheet = workbook.active
        if sheet is None:
            return
        for row in sheet.iter_rows(min_row=1, values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _raw_rows(job: ImportJob, fh: IO[bytes]) -> Iterator[list[Cell]]:
    if job.file_format == "xlsx":
        return _xlsx_rows(fh)
    return _csv_rows(fh, job.encoding, job.delimiter)


def _trim(cells: list[Cell]) -> list[Cell]:
    while cells and (cells[-1] is None or (isinstance(cells[-1], str) and not cells[-1].strip())):
        cells.pop()
    return cells


def read_rows(job: ImportJob) -> Iterator[tuple[int, list[Cell]]]:
    """The data rows as ``(row number, cells)``: after the header, blank rows left out."""
    with job.file.open("rb") as fh:
        seen_header = False
        for number, cells in enumerate(_raw_rows(job, fh), start=1):
            if _is_blank(cells):
                continue
            if not seen_header:
                seen_header = True
                continue
            yield number, cells


def _read_head(job: ImportJob) -> None:
    """Fill the job's headers and first rows (and, for CSV, its encoding and delimiter)."""
    with job.file.open("rb") as fh:
        if job.file_format == "csv":
            job.encoding = _detect_encoding(fh)
            job.delimiter = _detect_delimiter(fh, job.encoding)
        headers: list[str] | None = None
        sample: list[list[str]] = []
        for cells in _raw_rows(job, fh):
            if _is_blank(cells):
                continue
            if headers is None:
                headers = [text_of(c) for c in _trim(list(cells))]
                continue
            sample.append([text_of(c) for c in cells[: len(headers)]])
            if len(sample) >= SAMPLE_ROWS:
                break
    if not headers:
        raise ValidationError({"file": _("The file is empty.")})
    if not sample:
        raise ValidationError({"file": _("The file has column names but no rows under them.")})
    job.headers = headers
    job.sample = sample


# --- Reading cells ------------------------------------------------------------------------------


def text_of(value: Cell) -> str:
    """A cell as text: numbers without a needless ".0", dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _split(text: str) -> list[str]:
    return [part for part in SPLIT_RE.split(text) if part]


@cache
def _language_codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    for code, info in LANG_INFO.items():
        if "name" in info:
            codes[info["name"].lower()] = code
            codes[info["name_local"].lower()] = code
    return codes


def _language(text: str) -> str:
    lowered = text.strip().lower()
    return _language_codes().get(lowered, lowered)


def _stage(text: str) -> str | None:
    wanted = re.sub(r"[\s_-]+", " ", text.strip().lower())
    for stage in Stage:
        if wanted in (stage.value.replace("_", " "), str(stage.label).lower()):
            return stage.value
    return None


def _platform(text: str) -> str | None:
    wanted = text.strip().lower()
    if wanted in _PLATFORM_WORDS:
        return _PLATFORM_WORDS[wanted]
    for platform in Platform:
        if wanted in (platform.value, str(platform.label).lower()):
            return platform.value
    return None


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _max_length(model: type[Creator] | type[SocialAccount], name: str) -> int:
    return int(getattr(model._meta.get_field(name), "max_length", 0) or 0)


def _messages(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {
            name: " ".join(str(m) for e in errors for m in e.messages)
            for name, errors in exc.error_dict.items()
        }
    return {"": " ".join(exc.messages)}


# --- One row ------------------------------------------------------------------------------------


@dataclass
class Issue:
    """A problem with one row: which row, which column, and why."""

    row: int
    column: str
    message: str
    kind: str = Action.ERROR

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message, "kind": self.kind}


@dataclass
class RowOutcome:
    """What one row does (when checking) or did (when committing)."""

    row: int
    action: str
    name: str = ""
    creator_id: int | None = None
    issues: list[Issue] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "action": self.action,
            "name": self.name,
            "creator_id": self.creator_id,
            "issues": [i.as_dict() for i in self.issues],
        }


@dataclass
class RowData:
    """One row read into what ``create_creator`` and ``update_creator`` take."""

    number: int
    name: str = ""
    named: bool = False
    emails: list[str] = field(default_factory=list)
    accounts: list[AccountData] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    owner: User | None = None
    stage: str = ""
    do_not_contact_reason: str = ""
    profile: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    # The column behind each service field name, to point a service's error at its column.
    columns: dict[str, str] = field(default_factory=dict)

    def problem(self, column: str, message: str) -> None:
        self.issues.append(Issue(self.number, column, message))

    def keys(self) -> set[str]:
        """What makes two rows the same creator (the duplicate rules of find_duplicates)."""
        keys = {f"email:{e}" for e in self.emails}
        for account in self.accounts:
            if account.handle:
                keys.add(f"handle:{account.platform}:{account.handle}")
            if account.url:
                keys.add(f"url:{account.url}")
        return keys

    def identity_columns(self) -> str:
        names = [self.columns[k] for k in ("emails", "handle") if k in self.columns]
        return ", ".join(dict.fromkeys(names))


@dataclass
class _Channel:
    platform: str = ""
    handle: str = ""
    url: str = ""
    followers: int | None = None
    engagement_rate: Decimal | None = None
    column: str = ""
    followers_column: str = ""


class RowReader:
    """Turns a row's cells into ``RowData``, checking every cell; built once per import."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.workspace = job.workspace
        self.month_first = writes_month_first(job.workspace)
        self.columns = [
            (index, column_label(job.headers, index), target)
            for index, target in enumerate(job.mapping)
            if target
        ]
        self.custom_fields = {f.key: f for f in CustomField.objects.filter(workspace=job.workspace)}
        self.members: dict[str, User] = {}
        for membership in Membership.objects.filter(workspace=job.workspace).select_related("user"):
            user = membership.user
            self.members[user.email.lower()] = user
            if user.name:
                self.members.setdefault(user.name.strip().lower(), user)

    def read(self, number: int, cells: list[Cell]) -> RowData:
        row = RowData(number)
        values: dict[str, list[tuple[str, Cell]]] = {}
        for index, label, target in self.columns:
            value = cells[index] if index < len(cells) else None
            if text_of(value):
                values.setdefault(target, []).append((label, value))
        channels = self._channels(row, values)
        self._names(row, values)
        self._emails(row, values)
        self._profile(row, values)
        self._custom(row, values)
        self._accounts(row, channels)
        if not row.name and not row.issues:
            handle = next((a.handle for a in row.accounts if a.handle), "")
            if handle:
                row.name = handle
            else:
                row.problem(
                    row.columns.get("name", _("Name")),
                    _("No name, and no handle to name this creator by."),
                )
        return row

    # Each part reads its own fields and notes problems against the column they came from.

    def _names(self, row: RowData, values: dict[str, list[tuple[str, Cell]]]) -> None:
        parts = {k: " ".join(text_of(v) for _c, v in values.get(k, [])) for k in NAME_TARGETS}
        name = parts["name"] or " ".join(p for p in (parts["first_name"], parts["last_name"]) if p)
        column = next((values[k][0][0] for k in NAME_TARGETS if k in values), "")
        if column:
            row.columns["name"] = column
        limit = _max_length(Creator, "name")
        if len(name) > limit:
            row.problem(column, _("Longer than %(n)s characters.") % {"n": limit})
        row.name, row.named = name, bool(name)

    def _emails(self, row: RowData, values: dict[str, list[tuple[str, Cell]]]) -> None:
        limit = 254
        for target in ("email", "other_emails"):
            for column, value in values.get(target, []):
                row.columns.setdefault("emails", column)
                for raw in EMAIL_SPLIT_RE.split(text_of(value)):
                    if not raw:
                        continue
                    try:
                        (email,) = clean_emails([raw])
                    except ValidationError as exc:
                        row.problem(column, " ".join(_messages(exc).values()))
                        continue
                    if len(email) > limit:
                        row.problem(column, _("Longer than %(n)s characters.") % {"n": limit})
                    elif email not in row.emails:
                        row.emails.append(email)

    def _profile(self, row: RowData, values: dict[str, list[tuple[str, Cell]]]) -> None:
        for name in ("phone", "pronouns", "city", "do_not_contact_reason"):
            for column, value in values.get(name, []):
                text = text_of(value)
                limit = _max_length(Creator, name)
                if len(text) > limit:
                    row.problem(column, _("Longer than %(n)s characters.") % {"n": limit})
                elif name == "do_not_contact_reason":
                    row.do_not_contact_reason = text
                else:
                    row.profile[name] = text
        for column, value in values.get("country", []):
            try:
                row.profile["country"] = clean_country(text_of(value))
            except ValidationError as exc:
                row.problem(column, " ".join(_messages(exc).values()))
        for column, value in values.get("time_zone", []):
            text = text_of(value)
            if text in _time_zones():
                row.profile["time_zone"] = text
            else:
                row.problem(
                    column, _("“%(v)s” is not a time zone such as Europe/Paris.") % {"v": text}
                )
        for name in ("languages", "niches"):
            items = [item for _c, v in values.get(name, []) for item in _split(text_of(v))]
            if items:
                if name == "languages":
                    items = [_language(item) for item in items]
                row.profile[name] = list(dict.fromkeys(items))
        row.tags = list(
            dict.fromkeys(t for _c, v in values.get("tags", []) for t in _split(text_of(v)))
        )
        notes = "\n".join(text_of(v) for _c, v in values.get("notes", []))
        if notes:
            row.profile["notes"] = notes
        for column, value in values.get("stage", []):
            stage = _stage(text_of(value))
            if stage is None:
                row.problem(
                    column,
                    _("Unknown stage “%(v)s”; use one of: %(stages)s.")
                    % {"v": text_of(value), "stages": ", ".join(str(s.label) for s in Stage)},
                )
            else:
                row.stage = stage
                row.columns["stage"] = column
        if row.stage == Stage.DO_NOT_CONTACT and not row.do_not_contact_reason:
            row.do_not_contact_reason = _("Marked do-not-contact in %(file)s") % {
                "file": self.job.file_name
            }
        for column, value in values.get("owner", []):
            owner = self.members.get(text_of(value).lower())
            row.columns["owner"] = column
            if owner is None:
                row.problem(
                    column,
                    _("“%(v)s” is not a member of this workspace.") % {"v": text_of(value)},
                )
            else:
                row.owner = owner

    def _custom(self, row: RowData, values: dict[str, list[tuple[str, Cell]]]) -> None:
        custom: dict[str, Any] = {}
        for target, cells in values.items():
            if not target.startswith("cf."):
                continue
            definition = self.custom_fields.get(target[3:])
            for column, value in cells:
                if definition is None:
                    row.problem(column, _("This custom field no longer exists."))
                    continue
                row.columns[definition.key] = column
                typed = definition.field_type in (FieldType.DATE, FieldType.NUMBER)
                try:
                    custom[definition.key] = clean_custom_value(
                        definition, value if typed else text_of(value), month_first=self.month_first
                    )
                except ValidationError as exc:
                    row.problem(column, " ".join(_messages(exc).values()))
        if custom:
            row.profile["custom_fields"] = custom

    def _channels(self, row: RowData, values: dict[str, list[tuple[str, Cell]]]) -> list[_Channel]:
        channels: dict[str, _Channel] = {}
        for target, cells in values.items():
            platform, dot, part = target.partition(".")
            if not dot or part not in PLATFORM_PARTS or platform not in Platform.values:
                continue
            channel = channels.setdefault(platform, _Channel(platform=platform))
            for column, value in cells:
                if part == "followers":
                    channel.followers = self._followers(row, column, value)
                    channel.followers_column = column
                else:
                    setattr(channel, part, text_of(value))
                    channel.column = channel.column or column
        ordered = sorted(channels.values(), key=lambda c: self._position(c.column))
        generic = _Channel()
        for target in CHANNEL_TARGETS:
            for column, value in values.get(target, []):
                if target == "platform":
                    named = _platform(text_of(value))
                    if named is None:
                        row.problem(column, _("Unknown platform “%(v)s”.") % {"v": text_of(value)})
                    else:
                        generic.platform = named
                elif target == "handle":
                    generic.handle, generic.column = text_of(value), column
                elif target == "profile_url":
                    generic.url = text_of(value)
                    generic.column = generic.column or column
                elif target == "followers":
                    generic.followers = self._followers(row, column, value)
                    generic.followers_column = column
                else:
                    generic.engagement_rate = self._rate(row, column, value)
        if generic.handle or generic.url:
            ordered.insert(0, generic)
        elif generic.followers is not None:
            # A lone "Followers" column belongs to the row's first channel without its own figure.
            target_channel = next(
                (c for c in ordered if c.followers is None and (c.handle or c.url)), None
            )
            if target_channel is None:
                row.problem(generic.followers_column, _("Followers given without a channel."))
            else:
                target_channel.followers = generic.followers
                target_channel.followers_column = generic.followers_column
        if generic.engagement_rate is not None and not (generic.handle or generic.url):
            largest = max(
                (c for c in ordered if c.handle or c.url),
                key=lambda c: c.followers or 0,
                default=None,
            )
            if largest is None:
                row.problem(
                    values["engagement_rate"][0][0], _("Engagement rate given without a channel.")
                )
            else:
                largest.engagement_rate = generic.engagement_rate
        return ordered

    def _position(self, column: str) -> int:
        return next((i for i, label, _t in self.columns if label == column), 0)

    def _followers(self, row: RowData, column: str, value: Cell) -> int | None:
        try:
            count = parse_count(value if isinstance(value, int | float) else text_of(value))
        except (ValueError, OverflowError):
            count = -1
        if count is None or count < 0 or count > MAX_FOLLOWERS:
            row.problem(
                column,
                _("“%(v)s” is not a number of followers (write 12500, 12.5k or 1.2M).")
                % {"v": text_of(value)},
            )
            return None
        return count

    def _rate(self, row: RowData, column: str, value: Cell) -> Decimal | None:
        text = text_of(value).rstrip("%").strip().replace(",", ".")
        try:
            rate = Decimal(text)
        except InvalidOperation:
            rate = Decimal(-1)
        if not 0 <= rate <= 100:
            row.problem(
                column, _("“%(v)s” is not a percentage (0 to 100).") % {"v": text_of(value)}
            )
            return None
        return rate.quantize(Decimal("0.0001"))

    def _accounts(self, row: RowData, channels: list[_Channel]) -> None:
        handle_limit = _max_length(SocialAccount, "handle")
        url_limit = _max_length(SocialAccount, "url")
        for channel in channels:
            if not (channel.handle or channel.url):
                if channel.followers is not None:
                    row.problem(
                        channel.followers_column,
                        _("Followers given without a handle or profile URL."),
                    )
                continue
            try:
                account = AccountData(
                    platform=channel.platform,
                    handle=channel.handle,
                    url=channel.url,
                    followers=channel.followers,
                    engagement_rate=channel.engagement_rate,
                ).normalised()
            except ValidationError as exc:
                row.problem(channel.column, " ".join(_messages(exc).values()))
                continue
            if len(account.handle) > handle_limit or len(account.url) > url_limit:
                row.problem(channel.column, _("This handle or address is too long."))
                continue
            row.columns.setdefault("handle", channel.column)
            row.columns.setdefault("platform", channel.column)
            # The same account twice on a row (a handle and its URL in two columns) is one.
            if not any(
                a.platform == account.platform
                and ((a.handle and a.handle == account.handle) or a.url == account.url)
                for a in row.accounts
            ):
                row.accounts.append(account)


# --- Deciding and applying ----------------------------------------------------------------------


def _decide(
    job: ImportJob, row: RowData, duplicates: list[Duplicate], earlier: int | None
) -> RowOutcome:
    outcome = RowOutcome(row.number, Action.CREATE, row.name)
    if not duplicates and earlier is None:
        return outcome
    described = "; ".join(f"{d.creator.name} ({', '.join(d.reasons)})" for d in duplicates)
    if job.on_duplicate == OnDuplicate.CREATE:
        return outcome
    if job.on_duplicate == OnDuplicate.SKIP:
        message = (
            _("Already in Rapport: %(who)s.") % {"who": described}
            if duplicates
            else _("Repeats row %(n)s of this file.") % {"n": earlier}
        )
        outcome.action = Action.SKIP
        outcome.issues.append(Issue(row.number, row.identity_columns(), message, kind=Action.SKIP))
        return outcome
    if len(duplicates) > 1:
        outcome.action = Action.ERROR
        outcome.issues.append(
            Issue(
                row.number,
                row.identity_columns(),
                _("Matches several creators: %(who)s. Merge them first, or skip this row.")
                % {"who": described},
            )
        )
        return outcome
    if duplicates and duplicates[0].creator.deleted_at is not None:
        outcome.action = Action.ERROR
        outcome.issues.append(
            Issue(
                row.number,
                row.identity_columns(),
                _("Matches %(who)s, which is in the bin: restore it first, or skip this row.")
                % {"who": described},
            )
        )
        return outcome
    outcome.action = Action.UPDATE
    outcome.creator_id = duplicates[0].creator.pk if duplicates else None
    return outcome


def _import_reason(job: ImportJob, row: RowData) -> str:
    return _("Import of %(file)s, row %(row)s") % {"file": job.file_name, "row": row.number}


def _create(job: ImportJob, row: RowData, actor: User | None, allow_duplicate: bool) -> Creator:
    creator = create_creator(
        workspace=job.workspace,
        actor=actor,
        name=row.name,
        emails=row.emails,
        accounts=row.accounts,
        tags=row.tags,
        owner=row.owner,
        stage=row.stage or Stage.DISCOVERED,
        do_not_contact_reason=row.do_not_contact_reason,
        allow_duplicate=allow_duplicate,
        audit=False,
        **row.profile,
    )
    _record_imported(job, row, creator, actor)
    return creator


def _record_imported(job: ImportJob, row: RowData, creator: Creator, actor: User | None) -> None:
    record(
        workspace=job.workspace,
        actor=actor,
        kind="creator.imported",
        summary=_("%(name)s added by the import of %(file)s (row %(row)s)")
        % {"name": creator.name, "file": job.file_name, "row": row.number},
        obj=creator,
        creator=creator,
    )


def _update(job: ImportJob, row: RowData, creator: Creator, actor: User | None) -> None:
    """Filled cells replace the creator's values; e-mails, channels and tags are added."""
    reason = _import_reason(job, row)
    values: dict[str, Any] = dict(row.profile)
    if row.named:
        values["name"] = row.name
    if "custom_fields" in values:
        values["custom_fields"] = {**(creator.custom_fields or {}), **values["custom_fields"]}
    if row.owner is not None:
        values["owner"] = row.owner
    if row.stage:
        values["stage"] = row.stage
        values["do_not_contact_reason"] = row.do_not_contact_reason
    update_creator(creator=creator, actor=actor, reason=reason, **values)
    known = list(creator.emails.values_list("email", flat=True))
    if any(e not in known for e in row.emails):
        set_emails(creator=creator, actor=actor, emails=known + row.emails)
    for data in row.accounts:
        existing = (
            creator.social_accounts.filter(platform=data.platform, handle=data.handle).first()
            if data.handle
            else creator.social_accounts.filter(url=data.url).first()
        )
        if existing is not None:
            data = AccountData(
                platform=data.platform,
                handle=data.handle,
                url=data.url or existing.url,
                followers=data.followers if data.followers is not None else existing.followers,
                average_views=existing.average_views,
                engagement_rate=data.engagement_rate
                if data.engagement_rate is not None
                else existing.engagement_rate,
            )
        save_account(creator=creator, actor=actor, data=data, account=existing)
    present = set(creator.tags.values_list("name", flat=True))
    for tag in row.tags:
        if tag[:60] not in present:
            bulk_tag(workspace=job.workspace, actor=actor, ids=[creator.pk], tag=tag)


def _commit_row(job: ImportJob, row: RowData, actor: User | None) -> RowOutcome:
    """One row through the services: create, or apply the duplicate policy to what it matches."""
    try:
        try:
            creator = _create(job, row, actor, job.on_duplicate == OnDuplicate.CREATE)
            return RowOutcome(row.number, Action.CREATE, row.name, creator.pk)
        except DuplicateCreator as exc:
            outcome = _decide(job, row, exc.duplicates, None)
            if outcome.action == Action.UPDATE:
                with transaction.atomic():
                    _update(job, row, exc.duplicates[0].creator, actor)
            return outcome
    except ValidationError as exc:
        issues = [
            Issue(row.number, row.columns.get(name, ""), message)
            for name, message in _messages(exc).items()
        ]
        return RowOutcome(row.number, Action.ERROR, row.name, issues=issues)


def _create_batch(job: ImportJob, rows: list[RowData], actor: User | None) -> list[Creator]:
    """Add new creators that duplicate nothing, a batch at a time.

    ``create_creator`` row by row costs some twenty queries a row, too slow for a large sheet.
    The rows were validated by ``RowReader`` with the services' own checks and
    ``find_duplicates`` found nothing for the whole batch, so they go straight to the bulk insert.
    """
    creators = insert_creators(
        workspace=job.workspace,
        new=[
            NewCreator(
                name=row.name,
                emails=row.emails,
                accounts=row.accounts,
                tags=row.tags,
                owner=row.owner,
                stage=row.stage or Stage.DISCOVERED,
                do_not_contact_reason=row.do_not_contact_reason,
                profile=row.profile,
            )
            for row in rows
        ],
    )
    for creator, row in zip(creators, rows, strict=True):
        _record_imported(job, row, creator, actor)
    return creators


@dataclass
class Tally:
    """Counts, problems and the first outcomes of a pass over the rows."""

    rows: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIONS, 0))
    issues: list[dict[str, Any]] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)

    def add(self, outcome: RowOutcome) -> None:
        self.rows += 1
        self.counts[outcome.action] += 1
        self.issues += [i.as_dict() for i in outcome.issues]
        if len(self.preview) < PREVIEW_ROWS:
            self.preview.append(outcome.as_dict())

    def save_to(self, job: ImportJob) -> None:
        job.rows_total = job.rows_done = self.rows
        job.created = self.counts[Action.CREATE]
        job.updated = self.counts[Action.UPDATE]
        job.skipped = self.counts[Action.SKIP]
        job.errors = self.counts[Action.ERROR]
        job.issues = self.issues
        job.preview = self.preview


OnRow = Callable[[RowOutcome], None]


def _pass(job: ImportJob, *, actor: User | None, commit: bool, on_row: OnRow | None) -> Tally:
    """Read every row and check it (or commit it), in order, batching the rows that are new.

    A batch whose rows ``find_duplicates`` matches with nothing is created in bulk; otherwise
    each of its rows is decided alone. A row repeating an earlier row of the file is decided
    after the rows before it are written, so the earlier row's creator is there to match.
    """
    reader = RowReader(job)
    tally = Tally()
    seen: dict[str, int] = {}
    pending: list[tuple[RowData, RowOutcome | None]] = []

    def decide_alone(row: RowData, earlier: int | None) -> RowOutcome:
        if commit:
            return _commit_row(job, row, actor)
        duplicates = find_duplicates(
            workspace=job.workspace, emails=row.emails, accounts=row.accounts
        )
        return _decide(job, row, duplicates, earlier)

    def flush() -> None:
        new = [row for row, outcome in pending if outcome is None]
        clean = bool(new) and not find_duplicates(
            workspace=job.workspace,
            emails=[e for row in new for e in row.emails],
            accounts=[a for row in new for a in row.accounts],
        )
        created = iter(_create_batch(job, new, actor) if clean and commit else [])
        for row, decided in pending:
            if decided is not None:
                outcome = decided
            elif clean:
                creator = next(created, None)
                outcome = RowOutcome(
                    row.number, Action.CREATE, row.name, creator.pk if creator else None
                )
            else:
                outcome = decide_alone(row, None)
            tally.add(outcome)
            if on_row is not None:
                on_row(outcome)
        pending.clear()
        if not commit:
            ImportJob.objects.filter(pk=job.pk).update(rows_done=tally.rows)

    for number, cells in read_rows(job):
        row = reader.read(number, cells)
        if row.issues:
            pending.append((row, RowOutcome(number, Action.ERROR, row.name, issues=row.issues)))
            continue
        keys = row.keys()
        earlier = min((seen[k] for k in keys if k in seen), default=None)
        for key in keys:
            seen.setdefault(key, number)
        if earlier is None:
            pending.append((row, None))
        else:
            flush()
            pending.append((row, decide_alone(row, earlier)))
        if len(pending) >= BATCH_ROWS or sum(len(r.accounts) for r, _o in pending) >= 150:
            flush()
    flush()
    return tally


# --- The steps ----------------------------------------------------------------------------------


def import_job_for(workspace: Workspace, pk: int) -> ImportJob:
    """One import of the workspace, or 404."""
    return get_object_or_404(
        ImportJob.objects.select_related("workspace"), workspace=workspace, pk=pk
    )


def start_import(
    *, workspace: Workspace, actor: User | None, upload: IO[bytes], name: str, size: int
) -> ImportJob:
    """Store an uploaded spreadsheet as a new import, with its headers and a guessed mapping."""
    limit = settings.RAPPORT_MAX_UPLOAD_BYTES
    if size > limit:
        raise ValidationError(
            {
                "file": _("The file is %(size)s; the limit is %(limit)s.")
                % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
            }
        )
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    fmt = _format_of(name, head)
    job = ImportJob(
        workspace=workspace,
        created_by=actor,
        file_name=PurePath(name).name[:255],
        file_format=fmt,
    )
    # The stored name is ours: the uploaded one only ever shows as text.
    job.file.save(f"{uuid.uuid4().hex}.{fmt}", File(upload), save=False)
    try:
        _read_head(job)
    except ValidationError:
        job.file.delete(save=False)
        raise
    job.mapping = guess_mapping(workspace, job.headers)
    job.save()
    return job


def set_mapping(*, job: ImportJob, mapping: list[str], on_duplicate: str) -> ImportJob:
    """Record the field of each column and the duplicate policy, after checking them."""
    if job.is_running or job.status == ImportStatus.DONE:
        raise ValidationError(_("This import can no longer be changed."))
    if on_duplicate not in OnDuplicate.values:
        raise ValidationError({"on_duplicate": _("Choose skip, update or create.")})
    if len(mapping) != len(job.headers):
        raise ValidationError(
            {
                "mapping": _("Give a field (or nothing) for each of the %(n)s columns.")
                % {"n": len(job.headers)}
            }
        )
    allowed = {key for _g, choices in field_choices(job.workspace) for key, _l in choices}
    errors: dict[str, list[str]] = {}
    for index, target in enumerate(mapping):
        if target and target not in allowed:
            errors.setdefault(f"col_{index}", []).append(
                _("Unknown field “%(f)s”.") % {"f": target}
            )
        elif target and not _takes_several(target) and mapping.index(target) != index:
            first = column_label(job.headers, mapping.index(target))
            errors.setdefault(f"col_{index}", []).append(
                _("This field is already chosen for “%(col)s”.") % {"col": first}
            )
    identifying = [
        t
        for t in mapping
        if t in NAME_TARGETS or t.endswith((".handle", ".url")) or t in ("handle", "profile_url")
    ]
    if not identifying:
        errors.setdefault("mapping", []).append(
            _("Choose the column that holds the creators' names, or one holding their handles.")
        )
    if errors:
        raise ValidationError(errors)
    job.mapping = mapping
    job.on_duplicate = on_duplicate
    job.status = ImportStatus.MAPPING
    job.save(update_fields=["mapping", "on_duplicate", "status"])
    return job


def check_import(job: ImportJob, *, on_row: OnRow | None = None) -> ImportJob:
    """Validate every row and note what it would do; writes nothing to creators."""
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING, rows_done=0)
    try:
        tally = _pass(job, actor=None, commit=False, on_row=on_row)
    except ValidationError as exc:
        return _fail(job, " ".join(_messages(exc).values()))
    tally.save_to(job)
    job.status = ImportStatus.CHECKED
    job.failure = ""
    job.save()
    return job


def _claim(job: ImportJob, actor: User | None) -> None:
    claimed = ImportJob.objects.filter(
        pk=job.pk, status__in=(ImportStatus.MAPPING, ImportStatus.CHECKED)
    ).update(status=ImportStatus.IMPORTING, committed_by=actor)
    if not claimed:
        raise ValidationError(_("This import is already running or finished."))
    job.status, job.committed_by = ImportStatus.IMPORTING, actor


def commit_import(job: ImportJob, *, actor: User | None, on_row: OnRow | None = None) -> ImportJob:
    """Import the valid rows in one transaction; the bad ones are reported and skipped."""
    _claim(job, actor)
    return run_commit(job, on_row=on_row)


def run_commit(job: ImportJob, *, on_row: OnRow | None = None) -> ImportJob:
    """The commit of a claimed job (the background task's entry point)."""
    if job.status != ImportStatus.IMPORTING:
        return job
    actor = job.committed_by
    try:
        with transaction.atomic():
            tally = _pass(job, actor=actor, commit=True, on_row=on_row)
            tally.save_to(job)
            job.status = ImportStatus.DONE
            job.finished_at = timezone.now()
            job.save()
            record(
                workspace=job.workspace,
                actor=actor,
                kind="import.finished",
                summary=_(
                    "Imported %(file)s: %(created)s added, %(updated)s updated, "
                    "%(skipped)s skipped, %(errors)s rows with errors"
                )
                % {
                    "file": job.file_name,
                    "created": job.created,
                    "updated": job.updated,
                    "skipped": job.skipped,
                    "errors": job.errors,
                },
                obj=job,
            )
    except ValidationError as exc:
        return _fail(job, " ".join(_messages(exc).values()))
    except DatabaseError as exc:
        return _fail(
            job, _("The database refused a change (%(why)s); nothing was imported.") % {"why": exc}
        )
    except Exception:
        # Whatever went wrong, the job must not stay "importing" for ever; the log has the rest.
        logger.exception("Import %s failed", job.pk)
        return _fail(job, _("An unexpected error stopped the import; nothing was imported."))
    return job


def _fail(job: ImportJob, why: str) -> ImportJob:
    job.refresh_from_db(fields=["status"])
    was_importing = job.status == ImportStatus.IMPORTING
    job.status = ImportStatus.FAILED
    job.failure = why
    job.created = job.updated = 0
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "failure", "created", "updated", "finished_at"])
    if was_importing:
        record(
            workspace=job.workspace,
            actor=job.committed_by,
            kind="import.failed",
            summary=_("Import of %(file)s failed; nothing was imported.") % {"file": job.file_name},
            obj=job,
            reason=why,
        )
    return job


def queue_check(job: ImportJob) -> None:
    """Check the rows in the background (the page polls the job)."""
    from rapport.creators.tasks import check_import_task

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING, rows_done=0)
    job.status = ImportStatus.CHECKING
    check_import_task.enqueue(job.pk)


def queue_commit(job: ImportJob, *, actor: User | None) -> None:
    """Commit in the background, once: a second click finds the job already claimed."""
    from rapport.creators.tasks import commit_import_task

    _claim(job, actor)
    commit_import_task.enqueue(job.pk)


def report_rows(job: ImportJob) -> tuple[list[str], Iterator[list[Any]]]:
    """The problem report: row, column, problem, then the row's original cells.

    Read from the stored file again, so it streams; the cells are returned as they were, so a
    fixed copy can be imported again (the report's first three columns are not mapped).
    """
    header = [_("Row"), _("Column"), _("Problem"), *job.headers]
    by_row: dict[int, list[dict[str, Any]]] = {}
    for issue in job.issues:
        by_row.setdefault(issue["row"], []).append(issue)

    def rows() -> Iterator[list[Any]]:
        for number, cells in read_rows(job):
            for issue in by_row.get(number, []):
                yield [
                    number,
                    issue["column"],
                    issue["message"],
                    *(text_of(c) for c in cells[: len(job.headers)]),
                ]

    return header, rows()
