"""API: collaborations (a creator in a campaign): the list per campaign, one collaboration, bulk
invitations with their warnings, stage changes, owner and note, and the creator's questions.

Handlers are thin: they check the token's role, resolve ids within the token's workspace (another
workspace's row is a 404) and call the same services and queries as the pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from rapport.api.pagination import Page, PageParams, keyset_page
from rapport.api.permissions import actor_of, require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns.models import Collaboration, CollabStage, Question
from rapport.campaigns.queries.campaigns import campaign_for
from rapport.campaigns.queries.collaborations import (
    CollabFilters,
    campaign_collaborations,
    collaboration_for,
    question_for,
    questions_of,
    with_card_relations,
)
from rapport.campaigns.services import collaborations as services
from rapport.creators.models import Creator, Platform, SavedView, Tier
from rapport.creators.queries import CreatorFilters, filtered_creators, possible_owners
from rapport.workspaces.models import Workspace
from rapport.workspaces.roles import Perm

router = Router(tags=["collaborations"])

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}
INVITE_LIMIT = 2000  # the most creators one invitation call takes


# --- Schemas ---------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    email: str
    name: str


class CreatorRefOut(Schema):
    id: int
    name: str
    tier: Tier
    platforms: list[Platform] = Field(description="The platforms of the creator's accounts.")

    @staticmethod
    def resolve_platforms(creator: Creator) -> list[str]:
        return sorted({a.platform for a in creator.social_accounts.all()})


class CollaborationOut(Schema):
    """A creator in a campaign: stage, owner, the agreed terms and what they cost."""

    id: int
    campaign_id: int
    creator: CreatorRefOut
    stage: CollabStage
    stage_changed_at: dt.datetime | None
    next_stages: list[CollabStage] = Field(description="Where the lifecycle allows it to go next.")
    owner: PersonOut | None
    note: str = Field(description="A note for this creator, shown with the shared brief.")
    invite_reason: str = Field(description="Why it was invited despite a warning, if it was.")
    terms: dict[str, Any] | None = Field(
        description="The accepted package, as agreed (a snapshot)."
    )
    committed_cost: Decimal | None
    currency: str
    created_at: dt.datetime

    @staticmethod
    def resolve_next_stages(c: Collaboration) -> list[str]:
        return list(services.allowed_next(c.stage))

    @staticmethod
    def resolve_terms(c: Collaboration) -> dict[str, Any] | None:
        return c.terms or None


class CollabListParams(PageParams):
    stage: list[CollabStage] = Field(default_factory=list, description="Any of these stages.")
    owner: list[str] = Field(
        default_factory=list, description="Member ids, or `none` for no owner."
    )
    tier: list[Tier] = Field(default_factory=list, description="Any of these creator tiers.")
    platform: list[Platform] = Field(
        default_factory=list, description="Creators with an account on any of these platforms."
    )


class InviteIn(Schema):
    creator_ids: list[int] = Field(
        default_factory=list, description="The creators to invite (ids in this workspace)."
    )
    saved_view_id: int | None = Field(
        None, description="Or invite every creator of this saved creator view."
    )
    reason: str = Field(
        "",
        max_length=300,
        description="Why to go ahead despite warnings (do-not-contact, exclusive elsewhere). "
        "Without it, nothing is invited when any creator carries a warning.",
    )


class WarningOut(Schema):
    creator_id: int
    name: str
    reasons: list[str]


class SkippedOut(Schema):
    creator_id: int
    name: str


class InviteOut(Schema):
    """What an invitation did (or, with status 409, would do once a reason is given)."""

    invited: list[CollaborationOut]
    already_in: list[SkippedOut] = Field(description="Creators already in the campaign: skipped.")
    warnings: list[WarningOut] = Field(description="Creators invited (or held) despite a warning.")
    detail: str = ""


class StageIn(Schema):
    stage: CollabStage
    reason: str = Field("", max_length=500, description="Required to decline or cancel.")


class CollaborationPatch(Schema):
    owner_id: int | None = Field(None, description="A member's id; null for nobody.")
    note: str | None = Field(None, description="The note for this creator.")


class QuestionIn(Schema):
    body: str = Field(min_length=1, description="The creator's question.")
    received_at: dt.datetime | None = Field(None, description="When it arrived; now if left out.")
    is_clarification: bool = Field(False, description="Asks to clarify the brief.")


class AnswerIn(Schema):
    answer: str = Field(min_length=1)


class QuestionOut(Schema):
    id: int
    collaboration_id: int
    body: str
    is_clarification: bool
    received_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None
    answered_by: PersonOut | None


# --- Helpers ---------------------------------------------------------------------------------


def collaboration_out(workspace: Workspace, pk: int) -> Collaboration:
    """One collaboration with what its answer shows, or 404."""
    collaboration_for(workspace, pk)
    return with_card_relations(Collaboration.objects.filter(workspace=workspace, pk=pk)).get()


def _invite_answer(
    invited: list[Collaboration],
    already_in: list[Creator],
    warned: list[tuple[Creator, list[str]]],
    detail: str = "",
) -> dict[str, Any]:
    return {
        "invited": invited,
        "already_in": [{"creator_id": c.pk, "name": c.name} for c in already_in],
        "warnings": [{"creator_id": c.pk, "name": c.name, "reasons": r} for c, r in warned],
        "detail": detail,
    }


# --- Endpoints -------------------------------------------------------------------------------


@router.get(
    "/campaigns/{int:campaign_id}/collaborations",
    response={200: Page[CollaborationOut], **READ_ERRORS},
    summary="List a campaign's collaborations",
)
def list_collaborations(
    request: HttpRequest, campaign_id: int, params: Query[CollabListParams]
) -> dict[str, Any]:
    """The campaign's creators by name, a page at a time, with the board's filters."""
    require_perm(request, Perm.VIEW)
    campaign = campaign_for(workspace_of(request), campaign_id)
    filters = CollabFilters.from_params(
        {
            "stage": [str(s) for s in params.stage],
            "owner": params.owner,
            "tier": [str(t) for t in params.tier],
            "platform": [str(p) for p in params.platform],
        }
    )
    qs = with_card_relations(campaign_collaborations(campaign, filters))
    page = keyset_page(qs, cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


@router.post(
    "/campaigns/{int:campaign_id}/collaborations/invite",
    response={200: InviteOut, 409: InviteOut, **READ_ERRORS},
    summary="Invite creators to a campaign",
)
def invite(request: HttpRequest, campaign_id: int, payload: InviteIn) -> Any:
    """Invite creators (by ids, or a saved creator view). Creators already in are skipped.
    When any creator must not be contacted or is exclusive elsewhere, nothing is invited and the
    answer is 409 with the warnings; send again with a `reason` to go ahead."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    workspace = workspace_of(request)
    campaign = campaign_for(workspace, campaign_id)
    if payload.saved_view_id is not None:
        view = get_object_or_404(
            SavedView.objects.filter(workspace=workspace), pk=payload.saved_view_id
        )
        filters = CreatorFilters.from_params(QueryDict(view.query))
        creators = list(filtered_creators(workspace, filters)[:INVITE_LIMIT])
    else:
        creators = list(
            Creator.objects.alive().filter(
                workspace=workspace, pk__in=payload.creator_ids[:INVITE_LIMIT]
            )
        )
        missing = set(payload.creator_ids) - {c.pk for c in creators}
        if missing:
            raise ValidationError(
                {
                    "creator_ids": _("No creator of this workspace has the id %(ids)s.")
                    % {"ids": ", ".join(map(str, sorted(missing)))}
                }
            )
    try:
        result = services.invite_creators(
            campaign=campaign, creators=creators, actor=actor_of(request), reason=payload.reason
        )
    except services.InviteNeedsReason as exc:
        check = exc.check
        return Status(
            409, _invite_answer([], check.already_in, check.warned(), " ".join(exc.messages))
        )
    invited = list(
        with_card_relations(Collaboration.objects.filter(pk__in=[c.pk for c in result.invited]))
    )
    return _invite_answer(invited, result.already_in, result.warned)


@router.get(
    "/collaborations/{int:collaboration_id}",
    response={200: CollaborationOut, **READ_ERRORS},
    summary="Get a collaboration",
)
def get_collaboration(request: HttpRequest, collaboration_id: int) -> Collaboration:
    require_perm(request, Perm.VIEW)
    return collaboration_out(workspace_of(request), collaboration_id)


@router.patch(
    "/collaborations/{int:collaboration_id}",
    response={200: CollaborationOut, **READ_ERRORS},
    summary="Change a collaboration's owner or note",
)
def update_collaboration(
    request: HttpRequest, collaboration_id: int, payload: CollaborationPatch
) -> Collaboration:
    """Give the collaboration to another member (`owner_id`), or change the note for the creator.
    Only the fields sent change."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    workspace = workspace_of(request)
    collaboration = collaboration_for(workspace, collaboration_id)
    sent = payload.model_fields_set
    if "owner_id" in sent:
        owner = None
        if payload.owner_id is not None:
            owner = possible_owners(workspace).filter(pk=payload.owner_id).first()
            if owner is None:
                raise ValidationError(
                    {
                        "owner_id": _("No member of this workspace has the id %(id)s.")
                        % {"id": payload.owner_id}
                    }
                )
        services.set_owner(collaboration=collaboration, owner=owner, actor=actor_of(request))
    if "note" in sent and payload.note is not None:
        services.set_note(collaboration=collaboration, note=payload.note, actor=actor_of(request))
    return collaboration_out(workspace, collaboration_id)


@router.post(
    "/collaborations/{int:collaboration_id}/stage",
    response={200: CollaborationOut, **READ_ERRORS},
    summary="Move a collaboration to another stage",
)
def change_stage(request: HttpRequest, collaboration_id: int, payload: StageIn) -> Collaboration:
    """Move along the lifecycle. A move it does not allow (e.g. invited to paid) is a 422 that
    names the stages it may go to; declining or cancelling needs a `reason`."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    workspace = workspace_of(request)
    collaboration = collaboration_for(workspace, collaboration_id)
    services.change_stage(
        collaboration=collaboration,
        stage=str(payload.stage),
        actor=actor_of(request),
        reason=payload.reason,
    )
    return collaboration_out(workspace, collaboration_id)


@router.get(
    "/collaborations/{int:collaboration_id}/questions",
    response={200: list[QuestionOut], **READ_ERRORS},
    summary="List a collaboration's questions",
)
def list_questions(request: HttpRequest, collaboration_id: int) -> QuerySet[Question]:
    require_perm(request, Perm.VIEW)
    return questions_of(collaboration_for(workspace_of(request), collaboration_id))


@router.post(
    "/collaborations/{int:collaboration_id}/questions",
    response={201: QuestionOut, **READ_ERRORS},
    summary="Log a creator's question",
)
def create_question(
    request: HttpRequest, collaboration_id: int, payload: QuestionIn
) -> Status[Question]:
    """Log a question the creator asked; its first-response clock starts at `received_at`."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    collaboration = collaboration_for(workspace_of(request), collaboration_id)
    question = services.receive_question(
        collaboration=collaboration,
        body=payload.body,
        received_at=payload.received_at,
        is_clarification=payload.is_clarification,
        actor=actor_of(request),
    )
    return Status(201, question)


@router.post(
    "/questions/{int:question_id}/answer",
    response={200: QuestionOut, **READ_ERRORS},
    summary="Answer a creator's question",
)
def answer_question(request: HttpRequest, question_id: int, payload: AnswerIn) -> Question:
    """Record the answer; this stops the question's first-response clock."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    question = question_for(workspace_of(request), question_id)
    return services.answer_question(
        question=question, answer=payload.answer, actor=actor_of(request)
    )
