"""Hub links: issuing, resolving, rotating and revoking the one personal link per collaboration.

A token is ``<lookup><mac>``: ``lookup`` is 24 random URL-safe characters stored on the
:class:`~rapport.hub.models.HubLink`; ``mac`` is an HMAC of it under the site's secret key. A token
is resolved by its lookup and accepted only when the MAC matches (compared in constant time), so
the database never holds a working link and no id appears in it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from rapport.campaigns.models import Collaboration, CollabStage
from rapport.hub.models import HubLink
from rapport.workspaces.models import User

LOOKUP_LENGTH = 24
MAC_LENGTH = 32
TOKEN_LENGTH = LOOKUP_LENGTH + MAC_LENGTH
_SALT = "rapport.hub.link"

#: Stages after which a collaboration counts as over; its link expires some days later.
ENDED_STAGES = frozenset({CollabStage.CLOSED, CollabStage.DECLINED, CollabStage.CANCELLED})


class LinkState(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"
    EXPIRED = "expired"


def _mac(lookup: str) -> str:
    return salted_hmac(_SALT, lookup, algorithm="sha256").hexdigest()[:MAC_LENGTH]


def token_of(link: HubLink) -> str:
    """The secret token of ``link`` (what goes into its address)."""
    return link.lookup + _mac(link.lookup)


def url_of(link: HubLink) -> str:
    """The full address of ``link``, to copy or send to the creator."""
    return settings.RAPPORT_BASE_URL + reverse("hub:page", args=[token_of(link)])


def resolve(token: str) -> HubLink | None:
    """The link a token names, revoked or not; None when the token is malformed, unknown or
    forged. The caller decides what a revoked or expired link shows."""
    if len(token) != TOKEN_LENGTH:
        return None
    lookup, mac = token[:LOOKUP_LENGTH], token[LOOKUP_LENGTH:]
    if not constant_time_compare(mac, _mac(lookup)):
        return None
    return (
        HubLink.objects.select_related(
            "workspace", "collaboration__creator", "collaboration__campaign"
        )
        .filter(lookup=lookup)
        .first()
    )


def expires_at(collaboration: Collaboration) -> dt.datetime | None:
    """When the collaboration's hub link stops working: the workspace's number of days after the
    collaboration ended, or None while it runs."""
    if collaboration.stage not in ENDED_STAGES or collaboration.stage_changed_at is None:
        return None
    days = collaboration.workspace.hub_days_after_close
    return collaboration.stage_changed_at + dt.timedelta(days=days)


def state_of(link: HubLink, now: dt.datetime | None = None) -> LinkState:
    """Whether ``link`` opens its collaboration now."""
    if link.revoked_at is not None:
        return LinkState.REVOKED
    ends = expires_at(link.collaboration)
    if ends is not None and (now or timezone.now()) >= ends:
        return LinkState.EXPIRED
    return LinkState.ACTIVE


def active_link(collaboration: Collaboration) -> HubLink | None:
    """The collaboration's current link, if one was issued and not revoked."""
    return HubLink.objects.filter(collaboration=collaboration, revoked_at__isnull=True).first()


def issue_link(*, collaboration: Collaboration, actor: User | None) -> HubLink:
    """The collaboration's active link, issuing one when there is none (safe to call twice at
    once: the database allows one active link per collaboration)."""
    existing = active_link(collaboration)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return HubLink.objects.create(
                workspace=collaboration.workspace,
                collaboration=collaboration,
                lookup=secrets.token_urlsafe(18)[:LOOKUP_LENGTH],
                created_by=actor,
            )
    except IntegrityError:
        link = active_link(collaboration)
        assert link is not None
        return link
