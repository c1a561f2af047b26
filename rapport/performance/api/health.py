"""API of relationship health and the service dashboard (the same queries as the pages), and the
creator's survey under ``/hub/me/survey`` (hub-token auth, the same service as the hub's form)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from rapport.api.permissions import require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.creators.queries import creator_for
from rapport.hub.api.creator import ERRORS as HUB_ERRORS
from rapport.hub.api.creator import HubToken, through_the_door
from rapport.hub.context import request_hub
from rapport.performance.models import SurveyResponse
from rapport.performance.queries import health as queries
from rapport.performance.queries.service import MONTH_CHOICES, Group, ServiceLevels, dashboard
from rapport.performance.services.survey import answer_of, answer_survey, survey_open
from rapport.workspaces.roles import Perm

router = Router(tags=["relationship health"])
hub_router = Router(tags=["hub (creator)"], auth=HubToken())
hub_router.add_decorator(through_the_door, mode="view")

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}

D = queries.DEFINITIONS


def now() -> dt.datetime:
    """The current time (one place, so that tests can pin it)."""
    return timezone.now()


class ServiceLevelsOut(Schema):
    """How the brand served creators in one group; null = nothing measured (n/a)."""

    median_response_hours: Decimal | None = Field(description=str(D["median_response_hours"]))
    median_approval_hours: Decimal | None = Field(description=str(D["median_approval_hours"]))
    median_days_to_pay: Decimal | None = Field(description=str(D["median_days_to_pay"]))
    median_review_days: Decimal | None = Field(description=str(D["median_review_days"]))
    sla_attainment: Decimal | None = Field(
        description=str(D["sla_attainment"]) + " A fraction from 0 to 1."
    )
    sla_met: int = Field(description="Promises kept by their original deadline.")
    sla_decided: int = Field(description="Promises kept, broken, or open past the deadline.")
    clarification_rate: Decimal | None = Field(
        description=str(D["clarification_rate"]) + " A fraction from 0 to 1."
    )
    questions: int = Field(description="Questions creators asked.")
    clarifications: int = Field(description="Of which asked to clarify the brief.")


def levels_out(levels: ServiceLevels) -> dict[str, Any]:
    return {name: getattr(levels, name) for name in ServiceLevelsOut.model_fields}


class CreatorHealthOut(Schema):
    """A creator's relationship health (rates are fractions from 0 to 1; null = not known)."""

    creator_id: int
    collaborations: int = Field(description="Collaborations that reached agreed terms.")
    on_time_rate: Decimal | None = Field(description=str(D["on_time_rate"]))
    response_rate: Decimal | None = Field(description=str(D["response_rate"]))
    approval_rounds: Decimal | None = Field(description=str(D["approval_rounds"]))
    quality_score: Decimal | None = Field(description=str(D["quality_score"]))
    repeat: bool = Field(description=str(D["repeat"]))
    satisfaction: Decimal | None = Field(description=str(D["satisfaction"]))
    open_to_new_formats: bool | None = Field(description=str(D["open_to_new_formats"]))
    score: Decimal | None = Field(description=str(queries.SCORE_RULE))
    service: ServiceLevelsOut = Field(description="How the brand serves this creator, all time.")


@router.get(
    "/creators/{int:creator_id}/health",
    response={200: CreatorHealthOut, **ERRORS},
    summary="A creator's relationship health",
)
def creator_health(request: HttpRequest, creator_id: int) -> dict[str, Any]:
    """The creator's health as their page shows it: how they work with the brand, the score,
    and how the brand serves them. 404 for a creator of another workspace."""
    require_perm(request, Perm.VIEW)
    workspace = workspace_of(request)
    creator = creator_for(workspace, creator_id, include_deleted=True)
    health, service = queries.health_at(workspace, [creator.pk], now=now())
    if creator.pk not in health:
        raise HttpError(404, _("This creator has no collaboration yet, so no health to show."))
    mine = health[creator.pk]
    return {
        **{
            name: getattr(mine, name) for name in CreatorHealthOut.model_fields if name != "service"
        },
        "service": levels_out(service[creator.pk]),
    }


class GroupOut(Schema):
    key: str = Field(description="Owner or creator id, or the month's first day (YYYY-MM-DD).")
    label: str = Field(description="The owner's or creator's name; empty for a month.")
    levels: ServiceLevelsOut


class MomentOut(Schema):
    moment: str = Field(description="first_response, concept_approval, final_approval, ...")
    label: str
    met: int
    missed: int
    median_hours: Decimal | None = Field(description="Median time from start to stop.")


class DashboardOut(Schema):
    """The service dashboard: overall, per moment, per relationship owner (the owner of each
    collaboration), per creator, and per month (oldest first)."""

    months: int
    since: dt.datetime = Field(description="Start of the period (the first month's first day).")
    overall: ServiceLevelsOut
    by_moment: list[MomentOut]
    by_owner: list[GroupOut] = Field(description="Key empty for collaborations without owner.")
    by_creator: list[GroupOut]
    trend: list[GroupOut]


def _group(group: Group) -> dict[str, Any]:
    key = group.key.isoformat() if isinstance(group.key, dt.date) else group.key
    return {
        "key": "" if key is None else str(key),
        "label": group.label,
        "levels": levels_out(group.levels),
    }


@router.get(
    "/service-levels/dashboard",
    response={200: DashboardOut, **ERRORS},
    summary="The service dashboard",
)
def service_dashboard(request: HttpRequest, months: int = 6) -> dict[str, Any]:
    """The brand's service to its creators over the last `months` calendar months (3, 6 or
    12): median first-response and approval times, median days-to-pay, SLA attainment against
    original deadlines, clarification rate and days in review."""
    require_perm(request, Perm.VIEW)
    if months not in MONTH_CHOICES:
        raise HttpError(422, _("months must be 3, 6 or 12."))
    board = dashboard(workspace_of(request), months=months, now=now())
    return {
        "months": board.months,
        "since": board.since,
        "overall": levels_out(board.overall),
        "by_moment": [
            {
                "moment": row.attainment.key,
                "label": row.attainment.label,
                "met": row.attainment.met,
                "missed": row.attainment.missed,
                "median_hours": None
                if row.median is None
                else Decimal(row.median.median.total_seconds() / 3600).quantize(Decimal("0.1")),
            }
            for row in board.by_moment
        ],
        "by_owner": [_group(g) for g in board.by_owner],
        "by_creator": [_group(g) for g in board.by_creator],
        "trend": [_group(g) for g in board.trend],
    }


# ---------------------------------------------------------------------------------------------
# The creator's survey (hub token)


class HubSurveyIn(Schema):
    satisfaction: int = Field(description="How working with the brand went, 1 (poor) to 5.")
    would_work_again: bool | None = Field(None, description="Null: not sure.")
    open_to_new_formats: bool | None = Field(None, description="Null: not sure.")
    comment: str = Field("", description="Anything the brand should do better (2,000 max).")


class HubSurveyOut(Schema):
    open: bool = Field(description="The collaboration is reported, paid or closed.")
    answered: bool = Field(description="An answer exists (given now or before).")
    already_answered: bool = Field(
        description="An answer existed before this request: true on a GET of an answered survey "
        "and on a repeated POST, which changed nothing."
    )
    satisfaction: int | None
    would_work_again: bool | None
    open_to_new_formats: bool | None
    comment: str
    answered_at: dt.datetime | None = Field(description="In the creator's time zone.")


def _survey(answer: SurveyResponse | None, *, is_open: bool, before: bool) -> dict[str, Any]:
    return {
        "open": is_open,
        "answered": answer is not None,
        "already_answered": before,
        "satisfaction": answer.satisfaction if answer else None,
        "would_work_again": answer.would_work_again if answer else None,
        "open_to_new_formats": answer.open_to_new_formats if answer else None,
        "comment": answer.comment if answer else "",
        "answered_at": timezone.localtime(answer.answered_at) if answer else None,
    }


@hub_router.get("/hub/me/survey", response={200: HubSurveyOut, **HUB_ERRORS}, summary="Your survey")
def hub_survey(request: HttpRequest) -> dict[str, Any]:
    """Whether the survey is open (once the collaboration is reported, paid or closed) and
    your answer, once given."""
    collaboration = request_hub(request).collaboration
    answer = answer_of(collaboration)
    return _survey(answer, is_open=survey_open(collaboration), before=answer is not None)


@hub_router.post(
    "/hub/me/survey",
    response={200: HubSurveyOut, 201: HubSurveyOut, **HUB_ERRORS},
    summary="Answer the survey",
)
def hub_answer_survey(request: HttpRequest, payload: HubSurveyIn) -> Status[dict[str, Any]]:
    """Answer the survey once: 201 with your answer; your contact is told. Sending it again
    changes nothing: 200 with the first answer and `already_answered`. 422 before the wrap."""
    collaboration = request_hub(request).collaboration
    answer, created = answer_survey(collaboration=collaboration, **payload.model_dump())
    return Status(201 if created else 200, _survey(answer, is_open=True, before=not created))


router.add_router("", hub_router)
