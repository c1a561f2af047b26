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
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.campaigns.models import Collaboration, Moment, SlaClock
from rapport.workspaces import calendar
from rapport.workspaces.models import DEFAULT_SLA_POLICY, User, Workspace
from rapport.workspaces.services import record

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
        return calendar.add_calendar_days(started_at, amount)
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


def state_of(clock: SlaClock, now: dt.datetime | None = None) -> ClockState:
    """Where the clock stands: judged on the original deadline once stopped, on the current one
    while it runs (an acknowledged breach runs towards its new deadline)."""
    now = now or timezone.now()
    if clock.stopped_at is not None:
        return ClockState.MET if clock.stopped_at <= clock.original_due_at else ClockState.MISSED
    if now > clock.due_at:
        return ClockState.BREACHED
    window = (clock.due_at - clock.started_at).total_seconds()
    if (clock.due_at - now).total_seconds() <= max(window * DUE_SOON_SHARE, 0):
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


@transaction.atomic
def acknowledge_breach(
    *,
    workspace: Workspace,
    actor: User,
    clock: SlaClock,
    new_due_at: dt.datetime,
    message: str,
    now: dt.datetime | None = None,
) -> SlaClock:
    """Own a missed deadline: set a new one and record the message sent to the creator.

    The original deadline stays on the clock; the event goes on the collaboration's timelines.
    """
    now = now or timezone.now()
    clock = SlaClock.objects.select_for_update().get(pk=clock.pk, workspace=workspace)
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
    before = clock.due_at
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
        changes={"due_at": (before.isoformat(), new_due_at.isoformat())},
        reason=clock.acknowledgement,
    )
    return clock
