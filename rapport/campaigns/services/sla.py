"""Service-level clocks: the one implementation of every deadline Rapport keeps for creators.

A clock starts on its event (a question received, a concept or final submitted, an invoice
received, a label created), is due by the workspace's policy, turns *due soon* in the last quarter
of its time, *breached* after its due time, and stops on the event that resolves it. A breach is
acknowledged with a new deadline and a message to the creator; the first deadline stays on record
and attainment is judged on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.campaigns.models import Collaboration, Moment, SlaClock
from rapport.campaigns.queries.deliverables import creator_zone_name
from rapport.workspaces import calendar
from rapport.workspaces.models import DEFAULT_SLA_POLICY, Membership, User, Workspace
from rapport.workspaces.roles import Perm
from rapport.workspaces.services import PermissionDenied, record

# Which policy key gives each moment its allowance, and how it is counted.
_ALLOWANCE: dict[str, tuple[str, str]] = {
    Moment.FIRST_RESPONSE: ("first_response_business_days", "business_days"),
    Moment.CONCEPT_APPROVAL: ("concept_approval_business_days", "business_days"),
    Moment.FINAL_APPROVAL: ("final_approval_business_days", "business_days"),
    Moment.PAYMENT: ("payment_net_days", "calendar_days"),
    Moment.SHIPPING: ("shipping_confirmation_hours", "hours"),
}

# The role that owns each moment (PRODUCT.md "Service levels"), for reports and defaults.
OWNER_ROLE = {
    Moment.FIRST_RESPONSE: "manager",
    Moment.CONCEPT_APPROVAL: "reviewer",
    Moment.FINAL_APPROVAL: "reviewer",
    Moment.PAYMENT: "finance",
    Moment.SHIPPING: "ops",
}

DUE_SOON_SHARE = 0.25  # the last quarter of the allowed time


class ClockState(StrEnum):
    RUNNING = "running"
    DUE_SOON = "due_soon"
    BREACHED = "breached"
    MET = "met"
    MISSED = "missed"


STATE_LABELS = {
    ClockState.RUNNING: gettext_lazy("On track"),
    ClockState.DUE_SOON: gettext_lazy("Due soon"),
    ClockState.BREACHED: gettext_lazy("Breached"),
    ClockState.MET: gettext_lazy("Met"),
    ClockState.MISSED: gettext_lazy("Missed"),
}


def policy_value(workspace: Workspace, key: str) -> int:
    """The workspace's setting for ``key``, or PRODUCT.md's default."""
    return int(workspace.sla_policy.get(key, DEFAULT_SLA_POLICY[key]))


def due_time(workspace: Workspace, moment: str, started_at: dt.datetime) -> dt.datetime:
    """When a clock of ``moment`` started at ``started_at`` is due, in UTC."""
    key, unit = _ALLOWANCE[moment]
    amount = policy_value(workspace, key)
    if unit == "business_days":
        return calendar.add_business_days(
            started_at, amount, country=workspace.country, tz=workspace.time_zone
        )
    if unit == "calendar_days":
        return calendar.add_calendar_days(started_at, amount, tz=workspace.time_zone)
    return calendar.add_hours(started_at, amount)


def final_approval_deadline(
    workspace: Workspace, post_at: dt.datetime, creator_time_zone: str
) -> dt.datetime:
    """The buffer before posting: final approval is due this many business days before ``post_at``,
    at the same clock time in the creator's time zone (post Friday, approve by Wednesday)."""
    buffer = policy_value(workspace, "final_approval_buffer_business_days")
    return calendar.subtract_business_days(
        post_at,
        buffer,
        country=workspace.country,
        tz=creator_time_zone or workspace.time_zone,
    )


def due_soon_at(clock: SlaClock) -> dt.datetime:
    """When a running clock turns due soon: the last quarter of the time it has, counted from its
    start, or from the acknowledgement that gave it a new deadline.

    ``queries.sla.with_due_soon_at`` computes the same moment in the database."""
    since = clock.acknowledged_at or clock.started_at
    return clock.due_at - max(clock.due_at - since, dt.timedelta(0)) * DUE_SOON_SHARE


def state_of(clock: SlaClock, now: dt.datetime | None = None) -> ClockState:
    """Where the clock stands: judged on the original deadline once stopped, on the current one
    while it runs (an acknowledged breach runs towards its new deadline)."""
    now = now or timezone.now()
    if clock.stopped_at is not None:
        return ClockState.MET if clock.stopped_at <= clock.original_due_at else ClockState.MISSED
    if now > clock.due_at:
        return ClockState.BREACHED
    if now >= due_soon_at(clock):
        return ClockState.DUE_SOON
    return ClockState.RUNNING


@dataclass(frozen=True)
class Subject:
    """What a clock is about: ``Subject.of(submission)``."""

    type: str
    id: int

    @classmethod
    def of(cls, obj: Any) -> Subject:
        return cls(obj._meta.model_name, obj.pk)


def start_clock(
    *,
    workspace: Workspace,
    moment: str,
    subject: Subject,
    started_at: dt.datetime | None = None,
    collaboration: Collaboration | None = None,
    owner: User | None = None,
) -> SlaClock:
    """Start the clock of ``moment`` for ``subject``; a clock already running for it is kept."""
    started_at = started_at or timezone.now()
    running = SlaClock.objects.filter(
        workspace=workspace,
        moment=moment,
        subject_type=subject.type,
        subject_id=subject.id,
        stopped_at__isnull=True,
    ).first()
    if running is not None:
        return running
    due = due_time(workspace, moment, started_at)
    return SlaClock.objects.create(
        workspace=workspace,
        moment=moment,
        subject_type=subject.type,
        subject_id=subject.id,
        collaboration=collaboration,
        owner=owner,
        started_at=started_at,
        original_due_at=due,
        due_at=due,
    )


def stop_clock(
    *,
    workspace: Workspace,
    moment: str,
    subject: Subject,
    stopped_at: dt.datetime | None = None,
) -> SlaClock | None:
    """Stop the running clock of ``moment`` for ``subject`` (if any) and return it."""
    clock = SlaClock.objects.filter(
        workspace=workspace,
        moment=moment,
        subject_type=subject.type,
        subject_id=subject.id,
        stopped_at__isnull=True,
    ).first()
    if clock is None:
        return None
    clock.stopped_at = stopped_at or timezone.now()
    clock.save(update_fields=["stopped_at"])
    return clock


# What the creator is waiting for, per moment, in the words of a message to them.
WHAT_IS_LATE = {
    Moment.FIRST_RESPONSE: gettext_lazy("our answer to your question"),
    Moment.CONCEPT_APPROVAL: gettext_lazy("our feedback on your concept"),
    Moment.FINAL_APPROVAL: gettext_lazy("our approval of your final content"),
    Moment.PAYMENT: gettext_lazy("your payment"),
    Moment.SHIPPING: gettext_lazy("the tracking details of your package"),
}


def creator_time_zone(workspace: Workspace, clock: SlaClock) -> str:
    """The time zone the clock's creator reads deadlines in (the workspace's when unknown)."""
    if clock.collaboration is not None:
        return creator_zone_name(clock.collaboration)
    return workspace.time_zone or "UTC"


def may_acknowledge(membership: Membership, clock: SlaClock) -> bool:
    """The clock's owner, or anyone who runs campaigns, may own a missed deadline."""
    return clock.owner_id == membership.user_id or membership.can(Perm.MANAGE_CAMPAIGNS)


def acknowledgement_draft(*, workspace: Workspace, clock: SlaClock, new_due_at: dt.datetime) -> str:
    """The built-in message to the creator for a missed deadline, to edit before it is sent:
    their name, what is late, and the new deadline in their own time zone, in their language."""
    collaboration = clock.collaboration
    language = collaboration.creator.message_language if collaboration else None
    with translation.override(language):
        return _render_acknowledgement(workspace, clock, new_due_at)


def _render_acknowledgement(workspace: Workspace, clock: SlaClock, new_due_at: dt.datetime) -> str:
    collaboration = clock.collaboration
    return render_to_string(
        "campaigns/email/sla_acknowledgement.txt",
        {
            "creator_name": collaboration.creator.name if collaboration else "",
            "campaign": collaboration.campaign if collaboration else None,
            "what": WHAT_IS_LATE[Moment(clock.moment)],
            "new_due_at": new_due_at,
            "time_zone": creator_time_zone(workspace, clock),
            "workspace": workspace,
        },
    ).strip()


def acknowledge_breach(
    *,
    workspace: Workspace,
    actor: User,
    clock: SlaClock,
    new_due_at: dt.datetime,
    message: str,
    drafted_for: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> SlaClock:
    """Own a missed deadline: set a new one and send the message to the creator.

    Only the clock's owner or a member who runs campaigns may. The original deadline stays on the
    clock; the event goes on the creator's and the campaign's timelines; the message is e-mailed
    to the creator's primary address (when they have one).

    ``drafted_for`` is the deadline the built-in draft offered to the member was written for. A
    message left exactly as that draft is rewritten for ``new_due_at``, so that changing the
    deadline without rewriting never tells the creator the old time; a message the member edited
    is theirs and is sent as written.
    """
    membership = Membership.objects.filter(workspace=workspace, user=actor).first()
    if membership is None or not may_acknowledge(membership, clock):
        raise PermissionDenied(Perm.MANAGE_CAMPAIGNS)
    if drafted_for is not None and _same_text(
        message, acknowledgement_draft(workspace=workspace, clock=clock, new_due_at=drafted_for)
    ):
        message = acknowledgement_draft(workspace=workspace, clock=clock, new_due_at=new_due_at)
    clock = _acknowledge(
        workspace=workspace, actor=actor, clock=clock, new_due_at=new_due_at, message=message,
        now=now or timezone.now(),
    )  # fmt: skip
    collaboration = clock.collaboration
    if collaboration is not None and collaboration.creator.primary_email:
        creator = collaboration.creator
        # Sent once the new deadline is on record: a mail server that is down loses no data.
        with translation.override(creator.message_language):
            subject = _("An update on %(what)s") % {"what": WHAT_IS_LATE[Moment(clock.moment)]}
        send_mail(
            subject=subject,
            message=clock.acknowledgement,
            from_email=None,
            recipient_list=[creator.primary_email],
        )
    return clock


def _same_text(a: str, b: str) -> bool:
    """Whether two messages read the same, whatever their line endings and spacing."""
    return a.split() == b.split()


def audit_time(workspace: Workspace, value: dt.datetime) -> str:
    """``value`` as the audit log shows it: in the workspace's time zone, with the zone's name
    (e.g. "Mon 23 Nov 2026, 06:00 EST")."""
    return calendar.local_text(value, workspace.time_zone)


@transaction.atomic
def _acknowledge(
    *,
    workspace: Workspace,
    actor: User,
    clock: SlaClock,
    new_due_at: dt.datetime,
    message: str,
    now: dt.datetime,
) -> SlaClock:
    clock = (
        SlaClock.objects.select_for_update(of=("self",))
        .select_related("collaboration__creator", "collaboration__campaign")
        .get(pk=clock.pk, workspace=workspace)
    )
    errors: dict[str, str] = {}
    if clock.stopped_at is not None:
        errors["clock"] = _("This clock has already stopped; there is nothing to acknowledge.")
    elif now <= clock.due_at:
        errors["clock"] = _("This deadline has not passed yet.")
    if new_due_at <= now:
        errors["new_due_at"] = _("The new deadline must be in the future.")
    if not message.strip():
        errors["message"] = _("Say something to the creator: what happened and what comes next.")
    if errors:
        raise ValidationError(errors)
    before, message_before = clock.due_at, clock.acknowledgement
    clock.due_at = new_due_at
    clock.acknowledged_at = now
    clock.acknowledged_by = actor
    clock.acknowledgement = message.strip()
    clock.breach_sent_at = None
    clock.due_soon_sent_at = None
    clock.save()
    collaboration = clock.collaboration
    record(
        workspace=workspace,
        actor=actor,
        kind="sla.acknowledged",
        summary=_("Missed deadline acknowledged (%(moment)s); new deadline set.")
        % {"moment": clock.get_moment_display()},
        obj=clock,
        creator=collaboration.creator if collaboration else None,
        campaign=collaboration.campaign if collaboration else None,
        changes={
            "deadline": (audit_time(workspace, before), audit_time(workspace, new_due_at)),
            "message_to_the_creator": (message_before, clock.acknowledgement),
        },
        reason=_("New deadline given to the creator."),
    )
    return clock
