"""Collaborations: a creator in a campaign, and the stages it moves through."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.campaigns.models import Collaboration, CollabStage
from rapport.workspaces.models import User
from rapport.workspaces.services import record

S = CollabStage

# The stages each stage may move to (PRODUCT.md "Lifecycles"): forward one step, the steps a
# collaboration may skip (no product to ship), one step back where work is redone, and out.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.INVITED: (S.NEGOTIATING, S.DECLINED, S.CANCELLED),
    S.NEGOTIATING: (S.CONTRACTED, S.DECLINED, S.CANCELLED),
    S.CONTRACTED: (S.BRIEFED, S.NEGOTIATING, S.CANCELLED),
    S.BRIEFED: (S.PRODUCT_SHIPPED, S.IN_PRODUCTION, S.CANCELLED),
    S.PRODUCT_SHIPPED: (S.IN_PRODUCTION, S.CANCELLED),
    S.IN_PRODUCTION: (S.IN_REVIEW, S.CANCELLED),
    S.IN_REVIEW: (S.APPROVED, S.IN_PRODUCTION, S.CANCELLED),
    S.APPROVED: (S.LIVE, S.IN_REVIEW, S.CANCELLED),
    S.LIVE: (S.REPORTED,),
    S.REPORTED: (S.PAID,),
    S.PAID: (S.CLOSED,),
    S.CLOSED: (),
    S.DECLINED: (S.NEGOTIATING,),
    S.CANCELLED: (),
}

# Leaving the line needs a reason (the creator and the team will want to know why).
NEEDS_REASON = frozenset({S.DECLINED, S.CANCELLED})


def allowed_next(stage: str) -> tuple[str, ...]:
    """The stages a collaboration in ``stage`` may move to."""
    return TRANSITIONS.get(stage, ())


@transaction.atomic
def change_stage(
    *, collaboration: Collaboration, stage: str, actor: User | None, reason: str = ""
) -> Collaboration:
    """Move ``collaboration`` to ``stage`` if the lifecycle allows it; recorded on the creator's and
    the campaign's timelines with who, when and why."""
    collaboration = Collaboration.objects.select_for_update().get(pk=collaboration.pk)
    before = collaboration.stage
    if stage not in S.values:
        raise ValidationError({"stage": _("“%(s)s” is not a collaboration stage.") % {"s": stage}})
    if stage == before:
        return collaboration
    if stage not in allowed_next(before):
        allowed = ", ".join(str(S(s).label) for s in allowed_next(before)) or _("none")
        raise ValidationError(
            {
                "stage": _(
                    "A collaboration cannot go from %(before)s to %(after)s. From %(before)s it "
                    "can go to: %(allowed)s."
                )
                % {"before": S(before).label, "after": S(stage).label, "allowed": allowed}
            }
        )
    if stage in NEEDS_REASON and not reason.strip():
        raise ValidationError({"reason": _("Say why: it stays on the creator's record.")})
    collaboration.stage = stage
    collaboration.stage_changed_at = timezone.now()
    collaboration.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    record(
        workspace=collaboration.workspace,
        actor=actor,
        kind="collaboration.stage",
        summary=_("%(creator)s in %(campaign)s: %(before)s → %(after)s")
        % {
            "creator": collaboration.creator.name,
            "campaign": collaboration.campaign.name,
            "before": S(before).label,
            "after": S(stage).label,
        },
        obj=collaboration,
        creator=collaboration.creator,
        campaign=collaboration.campaign,
        changes={"stage": (before, stage)},
        reason=reason.strip(),
    )
    return collaboration


def advance_if_allowed(
    *, collaboration: Collaboration, stage: str, actor: User | None, reason: str = ""
) -> bool:
    """Follow an event elsewhere (a submission, an approval, a shipment, a live link) on the stage:
    move to ``stage`` when the lifecycle allows it from where the collaboration is, else leave it.
    Returns whether it moved."""
    if stage not in allowed_next(collaboration.stage):
        return False
    change_stage(collaboration=collaboration, stage=stage, actor=actor, reason=reason)
    return True
