"""Writes and rules for workspaces, members, invitations, API tokens and the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rapport.workspaces.models import (
    ApiToken,
    AuditEvent,
    Invitation,
    Membership,
    Notification,
    User,
    Workspace,
    hash_secret,
    new_secret,
)
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


def record(
    *,
    workspace: Workspace,
    actor: User | None,
    kind: str,
    summary: str,
    obj: Any = None,
    creator: Any = None,
    changes: dict[str, tuple[Any, Any]] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Add one entry to the audit-and-activity log (the only way anything is written there)."""
    return AuditEvent.objects.create(
        workspace=workspace,
        actor=actor,
        actor_label=str(actor) if actor else _("Rapport"),
        kind=kind,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        creator=creator,
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
        raise PermissionDenied(_("%(user)s is not a member of %(ws)s.") % {
            "user": user.email, "ws": workspace.slug})
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
    """Create an invitation and e-mail its link."""
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
            {"workspace": workspace, "inviter": inviter, "link": link, "role": role},
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
    invitation = Invitation.objects.select_related("workspace").filter(
        token_hash=hash_secret(raw)
    ).first()
    return invitation if invitation and invitation.is_usable else None


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    membership, _created = Membership.objects.update_or_create(
        workspace=invitation.workspace, user=user, defaults={"role": invitation.role}
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
