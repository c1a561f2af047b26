"""Reminders: due-soon and breach notices to a clock's owner, the daily digest of each member, and
the end-of-week recap to a creator.

The sweep and the digests run in the background (``tasks.sweep_task``, every few minutes from
``rapport worker``, or ``rapport sweep`` from cron). Each notice goes out once: the clock or the
membership is claimed with a conditional UPDATE before anything is sent, so two sweeps running at
the same moment never send the same notice twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rapport.campaigns.models import Collaboration, SlaClock
from rapport.campaigns.queries import sla as sla_queries
from rapport.campaigns.queries import weekly as weekly_queries
from rapport.campaigns.services.sla import STATE_LABELS, ClockState
from rapport.workspaces import calendar
from rapport.workspaces.models import Membership, User, Workspace
from rapport.workspaces.services import notify, record

log = logging.getLogger(__name__)

# The digest goes out from this local hour on, once per local day.
DIGEST_HOUR = 7


@dataclass
class SweepResult:
    due_soon: int = 0
    breached: int = 0
    digests: int = 0


def collaboration_url(clock: SlaClock) -> str:
    """Where a clock is dealt with: its collaboration's page, else the service-levels page."""
    ws = clock.workspace.slug
    if clock.collaboration_id:
        return reverse("campaigns:collaboration", kwargs={"ws": ws, "pk": clock.collaboration_id})
    return reverse("campaigns:service_levels", kwargs={"ws": ws})


def _recipient(clock: SlaClock) -> User | None:
    """The clock's owner, else the owner of its collaboration."""
    if clock.owner is not None:
        return clock.owner
    return clock.collaboration.owner if clock.collaboration else None


def _tell_owner(clock: SlaClock, state: ClockState) -> None:
    user = _recipient(clock)
    if user is None or not user.is_active:
        return
    with translation.override(user.language):
        creator = clock.collaboration.creator.name if clock.collaboration else ""
        text = _("%(state)s: %(moment)s%(for)s, due %(due)s.") % {
            "state": STATE_LABELS[state],
            "moment": clock.get_moment_display(),
            "for": _(" for %(creator)s") % {"creator": creator} if creator else "",
            "due": calendar.local_text(clock.due_at, user.time_zone),
        }
        url = collaboration_url(clock)
        notify(workspace=clock.workspace, recipients=[user], text=text, url=url)
        send_mail(
            subject=text,
            message=render_to_string(
                "campaigns/email/sla_reminder.txt",
                {
                    "user": user,
                    "clock": clock,
                    "breached": state == ClockState.BREACHED,
                    "creator": creator,
                    "due": calendar.local_text(clock.due_at, user.time_zone),
                    "link": settings.RAPPORT_BASE_URL + url,
                },
            ),
            from_email=None,
            recipient_list=[user.email],
        )


def sweep_clocks(now: dt.datetime | None = None) -> SweepResult:
    """Tell owners about clocks that turned breached or due soon since the last sweep (once
    each; a breach makes the due-soon notice pointless, so it is not sent afterwards)."""
    now = now or timezone.now()
    result = SweepResult()
    base = SlaClock.objects.filter(stopped_at__isnull=True).select_related(
        "workspace", "owner", "collaboration__creator", "collaboration__owner"
    )
    for clock in base.filter(breach_sent_at__isnull=True, due_at__lt=now).order_by("due_at"):
        claimed = SlaClock.objects.filter(pk=clock.pk, breach_sent_at__isnull=True).update(
            breach_sent_at=now, due_soon_sent_at=clock.due_soon_sent_at or now
        )
        if claimed:
            _tell_owner(clock, ClockState.BREACHED)
            result.breached += 1
    due_soon = sla_queries.in_state(
        base.filter(due_soon_sent_at__isnull=True), ClockState.DUE_SOON, now
    )
    for clock in due_soon.order_by("due_at"):
        claimed = SlaClock.objects.filter(pk=clock.pk, due_soon_sent_at__isnull=True).update(
            due_soon_sent_at=now
        )
        if claimed:
            _tell_owner(clock, ClockState.DUE_SOON)
            result.due_soon += 1
    return result


@dataclass
class Digest:
    """One member's morning summary in one workspace."""

    membership: Membership
    for_you: weekly_queries.ForYou
    approvals: list[object]

    @property
    def empty(self) -> bool:
        return self.for_you.empty and not self.approvals


def digest_for(membership: Membership, now: dt.datetime) -> Digest:
    """What the member owns that is due today or overdue, and the approvals waiting on them
    (submissions in campaigns where they are the decision-maker or a delegate)."""
    user, workspace = membership.user, membership.workspace
    week = weekly_queries.Week.around(now, user.time_zone)
    approvals = weekly_queries.pending_approvals(workspace).filter(
        Q(deliverable__collaboration__campaign__decision_maker=user)
        | Q(deliverable__collaboration__campaign__delegates=user)
    )
    return Digest(
        membership=membership,
        for_you=weekly_queries.for_member(workspace, user=user, week=week),
        approvals=list(approvals.distinct()),
    )


def send_digests(now: dt.datetime | None = None) -> int:
    """Send each member their daily digest, once per day, from ``DIGEST_HOUR`` in their own time
    zone. A day with nothing to report is marked done without an e-mail. Returns e-mails sent."""
    now = now or timezone.now()
    sent = 0
    memberships = Membership.objects.filter(user__is_active=True).select_related(
        "user", "workspace"
    )
    for membership in memberships.order_by("id"):
        local = now.astimezone(calendar.zone(membership.user.time_zone))
        today = local.date()
        if local.hour < DIGEST_HOUR or membership.last_digest_on == today:
            continue
        claimed = (
            Membership.objects.filter(pk=membership.pk)
            .filter(Q(last_digest_on__isnull=True) | Q(last_digest_on__lt=today))
            .update(last_digest_on=today)
        )
        if not claimed:
            continue
        digest = digest_for(membership, now)
        if digest.empty:
            continue
        _send_digest(digest, today)
        sent += 1
    return sent


def _send_digest(digest: Digest, today: dt.date) -> None:
    user, workspace = digest.membership.user, digest.membership.workspace
    with translation.override(user.language):
        base = settings.RAPPORT_BASE_URL
        send_mail(
            subject=_("%(ws)s: your day on Rapport") % {"ws": workspace.name},
            message=render_to_string(
                "campaigns/email/daily_digest.txt",
                {
                    "user": user,
                    "workspace": workspace,
                    "digest": digest,
                    "time_zone": user.time_zone,
                    "weekly_link": base
                    + reverse("campaigns:weekly", kwargs={"ws": workspace.slug}),
                    "today": today,
                },
            ),
            from_email=None,
            recipient_list=[user.email],
        )


def sweep(now: dt.datetime | None = None) -> SweepResult:
    """One pass of the background work: clock notices, then the digests that are due."""
    result = sweep_clocks(now)
    result.digests = send_digests(now)
    return result


def send_recap(
    *,
    workspace: Workspace,
    actor: User,
    collaboration: Collaboration,
    now: dt.datetime | None = None,
) -> str:
    """E-mail the creator this week's recap (next steps, payment status) and record it on the
    creator's and the campaign's timelines. Returns the message sent."""
    now = now or timezone.now()
    creator = collaboration.creator
    if not creator.primary_email:
        raise ValidationError(
            {
                "collaboration": _(
                    "%(name)s has no e-mail address: add one to their profile to send a recap."
                )
                % {"name": creator.name}
            }
        )
    collaboration = weekly_queries.with_review_history(
        Collaboration.objects.filter(pk=collaboration.pk, workspace=workspace).select_related(
            "creator", "campaign", "workspace"
        )
    ).get()
    with translation.override(creator.message_language):
        message = render_to_string(
            "campaigns/email/weekly_recap.txt",
            {
                "collaboration": collaboration,
                "creator": creator,
                "steps": weekly_queries.next_steps(collaboration, now=now),
                "workspace": workspace,
            },
        ).strip()
        subject = _("%(campaign)s: where things stand this week") % {
            "campaign": collaboration.campaign.name
        }
    send_mail(
        subject=subject,
        message=message,
        from_email=None,
        recipient_list=[creator.primary_email],
    )
    record(
        workspace=workspace,
        actor=actor,
        kind=weekly_queries.RECAP_SENT,
        summary=_("Weekly recap sent to %(name)s") % {"name": creator.name},
        obj=collaboration,
        creator=creator,
        campaign=collaboration.campaign,
    )
    return message
