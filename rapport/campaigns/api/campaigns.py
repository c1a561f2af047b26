"""API: campaigns (with their KPIs), their experiment log and their timeline.

Handlers are thin: they check the token's role, resolve ids within the token's workspace (another
workspace's campaign is a 404) and call the same services and queries as the pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from rapport.api.pagination import Page, PageParams, keyset_page
from rapport.api.permissions import actor_of, require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns.models import (
    Campaign,
    CampaignStatus,
    CollabStage,
    Experiment,
    KpiMetric,
    Objective,
)
from rapport.campaigns.queries.campaigns import (
    budget_of,
    campaign_for,
    campaign_timeline,
    experiment_for,
    experiments_of,
    filtered_campaigns,
    stage_counts,
)
from rapport.campaigns.services import campaigns as services
from rapport.creators.api import unset
from rapport.workspaces.models import ErDenominator, User, Workspace
from rapport.workspaces.roles import Perm

router = Router(tags=["campaigns"])

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}
PersonRef = int | str | None
PERSON_HELP = "A member of the workspace: their id or e-mail; null for nobody."


# --- Schemas ---------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    email: str
    name: str


class KpiIo(Schema):
    """A KPI the campaign is judged on."""

    metric: KpiMetric = Field(description="Any of: " + ", ".join(KpiMetric.values) + ".")
    target: Decimal = Field(ge=0, max_digits=16, decimal_places=4, description="The figure.")


class CampaignOut(Schema):
    """A campaign with its people and KPIs."""

    id: int
    name: str
    slug: str = Field(description="Used in tracking links (utm_campaign); unique in the workspace.")
    objective: Objective
    description: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    budget: Decimal | None
    currency: str = Field(description="ISO 4217 code of the budget.")
    owner: PersonOut | None
    decision_maker: PersonOut | None = Field(description="Approves or rejects content.")
    delegates: list[PersonOut] = Field(description="May decide in the decision-maker's place.")
    er_denominator: ErDenominator = Field(description="What engagement rate is measured against.")
    status: CampaignStatus
    kpis: list[KpiIo]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_delegates(campaign: Campaign) -> list[User]:
        return list(campaign.delegates.all())

    @staticmethod
    def resolve_kpis(campaign: Campaign) -> list[Any]:
        return list(campaign.kpis.all())


class CampaignIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field("", max_length=80, description="Made from the name when left out.")
    objective: Objective = Objective.AWARENESS
    description: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = unset(description="Not before `starts_on`.")
    budget: Decimal | None = unset(ge=0, max_digits=12, decimal_places=2)
    currency: str = Field("", description="The workspace's default currency when left out.")
    owner: PersonRef = unset(description=PERSON_HELP)
    decision_maker: PersonRef = Field(
        None, description=PERSON_HELP + " Their role must review (owner, manager, reviewer)."
    )
    delegates: list[int | str] = Field(
        default_factory=list, description="Members (ids or e-mails) whose role reviews."
    )
    kpis: list[KpiIo] = Field(default_factory=list, description="One target per metric.")
    er_denominator: ErDenominator | None = Field(
        None, description="The workspace's default when left out."
    )


class CampaignPatch(Schema):
    """The fields to change; those left out keep their value. `kpis` and `delegates` replace."""

    name: str = unset(min_length=1, max_length=200)
    slug: str = unset(min_length=1, max_length=80)
    objective: Objective = unset()
    description: str = unset()
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    budget: Decimal | None = unset(ge=0, max_digits=12, decimal_places=2)
    currency: str = unset(min_length=3, max_length=3)
    owner: PersonRef = unset(description=PERSON_HELP)
    decision_maker: PersonRef = unset(description=PERSON_HELP)
    delegates: list[int | str] = unset()
    kpis: list[KpiIo] = unset()
    er_denominator: ErDenominator = unset()
    status: CampaignStatus = unset(
        description="draft → active or closed; active → wrapping_up or closed; wrapping_up → "
        "active or closed; closed → wrapping_up (needs a reason).",
    )
    reason: str = Field("", description="Why; recorded on the campaign's timeline.")


class ListParams(PageParams):
    status: list[CampaignStatus] = Field(
        default_factory=list, description="Only campaigns in these statuses."
    )
    owner: str = Field("", description="A member id, or none.")


class MoneyOut(Schema):
    amount: Decimal
    currency: str


class OtherCurrencyOut(Schema):
    collaboration_id: int
    creator: str
    committed_cost: Decimal
    currency: str


class StageCountOut(Schema):
    stage: CollabStage
    count: int


class SummaryOut(Schema):
    """Budget against committed cost, and how many creators are at each stage."""

    budget: MoneyOut | None
    committed: MoneyOut = Field(description="Committed costs in the campaign's currency.")
    other_currencies: list[OtherCurrencyOut] = Field(
        description="Collaborations agreed in another currency: never added to `committed`."
    )
    stages: list[StageCountOut]


class ExperimentOut(Schema):
    id: int
    hypothesis: str
    varied: str = Field(description="What was varied.")
    result: str
    decision: str
    created_by: PersonOut | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ExperimentIn(Schema):
    hypothesis: str = Field(min_length=1)
    varied: str = ""
    result: str = ""
    decision: str = ""


class ExperimentPatch(Schema):
    hypothesis: str = unset(min_length=1)
    varied: str = unset()
    result: str = unset()
    decision: str = unset()


class EventOut(Schema):
    """One entry of the campaign's timeline."""

    id: int
    kind: str
    summary: str
    actor: str = Field(description="Who did it, as shown on the timeline.")
    actor_id: int | None
    changes: dict[str, Any] = Field(description="Changed fields as {field: [before, after]}.")
    reason: str
    created_at: dt.datetime

    @staticmethod
    def resolve_actor(event: Any) -> str:
        return str(event.actor_label)


# --- Helpers ---------------------------------------------------------------------------------


def _person(workspace: Workspace, ref: PersonRef, field: str) -> User | None:
    """The member a request names, by id or e-mail; a field error when there is none."""
    if ref is None or ref == "":
        return None
    text = str(ref).strip()
    members = User.objects.filter(memberships__workspace=workspace)
    found = (
        members.filter(pk=int(text)) if text.isdigit() else members.filter(email__iexact=text)
    ).first()
    if found is None:
        raise ValidationError({field: _("No member of this workspace is “%(r)s”.") % {"r": ref}})
    return found


def _people(workspace: Workspace, values: dict[str, Any]) -> dict[str, Any]:
    for field in ("owner", "decision_maker"):
        if field in values:
            values[field] = _person(workspace, values[field], field)
    if "delegates" in values:
        values["delegates"] = [
            _person(workspace, ref, "delegates") for ref in values["delegates"] or []
        ]
    if "kpis" in values:
        values["kpis"] = [
            services.KpiTarget(metric=row["metric"], target=row["target"])
            for row in values["kpis"] or []
        ]
    return values


def _detail(workspace: Workspace, pk: int) -> Campaign:
    campaign = campaign_for(workspace, pk)
    # Fresh relations: a change may just have replaced them.
    return (
        Campaign.objects.prefetch_related("delegates", "kpis")
        .select_related("owner", "decision_maker")
        .get(pk=campaign.pk)
    )


# --- Campaigns -------------------------------------------------------------------------------


@router.get(
    "/campaigns", response={200: Page[CampaignOut], **READ_ERRORS}, summary="List campaigns"
)
def list_campaigns(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    """The workspace's campaigns, newest start first, a page at a time."""
    require_perm(request, Perm.VIEW)
    campaigns = filtered_campaigns(
        workspace_of(request), status=[s.value for s in params.status], owner=params.owner
    ).prefetch_related("delegates", "kpis")
    page = keyset_page(campaigns, cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


@router.post("/campaigns", response={201: CampaignOut, **READ_ERRORS}, summary="Plan a campaign")
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    """Plan a campaign (as a draft) with its people and KPIs."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    workspace = workspace_of(request)
    values = _people(workspace, payload.model_dump())
    values["er_denominator"] = values["er_denominator"] or ""
    campaign = services.create_campaign(workspace=workspace, actor=actor_of(request), **values)
    return Status(201, _detail(workspace, campaign.pk))


@router.get(
    "/campaigns/{int:campaign_id}",
    response={200: CampaignOut, **READ_ERRORS},
    summary="Get a campaign",
)
def get_campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    require_perm(request, Perm.VIEW)
    return _detail(workspace_of(request), campaign_id)


@router.patch(
    "/campaigns/{int:campaign_id}",
    response={200: CampaignOut, **READ_ERRORS},
    summary="Change a campaign",
)
def update_campaign(request: HttpRequest, campaign_id: int, payload: CampaignPatch) -> Campaign:
    """Change the fields given, all or nothing; a status change follows the allowed moves."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    workspace = workspace_of(request)
    campaign = campaign_for(workspace, campaign_id)
    values = _people(workspace, payload.model_dump(exclude_unset=True))
    reason = values.pop("reason", "")
    services.update_campaign(campaign=campaign, actor=actor_of(request), reason=reason, **values)
    return _detail(workspace, campaign.pk)


@router.get(
    "/campaigns/{int:campaign_id}/summary",
    response={200: SummaryOut, **READ_ERRORS},
    summary="A campaign's budget and stages",
)
def campaign_summary(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    """The overview's figures: budget against committed cost, and creators per stage."""
    require_perm(request, Perm.VIEW)
    campaign = campaign_for(workspace_of(request), campaign_id)
    budget = budget_of(campaign)
    return {
        "budget": None
        if budget.budget is None
        else {"amount": budget.budget, "currency": budget.currency},
        "committed": {"amount": budget.committed, "currency": budget.currency},
        "other_currencies": [
            {
                "collaboration_id": c.pk,
                "creator": c.creator.name,
                "committed_cost": c.committed_cost,
                "currency": c.currency,
            }
            for c in budget.other_currencies
        ],
        "stages": [{"stage": stage, "count": n} for stage, _label, n in stage_counts(campaign)],
    }


@router.get(
    "/campaigns/{int:campaign_id}/timeline",
    response={200: Page[EventOut], **READ_ERRORS},
    summary="A campaign's timeline",
)
def campaign_events(
    request: HttpRequest, campaign_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    """Everything recorded about the campaign and its creators, newest first."""
    require_perm(request, Perm.VIEW)
    campaign = campaign_for(workspace_of(request), campaign_id)
    page = keyset_page(campaign_timeline(campaign), cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


# --- Experiments -----------------------------------------------------------------------------


@router.get(
    "/campaigns/{int:campaign_id}/experiments",
    response={200: Page[ExperimentOut], **READ_ERRORS},
    summary="List a campaign's experiments",
)
def list_experiments(
    request: HttpRequest, campaign_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    require_perm(request, Perm.VIEW)
    campaign = campaign_for(workspace_of(request), campaign_id)
    page = keyset_page(experiments_of(campaign), cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


@router.post(
    "/campaigns/{int:campaign_id}/experiments",
    response={201: ExperimentOut, **READ_ERRORS},
    summary="Log an experiment",
)
def create_experiment(
    request: HttpRequest, campaign_id: int, payload: ExperimentIn
) -> Status[Experiment]:
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    campaign = campaign_for(workspace_of(request), campaign_id)
    experiment = services.add_experiment(
        campaign=campaign, actor=actor_of(request), **payload.model_dump()
    )
    return Status(201, experiment)


@router.get(
    "/campaigns/{int:campaign_id}/experiments/{int:experiment_id}",
    response={200: ExperimentOut, **READ_ERRORS},
    summary="Get an experiment",
)
def get_experiment(request: HttpRequest, campaign_id: int, experiment_id: int) -> Experiment:
    require_perm(request, Perm.VIEW)
    return experiment_for(campaign_for(workspace_of(request), campaign_id), experiment_id)


@router.patch(
    "/campaigns/{int:campaign_id}/experiments/{int:experiment_id}",
    response={200: ExperimentOut, **READ_ERRORS},
    summary="Change an experiment",
)
def update_experiment(
    request: HttpRequest, campaign_id: int, experiment_id: int, payload: ExperimentPatch
) -> Experiment:
    """Change the entries given, typically the result and the decision."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    experiment = experiment_for(campaign_for(workspace_of(request), campaign_id), experiment_id)
    return services.update_experiment(
        experiment=experiment, actor=actor_of(request), **payload.model_dump(exclude_unset=True)
    )


@router.delete(
    "/campaigns/{int:campaign_id}/experiments/{int:experiment_id}",
    response={204: None, **READ_ERRORS},
    summary="Remove an experiment",
)
def delete_experiment(request: HttpRequest, campaign_id: int, experiment_id: int) -> Status[None]:
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    experiment = experiment_for(campaign_for(workspace_of(request), campaign_id), experiment_id)
    services.delete_experiment(experiment=experiment, actor=actor_of(request))
    return Status(204, None)
