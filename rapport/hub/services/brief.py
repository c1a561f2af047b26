"""The creator and the brief on the hub: visits (for "changed since your last visit") and the
confirmation that they read a version."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.campaigns.models import BriefVersion, Collaboration
from rapport.campaigns.queries.briefs import current_version
from rapport.campaigns.services.collaborations import record_on_timelines
from rapport.hub.context import Hub
from rapport.hub.models import BriefAcknowledgement, HubState
from rapport.hub.services.team import for_the_team, tell_owner

#: A hub view more than this long after the previous one starts a new visit.
VISIT_GAP = dt.timedelta(minutes=30)


def note_visit(hub: Hub, now: dt.datetime, *, current: BriefVersion | None) -> HubState:
    """Record a view of the hub at ``now`` with ``current`` the brief version shown.

    A visit starts when the previous view was more than :data:`VISIT_GAP` ago: the version the
    creator had seen so far becomes the baseline of "changed since your last visit", and the
    current version becomes the one seen. Within a visit both stay, so a reload keeps the
    highlight. Two queries (three on the very first view)."""
    collaboration = hub.collaboration
    state, _created = HubState.objects.get_or_create(
        collaboration=collaboration, defaults={"workspace": hub.workspace}
    )
    if state.last_seen_at is None or now - state.last_seen_at > VISIT_GAP:
        state.visit_started_at = now
        state.baseline_brief_version = state.seen_brief_version
        state.seen_brief_version = current.number if current else state.seen_brief_version
    state.last_seen_at = now
    HubState.objects.filter(pk=state.pk).update(
        visit_started_at=state.visit_started_at,
        last_seen_at=now,
        baseline_brief_version=state.baseline_brief_version,
        seen_brief_version=state.seen_brief_version,
    )
    return state


@for_the_team
@transaction.atomic
def acknowledge_brief(*, collaboration: Collaboration, version_number: int) -> BriefAcknowledgement:
    """The creator confirms reading version ``version_number`` of the brief, the one they were
    shown. It must be the current version; confirming it again changes nothing. Recorded on the
    timelines with its version, and the owner is notified."""
    current = current_version(collaboration.campaign)
    if current is None:
        raise ValidationError({"brief": _("There is no published brief to confirm yet.")})
    if current.number != version_number:
        raise ValidationError(
            {
                "brief": _(
                    "Version %(n)s of the brief was published in the meantime: read it, then "
                    "confirm again."
                )
                % {"n": current.number}
            }
        )
    existing = BriefAcknowledgement.objects.filter(
        collaboration=collaboration, version=current
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            acknowledgement = BriefAcknowledgement.objects.create(
                workspace=collaboration.workspace,
                collaboration=collaboration,
                version=current,
                acknowledged_at=timezone.now(),
            )
    except IntegrityError:  # confirmed twice at once: the first one counts
        return BriefAcknowledgement.objects.get(collaboration=collaboration, version=current)
    summary = _("%(creator)s acknowledged brief version %(n)s") % {
        "creator": collaboration.creator.name,
        "n": current.number,
    }
    record_on_timelines(
        collaboration,
        actor=None,
        kind="brief.acknowledged",
        summary=summary,
        obj=acknowledgement,
        changes={"brief version": (None, current.number)},
    )
    tell_owner(
        collaboration,
        lambda: (
            _("%(creator)s acknowledged brief version %(n)s of %(campaign)s.")
            % {
                "creator": collaboration.creator.name,
                "n": current.number,
                "campaign": collaboration.campaign.name,
            }
        ),
    )
    return acknowledgement
