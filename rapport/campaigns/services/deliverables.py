"""Deliverables: what a creator owes, when it posts, the reviews it needs, and where it went live.

Posting dates are entered in the creator's time zone (theirs, else the workspace's) and stored in
UTC; the final-approval deadline is computed from the posting date with the workspace's buffer and
recomputed whenever the posting date moves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.campaigns.models import (
    ApprovalStage,
    Collaboration,
    CollabStage,
    Deliverable,
    DeliverableKind,
)
from rapport.campaigns.queries import briefs
from rapport.campaigns.queries.deliverables import creator_zone_name
from rapport.campaigns.services import sla
from rapport.campaigns.services.collaborations import advance_if_allowed, record_on_timelines
from rapport.creators.models import Platform
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import User
from rapport.workspaces.services import diff

EDITABLE = (
    "kind",
    "platform",
    "quantity",
    "description",
    "approval_stages",
    "post_at",
    "post_until",
    "disclosure",
)
http_url = URLValidator(schemes=["http", "https"])


def in_creator_zone(collaboration: Collaboration, moment: dt.datetime | None) -> dt.datetime | None:
    """``moment`` as an aware datetime: a naive one is read as the creator's local time."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, zone(creator_zone_name(collaboration)))


def _clean(collaboration: Collaboration, values: dict[str, Any]) -> dict[str, Any]:
    """Check a deliverable's fields (all of them) and return them cleaned."""
    errors: dict[str, str] = {}
    if values["kind"] not in DeliverableKind.values:
        errors["kind"] = _("Choose the type of content.")
    if values["platform"] not in Platform.values:
        errors["platform"] = _("Choose the platform it is posted on.")
    quantity = values["quantity"]
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= 1000:
        errors["quantity"] = _("The quantity is a whole number from 1 to 1000.")
    stages = values["approval_stages"]
    unknown = [s for s in stages if s not in ApprovalStage.values]
    if unknown:
        errors["approval_stages"] = _("Unknown approval stage: %(s)s. Use %(all)s.") % {
            "s": ", ".join(map(str, unknown)),
            "all": ", ".join(ApprovalStage.values),
        }
    values["approval_stages"] = [s for s in ApprovalStage.values if s in stages]
    post_at = in_creator_zone(collaboration, values["post_at"])
    post_until = in_creator_zone(collaboration, values["post_until"])
    if post_until is not None and post_at is None:
        errors["post_until"] = _("Give the start of the posting window first.")
    elif post_until is not None and post_at is not None and post_until <= post_at:
        errors["post_until"] = _("The posting window must end after it starts.")
    values["post_at"], values["post_until"] = post_at, post_until
    values["description"] = (values["description"] or "").strip()
    values["disclosure"] = (values["disclosure"] or "").strip()
    if len(values["disclosure"]) > 300:
        errors["disclosure"] = _("Keep the disclosure under 300 characters.")
    if errors:
        raise ValidationError(errors)
    return values


def _final_approval_due(collaboration: Collaboration, post_at: dt.datetime | None) -> Any:
    if post_at is None:
        return None
    return sla.final_approval_deadline(
        collaboration.workspace, post_at, creator_zone_name(collaboration)
    )


def _record(
    deliverable: Deliverable, actor: User | None, kind: str, summary: str, **kw: Any
) -> None:
    collaboration = deliverable.collaboration
    record_on_timelines(
        collaboration,
        actor=actor,
        kind=kind,
        summary=summary,
        obj=deliverable,
        **kw,
    )


@transaction.atomic
def create_deliverable(
    *,
    collaboration: Collaboration,
    actor: User | None,
    kind: str,
    platform: str,
    quantity: int = 1,
    description: str = "",
    approval_stages: list[str] | None = None,
    post_at: dt.datetime | None = None,
    post_until: dt.datetime | None = None,
    disclosure: str | None = None,
) -> Deliverable:
    """Add a deliverable to ``collaboration``. Approval stages and the disclosure default to the
    brief's; naive posting times are the creator's local time."""
    campaign = collaboration.campaign
    values = _clean(
        collaboration,
        {
            "kind": kind,
            "platform": platform,
            "quantity": quantity,
            "description": description,
            "approval_stages": (
                briefs.approval_stages_for(campaign) if approval_stages is None else approval_stages
            ),
            "post_at": post_at,
            "post_until": post_until,
            "disclosure": briefs.disclosure_for(campaign) if disclosure is None else disclosure,
        },
    )
    deliverable = Deliverable.objects.create(
        workspace=collaboration.workspace,
        collaboration=collaboration,
        final_approval_due=_final_approval_due(collaboration, values["post_at"]),
        **values,
    )
    _record(
        deliverable,
        actor,
        "deliverable.created",
        _("%(creator)s owes %(n)s x %(what)s")
        % {
            "creator": collaboration.creator.name,
            "n": deliverable.quantity,
            "what": deliverable,
        },
        changes={
            name: (None, values[name]) for name in ("kind", "platform", "quantity", "post_at")
        },
    )
    return deliverable


@transaction.atomic
def update_deliverable(
    *, deliverable: Deliverable, actor: User | None, reason: str = "", **values: Any
) -> Deliverable:
    """Change the fields given; a new posting date recomputes the final-approval deadline."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    collaboration = deliverable.collaboration
    merged = _clean(
        collaboration, {name: values.get(name, getattr(deliverable, name)) for name in EDITABLE}
    )
    changes = diff(deliverable, merged)
    if not changes:
        return deliverable
    if "post_at" in changes:
        merged["final_approval_due"] = _final_approval_due(collaboration, merged["post_at"])
        changes.update(diff(deliverable, {"final_approval_due": merged["final_approval_due"]}))
    for name, value in merged.items():
        setattr(deliverable, name, value)
    deliverable.save()
    _record(
        deliverable,
        actor,
        "deliverable.changed",
        _("%(what)s of %(creator)s changed: %(fields)s")
        % {
            "what": deliverable,
            "creator": collaboration.creator.name,
            "fields": ", ".join(sorted(changes)),
        },
        changes=changes,
        reason=reason.strip(),
    )
    return deliverable


@transaction.atomic
def record_live(
    *,
    deliverable: Deliverable,
    actor: User | None,
    live_url: str,
    went_live_at: dt.datetime | None = None,
    disclosure_checked: bool = False,
) -> Deliverable:
    """Note where and when the content went live and whether its disclosure was checked. When
    every deliverable of the collaboration is live, the collaboration moves to live."""
    live_url = (live_url or "").strip()
    errors: dict[str, str] = {}
    try:
        http_url(live_url)
    except ValidationError:
        errors["live_url"] = _("Give the post's full address, starting with https://.")
    went_live_at = in_creator_zone(deliverable.collaboration, went_live_at) or timezone.now()
    if went_live_at > timezone.now() + dt.timedelta(minutes=5):
        errors["went_live_at"] = _("A post cannot have gone live in the future.")
    if errors:
        raise ValidationError(errors)
    after = {
        "live_url": live_url,
        "went_live_at": went_live_at,
        "disclosure_checked": bool(disclosure_checked),
    }
    changes = diff(deliverable, after)
    if not changes:
        return deliverable
    for name, value in after.items():
        setattr(deliverable, name, value)
    deliverable.save(update_fields=list(after))
    collaboration = deliverable.collaboration
    _record(
        deliverable,
        actor,
        "deliverable.live",
        _("%(what)s of %(creator)s is live")
        % {
            "what": deliverable,
            "creator": collaboration.creator.name,
        },
        changes=changes,
    )
    from rapport.performance.services.posts import ensure_post_for_live  # imports this module

    ensure_post_for_live(deliverable, actor=actor)
    pending = Deliverable.objects.filter(collaboration=collaboration, went_live_at__isnull=True)
    if not pending.exists():
        advance_if_allowed(
            collaboration=Collaboration.objects.get(pk=collaboration.pk),
            stage=CollabStage.LIVE,
            actor=actor,
            reason=_("Every deliverable is live."),
        )
    return deliverable
