"""Platform connections: adding a YouTube API key or an Instagram access token, changing one,
switching it off, deleting it, testing it, and keeping its status (last used, last error, paused).

The credential is write-only: it is stored encrypted, never shown back, never written to the
audit log nor to an error message. An Instagram connection names the business account its token
belongs to (``account_id``); a connection may belong to one creator (their own token, which reads
their own posts' insights) or to the brand.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.creators.models import Creator
from rapport.performance.connectors import instagram, youtube
from rapport.performance.connectors.http import ConnectorError, PlatformClient, RateLimited, Wire
from rapport.performance.models import PlatformConnection, Provider
from rapport.workspaces.models import User, Workspace
from rapport.workspaces.services import diff, record

CREDENTIAL_MIN = 20
CREDENTIAL_MAX = 1000
ACCOUNT_ID = re.compile(r"^\d{5,30}$")
FIELDS = {"label", "credential", "account_id", "is_active"}
# What the audit log shows for a changed credential: that it changed, nothing of it.
REPLACED = "\N{BULLET}" * 8


@dataclass(frozen=True)
class Status:
    """A connection's state in one word (``ok``, ``off``, ``paused``, ``error``,
    ``needs_credential``) and in a sentence."""

    code: str
    text: str


def status_of(connection: PlatformConnection, *, now: dt.datetime | None = None) -> Status:
    """What the connection's page and API say of it."""
    now = now or timezone.now()
    if not connection.is_active:
        return Status("off", _("Switched off: nothing is refreshed with it."))
    if not connection.credential:
        return Status(
            "needs_credential",
            _(
                "Its key or token can no longer be read (the server's secret key changed): "
                "paste it again."
            ),
        )
    if connection.paused_until and connection.paused_until > now:
        return Status("paused", _("Paused: the platform asked to slow down."))
    if connection.last_error:
        return Status("error", _("The last call failed."))
    return Status("ok", _("Working."))


def _clean(values: dict[str, Any], *, provider: str) -> dict[str, Any]:
    """The given fields, cleaned; a ValidationError names each field at fault."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if "label" in values:
        cleaned["label"] = (values["label"] or "").strip()
        if len(cleaned["label"]) > 120:
            errors["label"] = _("A name has at most 120 characters.")
    if "credential" in values:
        credential = (values["credential"] or "").strip()
        cleaned["credential"] = credential
        if not credential:
            errors["credential"] = (
                _("Paste the YouTube API key.")
                if provider == Provider.YOUTUBE
                else _("Paste the Instagram access token.")
            )
        elif any(ch.isspace() for ch in credential):
            errors["credential"] = _("A key or token has no spaces: copy it again, whole.")
        elif not CREDENTIAL_MIN <= len(credential) <= CREDENTIAL_MAX:
            errors["credential"] = _(
                "A key or token has between %(min)s and %(max)s characters (this one has "
                "%(n)s): copy it again, whole."
            ) % {"min": CREDENTIAL_MIN, "max": CREDENTIAL_MAX, "n": len(credential)}
    if "account_id" in values:
        account_id = (values["account_id"] or "").strip()
        cleaned["account_id"] = account_id if provider == Provider.INSTAGRAM else ""
        if provider == Provider.INSTAGRAM and not ACCOUNT_ID.match(account_id):
            errors["account_id"] = _(
                "Give the Instagram business account id: the number (such as 17841400000000000) "
                "that the Graph API shows for the account, not its @name."
            )
    if "is_active" in values:
        cleaned["is_active"] = bool(values["is_active"])
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def create_connection(
    *,
    workspace: Workspace,
    actor: User | None,
    provider: str,
    credential: str,
    account_id: str = "",
    label: str = "",
    creator: Creator | None = None,
) -> PlatformConnection:
    """Connect a platform: a YouTube API key, or an Instagram token with the business account id
    it belongs to; for the brand, or for one creator (``creator``)."""
    if provider not in Provider.values:
        raise ValidationError({"provider": _("Choose YouTube or Instagram.")})
    if creator is not None and creator.workspace_id != workspace.pk:
        raise ValidationError({"creator": _("This creator is not in this workspace.")})
    cleaned = _clean(
        {"label": label, "credential": credential, "account_id": account_id}, provider=provider
    )
    connection = PlatformConnection.objects.create(
        workspace=workspace, provider=provider, creator=creator, **cleaned
    )
    record(
        workspace=workspace,
        actor=actor,
        kind="connection.created",
        summary=_("Connected %(what)s") % {"what": _describe(connection)},
        obj=connection,
        creator=creator,
    )
    return connection


@transaction.atomic
def update_connection(
    *, connection: PlatformConnection, actor: User | None, **values: Any
) -> PlatformConnection:
    """Change the given fields (``label``, ``credential``, ``account_id``, ``is_active``). An
    empty ``credential`` keeps the current one; a new one clears the last error and any pause."""
    unknown = set(values) - FIELDS
    if unknown:
        raise TypeError(f"Unknown connection fields: {sorted(unknown)}")
    if not (values.get("credential") or "").strip():
        values.pop("credential", None)
    cleaned = _clean(values, provider=connection.provider)
    changes = diff(connection, cleaned)
    if not changes:
        return connection
    for name, value in cleaned.items():
        setattr(connection, name, value)
    if "credential" in changes:
        changes["credential"] = ("", REPLACED)
        connection.last_error, connection.last_error_at, connection.paused_until = "", None, None
    connection.save()
    record(
        workspace=connection.workspace,
        actor=actor,
        kind="connection.updated",
        summary=_("Changed %(what)s") % {"what": _describe(connection)},
        obj=connection,
        creator=connection.creator,
        changes=changes,
    )
    return connection


@transaction.atomic
def delete_connection(*, connection: PlatformConnection, actor: User | None) -> None:
    """Delete a connection and its credential; the figures it brought stay."""
    what = _describe(connection)
    record(
        workspace=connection.workspace,
        actor=actor,
        kind="connection.deleted",
        summary=_("Removed %(what)s") % {"what": what},
        creator=connection.creator,
    )
    connection.delete()


def api_client(connection: PlatformConnection, *, wire: Wire | None = None) -> PlatformClient:
    """A client for the connection's platform with its credential."""
    if connection.provider == Provider.YOUTUBE:
        return youtube.client(connection.credential, wire=wire)
    return instagram.client(connection.credential, wire=wire)


def test_connection(
    *, connection: PlatformConnection, actor: User | None, wire: Wire | None = None
) -> tuple[bool, str]:
    """Make one cheap call with the connection; store the outcome like a refresh would and
    return whether it worked and what to tell the user."""
    if not connection.credential:
        return False, status_of(connection).text
    try:
        with api_client(connection, wire=wire) as api:
            if connection.provider == Provider.YOUTUBE:
                message = youtube.check(api)
            else:
                message = instagram.check(api, connection.account_id)
    except ConnectorError as exc:
        note_failure(connection, exc)
        return False, exc.message
    note_success(connection)
    record(
        workspace=connection.workspace,
        actor=actor,
        kind="connection.tested",
        summary=_("Tested %(what)s: it works") % {"what": _describe(connection)},
        obj=connection,
    )
    return True, message


def note_success(connection: PlatformConnection) -> None:
    """The connection just answered: last used now, no error, no pause."""
    connection.last_used_at = timezone.now()
    connection.last_error, connection.last_error_at, connection.paused_until = "", None, None
    connection.save(update_fields=["last_used_at", "last_error", "last_error_at", "paused_until"])


def note_failure(connection: PlatformConnection, exc: ConnectorError) -> None:
    """Keep the error on the connection; a rate limit pauses it until the platform allows."""
    now = timezone.now()
    connection.last_used_at = now
    connection.last_error, connection.last_error_at = exc.message, now
    fields = ["last_used_at", "last_error", "last_error_at"]
    if isinstance(exc, RateLimited):
        connection.paused_until = exc.until
        fields.append("paused_until")
    connection.save(update_fields=fields)


def _describe(connection: PlatformConnection) -> str:
    name = connection.get_provider_display()
    if connection.label:
        name = f"{name} “{connection.label}”"
    if connection.creator_id:
        return _("%(name)s for %(creator)s") % {"name": name, "creator": connection.creator}
    return name
