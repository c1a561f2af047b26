"""Writes and rules for workspaces, members, invitations, API tokens and the audit log."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from babel.numbers import list_currencies
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rapport.workspaces.models import (
    DEFAULT_SLA_POLICY,
    ApiToken,
    AuditEvent,
    ErDenominator,
    Invitation,
    Membership,
    Notification,
    User,
    Workspace,
    hash_secret,
    new_secret,
)
from rapport.workspaces.queries import holiday_countries
from rapport.workspaces.roles import Role, role_allows, role_within

INVITATION_LIFETIME = dt.timedelta(days=14)


class PermissionDenied(Exception):
    """The member's role does not allow this action."""


def jsonable(value: Any) -> Any:
    """A value as it is stored in an audit entry's before/after."""
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if hasattr(value, "pk"):
        return str(value)
    return str(value)


_acting_as: ContextVar[str] = ContextVar("rapport_acting_as", default="")


@contextmanager
def acting_as(label: str) -> Iterator[None]:
    """Label the audit entries written without a member inside this block (for example the
    creator's name while a hub request runs)."""
    token = _acting_as.set(label)
    try:
        yield
    finally:
        _acting_as.reset(token)


def record(
    *,
    workspace: Workspace,
    actor: User | None,
    kind: str,
    summary: str,
    obj: Any = None,
    creator: Any = None,
    campaign: Any = None,
    changes: dict[str, tuple[Any, Any]] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Add one entry to the audit-and-activity log (the only way anything is written there).

    Without an ``actor``, the entry is labelled with whoever :func:`acting_as` names (the creator,
    on the hub), else as Rapport itself."""
    return AuditEvent.objects.create(
        workspace=workspace,
        actor=actor,
        actor_label=str(actor) if actor else (_acting_as.get() or _("Rapport")),
        kind=kind,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        creator=creator,
        campaign=campaign,
        summary=summary[:500],
        changes={k: [jsonable(b), jsonable(a)] for k, (b, a) in (changes or {}).items()},
        reason=reason,
    )


def diff(instance: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields of ``values`` that differ from ``instance``, as ``{field: (before, after)}``."""
    return {
        name: (getattr(instance, name), value)
        for name, value in values.items()
        if getattr(instance, name) != value
    }


def notify(*, workspace: Workspace, recipients: Iterable[User], text: str, url: str = "") -> None:
    Notification.objects.bulk_create(
        Notification(workspace=workspace, recipient=user, text=text[:500], url=url)
        for user in recipients
    )


def mark_notifications_read(
    *, workspace: Workspace, user: User, notification_id: int | None = None
) -> int:
    """Mark the member's unread notifications in this workspace (or just one) as read."""
    unread = Notification.objects.filter(workspace=workspace, recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def membership_for(user: User, workspace_slug: str) -> Membership:
    """The user's membership in the workspace with this slug, or 404 (never a hint it exists)."""
    membership = (
        Membership.objects.select_related("workspace")
        .filter(user=user, workspace__slug=workspace_slug)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def require(membership_or_role: Membership | str, perm: str) -> None:
    role = (
        membership_or_role.role
        if isinstance(membership_or_role, Membership)
        else membership_or_role
    )
    if not role_allows(role, perm):
        raise PermissionDenied(perm)


def unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "workspace"
    slug, n = base, 2
    while Workspace.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_workspace(*, name: str, owner: User, slug: str = "", **settings_: Any) -> Workspace:
    """A new workspace with ``owner`` as its first owner."""
    workspace = Workspace.objects.create(name=name, slug=slug or unique_slug(name), **settings_)
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    record(
        workspace=workspace,
        actor=owner,
        kind="workspace.created",
        summary=_("Workspace %(name)s created") % {"name": name},
        obj=workspace,
    )
    return workspace


def create_user(*, email: str, password: str | None, name: str = "") -> User:
    return User.objects.create_user(email=email, password=password, name=name)


def create_api_token(
    *, workspace: Workspace, user: User, role: str | None = None, name: str = ""
) -> tuple[ApiToken, str]:
    """A new API token for a member; returns the stored token and the raw secret (shown once).

    The token's role defaults to the member's and may never exceed it.
    """
    membership = Membership.objects.filter(workspace=workspace, user=user).first()
    if membership is None:
        raise PermissionDenied(
            _("%(user)s is not a member of %(ws)s.") % {"user": user.email, "ws": workspace.slug}
        )
    role = role or membership.role
    if role not in Role.values:
        raise ValueError(_("Unknown role %(role)s.") % {"role": role})
    if not role_within(role, membership.role):
        raise PermissionDenied(
            _("A token cannot have more rights than its member (%(role)s).")
            % {"role": membership.role}
        )
    raw = new_secret("rpt")
    token = ApiToken.objects.create(
        workspace=workspace,
        user=user,
        role=role,
        name=name,
        prefix=raw[:10],
        token_hash=hash_secret(raw),
    )
    record(
        workspace=workspace,
        actor=user,
        kind="token.created",
        summary=_("API token %(prefix)s… created with role %(role)s")
        % {"prefix": token.prefix, "role": role},
        obj=token,
    )
    return token, raw


def authenticate_token(raw: str) -> ApiToken | None:
    """The live token for this secret, or None. Also notes when it was last used."""
    token = (
        ApiToken.objects.select_related("workspace", "user")
        .filter(token_hash=hash_secret(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    # The member may have lost access or been demoted since the token was made.
    membership = Membership.objects.filter(workspace=token.workspace, user=token.user).first()
    if membership is None or not role_within(token.role, membership.role):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def invite(*, workspace: Workspace, inviter: User, email: str, role: str) -> Invitation:
    """Create an invitation and e-mail its link (a new one replaces any pending for the e-mail)."""
    email = validate_invitation(workspace=workspace, email=email, role=role)
    Invitation.objects.filter(
        workspace=workspace, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    raw = new_secret("inv")
    invitation = Invitation.objects.create(
        workspace=workspace,
        email=email.lower(),
        role=role,
        token_hash=hash_secret(raw),
        invited_by=inviter,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    link = settings.RAPPORT_BASE_URL + reverse("accept_invitation", args=[raw])
    send_mail(
        subject=_("You are invited to %(ws)s on Rapport") % {"ws": workspace.name},
        message=render_to_string(
            "workspaces/email/invitation.txt",
            {"workspace": workspace, "inviter": inviter, "link": link, "role": Role(role).label},
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )
    record(
        workspace=workspace,
        actor=inviter,
        kind="member.invited",
        summary=_("%(email)s invited as %(role)s") % {"email": invitation.email, "role": role},
        obj=invitation,
    )
    return invitation


def find_invitation(raw: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("workspace").filter(token_hash=hash_secret(raw)).first()
    )
    return invitation if invitation and invitation.is_usable else None


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    """Join the invitation's workspace with its role; each link works once, before it expires."""
    # Lock the row so that the same link cannot be used twice at the same moment.
    invitation = (
        Invitation.objects.select_for_update().select_related("workspace").get(pk=invitation.pk)
    )
    if not invitation.is_usable:
        raise ValidationError(_("This invitation can no longer be used."))
    if Membership.objects.filter(workspace=invitation.workspace, user=user).exists():
        raise ValidationError(
            _("You are already a member of %(ws)s.") % {"ws": invitation.workspace.name}
        )
    membership = Membership.objects.create(
        workspace=invitation.workspace, user=user, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record(
        workspace=invitation.workspace,
        actor=user,
        kind="member.joined",
        summary=_("%(user)s joined as %(role)s") % {"user": user, "role": invitation.role},
        obj=membership,
    )
    return membership


# --- Members, invitations, tokens and settings ---

SETTINGS_FIELDS = (
    "name",
    "country",
    "time_zone",
    "default_currency",
    "er_denominator",
    "tier_thresholds",
    "sla_policy",
    "hub_days_after_close",
    "tracking_domains",
    "attribution_days",
)
TIER_KEYS = ("micro", "mid", "macro", "mega")
# The most a service level may be set to, per unit (a year of days, a month of hours).
SLA_MAXIMUM = {"days": 365, "hours": 720}
# How long an ended collaboration's hub link may stay open: a day to ten years.
HUB_DAYS_RANGE = (1, 3650)
# How far back an order may be credited to a tracked click: a day to a year.
ATTRIBUTION_DAYS_RANGE = (1, 365)


@functools.cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def is_currency(code: str) -> bool:
    """Whether ``code`` is an ISO 4217 currency code (USD, EUR, GBP...), in capitals."""
    return code in _currencies()


def validate_invitation(*, workspace: Workspace, email: str, role: str) -> str:
    """The cleaned e-mail of a new invitation, or a ValidationError saying what is wrong."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("“%(e)s” is not a valid e-mail address.") % {"e": email}}
        ) from None
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role “%(role)s”.") % {"role": role}})
    if Membership.objects.filter(workspace=workspace, user__email=email).exists():
        raise ValidationError({"email": _("%(e)s is already a member.") % {"e": email}})
    return email


def _lock_owners(workspace: Workspace) -> int:
    return len(Membership.objects.select_for_update().filter(workspace=workspace, role=Role.OWNER))


@transaction.atomic
def change_role(
    *, workspace: Workspace, actor: User | None, membership: Membership, role: str
) -> Membership:
    """Give a member another role; the last owner cannot be demoted."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role “%(role)s”.") % {"role": role}})
    before = membership.role
    if before == role:
        return membership
    if before == Role.OWNER and _lock_owners(workspace) <= 1:
        raise ValidationError(
            {"role": _("A workspace needs an owner: make someone else owner first.")}
        )
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        workspace=workspace,
        actor=actor,
        kind="member.role_changed",
        summary=_("%(user)s is now %(role)s") % {"user": membership.user, "role": Role(role).label},
        obj=membership,
        changes={"role": (before, role)},
    )
    return membership


@transaction.atomic
def remove_member(*, workspace: Workspace, actor: User | None, membership: Membership) -> None:
    """Take a person out of the workspace: their tokens stop and their creators lose an owner.

    The last owner cannot be removed.
    """
    from rapport.creators.models import Creator
    from rapport.creators.services import bulk_assign_owner

    if membership.role == Role.OWNER and _lock_owners(workspace) <= 1:
        raise ValidationError(
            {"member": _("A workspace needs an owner: make someone else owner first.")}
        )
    user = membership.user
    owned = Creator.objects.filter(workspace=workspace, owner=user).values_list("pk", flat=True)
    bulk_assign_owner(workspace=workspace, actor=actor, ids=list(owned), owner=None)
    ApiToken.objects.filter(workspace=workspace, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    record(
        workspace=workspace,
        actor=actor,
        kind="member.removed",
        summary=_("%(user)s removed from the workspace") % {"user": user},
        obj=membership,
        changes={"member": (f"{user.email} ({membership.role})", None)},
    )
    membership.delete()


def revoke_invitation(*, workspace: Workspace, actor: User | None, invitation: Invitation) -> None:
    """Withdraw an invitation so that its link no longer works."""
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was already accepted."))
    if invitation.revoked_at is not None:
        return
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(
        workspace=workspace,
        actor=actor,
        kind="member.invitation_revoked",
        summary=_("Invitation of %(email)s withdrawn") % {"email": invitation.email},
        obj=invitation,
    )


@transaction.atomic
def join_by_invitation(*, invitation: Invitation, name: str, password: str) -> User:
    """Create the invited person's account with a name and password, and join the workspace."""
    if not invitation.is_usable:
        raise ValidationError(_("This invitation can no longer be used."))
    if User.objects.filter(email=invitation.email).exists():
        raise ValidationError(
            {"email": _("%(e)s already has an account: sign in instead.") % {"e": invitation.email}}
        )
    if not name.strip():
        raise ValidationError({"name": _("Tell your teammates your name.")})
    user = User(email=invitation.email, name=name.strip()[:150])
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save()
    accept_invitation(invitation=invitation, user=user)
    return user


def revoke_api_token(*, workspace: Workspace, actor: User | None, token: ApiToken) -> None:
    """Stop an API token from working (immediately, for good)."""
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        workspace=workspace,
        actor=actor,
        kind="token.revoked",
        summary=_("API token %(prefix)s… revoked") % {"prefix": token.prefix},
        obj=token,
    )


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _clean_thresholds(current: dict[str, int], given: Any) -> dict[str, int]:
    if not isinstance(given, dict):
        raise ValidationError({"tier_thresholds": _("Give the thresholds as an object.")})
    errors: dict[str, str] = {}
    for key in set(given) - set(TIER_KEYS):
        errors[f"tier_thresholds.{key}"] = _("Unknown tier “%(t)s”.") % {"t": key}
    merged = {key: given.get(key, current.get(key)) for key in TIER_KEYS}
    cleaned: dict[str, int] = {}
    previous: tuple[str, int] | None = None
    for key in TIER_KEYS:
        number = _whole_number(merged[key])
        if number is None or number < 1:
            errors[f"tier_thresholds.{key}"] = _(
                "The %(tier)s threshold must be a whole number of followers above 0."
            ) % {"tier": key}
            continue
        if previous is not None and number <= previous[1]:
            errors[f"tier_thresholds.{key}"] = _(
                "The %(tier)s threshold (%(n)s) must be above the %(prev)s one (%(p)s)."
            ) % {"tier": key, "n": number, "prev": previous[0], "p": previous[1]}
        cleaned[key] = number
        previous = (key, number)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_sla_policy(current: dict[str, int], given: Any) -> dict[str, int]:
    if not isinstance(given, dict):
        raise ValidationError({"sla_policy": _("Give the service levels as an object.")})
    errors: dict[str, str] = {}
    for key in set(given) - set(DEFAULT_SLA_POLICY):
        errors[f"sla_policy.{key}"] = _("Unknown service level “%(k)s”.") % {"k": key}
    cleaned: dict[str, int] = {}
    for key, default in DEFAULT_SLA_POLICY.items():
        number = _whole_number(given.get(key, current.get(key, default)))
        unit = "hours" if key.endswith("_hours") else "days"
        # Only the approval buffer may be zero: every other clock needs some time.
        least = 0 if key == "final_approval_buffer_business_days" else 1
        if number is None or not least <= number <= SLA_MAXIMUM[unit]:
            errors[f"sla_policy.{key}"] = _("Give a whole number from %(least)s to %(most)s.") % {
                "least": least,
                "most": SLA_MAXIMUM[unit],
            }
            continue
        cleaned[key] = number
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_workspace_settings(workspace: Workspace, values: dict[str, Any]) -> dict[str, Any]:
    """Check new settings (all or some of ``SETTINGS_FIELDS``) and return them cleaned.

    Thresholds and service levels may be given in part; the rest keeps its current value.
    """
    errors: dict[str, Any] = {}
    cleaned: dict[str, Any] = {}
    for key in set(values) - set(SETTINGS_FIELDS):
        errors[key] = _("Unknown setting.")
    if "name" in values:
        name = str(values["name"] or "").strip()
        if not name:
            errors["name"] = _("Give the workspace a name.")
        elif len(name) > 120:
            errors["name"] = _("Keep the name under 120 characters.")
        cleaned["name"] = name
    if "country" in values:
        country = str(values["country"] or "").strip().upper()
        if country not in dict(holiday_countries()):
            errors["country"] = _(
                "“%(c)s” is not a country whose holidays Rapport knows; use a two-letter code "
                "such as US, GB or FR."
            ) % {"c": country}
        cleaned["country"] = country
    if "time_zone" in values:
        time_zone = str(values["time_zone"] or "").strip()
        if time_zone not in zoneinfo.available_timezones():
            errors["time_zone"] = _(
                "“%(tz)s” is not a time zone; use a name such as America/New_York or Europe/Paris."
            ) % {"tz": time_zone}
        cleaned["time_zone"] = time_zone
    if "default_currency" in values:
        currency = str(values["default_currency"] or "").strip().upper()
        if not is_currency(currency):
            errors["default_currency"] = _(
                "“%(c)s” is not a currency code: use an ISO code such as USD, EUR or GBP."
            ) % {"c": currency}
        cleaned["default_currency"] = currency
    if "er_denominator" in values:
        if values["er_denominator"] not in ErDenominator.values:
            errors["er_denominator"] = _("Choose reach or impressions.")
        cleaned["er_denominator"] = values["er_denominator"]
    if "hub_days_after_close" in values:
        days = _whole_number(values["hub_days_after_close"])
        least, most = HUB_DAYS_RANGE
        if days is None or not least <= days <= most:
            errors["hub_days_after_close"] = _(
                "Give the number of days hub links stay open after a collaboration ends, as a "
                "whole number from %(least)s to %(most)s."
            ) % {"least": least, "most": most}
        cleaned["hub_days_after_close"] = days
    if "tracking_domains" in values:
        from rapport.tracking.services.links import clean_tracking_domains

        try:
            cleaned["tracking_domains"] = clean_tracking_domains(values["tracking_domains"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "attribution_days" in values:
        days = _whole_number(values["attribution_days"])
        least, most = ATTRIBUTION_DAYS_RANGE
        if days is None or not least <= days <= most:
            errors["attribution_days"] = _(
                "The attribution window is a whole number of days, %(least)s to %(most)s."
            ) % {"least": least, "most": most}
        cleaned["attribution_days"] = days
    for key, clean in (("tier_thresholds", _clean_thresholds), ("sla_policy", _clean_sla_policy)):
        if key in values:
            try:
                cleaned[key] = clean(getattr(workspace, key), values[key])
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def update_workspace_settings(
    *, workspace: Workspace, actor: User | None, **values: Any
) -> Workspace:
    """Change the workspace's settings; each change is audited, new thresholds re-tier creators."""
    from rapport.creators.services import retier_workspace

    cleaned = clean_workspace_settings(workspace, values)
    changes = diff(workspace, cleaned)
    if not changes:
        return workspace
    for name, value in cleaned.items():
        setattr(workspace, name, value)
    workspace.save(update_fields=list(changes))
    record(
        workspace=workspace,
        actor=actor,
        kind="workspace.settings_changed",
        summary=_("Settings changed: %(fields)s") % {"fields": ", ".join(sorted(changes))},
        obj=workspace,
        changes=changes,
    )
    if "tier_thresholds" in changes:
        retier_workspace(workspace)
    return workspace


def update_personal_settings(*, user: User, name: str, time_zone: str, language: str) -> User:
    """A member's own name, time zone and language (they follow the person to every workspace)."""
    errors = {}
    if len(name.strip()) > 150:
        errors["name"] = _("Keep your name under 150 characters.")
    if time_zone not in zoneinfo.available_timezones():
        errors["time_zone"] = _("“%(tz)s” is not a time zone.") % {"tz": time_zone}
    if language not in dict(settings.LANGUAGES):
        errors["language"] = _("Rapport does not speak “%(l)s” yet.") % {"l": language}
    if errors:
        raise ValidationError(errors)
    user.name, user.time_zone, user.language = name.strip(), time_zone, language
    user.save(update_fields=["name", "time_zone", "language"])
    return user
