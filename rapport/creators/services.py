"""Every write to creators and every rule about them: one implementation each.

Views, the API, imports and the CLI call these functions; none of them writes creators directly.
Each change is recorded in the audit log with its before and after values.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from rapport.creators.countries import country_code
from rapport.creators.models import (
    Creator,
    CreatorEmail,
    CreatorTag,
    CustomField,
    FieldType,
    Note,
    Platform,
    SavedView,
    SocialAccount,
    Stage,
    Tag,
)
from rapport.creators.social import NotAProfile, parse_profile, tier_for
from rapport.workspaces.models import AuditEvent, Membership, User, Workspace
from rapport.workspaces.services import diff, notify, record

# Fields a creator's profile form, the API and imports may set directly.
PROFILE_FIELDS = (
    "name",
    "pronouns",
    "phone",
    "country",
    "city",
    "time_zone",
    "languages",
    "niches",
    "values_notes",
    "audience",
    "preferences",
    "rate_card",
    "notes",
    "custom_fields",
)
PRIVATE_FIELDS = (
    "shipping_address",
    "tax_details",
    "payout_method",
    "payout_email",
    "bank_account_name",
    "bank_account_number",
    "bank_code",
)


@dataclass
class AccountData:
    """A social account as given by a form, the API or an import row."""

    platform: str
    handle: str = ""
    url: str = ""
    followers: int | None = None
    average_views: int | None = None
    engagement_rate: Decimal | None = None

    def normalised(self) -> AccountData:
        """Fill the handle from a pasted URL (and the URL from a handle); validate the platform.

        A link that names no profile (a post, a video, a share link) is refused.
        """
        platform, handle, url = self.platform, self.handle, self.url
        if url:
            guessed, parsed_handle, url = _parse_profile(url, platform, "url")
            platform = platform or guessed or ""
            handle = handle or parsed_handle
        if handle:
            guessed, handle, canonical = _parse_profile(handle, platform, "handle")
            platform = platform or guessed or ""
            url = url or canonical
        if platform not in Platform.values:
            raise ValidationError({"platform": _("Unknown platform “%(p)s”.") % {"p": platform}})
        if not handle and not url:
            raise ValidationError({"handle": _("Give a handle or a profile URL.")})
        return AccountData(
            platform=platform,
            handle=handle,
            url=url,
            followers=self.followers,
            average_views=self.average_views,
            engagement_rate=self.engagement_rate,
        )


def _parse_profile(value: str, platform: str, field: str) -> tuple[str | None, str, str]:
    """``social.parse_profile`` with its refusals as a ValidationError on ``field``."""
    try:
        return parse_profile(value, platform or None)
    except NotAProfile:
        message = _(
            "This link leads to a post or a video, not to a profile: paste the address of the "
            "profile itself, or the handle."
        )
    except ValueError:
        message = _("“%(v)s” is not a web address that can be read.") % {"v": value}
    raise ValidationError({field: message})


@dataclass
class Duplicate:
    """An existing creator that a new record would duplicate, and why."""

    creator: Creator
    reasons: list[str] = field(default_factory=list)


class DuplicateCreator(ValidationError):
    def __init__(self, duplicates: list[Duplicate]) -> None:
        self.duplicates = duplicates
        names = "; ".join(f"{d.creator.name} ({', '.join(d.reasons)})" for d in duplicates)
        super().__init__(_("This creator already exists: %(names)s.") % {"names": names})


def validate_custom_fields(workspace: Workspace, values: dict[str, Any]) -> dict[str, Any]:
    """Check custom field values against the workspace's definitions; return them cleaned."""
    definitions = {f.key: f for f in CustomField.objects.filter(workspace=workspace)}
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        definition = definitions.get(key)
        if definition is None:
            raise ValidationError({key: _("There is no custom field “%(key)s”.") % {"key": key}})
        if value in (None, "", []):
            continue
        cleaned[key] = clean_custom_value(
            definition, value, month_first=writes_month_first(workspace)
        )
    return cleaned


def writes_month_first(workspace: Workspace) -> bool:
    """Whether the workspace's people write 03/04/2024 for March 4th: US workspaces do."""
    return workspace.country.upper() == "US"


SERIAL_RE = re.compile(r"\d{5}(\.\d+)?")
DMY_RE = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})")


def parse_date(value: Any, *, month_first: bool = False) -> dt.date:
    """A date from a date, an Excel serial number, ISO, D.M.Y, D/M/Y or M/D/Y.

    Which of D/M/Y and M/D/Y is ``month_first``'s call, unless a number above 12 decides; D.M.Y
    is always day first. Raises ``ValueError`` (or ``OverflowError``) for anything else.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return from_excel(value).date()
    text = str(value).strip()
    if SERIAL_RE.fullmatch(text):
        return from_excel(float(text)).date()
    if re.match(r"\d{4}-\d{1,2}-\d{1,2}", text):
        year, month, day = (int(p) for p in re.split(r"\D", text)[:3])
        return dt.date(year, month, day)
    match = DMY_RE.fullmatch(text)
    if not match:
        raise ValueError(text)
    first, sep, second, year_text = match.groups()
    a, b, year = int(first), int(second), int(year_text)
    if year < 100:
        year += 2000 if year < 70 else 1900
    day_first = a > 12 or (b <= 12 and (sep == "." or not month_first))
    day, month = (a, b) if day_first else (b, a)
    return dt.date(year, month, day)


def clean_custom_value(definition: CustomField, value: Any, *, month_first: bool = False) -> Any:
    """One custom field's value, checked against its type; dates as ``parse_date`` reads them."""
    key = definition.key
    kind = definition.field_type
    try:
        if kind == FieldType.NUMBER:
            number = float(Decimal(str(value).replace(",", ".")))
            if not math.isfinite(number):
                raise ValueError(value)
            return number
        if kind == FieldType.DATE:
            return parse_date(value, month_first=month_first).isoformat()
        if kind == FieldType.CHOICE:
            if str(value) not in definition.choices:
                raise ValueError
            return str(value)
        if kind == FieldType.MULTI_CHOICE:
            items = value if isinstance(value, list) else [v.strip() for v in str(value).split(",")]
            if any(item not in definition.choices for item in items):
                raise ValueError
            return items
        if kind == FieldType.URL:
            text = str(value).strip()
            if not text.startswith(("http://", "https://")):
                raise ValueError
            return text
        return str(value)
    except (ValueError, ArithmeticError):
        expected_by_type: dict[str, str] = {
            FieldType.NUMBER: _("a number"),
            FieldType.DATE: _("a date, such as 2024-03-15"),
            FieldType.CHOICE: _("one of: %(c)s") % {"c": ", ".join(definition.choices)},
            FieldType.MULTI_CHOICE: _("some of: %(c)s") % {"c": ", ".join(definition.choices)},
            FieldType.URL: _("a web address starting with http:// or https://"),
        }
        expected = expected_by_type.get(str(kind), _("text"))
        raise ValidationError(
            {key: _("“%(v)s” is not %(expected)s.") % {"v": value, "expected": expected}}
        ) from None


def clean_time_zone(value: str) -> str:
    """A time zone name from the IANA database (such as Europe/Paris), or empty for none."""
    value = (value or "").strip()
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(
            {
                "time_zone": _("“%(tz)s” is not a time zone; use a name such as Europe/Paris.")
                % {"tz": value}
            }
        )
    return value


def clean_country(value: str) -> str:
    """A country as its ISO 3166 two-letter code, from the code in any case or the English name.

    Empty stays empty (the country is optional); anything else raises a ValidationError.
    """
    text = str(value or "").strip()
    if not text:
        return ""
    code = country_code(text)
    if code is None:
        raise ValidationError(
            {
                "country": _(
                    "“%(v)s” is not a country we know: write its two-letter ISO code, such as FR, "
                    "or its English name."
                )
                % {"v": text}
            }
        )
    return code


def clean_emails(emails: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    for raw in emails:
        email = raw.strip().lower()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                {"emails": _("“%(e)s” is not a valid e-mail address.") % {"e": raw}}
            ) from None
        if email not in cleaned:
            cleaned.append(email)
    return cleaned


def find_duplicates(
    *,
    workspace: Workspace,
    emails: Sequence[str] = (),
    accounts: Sequence[AccountData] = (),
    exclude: Creator | None = None,
) -> list[Duplicate]:
    """Existing creators sharing an e-mail, a platform and handle, or a profile URL.

    Creators in the bin count too: they keep their e-mails and handles until restored or merged,
    and the reason says where they are.
    """
    found: dict[int, Duplicate] = {}

    def add(creator: Creator, reason: str) -> None:
        if creator.deleted_at is not None:
            reason = _("%(reason)s, in the bin") % {"reason": reason}
        found.setdefault(creator.pk, Duplicate(creator)).reasons.append(reason)

    scope = Q(workspace=workspace)
    if exclude is not None:
        scope &= ~Q(creator=exclude)
    if emails:
        for row in CreatorEmail.objects.filter(scope, email__in=emails).select_related("creator"):
            add(row.creator, _("same e-mail %(e)s") % {"e": row.email})
    handle_q = Q()
    for account in accounts:
        if account.handle:
            handle_q |= Q(platform=account.platform, handle=account.handle)
        if account.url:
            handle_q |= Q(url=account.url)
    if handle_q:
        for sa in SocialAccount.objects.filter(scope & handle_q).select_related("creator"):
            add(
                sa.creator,
                _("same %(platform)s account @%(h)s")
                % {"platform": sa.get_platform_display(), "h": sa.handle or sa.url},
            )
    return list(found.values())


def refresh_derived(creator: Creator) -> None:
    """Recompute the columns the list filters on: e-mail, following, tier, ER, search text."""
    accounts = list(creator.social_accounts.all())
    emails = list(creator.emails.all())
    primary = next((e.email for e in emails if e.is_primary), emails[0].email if emails else "")
    largest = max(accounts, key=lambda a: a.followers or 0, default=None)
    followers = (largest.followers or 0) if largest else 0
    note_bodies = list(creator.note_entries.values_list("body", flat=True)[:50])
    creator.primary_email = primary
    creator.followers_max = followers
    creator.tier = tier_for(followers, creator.workspace.tier_thresholds)
    creator.engagement_rate = largest.engagement_rate if largest else None
    creator.search_text = " ".join(
        [creator.name, creator.notes, " ".join(creator.niches or [])]
        + [e.email for e in emails]
        + [f"@{a.handle}" for a in accounts if a.handle]
        + note_bodies
    ).lower()
    Creator.objects.filter(pk=creator.pk).update(
        primary_email=creator.primary_email,
        followers_max=creator.followers_max,
        tier=creator.tier,
        engagement_rate=creator.engagement_rate,
        search_text=creator.search_text,
    )


def retier_workspace(workspace: Workspace) -> None:
    """Apply changed tier thresholds to every creator of the workspace."""
    for tier_value in ("nano", "micro", "mid", "macro", "mega"):
        bounds = _tier_bounds(workspace.tier_thresholds, tier_value)
        Creator.objects.filter(workspace=workspace, **bounds).update(tier=tier_value)


def _tier_bounds(thresholds: dict[str, int], tier: str) -> dict[str, int]:
    order = ["nano", "micro", "mid", "macro", "mega"]
    index = order.index(tier)
    bounds = {}
    if index > 0:
        bounds["followers_max__gte"] = int(thresholds[order[index]])
    if index < len(order) - 1:
        bounds["followers_max__lt"] = int(thresholds[order[index + 1]])
    return bounds


def _check_owner(workspace: Workspace, owner: User | None) -> None:
    if (
        owner is not None
        and not Membership.objects.filter(workspace=workspace, user=owner).exists()
    ):
        raise ValidationError({"owner": _("The owner must be a member of this workspace.")})


def ensure_tag(workspace: Workspace, name: str) -> Tag:
    tag, _created = Tag.objects.get_or_create(workspace=workspace, name=name.strip()[:60])
    return tag


@dataclass
class NewCreator:
    """A validated creator to insert: what ``create_creator`` and an import row both give."""

    name: str
    emails: list[str] = field(default_factory=list)
    accounts: list[AccountData] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    owner: User | None = None
    stage: str = Stage.DISCOVERED
    do_not_contact_reason: str = ""
    profile: dict[str, Any] = field(default_factory=dict)


def insert_creators(*, workspace: Workspace, new: Sequence[NewCreator]) -> list[Creator]:
    """Insert validated creators with their e-mails, accounts and tags, in a few bulk queries.

    The one place creators are inserted. Callers validate (``create_creator``, the import's row
    checks) and record the audit entry. An e-mail or handle already held by another creator of
    the workspace (one in the bin, or a duplicate the user chose to add) stays with that creator.
    """
    creators = Creator.objects.bulk_create(
        [
            Creator(
                workspace=workspace,
                name=item.name,
                owner=item.owner,
                stage=item.stage or Stage.DISCOVERED,
                do_not_contact_reason=item.do_not_contact_reason,
                **item.profile,
            )
            for item in new
        ]
    )
    pairs = list(zip(creators, new, strict=True))
    taken = set(
        CreatorEmail.objects.filter(
            workspace=workspace, email__in=[e for item in new for e in item.emails]
        ).values_list("email", flat=True)
    )
    emails: list[CreatorEmail] = []
    for creator, item in pairs:
        free = [e for e in item.emails if e not in taken]
        taken.update(free)
        emails += [
            CreatorEmail(workspace=workspace, creator=creator, email=e, is_primary=i == 0)
            for i, e in enumerate(free)
        ]
    CreatorEmail.objects.bulk_create(emails)
    now = timezone.now()
    SocialAccount.objects.bulk_create(
        [
            SocialAccount(
                workspace=workspace,
                creator=creator,
                platform=a.platform,
                handle=a.handle,
                url=a.url,
                followers=a.followers,
                average_views=a.average_views,
                engagement_rate=a.engagement_rate,
                last_updated=now if a.followers is not None else None,
            )
            for creator, item in pairs
            for a in item.accounts
        ],
        ignore_conflicts=True,  # a handle another creator already holds stays theirs
    )
    tags: dict[str, Tag] = {}
    links: list[CreatorTag] = []
    for creator, item in pairs:
        for tag_name in item.tags:
            if tag_name.strip():
                if tag_name not in tags:
                    tags[tag_name] = ensure_tag(workspace, tag_name)
                links.append(CreatorTag(creator=creator, tag=tags[tag_name]))
    CreatorTag.objects.bulk_create(links, ignore_conflicts=True)
    prefetch_related_objects(creators, "social_accounts", "emails")
    for creator in creators:
        refresh_derived(creator)
    return creators


@transaction.atomic
def create_creator(
    *,
    workspace: Workspace,
    actor: User | None,
    name: str,
    emails: Sequence[str] = (),
    accounts: Sequence[AccountData] = (),
    tags: Sequence[str] = (),
    owner: User | None = None,
    stage: str = Stage.DISCOVERED,
    do_not_contact_reason: str = "",
    allow_duplicate: bool = False,
    audit: bool = True,
    **profile: Any,
) -> Creator:
    """Create a creator with e-mails, social accounts and tags.

    Raises ``DuplicateCreator`` when an e-mail, handle or profile URL is already known, unless
    ``allow_duplicate`` (then only e-mails and handles that are free are attached).
    """
    if not name.strip():
        raise ValidationError({"name": _("A creator needs a name.")})
    unknown = set(profile) - set(PROFILE_FIELDS) - set(PRIVATE_FIELDS)
    if unknown:
        raise ValidationError({f: _("Unknown field.") for f in unknown})
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage “%(s)s”.") % {"s": stage}})
    if stage == Stage.DO_NOT_CONTACT and not do_not_contact_reason.strip():
        raise ValidationError(
            {"do_not_contact_reason": _("Say why this creator is not contacted.")}
        )
    if "custom_fields" in profile:
        profile["custom_fields"] = validate_custom_fields(workspace, profile["custom_fields"])
    if "country" in profile:
        profile["country"] = clean_country(profile["country"])
    if "time_zone" in profile:
        profile["time_zone"] = clean_time_zone(profile["time_zone"])
    emails = clean_emails(emails)
    accounts = [a.normalised() for a in accounts]
    _check_owner(workspace, owner)
    duplicates = find_duplicates(workspace=workspace, emails=emails, accounts=accounts)
    if duplicates and not allow_duplicate:
        raise DuplicateCreator(duplicates)
    (creator,) = insert_creators(
        workspace=workspace,
        new=[
            NewCreator(
                name=name.strip(),
                emails=emails,
                accounts=accounts,
                tags=list(tags),
                owner=owner,
                stage=stage,
                do_not_contact_reason=do_not_contact_reason.strip(),
                profile=profile,
            )
        ],
    )
    if audit:
        record(
            workspace=workspace,
            actor=actor,
            kind="creator.created",
            summary=_("Creator %(name)s added") % {"name": creator.name},
            obj=creator,
            creator=creator,
        )
    return creator


@transaction.atomic
def update_creator(
    *, creator: Creator, actor: User | None, reason: str = "", **values: Any
) -> Creator:
    """Change profile fields (and owner or stage); every changed field is audited."""
    allowed = (
        set(PROFILE_FIELDS) | set(PRIVATE_FIELDS) | {"owner", "stage", "do_not_contact_reason"}
    )
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError({f: _("Unknown field.") for f in unknown})
    if "name" in values and not str(values["name"]).strip():
        raise ValidationError({"name": _("A creator needs a name.")})
    if "custom_fields" in values:
        values["custom_fields"] = validate_custom_fields(creator.workspace, values["custom_fields"])
    if "country" in values:
        values["country"] = clean_country(values["country"])
    if "time_zone" in values:
        values["time_zone"] = clean_time_zone(values["time_zone"])
    if "owner" in values:
        _check_owner(creator.workspace, values["owner"])
    stage = values.pop("stage", None)
    dnc_reason = values.pop("do_not_contact_reason", None)
    changes = diff(creator, values)
    for name, value in values.items():
        setattr(creator, name, value)
    if changes:
        creator.save()
        refresh_derived(creator)
        private = set(changes) & set(PRIVATE_FIELDS)
        shown = {k: v for k, v in changes.items() if k not in PRIVATE_FIELDS}
        # Addresses and tax details are audited without their values: the log is visible to all.
        shown.update(dict.fromkeys(private, ("…", "…")))
        record(
            workspace=creator.workspace,
            actor=actor,
            kind="creator.updated",
            summary=_("Changed %(fields)s")
            % {
                "fields": ", ".join(
                    sorted(
                        str(getattr(Creator._meta.get_field(name), "verbose_name", name))
                        for name in changes
                    )
                )
            },
            obj=creator,
            creator=creator,
            changes=shown,
            reason=reason,
        )
    if stage is not None and stage != creator.stage:
        change_stage(creator=creator, actor=actor, stage=stage, reason=dnc_reason or reason)
    return creator


@transaction.atomic
def change_stage(*, creator: Creator, actor: User | None, stage: str, reason: str = "") -> Creator:
    """Move a creator to another relationship stage, recording who, when and why."""
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage “%(s)s”.") % {"s": stage}})
    if stage == Stage.DO_NOT_CONTACT and not reason.strip():
        raise ValidationError({"reason": _("Say why this creator must not be contacted.")})
    before = creator.stage
    if before == stage:
        return creator
    creator.stage = stage
    creator.do_not_contact_reason = reason.strip() if stage == Stage.DO_NOT_CONTACT else ""
    creator.save(update_fields=["stage", "do_not_contact_reason", "updated_at"])
    record(
        workspace=creator.workspace,
        actor=actor,
        kind="creator.stage_changed",
        summary=_("Stage: %(before)s → %(after)s")
        % {"before": Stage(before).label, "after": Stage(stage).label},
        obj=creator,
        creator=creator,
        changes={"stage": (before, stage)},
        reason=reason,
    )
    return creator


@transaction.atomic
def save_account(
    *, creator: Creator, actor: User | None, data: AccountData, account: SocialAccount | None = None
) -> SocialAccount:
    """Add a social account to a creator, or change one; duplicates elsewhere are refused."""
    data = data.normalised()
    clash = find_duplicates(workspace=creator.workspace, accounts=[data], exclude=creator)
    if clash:
        raise DuplicateCreator(clash)
    values = {
        "platform": data.platform,
        "handle": data.handle,
        "url": data.url,
        "followers": data.followers,
        "average_views": data.average_views,
        "engagement_rate": data.engagement_rate,
    }
    if account is None:
        if (
            data.handle
            and creator.social_accounts.filter(platform=data.platform, handle=data.handle).exists()
        ):
            raise ValidationError({"handle": _("This account is already on the profile.")})
        account = SocialAccount.objects.create(
            workspace=creator.workspace, creator=creator, last_updated=timezone.now(), **values
        )
        changes = {"account": (None, str(account))}
        summary = _("Added %(account)s") % {"account": account}
    else:
        changes = diff(account, values)
        for name, value in values.items():
            setattr(account, name, value)
        account.last_updated = timezone.now()
        account.save()
        summary = _("Updated %(account)s") % {"account": account}
    refresh_derived(creator)
    record(
        workspace=creator.workspace,
        actor=actor,
        kind="account.saved",
        summary=summary,
        obj=account,
        creator=creator,
        changes=changes,
    )
    return account


@transaction.atomic
def delete_account(*, account: SocialAccount, actor: User | None) -> None:
    creator = account.creator
    label = str(account)
    account.delete()
    refresh_derived(creator)
    record(
        workspace=creator.workspace,
        actor=actor,
        kind="account.deleted",
        summary=_("Removed %(account)s") % {"account": label},
        creator=creator,
        changes={"account": (label, None)},
    )


@transaction.atomic
def set_emails(*, creator: Creator, actor: User | None, emails: Sequence[str]) -> None:
    """Replace a creator's e-mail addresses; the first is primary."""
    cleaned = clean_emails(emails)
    taken = CreatorEmail.objects.filter(workspace=creator.workspace, email__in=cleaned).exclude(
        creator=creator
    )
    if taken:
        raise ValidationError(
            {"emails": _("%(e)s belongs to another creator.") % {"e": taken[0].email}}
        )
    before = list(creator.emails.values_list("email", flat=True))
    creator.emails.exclude(email__in=cleaned).delete()
    for position, email in enumerate(cleaned):
        CreatorEmail.objects.update_or_create(
            workspace=creator.workspace,
            email=email,
            defaults={"creator": creator, "is_primary": position == 0},
        )
    refresh_derived(creator)
    if before != cleaned:
        record(
            workspace=creator.workspace,
            actor=actor,
            kind="creator.updated",
            summary=_("Changed e-mails"),
            obj=creator,
            creator=creator,
            changes={"emails": (before, cleaned)},
        )


MENTION_RE = re.compile(r"@([\w.+-]+)")


def mentioned_members(workspace: Workspace, body: str) -> list[User]:
    """Members named in a note as @name or @email-local-part (case-insensitive)."""
    words = {m.lower().rstrip(".") for m in MENTION_RE.findall(body)}
    if not words:
        return []
    members = User.objects.filter(memberships__workspace=workspace)
    found = []
    for user in members:
        keys = {user.email.lower(), user.email.split("@")[0].lower()}
        if user.name:
            keys |= {user.name.lower().replace(" ", ""), user.name.split()[0].lower()}
        if keys & words:
            found.append(user)
    return found


@transaction.atomic
def add_note(*, creator: Creator, author: User | None, body: str) -> Note:
    """A note on the creator's timeline; teammates @mentioned are notified."""
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("The note is empty.")})
    note = Note.objects.create(
        workspace=creator.workspace, creator=creator, author=author, body=body
    )
    mentioned = [u for u in mentioned_members(creator.workspace, body) if u != author]
    note.mentions.set(mentioned)
    from django.urls import reverse

    url = reverse("creators:detail", args=[creator.workspace.slug, creator.pk])
    notify(
        workspace=creator.workspace,
        recipients=mentioned,
        text=_("%(author)s mentioned you on %(creator)s: %(body)s")
        % {"author": author or _("Someone"), "creator": creator.name, "body": body[:200]},
        url=url,
    )
    refresh_derived(creator)
    record(
        workspace=creator.workspace,
        actor=author,
        kind="note.added",
        summary=body[:500],
        obj=note,
        creator=creator,
    )
    return note


def _alive(workspace: Workspace, ids: Iterable[int]) -> list[Creator]:
    return list(Creator.objects.alive().filter(workspace=workspace, pk__in=list(ids)))


@transaction.atomic
def bulk_tag(
    *, workspace: Workspace, actor: User | None, ids: Iterable[int], tag: str, remove: bool = False
) -> int:
    """Tag or untag the selected creators; returns how many were changed."""
    if not tag.strip():
        raise ValidationError({"tag": _("Name the tag.")})
    creators = _alive(workspace, ids)
    name = tag.strip()[:60]
    tagged = CreatorTag.objects.filter(
        creator__in=creators, tag__workspace=workspace, tag__name=name
    )
    holders = set(tagged.values_list("creator_id", flat=True))
    if remove:
        # Removing a tag nobody has changes nothing (and creates no tag).
        tagged.delete()
        touched = [c for c in creators if c.pk in holders]
        label = _("Removed the tag “%(tag)s”")
    else:
        the_tag = ensure_tag(workspace, name)
        touched = [c for c in creators if c.pk not in holders]
        CreatorTag.objects.bulk_create([CreatorTag(creator=c, tag=the_tag) for c in touched])
        label = _("Added the tag “%(tag)s”")
    for creator in touched:
        record(
            workspace=workspace,
            actor=actor,
            kind="creator.tags_changed",
            summary=label % {"tag": name},
            obj=creator,
            creator=creator,
            changes={"tags": (None, name) if not remove else (name, None)},
        )
    changed = len(touched)
    return changed


def set_tags(*, creator: Creator, actor: User | None, names: Iterable[str]) -> None:
    """Give one creator exactly these tags (new names become workspace tags)."""
    wanted = {name.strip()[:60] for name in names if name.strip()}
    current = {tag.name for tag in creator.tags.all()}
    for name in sorted(wanted - current):
        bulk_tag(workspace=creator.workspace, actor=actor, ids=[creator.pk], tag=name)
    for name in sorted(current - wanted):
        bulk_tag(workspace=creator.workspace, actor=actor, ids=[creator.pk], tag=name, remove=True)


@transaction.atomic
def bulk_change_stage(
    *, workspace: Workspace, actor: User | None, ids: Iterable[int], stage: str, reason: str = ""
) -> int:
    creators = _alive(workspace, ids)
    for creator in creators:
        change_stage(creator=creator, actor=actor, stage=stage, reason=reason)
    return len(creators)


@transaction.atomic
def bulk_assign_owner(
    *, workspace: Workspace, actor: User | None, ids: Iterable[int], owner: User | None
) -> int:
    _check_owner(workspace, owner)
    creators = _alive(workspace, ids)
    for creator in creators:
        update_creator(creator=creator, actor=actor, owner=owner)
    return len(creators)


@transaction.atomic
def delete_creators(*, workspace: Workspace, actor: User | None, ids: Iterable[int]) -> int:
    """Move creators to the bin; they can be restored with everything attached."""
    creators = _alive(workspace, ids)
    now = timezone.now()
    Creator.objects.filter(pk__in=[c.pk for c in creators]).update(deleted_at=now)
    for creator in creators:
        record(
            workspace=workspace,
            actor=actor,
            kind="creator.deleted",
            summary=_("%(name)s moved to the bin") % {"name": creator.name},
            obj=creator,
            creator=creator,
        )
    return len(creators)


@transaction.atomic
def restore_creators(*, workspace: Workspace, actor: User | None, ids: Iterable[int]) -> int:
    """Bring creators back from the bin; one merged into another record cannot come back."""
    creators = list(
        Creator.objects.filter(workspace=workspace, pk__in=list(ids), deleted_at__isnull=False)
    )
    merged = AuditEvent.objects.filter(
        workspace=workspace, kind="creator.merged_away", creator__in=creators
    ).select_related("creator")
    if merged:
        raise ValidationError(
            {
                "ids": _(
                    "%(names)s was merged into another creator: its e-mails, accounts and "
                    "history are there now, so it cannot be restored."
                )
                % {"names": ", ".join(sorted({str(e.creator) for e in merged}))}
            }
        )
    Creator.objects.filter(pk__in=[c.pk for c in creators]).update(deleted_at=None)
    for creator in creators:
        record(
            workspace=workspace,
            actor=actor,
            kind="creator.restored",
            summary=_("%(name)s restored from the bin") % {"name": creator.name},
            obj=creator,
            creator=creator,
        )
    return len(creators)


# --- Saved views of the creator list ---


@transaction.atomic
def save_view(*, membership: Membership, name: str, query: str, shared: bool = False) -> SavedView:
    """Save a creator-list filter state under a name, for the member or the whole workspace.

    The query is read with the list's own filter engine and stored in its canonical form, so a
    view that cannot be applied is refused here rather than failing when opened. Sharing a view
    puts it in every member's list, so it takes the right to edit creators.
    """
    from django.http import QueryDict

    from rapport.creators.queries import CreatorFilters
    from rapport.workspaces.roles import Perm
    from rapport.workspaces.services import PermissionDenied

    if shared and not membership.can(Perm.EDIT_CREATORS):
        raise PermissionDenied(Perm.EDIT_CREATORS)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the view a name.")})
    filters = CreatorFilters.from_params(QueryDict(query.lstrip("?")))
    return SavedView.objects.create(
        workspace=membership.workspace,
        owner=membership.user,
        name=name[:100],
        query=filters.as_query(),
        shared=shared,
    )


def delete_saved_view(*, view: SavedView, membership: Membership) -> None:
    """Delete a saved view: one's own, or a shared one when the member manages the workspace."""
    from rapport.workspaces.roles import Perm
    from rapport.workspaces.services import PermissionDenied

    if view.workspace_id != membership.workspace_id:
        raise PermissionDenied(Perm.VIEW)
    if view.owner_id != membership.user_id and not membership.can(Perm.MANAGE_WORKSPACE):
        raise PermissionDenied(Perm.MANAGE_WORKSPACE)
    view.delete()


# --- Merging two creators ---

# Profile fields a merge fills on the kept creator when it has no value of its own.
MERGE_FILLED_FIELDS = tuple(f for f in (*PROFILE_FIELDS, *PRIVATE_FIELDS) if f != "custom_fields")


def _empty(value: Any) -> bool:
    return value is None or value in ("", [], {})


def _unique_field_sets(model: Any, field_name: str) -> list[tuple[str, ...]]:
    """The uniqueness rules of ``model`` that involve ``field_name`` (unconditional ones)."""
    from django.db.models import UniqueConstraint

    field = model._meta.get_field(field_name)
    sets: list[tuple[str, ...]] = [(field_name,)] if field.unique else []
    sets += [tuple(t) for t in model._meta.unique_together if field_name in t]
    sets += [
        tuple(c.fields)
        for c in model._meta.constraints
        if isinstance(c, UniqueConstraint) and c.condition is None and field_name in c.fields
    ]
    return sets


def _is_link_table(model: Any) -> bool:
    """A row that only links two records (a tag on a creator): a repeat of it carries nothing."""
    return all(f.primary_key or f.is_relation for f in model._meta.concrete_fields)


def _move_related(keep: Creator, merge: Creator) -> dict[str, int]:
    """Point every row that refers to ``merge`` at ``keep``, whatever model it belongs to.

    Relations are found through ``Creator._meta`` so that models added later follow. A row that
    would repeat one of ``keep``'s under a uniqueness rule is dropped when it only links records
    (the same tag twice); otherwise the merge is refused, since information would be lost.
    """
    from django.db import IntegrityError

    moved: dict[str, int] = {}
    for rel in Creator._meta.related_objects:
        if rel.many_to_many:
            model = rel.through  # type: ignore[attr-defined]
            field_name = rel.field.m2m_reverse_field_name()  # type: ignore[attr-defined]
        else:
            model = rel.related_model
            field_name = rel.field.name
        rows = model._base_manager.filter(**{field_name: merge})
        for unique in _unique_field_sets(model, field_name):
            others = [f for f in unique if f != field_name]
            kept = model._base_manager.filter(**{field_name: keep})
            clashing = rows
            if others:
                clashing = rows.filter(
                    **{f"{others[0]}__in": kept.values_list(others[0], flat=True)}
                )
                taken = set(kept.values_list(*others))
                clash_ids = [
                    pk
                    for pk, *values in clashing.values_list("pk", *others)
                    if tuple(values) in taken
                ]
                clashing = rows.filter(pk__in=clash_ids)
            elif not kept.exists():
                continue
            if not clashing.exists():
                continue
            if not _is_link_table(model):
                raise ValidationError(
                    _("Both creators have a %(what)s that cannot be combined; resolve it first.")
                    % {"what": model._meta.verbose_name}
                )
            clashing.delete()
        try:
            with transaction.atomic():
                count = rows.update(**{field_name: keep})
        except IntegrityError:
            raise ValidationError(
                _("Both creators have a %(what)s that cannot be combined; resolve it first.")
                % {"what": model._meta.verbose_name}
            ) from None
        if count:
            moved[str(model._meta.verbose_name_plural)] = count
    return moved


@transaction.atomic
def merge_creators(
    *, workspace: Workspace, actor: User | None, keep: Creator, merge: Creator
) -> Creator:
    """Merge the duplicate ``merge`` into ``keep`` and move ``merge`` to the bin.

    Every related record (e-mails, social accounts, tags, notes, timeline events, and whatever
    later models point at a creator) moves to ``keep``; ``keep``'s empty fields are filled from
    ``merge``; a do-not-contact on either record is kept. Both histories stay on ``keep``'s
    timeline, and the binned record's own timeline says where it went.
    """
    if keep.pk == merge.pk:
        raise ValidationError(_("Pick two different creators to merge."))
    locked = {
        c.pk: c
        for c in Creator.objects.select_for_update().filter(
            workspace=workspace, deleted_at__isnull=True, pk__in=[keep.pk, merge.pk]
        )
    }
    if len(locked) != 2:
        raise ValidationError(_("Both creators must be live creators of this workspace."))
    keep, merge = locked[keep.pk], locked[merge.pk]
    fills = {
        name: getattr(merge, name)
        for name in MERGE_FILLED_FIELDS
        if _empty(getattr(keep, name)) and not _empty(getattr(merge, name))
    }
    custom = {**merge.custom_fields, **keep.custom_fields}
    if custom != keep.custom_fields:
        fills["custom_fields"] = custom
    if (
        keep.owner_id is None
        and merge.owner_id is not None
        and Membership.objects.filter(workspace=workspace, user_id=merge.owner_id).exists()
    ):
        fills["owner"] = merge.owner
    if keep.emails.exists():
        merge.emails.update(is_primary=False)
    moved = _move_related(keep, merge)
    merge.deleted_at = timezone.now()
    merge.save(update_fields=["deleted_at", "updated_at"])
    reason = _("Merged with %(name)s (#%(id)s)") % {"name": merge.name, "id": merge.pk}
    if fills:
        update_creator(creator=keep, actor=actor, reason=reason, **fills)
    if merge.is_do_not_contact and not keep.is_do_not_contact:
        change_stage(
            creator=keep,
            actor=actor,
            stage=Stage.DO_NOT_CONTACT,
            reason=merge.do_not_contact_reason or reason,
        )
    refresh_derived(keep)
    record(
        workspace=workspace,
        actor=actor,
        kind="creator.merged",
        summary=_("%(other)s (#%(id)s) merged into this creator")
        % {"other": merge.name, "id": merge.pk},
        obj=keep,
        creator=keep,
        changes={"merged_creator": (None, merge.pk), "moved": (None, moved)},
    )
    record(
        workspace=workspace,
        actor=actor,
        kind="creator.merged_away",
        summary=_("Merged into %(name)s (#%(id)s) and moved to the bin")
        % {"name": keep.name, "id": keep.pk},
        obj=merge,
        creator=merge,
        changes={"merged_into": (None, keep.pk)},
    )
    return keep


# --- Custom field definitions ---

CUSTOM_FIELD_KEY_RE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
CHOICE_TYPES = (FieldType.CHOICE, FieldType.MULTI_CHOICE)


def _creators_using(custom_field: CustomField, choice: str | None = None) -> Any:
    """Creators that hold a value for the field (or that choice of it)."""
    scope = Creator.objects.filter(workspace=custom_field.workspace)
    key = custom_field.key
    if choice is None:
        return scope.filter(custom_fields__has_key=key)
    if custom_field.field_type == FieldType.MULTI_CHOICE:
        return scope.filter(**{f"custom_fields__{key}__icontains": f'"{choice}"'})
    return scope.filter(**{f"custom_fields__{key}": choice})


def _clean_choices(field_type: str, choices: Sequence[str]) -> list[str]:
    if field_type not in CHOICE_TYPES:
        return []
    cleaned: list[str] = []
    for raw in choices:
        choice = str(raw).strip()
        if "," in choice:
            raise ValidationError(
                {"choices": _("A choice cannot contain a comma: “%(c)s”.") % {"c": choice}}
            )
        if choice and choice not in cleaned:
            cleaned.append(choice[:100])
    if not cleaned:
        raise ValidationError({"choices": _("Give at least one choice.")})
    return cleaned


@transaction.atomic
def save_custom_field(
    *,
    workspace: Workspace,
    actor: User | None,
    label: str,
    field_type: str,
    key: str = "",
    choices: Sequence[str] = (),
    custom_field: CustomField | None = None,
) -> CustomField:
    """Add a custom field for the workspace's creators, or change one's label and choices.

    A field's key and type are fixed once it exists (creators' values depend on them), and a
    choice still used by a creator cannot be removed.
    """
    from django.utils.text import slugify

    label = label.strip()
    if not label:
        raise ValidationError({"label": _("Give the field a label.")})
    if field_type not in FieldType.values:
        raise ValidationError({"field_type": _("Unknown type “%(t)s”.") % {"t": field_type}})
    cleaned_choices = _clean_choices(field_type, choices)
    if custom_field is None:
        key = (key.strip() or slugify(label).replace("-", "_"))[:50]
        if not CUSTOM_FIELD_KEY_RE.match(key):
            raise ValidationError(
                {"key": _("Start with a letter; use lowercase letters, digits and underscores.")}
            )
        if CustomField.objects.filter(workspace=workspace, key=key).exists():
            raise ValidationError(
                {"key": _("Another field already uses the key “%(k)s”.") % {"k": key}}
            )
        last = CustomField.objects.filter(workspace=workspace).order_by("-position").first()
        custom_field = CustomField.objects.create(
            workspace=workspace,
            key=key,
            label=label[:100],
            field_type=field_type,
            choices=cleaned_choices,
            position=(last.position + 1) if last else 0,
        )
        record(
            workspace=workspace,
            actor=actor,
            kind="settings.custom_field_added",
            summary=_("Custom field “%(label)s” added") % {"label": label},
            obj=custom_field,
            changes={"custom_field": (None, f"{key} ({field_type})")},
        )
        return custom_field
    if key and key != custom_field.key:
        raise ValidationError({"key": _("The key of an existing field cannot change.")})
    if field_type != custom_field.field_type:
        raise ValidationError({"field_type": _("The type of an existing field cannot change.")})
    for dropped in set(custom_field.choices) - set(cleaned_choices):
        in_use = _creators_using(custom_field, dropped).count()
        if in_use:
            raise ValidationError(
                {
                    "choices": _(
                        "“%(c)s” is still the value of %(n)s creator(s); change them first."
                    )
                    % {"c": dropped, "n": in_use}
                }
            )
    changes = diff(custom_field, {"label": label[:100], "choices": cleaned_choices})
    if changes:
        custom_field.label, custom_field.choices = label[:100], cleaned_choices
        custom_field.save(update_fields=["label", "choices"])
        record(
            workspace=workspace,
            actor=actor,
            kind="settings.custom_field_changed",
            summary=_("Custom field “%(label)s” changed") % {"label": label},
            obj=custom_field,
            changes=changes,
        )
    return custom_field


@transaction.atomic
def delete_custom_field(
    *, workspace: Workspace, actor: User | None, custom_field: CustomField
) -> int:
    """Remove a custom field and its values from every creator; returns how many were cleared."""
    key = custom_field.key
    cleared = []
    for creator in _creators_using(custom_field).only("pk", "custom_fields").iterator(1000):
        creator.custom_fields.pop(key, None)
        cleared.append(creator)
    Creator.objects.bulk_update(cleared, ["custom_fields"], batch_size=1000)
    record(
        workspace=workspace,
        actor=actor,
        kind="settings.custom_field_removed",
        summary=_("Custom field “%(label)s” removed (values cleared on %(n)s creators)")
        % {"label": custom_field.label, "n": len(cleared)},
        obj=custom_field,
        changes={"custom_field": (f"{key} ({custom_field.field_type})", None)},
    )
    custom_field.delete()
    return len(cleared)
