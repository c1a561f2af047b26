"""Collaborations: a creator in a campaign, the stages it moves through, who owns it, the
invitations that start it (with the do-not-contact and exclusivity checks) and the questions a
creator asks (the first-response service moment)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from rapport.campaigns.models import (
    AddOnKind,
    Campaign,
    Collaboration,
    CollabStage,
    Moment,
    Question,
)
from rapport.campaigns.services import sla
from rapport.creators.models import Creator
from rapport.workspaces.models import AuditEvent, Membership, User, Workspace
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


def record_on_timelines(
    collaboration: Collaboration,
    *,
    actor: User | None,
    kind: str,
    summary: str,
    obj: Any = None,
    changes: dict[str, tuple[Any, Any]] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Record an event of ``collaboration`` on the creator's and the campaign's timelines."""
    return record(
        workspace=collaboration.workspace,
        actor=actor,
        kind=kind,
        summary=summary,
        obj=collaboration if obj is None else obj,
        creator=collaboration.creator,
        campaign=collaboration.campaign,
        changes=changes,
        reason=reason,
    )


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
    record_on_timelines(
        collaboration,
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
        changes={"stage": (before, stage)},
        reason=reason.strip(),
    )
    if stage == S.REPORTED:
        # The wrap: the bonus ladder is evaluated on the measured results (finance imports this
        # module, hence the import here).
        from rapport.finance.bonuses import compute_bonus

        compute_bonus(collaboration=collaboration, actor=actor)
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


# ---------------------------------------------------------------------------------------------
# Exclusivity and invitations


@dataclass(frozen=True)
class Exclusivity:
    """An exclusivity a creator agreed to in another campaign, and when it ends (None: open)."""

    collaboration: Collaboration
    category: str
    competitors: tuple[str, ...]
    ends_at: dt.datetime | None

    def describe(self) -> str:
        """One readable line: where, on what, until when."""
        what = self.category or _("any category")
        if self.ends_at is None:
            return _("exclusive on %(what)s for %(campaign)s (no end date)") % {
                "what": what,
                "campaign": self.collaboration.campaign.name,
            }
        return _("exclusive on %(what)s for %(campaign)s until %(end)s") % {
            "what": what,
            "campaign": self.collaboration.campaign.name,
            "end": timezone.localtime(self.ends_at).date().isoformat(),
        }


def exclusivities_in_terms(terms: dict[str, Any]) -> list[tuple[str, tuple[str, ...], Any]]:
    """The exclusivity add-ons of an agreed-terms snapshot as (category, competitors, ends_at).

    The window runs from the day the terms were accepted for ``window_days``; an exclusivity
    without a window holds for as long as the collaboration runs.
    """
    accepted = parse_datetime(str(terms.get("accepted_at") or ""))
    found = []
    for add_on in terms.get("add_ons") or []:
        if add_on.get("kind") != AddOnKind.EXCLUSIVITY:
            continue
        days = add_on.get("window_days")
        ends_at = accepted + dt.timedelta(days=int(days)) if accepted and days else None
        found.append(
            (str(add_on.get("category") or ""), tuple(add_on.get("competitors") or ()), ends_at)
        )
    return found


def active_exclusivities(
    *,
    workspace: Workspace,
    creators: Iterable[Creator],
    exclude_campaign: Campaign | None = None,
    now: dt.datetime | None = None,
) -> dict[int, list[Exclusivity]]:
    """Each creator's exclusivities still running in other campaigns, by creator id (one query)."""
    now = now or timezone.now()
    ids = [c.pk for c in creators]
    agreed = (
        Collaboration.objects.filter(
            workspace=workspace, creator_id__in=ids, committed_cost__isnull=False
        )
        .exclude(stage__in=[CollabStage.CANCELLED, CollabStage.DECLINED])
        .select_related("campaign")
    )
    if exclude_campaign is not None:
        agreed = agreed.exclude(campaign=exclude_campaign)
    found: dict[int, list[Exclusivity]] = {}
    for collaboration in agreed:
        for category, competitors, ends_at in exclusivities_in_terms(collaboration.terms):
            if ends_at is not None and ends_at <= now:
                continue
            if ends_at is None and collaboration.stage == CollabStage.CLOSED:
                continue
            found.setdefault(collaboration.creator_id, []).append(
                Exclusivity(collaboration, category, competitors, ends_at)
            )
    return found


@dataclass
class InviteCheck:
    """What inviting these creators would do: who is new, who is already in, who needs a reason."""

    new: list[Creator] = field(default_factory=list)
    already_in: list[Creator] = field(default_factory=list)
    warnings: dict[int, list[str]] = field(default_factory=dict)

    def warned(self) -> list[tuple[Creator, list[str]]]:
        """The new creators with a warning, and why."""
        return [(c, self.warnings[c.pk]) for c in self.new if c.pk in self.warnings]


@dataclass
class InviteResult:
    invited: list[Collaboration]
    already_in: list[Creator]
    warned: list[tuple[Creator, list[str]]]


class InviteNeedsReason(ValidationError):
    """Some creators carry a warning; nothing was invited until a reason is given."""

    def __init__(self, check: InviteCheck) -> None:
        self.check = check
        lines = [
            _("%(name)s: %(why)s") % {"name": c.name, "why": "; ".join(why)}
            for c, why in check.warned()
        ]
        super().__init__(
            {
                "reason": _(
                    "Give a reason to invite despite these warnings (or leave them out): %(list)s."
                )
                % {"list": " / ".join(lines)}
            }
        )


def check_invites(*, campaign: Campaign, creators: Iterable[Creator]) -> InviteCheck:
    """Sort ``creators`` into new and already in ``campaign``, and warn about the new ones who must
    not be contacted or are exclusive elsewhere."""
    creators = list(dict.fromkeys(creators))
    present = set(
        Collaboration.objects.filter(
            campaign=campaign, creator_id__in=[c.pk for c in creators]
        ).values_list("creator_id", flat=True)
    )
    check = InviteCheck()
    for creator in creators:
        (check.already_in if creator.pk in present else check.new).append(creator)
    exclusive = active_exclusivities(
        workspace=campaign.workspace, creators=check.new, exclude_campaign=campaign
    )
    for creator in check.new:
        reasons = []
        if creator.is_do_not_contact:
            why = creator.do_not_contact_reason
            reasons.append(
                _("marked do-not-contact (%(why)s)") % {"why": why}
                if why
                else _("marked do-not-contact")
            )
        reasons += [e.describe() for e in exclusive.get(creator.pk, [])]
        if reasons:
            check.warnings[creator.pk] = reasons
    return check


@transaction.atomic
def invite_creators(
    *,
    campaign: Campaign,
    creators: Iterable[Creator],
    actor: User | None,
    reason: str = "",
) -> InviteResult:
    """Add creators to ``campaign`` at the invited stage, each owned by the creator's owner (else
    the campaign's). Creators already in are skipped. When any creator carries a warning
    (do-not-contact, exclusive elsewhere) nothing happens unless ``reason`` says why; the reason is
    kept on those collaborations and on their timelines."""
    creators = [c for c in creators if c.workspace_id == campaign.workspace_id]
    if not creators:
        raise ValidationError({"creators": _("Choose at least one creator to invite.")})
    check = check_invites(campaign=campaign, creators=creators)
    reason = reason.strip()
    if check.warnings and not reason:
        raise InviteNeedsReason(check)
    now = timezone.now()
    invited = []
    for creator in check.new:
        warned = creator.pk in check.warnings
        collaboration = Collaboration.objects.create(
            workspace=campaign.workspace,
            campaign=campaign,
            creator=creator,
            owner_id=creator.owner_id or campaign.owner_id,
            stage=CollabStage.INVITED,
            stage_changed_at=now,
            invite_reason=reason[:300] if warned else "",
        )
        record(
            workspace=campaign.workspace,
            actor=actor,
            kind="collaboration.invited",
            summary=_("%(creator)s invited to %(campaign)s")
            % {"creator": creator.name, "campaign": campaign.name},
            obj=collaboration,
            creator=creator,
            campaign=campaign,
            changes={"warnings": (None, check.warnings[creator.pk])} if warned else None,
            reason=reason if warned else "",
        )
        invited.append(collaboration)
    return InviteResult(invited=invited, already_in=check.already_in, warned=check.warned())


# ---------------------------------------------------------------------------------------------
# Owner and note


def set_owner(
    *, collaboration: Collaboration, owner: User | None, actor: User | None
) -> Collaboration:
    """Give the collaboration to another member (or to nobody)."""
    if (
        owner is not None
        and not Membership.objects.filter(
            workspace_id=collaboration.workspace_id, user=owner
        ).exists()
    ):
        raise ValidationError({"owner": _("Choose an owner among the workspace's members.")})
    before = collaboration.owner
    if before == owner:
        return collaboration
    collaboration.owner = owner
    collaboration.save(update_fields=["owner", "updated_at"])
    record_on_timelines(
        collaboration,
        actor=actor,
        kind="collaboration.owner",
        summary=_("%(creator)s in %(campaign)s: owner changed")
        % {"creator": collaboration.creator.name, "campaign": collaboration.campaign.name},
        obj=collaboration,
        changes={"owner": (before, owner)},
    )
    return collaboration


def set_note(*, collaboration: Collaboration, note: str, actor: User | None) -> Collaboration:
    """Change the note for this creator (shown with the brief to them only)."""
    note = note.strip()
    before = collaboration.note
    if before == note:
        return collaboration
    collaboration.note = note
    collaboration.save(update_fields=["note", "updated_at"])
    record_on_timelines(
        collaboration,
        actor=actor,
        kind="collaboration.note",
        summary=_("%(creator)s in %(campaign)s: note for the creator changed")
        % {"creator": collaboration.creator.name, "campaign": collaboration.campaign.name},
        obj=collaboration,
        changes={"note": (before, note)},
    )
    return collaboration


# ---------------------------------------------------------------------------------------------
# Questions: the first-response service moment


@transaction.atomic
def receive_question(
    *,
    collaboration: Collaboration,
    body: str,
    received_at: dt.datetime | None = None,
    is_clarification: bool = False,
    actor: User | None = None,
) -> Question:
    """Log a creator's question and start its first-response clock, owned by the collaboration's
    owner. Called by the page ("Log a creator's question") and by the creator hub."""
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write the creator's question.")})
    received_at = received_at or timezone.now()
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"received_at": _("A question cannot arrive in the future.")})
    question = Question.objects.create(
        workspace=collaboration.workspace,
        collaboration=collaboration,
        body=body,
        is_clarification=is_clarification,
        received_at=received_at,
    )
    sla.start_clock(
        workspace=collaboration.workspace,
        moment=Moment.FIRST_RESPONSE,
        subject=sla.Subject.of(question),
        started_at=received_at,
        collaboration=collaboration,
        owner=collaboration.owner,
    )
    record_on_timelines(
        collaboration,
        actor=actor,
        kind="question.received",
        summary=_("%(creator)s asked: %(body)s")
        % {"creator": collaboration.creator.name, "body": body[:200]},
        obj=question,
    )
    return question


@transaction.atomic
def answer_question(
    *,
    question: Question,
    answer: str,
    actor: User | None,
    answered_at: dt.datetime | None = None,
) -> Question:
    """Answer a creator's question; this stops its first-response clock."""
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.answered_at is not None:
        raise ValidationError({"answer": _("This question has already been answered.")})
    answered_at = answered_at or timezone.now()
    question.answer = answer
    question.answered_at = answered_at
    question.answered_by = actor
    question.save(update_fields=["answer", "answered_at", "answered_by"])
    sla.stop_clock(
        workspace=question.workspace,
        moment=Moment.FIRST_RESPONSE,
        subject=sla.Subject.of(question),
        stopped_at=answered_at,
    )
    collaboration = question.collaboration
    record_on_timelines(
        collaboration,
        actor=actor,
        kind="question.answered",
        summary=_("Answered %(creator)s: %(answer)s")
        % {"creator": collaboration.creator.name, "answer": answer[:200]},
        obj=question,
    )
    return question
