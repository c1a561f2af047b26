"""API: submissions of a deliverable, decisions on them, and the reviewer queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status

from rapport.api.pagination import Page, PageParams, keyset_page
from rapport.api.permissions import actor_of, require_perm, token_of, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns.models import ApprovalStage, ReviewDecision, Submission, Verdict
from rapport.campaigns.queries.deliverables import deliverable_for
from rapport.campaigns.queries.reviews import (
    QueueRow,
    clock_of,
    queue_clocks,
    queue_rows,
    submission_for,
    with_round,
)
from rapport.campaigns.services import reviews as services
from rapport.campaigns.services.sla import state_of
from rapport.workspaces.roles import Perm

router = Router(tags=["reviews"])

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


class DecisionOut(Schema):
    verdict: Verdict
    note: str
    rating: int | None = Field(description="Content quality, 1 to 5.")
    decided_by: str | None = Field(description="E-mail of who decided.")
    decided_at: dt.datetime

    @staticmethod
    def resolve_decided_by(d: ReviewDecision) -> str | None:
        return d.decided_by.email if d.decided_by else None


class ConflictOut(Schema):
    """409: someone decided first; their decision is given, yours was not saved."""

    detail: str
    decision: DecisionOut


class SubmissionOut(Schema):
    """A draft sent for review at one stage."""

    id: int
    deliverable_id: int
    stage: ApprovalStage
    version: int = Field(description="Numbered per stage: 1, 2, ...")
    review_round: int = Field(
        description="1 + the earlier versions of this stage sent back with changes requested."
    )
    file_url: str | None = Field(
        description="Where a signed-in member downloads the file (a path on this server); with a "
        "token, use GET /api/v1/submissions/{submission_id}/file. Null for a link."
    )
    link: str
    note: str
    submitted_at: dt.datetime
    submitted_by: str | None = Field(description="E-mail of the member; null from the hub.")
    decision: DecisionOut | None

    @staticmethod
    def resolve_file_url(s: Submission) -> str | None:
        if not s.file:
            return None
        return reverse("campaigns:submission_file", kwargs={"ws": s.workspace.slug, "pk": s.pk})

    @staticmethod
    def resolve_submitted_by(s: Submission) -> str | None:
        return s.submitted_by.email if s.submitted_by else None

    @staticmethod
    def resolve_decision(s: Submission) -> ReviewDecision | None:
        return getattr(s, "decision", None)


class SubmissionDetailOut(SubmissionOut):
    due_at: dt.datetime | None = Field(description="When a decision is due (the SLA clock).")
    clock_state: str | None = Field(
        description="running, due_soon, breached (while waiting), met or missed (once decided)."
    )

    @staticmethod
    def resolve_due_at(s: Submission) -> dt.datetime | None:
        clock = clock_of(s)
        return clock.due_at if clock else None

    @staticmethod
    def resolve_clock_state(s: Submission) -> str | None:
        clock = clock_of(s)
        return state_of(clock).value if clock else None


class QueueItemOut(Schema):
    """A submission waiting for a decision, with its campaign, creator and deadline."""

    submission: SubmissionOut
    campaign_id: int
    campaign: str
    creator_id: int
    creator: str
    deliverable: str = Field(description="What it is: type and platform.")
    due_at: dt.datetime = Field(description="When a decision is due (the SLA clock).")
    clock_state: str = Field(description="running, due_soon or breached.")

    @staticmethod
    def resolve_campaign_id(row: QueueRow) -> int:
        return row.submission.deliverable.collaboration.campaign_id

    @staticmethod
    def resolve_campaign(row: QueueRow) -> str:
        return row.submission.deliverable.collaboration.campaign.name

    @staticmethod
    def resolve_creator_id(row: QueueRow) -> int:
        return row.submission.deliverable.collaboration.creator_id

    @staticmethod
    def resolve_creator(row: QueueRow) -> str:
        return row.submission.deliverable.collaboration.creator.name

    @staticmethod
    def resolve_deliverable(row: QueueRow) -> str:
        return str(row.submission.deliverable)

    @staticmethod
    def resolve_due_at(row: QueueRow) -> dt.datetime:
        assert row.clock is not None
        return row.clock.due_at

    @staticmethod
    def resolve_clock_state(row: QueueRow) -> str:
        return row.state.value if row.state else ""


class LinkSubmissionIn(Schema):
    stage: ApprovalStage
    link: str = Field(max_length=500, description="Where the draft is (http or https).")
    note: str = ""


class DecisionIn(Schema):
    verdict: Verdict
    note: str = Field("", description="Needed for changes_requested.")
    rating: int | None = Field(None, description="Content quality, 1 to 5.")


class QueueParams(PageParams):
    everyone: bool = Field(
        False, description="Every undecided submission (managers), not only yours to decide."
    )


def _detail(request: HttpRequest, submission_id: int) -> Submission:
    return submission_for(workspace_of(request), submission_id)


def _listed(qs: Any) -> Any:
    return with_round(qs.select_related("workspace", "decision__decided_by", "submitted_by"))


@router.get(
    "/deliverables/{int:deliverable_id}/submissions",
    response={200: Page[SubmissionOut], **READ_ERRORS},
    summary="A deliverable's submissions",
)
def list_submissions(
    request: HttpRequest, deliverable_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    """Every version at every stage, in stage order, newest version first."""
    require_perm(request, Perm.VIEW)
    deliverable = deliverable_for(workspace_of(request), deliverable_id)
    qs = _listed(
        Submission.objects.filter(workspace=deliverable.workspace, deliverable=deliverable)
    )
    page = keyset_page(qs.order_by("stage", "-version"), cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


@router.post(
    "/deliverables/{int:deliverable_id}/submissions",
    response={201: SubmissionDetailOut, **READ_ERRORS},
    summary="Submit a draft by link",
)
def create_link_submission(
    request: HttpRequest, deliverable_id: int, payload: LinkSubmissionIn
) -> Status[Submission]:
    """Send a draft for review on the creator's behalf, as a link. Starts the approval clock."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    deliverable = deliverable_for(workspace_of(request), deliverable_id)
    submission = services.submit(
        deliverable=deliverable,
        stage=payload.stage.value,
        actor=actor_of(request),
        link=payload.link,
        note=payload.note,
    )
    return Status(201, _detail(request, submission.pk))


@router.post(
    "/deliverables/{int:deliverable_id}/submissions/file",
    response={201: SubmissionDetailOut, **READ_ERRORS},
    summary="Submit a draft as a file",
)
def create_file_submission(
    request: HttpRequest,
    deliverable_id: int,
    stage: Form[str] = "",
    note: Form[str] = "",
    file: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Status[Submission]:
    """Send a draft for review as a file (multipart/form-data: `stage`, `file`, `note`): an image,
    a video, a PDF or a document, up to 200 MB. Starts the approval clock."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    deliverable = deliverable_for(workspace_of(request), deliverable_id)
    submission = services.submit(
        deliverable=deliverable,
        stage=stage,
        actor=actor_of(request),
        file=file,
        note=note,
    )
    return Status(201, _detail(request, submission.pk))


@router.get(
    "/submissions/{int:submission_id}",
    response={200: SubmissionDetailOut, **READ_ERRORS},
    summary="Get a submission",
)
def get_submission(request: HttpRequest, submission_id: int) -> Submission:
    require_perm(request, Perm.VIEW)
    return _detail(request, submission_id)


@router.get(
    "/submissions/{int:submission_id}/file",
    response={200: None, 410: ErrorOut, **READ_ERRORS},
    summary="Download a submission's file",
)
def download_file(request: HttpRequest, submission_id: int) -> HttpResponseBase:
    """The file itself, as an attachment under its original (sanitised) name, with the content
    type of its kind (checked from its content on upload). 410 when the submission was sent as a
    link or its file is no longer stored."""
    require_perm(request, Perm.VIEW)
    try:
        return services.file_download(_detail(request, submission_id))
    except services.FileGone as exc:
        return JsonResponse({"detail": str(exc)}, status=410)


@router.post(
    "/submissions/{int:submission_id}/decision",
    response={201: SubmissionDetailOut, 409: ConflictOut, **READ_ERRORS},
    summary="Decide on a submission",
)
def decide(
    request: HttpRequest, submission_id: int, payload: DecisionIn
) -> Status[Any] | HttpResponse:
    """Approve, approve with edits, or request changes. Only the campaign's decision-maker or a
    named delegate may decide (403 otherwise); when someone decided first, 409 gives their
    decision."""
    require_perm(request, Perm.REVIEW)
    submission = _detail(request, submission_id)
    token = token_of(request)
    try:
        services.decide(
            submission=submission,
            actor=token.user,
            verdict=payload.verdict.value,
            note=payload.note,
            rating=payload.rating,
            role=token.role,
        )
    except services.DecisionConflict as exc:
        return Status(409, {"detail": str(exc), "decision": exc.decision})
    return Status(201, _detail(request, submission.pk))


@router.get(
    "/reviews",
    response={200: Page[QueueItemOut], **READ_ERRORS},
    summary="The reviewer queue",
)
def review_queue(request: HttpRequest, params: Query[QueueParams]) -> dict[str, Any]:
    """Undecided submissions (the latest version of each stage) you may decide, soonest SLA due
    time first; `everyone=true` lists every undecided one (needs campaign management)."""
    require_perm(request, Perm.VIEW)
    if params.everyone:
        require_perm(request, Perm.MANAGE_CAMPAIGNS)
    token = token_of(request)
    clocks = queue_clocks(workspace_of(request), token.user, token.role, everyone=params.everyone)
    page = keyset_page(clocks, cursor=params.cursor, limit=params.limit)
    return {"items": queue_rows(page.items), "next": page.next}
