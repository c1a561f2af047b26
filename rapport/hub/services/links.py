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
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from rapport.campaigns.models import Collaboration, CollabStage
from rapport.campaigns.services.collaborations import record_on_timelines
from rapport.hub.models import HubLink
from rapport.workspaces.models import User

LOOKUP_LENGTH = 24
MAC_LENGTH = 32
TOKEN_LENGTH = LOOKUP_LENGTH + MAC_LENGTH
_SALT = "rapport.hub.link"

#: How often at most a link's "last opened" time is written.
OPENED_PRECISION = dt.timedelta(minutes=1)

#: The longest reason a revocation takes.
REASON_LENGTH = 500

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
            "workspace",
            "collaboration__workspace",
            "collaboration__creator",
            "collaboration__campaign",
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


def latest_link(collaboration: Collaboration) -> HubLink | None:
    """The collaboration's newest link, revoked or not: the active one when there is one (a link
    is only issued once the previous one is revoked), else the last one to have worked."""
    return HubLink.objects.filter(collaboration=collaboration).first()


def _new_link(collaboration: Collaboration, actor: User | None) -> HubLink:
    return HubLink.objects.create(
        workspace=collaboration.workspace,
        collaboration=collaboration,
        lookup=secrets.token_urlsafe(18)[:LOOKUP_LENGTH],
        created_by=actor,
    )


def _names(collaboration: Collaboration) -> dict[str, str]:
    return {"creator": collaboration.creator.name, "campaign": collaboration.campaign.name}


def issue_link(*, collaboration: Collaboration, actor: User | None) -> HubLink:
    """The collaboration's active link, issuing one when there is none (safe to call twice at
    once: the database allows one active link per collaboration). A new link is recorded on the
    timelines (never its address)."""
    existing = active_link(collaboration)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            link = _new_link(collaboration, actor)
            record_on_timelines(
                collaboration,
                actor=actor,
                kind="hub_link.created",
                summary=_("Hub link created for %(creator)s in %(campaign)s")
                % _names(collaboration),
            )
            return link
    except IntegrityError:
        other = active_link(collaboration)
        assert other is not None
        return other


def _revoke_active(collaboration: Collaboration, actor: User | None) -> int:
    return HubLink.objects.filter(collaboration=collaboration, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )


@transaction.atomic
def rotate_link(*, collaboration: Collaboration, actor: User | None) -> HubLink:
    """Replace the collaboration's link: the current one stops working at once and a new one is
    issued (both or neither). Use it when the address reached someone it should not have."""
    # Lock the collaboration so that two rotations at once end with one active link.
    Collaboration.objects.select_for_update().filter(pk=collaboration.pk).first()
    replaced = _revoke_active(collaboration, actor)
    link = _new_link(collaboration, actor)
    record_on_timelines(
        collaboration,
        actor=actor,
        kind="hub_link.rotated",
        summary=(
            _("Hub link of %(creator)s in %(campaign)s replaced: the old link no longer opens")
            if replaced
            else _("Hub link created for %(creator)s in %(campaign)s")
        )
        % _names(collaboration),
    )
    return link


@transaction.atomic
def revoke_link(*, collaboration: Collaboration, actor: User | None, reason: str = "") -> HubLink:
    """Switch the collaboration's link off without issuing another; the creator then sees a
    friendly "no longer active" page. Raises when there is no active link."""
    if len(reason.strip()) > REASON_LENGTH:
        raise ValidationError(
            {"reason": _("Keep the reason under %(n)s characters.") % {"n": REASON_LENGTH}}
        )
    link = active_link(collaboration)
    if link is None or not _revoke_active(collaboration, actor):
        raise ValidationError({"link": _("There is no active hub link to revoke.")})
    record_on_timelines(
        collaboration,
        actor=actor,
        kind="hub_link.revoked",
        summary=_("Hub link of %(creator)s in %(campaign)s revoked") % _names(collaboration),
        reason=reason.strip(),
    )
    link.refresh_from_db()
    return link


def link_email(link: HubLink) -> tuple[str, str]:
    """The subject and plain text of the e-mail that gives the creator their hub address, in the
    active language."""
    collaboration = link.collaboration
    context = {
        "creator": collaboration.creator,
        "campaign": collaboration.campaign,
        "workspace": link.workspace,
        "owner": collaboration.owner,
        "url": url_of(link),
    }
    subject = _("Your page for %(campaign)s with %(brand)s") % {
        "campaign": collaboration.campaign.name,
        "brand": link.workspace.name,
    }
    return subject, render_to_string("hub/link_email.txt", context)


def email_link(*, collaboration: Collaboration, actor: User | None) -> HubLink:
    """E-mail the hub address to the creator's primary address, in the creator's language, with
    replies going to the collaboration's owner. Issues the link when there is none. Refused when
    the creator has no e-mail address, must not be contacted, or the link has expired."""
    creator = collaboration.creator
    errors: dict[str, str] = {}
    if creator.is_do_not_contact:
        errors["creator"] = _("%(creator)s must not be contacted: nothing was sent.") % {
            "creator": creator.name
        }
    elif not creator.primary_email:
        errors["email"] = _(
            "%(creator)s has no e-mail address to write to: add one on their profile, or copy "
            "the link and send it another way."
        ) % {"creator": creator.name}
    ends = expires_at(collaboration)
    if ends is not None and timezone.now() >= ends:
        errors["link"] = _(
            "The hub link expired on %(date)s, after the collaboration ended: nothing was sent."
        ) % {"date": ends.date().isoformat()}
    if errors:
        raise ValidationError(errors)
    link = issue_link(collaboration=collaboration, actor=actor)
    language = creator.message_language
    with translation.override(language):
        subject, text = link_email(link)
    owner = collaboration.owner
    EmailMessage(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[creator.primary_email],
        reply_to=[owner.email] if owner is not None and owner.email else None,
        headers={"Content-Language": language},
    ).send()
    record_on_timelines(
        collaboration,
        actor=actor,
        kind="hub_link.emailed",
        summary=_("Hub link e-mailed to %(creator)s for %(campaign)s") % _names(collaboration),
    )
    return link


def note_opened(link: HubLink) -> None:
    """Remember when the creator last opened the link, writing at most once a minute (one
    UPDATE, skipped entirely when the link was opened within the minute)."""
    now = timezone.now()
    recent = now - OPENED_PRECISION
    if link.last_opened_at is not None and link.last_opened_at > recent:
        return
    HubLink.objects.filter(pk=link.pk).filter(
        Q(last_opened_at__isnull=True) | Q(last_opened_at__lte=recent)
    ).update(last_opened_at=now)
    link.last_opened_at = now
