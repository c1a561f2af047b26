"""Pages: reviews (sending a draft, a submission with its decision, the reviewer queue)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from rapport.campaigns.forms.reviews import DecisionForm, SubmissionForm
from rapport.campaigns.queries.deliverables import creator_zone_name, deliverable_for
from rapport.campaigns.queries.reviews import (
    can_decide,
    clock_of,
    decision_of,
    is_superseded,
    queue_clocks,
    queue_rows,
    stage_history,
    submission_for,
)
from rapport.campaigns.services.reviews import (
    DecisionConflict,
    FileGone,
    decide,
    download_name,
    file_download,
    submit,
)
from rapport.campaigns.services.sla import STATE_LABELS, state_of
from rapport.paging import CappedPaginator, page_number
from rapport.workspaces.decorators import request_membership, request_workspace, workspace_view
from rapport.workspaces.forms import apply_service_errors
from rapport.workspaces.models import User
from rapport.workspaces.roles import Perm
from rapport.workspaces.services import PermissionDenied

QUEUE_PAGE_SIZE = 50


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_CAMPAIGNS)
def submission_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Send a draft for review on the creator's behalf (a file or a link)."""
    deliverable = deliverable_for(request_workspace(request), pk)
    form = SubmissionForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        stages=deliverable.approval_stages,
        prefix="submission",
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submission = submit(
                deliverable=deliverable,
                stage=data["stage"],
                actor=cast(User, request.user),
                file=data["file"] or None,
                link=data["link"],
                note=data["note"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(stage)s v%(v)s sent for review.")
                % {"stage": submission.get_stage_display(), "v": submission.version},
            )
            return redirect(
                "campaigns:submission", ws=request_workspace(request).slug, pk=submission.pk
            )
    return render(
        request,
        "campaigns/submission_add.html",
        {"deliverable": deliverable, "collaboration": deliverable.collaboration, "form": form},
        status=422 if form.errors else 200,
    )


@workspace_view(Perm.VIEW)
def submission_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A submission: the draft, the stage's versions and decisions, the clock, and (for the
    decision-maker and delegates) the decision form. POST decides."""
    workspace, membership = request_workspace(request), request_membership(request)
    submission = submission_for(workspace, pk)
    deliverable = submission.deliverable
    campaign = deliverable.collaboration.campaign
    user = cast(User, request.user)
    allowed = can_decide(campaign, user, membership.role)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    status = 200
    conflict = ""
    if request.method == "POST":
        if not allowed:
            messages.error(
                request,
                _("Only the campaign's decision-maker or a named delegate may decide."),
            )
            return redirect(request.path)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decide(
                    submission=submission,
                    actor=user,
                    verdict=data["verdict"],
                    note=data["note"],
                    rating=data["rating"],
                    role=membership.role,
                )
            except DecisionConflict as exc:
                conflict, status = str(exc), 409
            except PermissionDenied as exc:
                messages.error(request, str(exc))
                return redirect(request.path)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Decision saved."))
                return redirect(request.path)
        if form.errors:
            status = 422
    clock = clock_of(submission)
    state = state_of(clock) if clock else None
    decision = decision_of(submission)
    superseded = is_superseded(submission)
    context = {
        "submission": submission,
        "file_name": download_name(submission) if submission.file else "",
        "deliverable": deliverable,
        "collaboration": deliverable.collaboration,
        "campaign": campaign,
        "decision": decision,
        "history": stage_history(submission),
        "clock": clock,
        "clock_state": state.value if state else "",
        "clock_label": STATE_LABELS[state] if state else "",
        "creator_zone": creator_zone_name(deliverable.collaboration),
        "conflict": conflict,
        "superseded": superseded,
        "can_decide": allowed,
        "form": form if allowed and decision is None and not superseded else None,
    }
    return render(request, "campaigns/submission.html", context, status=status)


@require_safe
@workspace_view(Perm.VIEW)
def submission_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Download a submission's file, only for members of its workspace: always as an attachment
    (never opened inline), 410 Gone when the file is no longer stored."""
    submission = submission_for(request_workspace(request), pk)
    try:
        return file_download(submission)
    except FileGone as exc:
        return render(
            request,
            "campaigns/submission_file_gone.html",
            {"submission": submission, "message": str(exc)},
            status=410,
        )


@workspace_view(Perm.VIEW)
def review_queue_page(request: HttpRequest) -> HttpResponse:
    """The undecided submissions the member may decide, soonest deadline first, a page at a
    time; managers may show every undecided submission instead."""
    workspace, membership = request_workspace(request), request_membership(request)
    can_see_all = membership.can(Perm.MANAGE_CAMPAIGNS)
    everyone = can_see_all and request.GET.get("show") == "all"
    clocks = queue_clocks(workspace, cast(User, request.user), membership.role, everyone=everyone)
    number = page_number(request.GET.get("page"))
    page = CappedPaginator(clocks, QUEUE_PAGE_SIZE, page=number).get_page(number)
    return render(
        request,
        "campaigns/review_queue.html",
        {
            "rows": queue_rows(list(page.object_list)),
            "page": page,
            "query": "show=all" if everyone else "",
            "everyone": everyone,
            "can_see_all": can_see_all,
        },
    )


urls: list[URLPattern] = [
    path("submissions/<int:pk>/", submission_page, name="submission"),
    path("submissions/<int:pk>/file/", submission_file, name="submission_file"),
    path("deliverables/<int:pk>/submit/", submission_add, name="submission_add"),
    path("reviews/", review_queue_page, name="review_queue"),
]
