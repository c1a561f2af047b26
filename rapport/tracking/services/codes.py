"""Discount codes: one per collaboration, made from a pattern, unique in the workspace, exported
for the shop.

How a code is written: upper case, letters A-Z and digits only. The parts that come from people
keep what people recognise: a handle, a name or a campaign keeps its letters and digits (accents
are folded: "Zoé" gives ZOE; dots, underscores, spaces and emoji are dropped), and ``{PERCENT}``
is the number as given. The parts Rapport makes up (the suffix that keeps two codes apart) use
only characters nobody confuses: no 0/O, 1/I or L. Codes are compared whatever their case, here
and when an order names one.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.campaigns.models import Campaign, Collaboration
from rapport.campaigns.services.collaborations import record_on_timelines
from rapport.creators.exporting import csv_lines, safe_cell
from rapport.tracking.models import DiscountCode, DiscountKind
from rapport.tracking.services.attribution import reattribute_code
from rapport.tracking.services.links import CLOSED_STAGES, deactivate_asset, main_account_handle
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import User, Workspace
from rapport.workspaces.services import diff, is_currency, record

DEFAULT_PATTERN = "{HANDLE}{PERCENT}"
PLACEHOLDERS = ("HANDLE", "NAME", "PERCENT", "CAMPAIGN")
# Made-up characters only: no 0/O, 1/I or L.
SUFFIX_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SUFFIX_LENGTH = 2
SUFFIX_ATTEMPTS = 40
CODE_LENGTH = 40
PART_LENGTH = 20
CODE_PATTERN = re.compile(r"^[A-Z0-9]+$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _letters_and_digits(text: str) -> str:
    """``text`` upper case with accents folded and everything but A-Z and 0-9 dropped."""
    folded = unicodedata.normalize("NFKD", text)
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").upper()
    return re.sub(r"[^A-Z0-9]", "", ascii_text)


def plain_number(value: Any) -> str:
    """A number without trailing zeros: 15, "15" and 15.00 all read "15" (never "1.5E+1")."""
    if value in (None, ""):
        return ""
    try:
        return f"{Decimal(str(value)).normalize():f}"
    except InvalidOperation:
        return str(value)


def normalise_code(code: str) -> str:
    """A code as stored and compared: trimmed, upper case."""
    return (code or "").strip().upper()


def _part(collaboration: Collaboration, name: str, percent: Any) -> str:
    if name == "HANDLE":
        _platform, handle = main_account_handle(collaboration.creator)
        return _letters_and_digits(handle or collaboration.creator.name)[:PART_LENGTH]
    if name == "NAME":
        return _letters_and_digits(collaboration.creator.name.split(" ")[0])[:PART_LENGTH]
    if name == "CAMPAIGN":
        return _letters_and_digits(collaboration.campaign.slug)[:PART_LENGTH]
    return _letters_and_digits(plain_number(percent))


def render_pattern(collaboration: Collaboration, pattern: str, percent: Any) -> str:
    """The code ``pattern`` gives for the collaboration, before any suffix. Raises
    ``ValidationError`` on ``pattern`` for an unknown placeholder, for characters other than
    letters and digits outside the placeholders, and when nothing is left."""
    pattern = (pattern or DEFAULT_PATTERN).strip()
    unknown = [p for p in PLACEHOLDER.findall(pattern) if p.upper() not in PLACEHOLDERS]
    if unknown:
        raise ValidationError(
            {
                "pattern": _("{%(p)s} is not a placeholder; use %(known)s.")
                % {"p": unknown[0], "known": ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)}
            }
        )
    literal = PLACEHOLDER.sub("", pattern)
    if not CODE_PATTERN.match(literal.upper() or "A"):
        raise ValidationError(
            {"pattern": _("Outside the placeholders, a pattern holds only letters and digits.")}
        )
    if "{PERCENT}" in pattern.upper() and percent in (None, ""):
        raise ValidationError({"percent": _("The pattern uses {PERCENT}: give the percentage.")})
    code = PLACEHOLDER.sub(lambda m: _part(collaboration, m.group(1).upper(), percent), pattern)
    code = normalise_code(code)[: CODE_LENGTH - SUFFIX_LENGTH]
    if not code:
        raise ValidationError(
            {
                "pattern": _("This pattern gives an empty code for %(creator)s.")
                % {"creator": collaboration.creator.name}
            }
        )
    return code


def code_taken(workspace: Workspace, code: str, exclude: int | None = None) -> bool:
    """Whether the workspace already has ``code``, whatever its case."""
    same = DiscountCode.objects.filter(workspace=workspace, code__iexact=code)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    return same.exists()


def _with_suffix(base: str) -> Iterator[str]:
    yield base
    for _attempt in range(SUFFIX_ATTEMPTS):
        yield base + "".join(secrets.choice(SUFFIX_ALPHABET) for _ in range(SUFFIX_LENGTH))


def generate_code(
    *, collaboration: Collaboration, pattern: str = DEFAULT_PATTERN, percent: Any = None
) -> str:
    """A code for the collaboration from ``pattern`` (placeholders ``{HANDLE}``, ``{NAME}``,
    ``{PERCENT}``, ``{CAMPAIGN}``), free in the workspace: when taken, a two-character suffix
    from the unambiguous alphabet is added (MAYAGLOW15 → MAYAGLOW15K7)."""
    base = render_pattern(collaboration, pattern, percent)
    for candidate in _with_suffix(base):
        if not code_taken(collaboration.workspace, candidate):
            return candidate
    raise ValidationError({"pattern": _("No free code with this pattern; add something to it.")})


# ---------------------------------------------------------------------------------------------
# The discount's terms


def clean_terms(values: dict[str, Any], current: DiscountCode | None = None) -> dict[str, Any]:
    """Checked discount terms (kind, value, currency, window, usage limit), merged over
    ``current``'s; raises one ``ValidationError`` naming every field at fault."""

    def get(name: str) -> Any:
        return values[name] if name in values else getattr(current, name, None)

    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    kind = str(get("kind") or DiscountKind.PERCENT)
    if kind not in DiscountKind.values:
        errors["kind"] = _("Choose a percentage, a fixed amount or free shipping.")
    cleaned["kind"] = kind
    raw_value = get("value")
    try:
        value = Decimal(str(raw_value)) if raw_value not in (None, "") else Decimal(0)
    except InvalidOperation:
        errors["value"] = _("“%(v)s” is not a number.") % {"v": raw_value}
        value = Decimal(0)
    currency = str(get("currency") or "").strip().upper()
    if kind == DiscountKind.PERCENT and not Decimal(0) < value <= Decimal(100):
        errors["value"] = _("A percentage off is above 0 and at most 100.")
    elif kind == DiscountKind.AMOUNT:
        if value <= 0:
            errors["value"] = _("An amount off is above 0.")
        if not is_currency(currency):
            errors["currency"] = _("An amount off needs its currency, such as USD or EUR.")
    elif kind == DiscountKind.FREE_SHIPPING:
        value = Decimal(0)
    cleaned["value"] = value.quantize(Decimal("0.01")) if "value" not in errors else value
    cleaned["currency"] = currency if kind == DiscountKind.AMOUNT else ""
    starts_at, ends_at = get("starts_at"), get("ends_at")
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = _("The code must end after it starts.")
    cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at
    limit = get("usage_limit")
    if limit in ("", None):
        limit = None
    elif isinstance(limit, bool) or not str(limit).isdigit() or int(limit) < 1:
        errors["usage_limit"] = _("A usage limit is a whole number above 0, or empty for none.")
    else:
        limit = int(limit)
    cleaned["usage_limit"] = limit
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_code_text(workspace: Workspace, code: str, exclude: int | None = None) -> str:
    code = normalise_code(code)
    if not code:
        raise ValidationError({"code": _("Give the code, or leave it to the pattern.")})
    if len(code) > CODE_LENGTH or not CODE_PATTERN.match(code):
        raise ValidationError(
            {"code": _("A code is up to %(n)s letters (A-Z) and digits.") % {"n": CODE_LENGTH}}
        )
    if code_taken(workspace, code, exclude):
        owner = DiscountCode.objects.filter(workspace=workspace, code__iexact=code).select_related(
            "collaboration__creator", "collaboration__campaign"
        )[0]
        raise ValidationError(
            {
                "code": _("%(code)s is already %(creator)s's code in %(campaign)s.")
                % {
                    "code": code,
                    "creator": owner.collaboration.creator.name,
                    "campaign": owner.collaboration.campaign.name,
                }
            }
        )
    return code


def _check_no_active_code(collaboration: Collaboration, exclude: int | None = None) -> None:
    active = DiscountCode.objects.filter(collaboration=collaboration, is_active=True)
    if exclude is not None:
        active = active.exclude(pk=exclude)
    current = active.first()
    if current is not None:
        raise ValidationError(
            {
                "code": _("%(creator)s already has the active code %(code)s; deactivate it first.")
                % {"creator": collaboration.creator.name, "code": current.code}
            }
        )


def add_code(
    *, collaboration: Collaboration, code: str, terms: dict[str, Any], actor: User | None
) -> DiscountCode:
    """Store a checked code without recording it (``create_code`` and the campaign's preparation
    record theirs); a code taken meanwhile by another request is refused on ``code``. Orders
    that came in carrying the code before it existed are attributed to it now."""
    row = DiscountCode(
        workspace=collaboration.workspace,
        collaboration=collaboration,
        code=code,
        created_by=actor,
        **terms,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise ValidationError(
            {"code": _("%(code)s was just taken; try again.") % {"code": code}}
        ) from None
    reattribute_code(row)
    return row


def describe(code: DiscountCode) -> str:
    """The discount in a few words: "15% off", "10.00 EUR off", "free shipping"."""
    if code.kind == DiscountKind.PERCENT:
        return _("%(v)s%% off") % {"v": plain_number(code.value)}
    if code.kind == DiscountKind.AMOUNT:
        return _("%(v)s %(c)s off") % {"v": code.value, "c": code.currency}
    return _("free shipping")


@transaction.atomic
def create_code(
    *,
    collaboration: Collaboration,
    actor: User | None,
    code: str = "",
    pattern: str = DEFAULT_PATTERN,
    kind: str = DiscountKind.PERCENT,
    value: Any = None,
    currency: str = "",
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    usage_limit: Any = None,
) -> DiscountCode:
    """Create the collaboration's code: ``code`` as given, or made from ``pattern`` (a percentage
    off gives ``{PERCENT}`` its value). A collaboration has one active code at a time."""
    if collaboration.stage in CLOSED_STAGES:
        raise ValidationError(
            {
                "collaboration": _("This collaboration is %(stage)s: it needs no discount code.")
                % {"stage": collaboration.get_stage_display().lower()}
            }
        )
    terms = clean_terms(
        {
            "kind": kind,
            "value": value,
            "currency": currency,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "usage_limit": usage_limit,
        },
        None,
    )
    _check_no_active_code(collaboration)
    if code.strip():
        text = _clean_code_text(collaboration.workspace, code)
    else:
        percent = terms["value"] if terms["kind"] == DiscountKind.PERCENT else None
        text = generate_code(collaboration=collaboration, pattern=pattern, percent=percent)
    row = add_code(collaboration=collaboration, code=text, terms=terms, actor=actor)
    record_on_timelines(
        collaboration,
        actor=actor,
        kind="tracking.code_created",
        summary=_("Discount code %(code)s created (%(what)s)")
        % {"code": row.code, "what": describe(row)},
        obj=row,
    )
    return row


@transaction.atomic
def update_code(*, discount_code: DiscountCode, actor: User | None, **values: Any) -> DiscountCode:
    """Change a code's text, discount, window, usage limit, or reactivate it (``is_active``).
    A change clears the last check's result."""
    code = discount_code
    unknown = set(values) - {
        "code", "kind", "value", "currency", "starts_at", "ends_at", "usage_limit", "is_active",
    }  # fmt: skip
    if unknown:
        raise ValidationError({name: _("This cannot be changed.") for name in unknown})
    cleaned = clean_terms(values, code)
    if "code" in values:
        cleaned["code"] = _clean_code_text(code.workspace, values["code"], exclude=code.pk)
    if values.get("is_active") is not None:
        if values["is_active"]:
            _check_no_active_code(code.collaboration, exclude=code.pk)
        cleaned["is_active"] = bool(values["is_active"])
    changes = diff(code, cleaned)
    if not changes:
        return code
    for name, value in cleaned.items():
        setattr(code, name, value)
    code.checked_at, code.check_result, code.check_message = None, "", ""
    try:
        with transaction.atomic():
            code.save()
    except IntegrityError:
        raise ValidationError({"code": _("This code was just taken; try another.")}) from None
    record_on_timelines(
        code.collaboration,
        actor=actor,
        kind="tracking.code_changed",
        summary=_("Discount code %(code)s changed: %(fields)s")
        % {"code": code.code, "fields": ", ".join(sorted(changes))},
        obj=code,
        changes=changes,
    )
    return code


@transaction.atomic
def deactivate_code(
    *, discount_code: DiscountCode, actor: User | None, reason: str = ""
) -> DiscountCode:
    """Stop a code (remove it from the shop too: the export lists active codes only). Orders
    that name it are still attributed to its collaboration."""
    deactivate_asset(
        discount_code,
        actor=actor,
        kind="tracking.code_deactivated",
        summary=_("Discount code %(code)s deactivated") % {"code": discount_code.code},
        reason=reason,
    )
    return discount_code


# ---------------------------------------------------------------------------------------------
# The file for the shop

EXPORT_HEADER = (
    "code", "type", "value", "currency", "starts", "ends", "usage limit", "creator", "campaign",
)  # fmt: skip


def export_rows(workspace: Workspace, campaign: Campaign | None = None) -> Iterator[list[Any]]:
    """The workspace's active codes (of one campaign when given), one row each: times in the
    workspace's time zone, ISO 8601."""
    local = zone(workspace.time_zone)
    codes = (
        DiscountCode.objects.filter(workspace=workspace, is_active=True)
        .select_related("collaboration__creator", "collaboration__campaign")
        .order_by("code")
    )
    if campaign is not None:
        codes = codes.filter(collaboration__campaign=campaign)

    def when(moment: dt.datetime | None) -> str:
        return moment.astimezone(local).isoformat(timespec="minutes") if moment else ""

    for c in codes.iterator(chunk_size=500):
        yield [
            c.code,
            c.kind,
            "" if c.kind == DiscountKind.FREE_SHIPPING else str(c.value),
            c.currency,
            when(c.starts_at),
            when(c.ends_at),
            "" if c.usage_limit is None else c.usage_limit,
            c.collaboration.creator.name,
            c.collaboration.campaign.name,
        ]


def codes_export(
    *, workspace: Workspace, actor: User | None, campaign: Campaign | None = None
) -> StreamingHttpResponse:
    """The active codes as a CSV file for the shop, every text cell made formula-safe (a
    creator's name never runs as a spreadsheet formula). The export is audited."""
    record(
        workspace=workspace,
        actor=actor,
        kind="tracking.codes_exported",
        summary=_("Discount codes exported for the shop")
        if campaign is None
        else _("Discount codes of %(campaign)s exported for the shop") % {"campaign": campaign},
        campaign=campaign,
    )
    rows = ([safe_cell(v) for v in row] for row in export_rows(workspace, campaign))
    response = StreamingHttpResponse(
        csv_lines(list(EXPORT_HEADER), rows), content_type="text/csv; charset=utf-8"
    )
    scope = campaign.slug if campaign is not None else "all"
    name = f"{workspace.slug}-codes-{scope}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
