"""Pages of collaborations: the campaign's board and table, bulk invitations, and one
collaboration's page (stage, owner, note, offers and terms, questions, timeline, and the sections of
deliverables, seeding and service levels).

Views read forms, call the services and render; writes need MANAGE_CAMPAIGNS, and another
workspace's row is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rapport.campaigns.forms.collaborations import (
    AnswerForm,
    InviteForm,
    NoteForm,
    OwnerForm,
    QuestionForm,
    StageForm,
)
from rapport.campaigns.models import Campaign, Collaboration, CollabStage
from rapport.campaigns.queries.campaigns import campaign_for
from rapport.campaigns.queries.collaborations import (
    CollabFilters,
    board_columns,
    campaign_collaborations,
    collaboration_for,
    collaboration_timeline,
    question_for,
    questions_of,
    with_card_relations,
)
from rapport.campaigns.services import collaborations as services
from rapport.campaigns.views import deliverables, offers, seeding, sla
from rapport.creators.models import Creator, Platform, Tier
from rapport.creators.queries import (
    CreatorFilters,
    filtered_creators,
    possible_owners,
    saved_views_for,
)
from rapport.finance import views as finance_views
from rapport.hub.views import links as hub_links
from rapport.paging import CappedPaginator, page_number
from rapport.performance.views import posts as performance_posts
from rapport.tracking.views import links as tracking_links
from rapport.workspaces.decorators import (
    request_membership,
    request_user,
    request_workspace,
    workspace_view,
)
from rapport.workspaces.models import AuditEvent, Workspace
from rapport.workspaces.roles import Perm

TIMELINE_LENGTH = 100
INVITE_CANDIDATES = 500  # the most creators an invitation page lists at once
TABLE_PAGE_SIZE = 50


def _can_manage(request: HttpRequest) -> bool:
    return request_membership(request).can(Perm.MANAGE_CAMPAIGNS)


def _collaboration_url(collaboration: Collaboration, anchor: str = "") -> str:
    url = reverse(
        "campaigns:collaboration",
        kwargs={"ws": collaboration.workspace.slug, "pk": collaboration.pk},
    )
    return f"{url}#{anchor}" if anchor else url


def _back(request: HttpRequest, default: str) -> str:
    """Where a form posted from the board or the table returns (a local address only)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# ---------------------------------------------------------------------------------------------
# Board and table


def _with_next_stages(collaborations: list[Collaboration]) -> list[Collaboration]:
    """Each card knows where it may move (for its "Move to" menu)."""
    for c in collaborations:
        c.next_stages = [  # type: ignore[attr-defined]
            (s, CollabStage(s).label) for s in services.allowed_next(c.stage)
        ]
    return collaborations


def _list_context(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    """The filters of the board and the table and the filter panel (the rows are each page's)."""
    workspace = request_workspace(request)
    try:
        filters, errors = CollabFilters.from_params(request.GET), {}
    except ValidationError as exc:
        filters, errors = CollabFilters(), exc.message_dict
    return {
        "campaign": campaign,
        "filters": filters,
        "query": filters.as_query(),
        "filter_errors": [" ".join(m) for m in errors.values()],
        "owners": list(possible_owners(workspace)),
        "stage_options": CollabStage.choices,
        "tier_options": Tier.choices,
        "platform_options": Platform.choices,
        "can_manage": _can_manage(request),
        "needs_reason": sorted(services.NEEDS_REASON),
        "here": request.get_full_path(),
    }


def _partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


@workspace_view(Perm.VIEW)
def board(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's board: a column per stage with its first cards and its count (the rest
    are in the table); cards move by drag and drop or "Move to"."""
    campaign = campaign_for(request_workspace(request), pk)
    context = _list_context(request, campaign)
    columns = board_columns(campaign, context["filters"])
    for column in columns:
        _with_next_stages(column.cards)
    context |= {"columns": columns, "total": sum(c.count for c in columns)}
    template = "campaigns/_board.html" if _partial(request) else "campaigns/board.html"
    return render(request, template, context)


@workspace_view(Perm.VIEW)
def table(request: HttpRequest, pk: int) -> HttpResponse:
    """The same collaborations as the board, as a table, a page at a time."""
    campaign = campaign_for(request_workspace(request), pk)
    context = _list_context(request, campaign)
    number = page_number(request.GET.get("page"))
    rows = with_card_relations(campaign_collaborations(campaign, context["filters"]))
    page = CappedPaginator(rows, TABLE_PAGE_SIZE, page=number).get_page(number)
    context["page"] = page
    template = (
        "campaigns/_collaboration_table.html"
        if _partial(request)
        else "campaigns/collaboration_table.html"
    )
    return render(request, template, context)


# ---------------------------------------------------------------------------------------------
# Stage, owner, note


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@workspace_view(Perm.MANAGE_CAMPAIGNS)
def collaboration_stage(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a collaboration to another stage (from the board's drag and drop, a card's "Move to"
    menu, or the collaboration's page). Answers JSON to the board's script: 422 with the reason
    when the lifecycle does not allow the move."""
    collaboration = collaboration_for(request_workspace(request), pk)
    form = StageForm(request.POST, current=collaboration.stage)
    form.is_valid()  # the service judges the stage, with a message that says why
    try:
        collaboration = services.change_stage(
            collaboration=collaboration,
            stage=request.POST.get("stage", ""),
            actor=request_user(request),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": _errors(exc)}, status=422)
        messages.error(request, _errors(exc))
        return redirect(_back(request, _collaboration_url(collaboration, "stage")))
    done = _("%(creator)s moved to %(stage)s.") % {
        "creator": collaboration.creator.name,
        "stage": collaboration.get_stage_display(),
    }
    if _wants_json(request):
        full = collaboration_for(request_workspace(request), collaboration.pk)
        card = with_card_relations(Collaboration.objects.filter(pk=full.pk)).get()
        card_html = render_to_string(
            "campaigns/_board_card.html",
            {
                "c": _with_next_stages([card])[0],
                "can_manage": True,
                "here": request.POST.get("next", ""),
                "workspace": request_workspace(request),
                "needs_reason": sorted(services.NEEDS_REASON),
            },
            request=request,
        )
        return JsonResponse(
            {"ok": True, "stage": collaboration.stage, "message": done, "card": card_html}
        )
    messages.success(request, done)
    return redirect(_back(request, _collaboration_url(collaboration, "stage")))


@require_POST
@workspace_view(Perm.MANAGE_CAMPAIGNS)
def collaboration_owner(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = request_workspace(request)
    collaboration = collaboration_for(workspace, pk)
    form = OwnerForm(request.POST, owners=possible_owners(workspace))
    if not form.is_valid():
        messages.error(request, _("Choose an owner among the workspace's members."))
    else:
        services.set_owner(
            collaboration=collaboration,
            owner=form.cleaned_data["owner"],
            actor=request_user(request),
        )
        messages.success(request, _("Owner saved."))
    return redirect(_collaboration_url(collaboration, "owner"))


@require_POST
@workspace_view(Perm.MANAGE_CAMPAIGNS)
def collaboration_note(request: HttpRequest, pk: int) -> HttpResponse:
    collaboration = collaboration_for(request_workspace(request), pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.set_note(
            collaboration=collaboration, note=form.cleaned_data["note"], actor=request_user(request)
        )
        messages.success(request, _("Note for the creator saved."))
    return redirect(_collaboration_url(collaboration, "note"))


# ---------------------------------------------------------------------------------------------
# Questions


@require_POST
@workspace_view(Perm.MANAGE_CAMPAIGNS)
def question_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a question the creator asked (starts the first-response clock)."""
    collaboration = collaboration_for(request_workspace(request), pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.receive_question(
                collaboration=collaboration,
                body=form.cleaned_data["body"],
                received_at=form.cleaned_data["received_at"],
                is_clarification=form.cleaned_data["is_clarification"],
                actor=request_user(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Question logged; the first-response clock is running."))
            return redirect(_collaboration_url(collaboration, "questions"))
    return _page(request, collaboration, status=400, question_form=form)


@require_POST
@workspace_view(Perm.MANAGE_CAMPAIGNS)
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer a creator's question (stops the first-response clock)."""
    question = question_for(request_workspace(request), pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_question(
                question=question, answer=form.cleaned_data["answer"], actor=request_user(request)
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Answer recorded."))
    else:
        messages.error(request, _("Write the answer."))
    return redirect(_collaboration_url(question.collaboration, "questions"))


# ---------------------------------------------------------------------------------------------
# Invitations


def _candidates(request: HttpRequest, workspace: Workspace) -> tuple[list[Creator], str]:
    """The creators the invite page lists: a saved view's, or a search's (first ones only)."""
    source = request.GET
    view_id = source.get("view", "")
    error = ""
    filters = CreatorFilters()
    if view_id.isdigit():
        view = saved_views_for(workspace, request_user(request)).filter(pk=int(view_id)).first()
        if view is None:
            error = _("That saved view does not exist (or is not shared with you).")
        else:
            try:
                filters = CreatorFilters.from_params(QueryDict(view.query))
            except ValidationError:
                error = _("That saved view's filters are no longer valid.")
    elif source.get("q", "").strip():
        filters = CreatorFilters.from_params({"q": source.get("q", "")})
    else:
        return [], error
    if error:
        return [], error
    qs = filtered_creators(workspace, filters).select_related("owner")
    return list(qs[:INVITE_CANDIDATES]), error


def _creators_by_id(workspace: Workspace, ids: list[int]) -> list[Creator]:
    return list(
        Creator.objects.alive().filter(workspace=workspace, pk__in=ids).select_related("owner")
    )


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_CAMPAIGNS)
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite creators in bulk, from a saved view or a search. Warnings (do-not-contact,
    exclusive elsewhere) stop the invitation until a reason is given."""
    workspace = request_workspace(request)
    campaign = campaign_for(workspace, pk)
    context: dict[str, Any] = {
        "campaign": campaign,
        "saved_views": list(saved_views_for(workspace, request_user(request))),
        "view_id": request.GET.get("view", ""),
        "q": request.GET.get("q", ""),
        "can_manage": _can_manage(request),
    }
    if request.method == "POST":
        form = InviteForm(request.POST)
        form.is_valid()
        chosen = _creators_by_id(workspace, form.creator_ids())
        try:
            result = services.invite_creators(
                campaign=campaign,
                creators=chosen,
                actor=request_user(request),
                reason=form.cleaned_data.get("reason", ""),
            )
        except services.InviteNeedsReason as exc:
            context |= {
                "chosen": chosen,
                "warned": exc.check.warned(),
                "already_in": exc.check.already_in,
                "form": form,
                # The warning form was sent back without a reason: say so.
                "reason_missing": "reason" in request.POST,
            }
            return render(request, "campaigns/invite.html", context, status=400)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            return redirect(reverse("campaigns:invite", kwargs={"ws": workspace.slug, "pk": pk}))
        n = len(result.invited)
        messages.success(
            request,
            ngettext("%(n)s creator invited.", "%(n)s creators invited.", n) % {"n": n},
        )
        if result.already_in:
            messages.info(
                request,
                _("Already in the campaign, skipped: %(names)s.")
                % {"names": ", ".join(c.name for c in result.already_in)},
            )
        return redirect(reverse("campaigns:board", kwargs={"ws": workspace.slug, "pk": pk}))
    candidates, error = _candidates(request, workspace)
    present = set(
        campaign_collaborations(campaign)
        .filter(creator_id__in=[c.pk for c in candidates])
        .values_list("creator_id", flat=True)
    )
    context |= {
        "candidates": candidates,
        "present": present,
        "source_error": error,
        "capped": len(candidates) >= INVITE_CANDIDATES,
        "form": InviteForm(),
    }
    return render(request, "campaigns/invite.html", context)


# ---------------------------------------------------------------------------------------------
# The collaboration's page


def _readable(value: Any) -> str:
    """A before/after value of the timeline, in a few words."""
    if value in (None, "", [], {}):
        return _("(empty)")
    if isinstance(value, str) and value in CollabStage.values:
        return str(CollabStage(value).label)
    if isinstance(value, dict):
        if "base_fee" in value:
            return _("%(fee)s %(cur)s base fee, %(cost)s committed") % {
                "fee": value.get("base_fee"),
                "cur": value.get("currency"),
                "cost": value.get("committed_cost"),
            }
        if "kind" in value:
            return " ".join(str(value[k]) for k in ("kind", "fee", "description") if k in value)
        return ", ".join(f"{k}: {_readable(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_readable(v) for v in value)
    return str(value)


def timeline_entries(events: Any) -> list[dict[str, Any]]:
    """Audit events ready for the timeline template: each with its (field, before, after)."""
    return [
        {
            "event": e,
            "rows": [
                (name.replace("_", " ").capitalize(), _readable(pair[0]), _readable(pair[1]))
                for name, pair in (e.changes or {}).items()
                if isinstance(pair, list) and len(pair) == 2
            ],
        }
        for e in events
    ]


def _page(
    request: HttpRequest, collaboration: Collaboration, *, status: int = 200, **bound: Any
) -> HttpResponse:
    workspace = request_workspace(request)
    can_manage = _can_manage(request)
    events: list[AuditEvent] = list(collaboration_timeline(collaboration)[:TIMELINE_LENGTH])
    questions = list(questions_of(collaboration))
    context: dict[str, Any] = {
        "campaign": collaboration.campaign,
        "collaboration": collaboration,
        "creator": collaboration.creator,
        "can_manage": can_manage,
        "next_stages": [
            (s, CollabStage(s).label) for s in services.allowed_next(collaboration.stage)
        ],
        "questions": questions,
        "events": timeline_entries(events),
        "needs_reason": sorted(services.NEEDS_REASON),
    }
    if can_manage:
        context |= {
            "stage_form": StageForm(current=collaboration.stage),
            "owner_form": OwnerForm(
                owners=possible_owners(workspace), initial={"owner": collaboration.owner_id}
            ),
            "note_form": NoteForm(initial={"note": collaboration.note}),
            "question_form": QuestionForm(),
            "answer_form": AnswerForm(),
        }
    context |= offers.collaboration_section(request, collaboration)
    context |= deliverables.collaboration_section(request, collaboration)
    context |= seeding.collaboration_section(request, collaboration)
    context |= sla.collaboration_section(request, collaboration)
    context |= hub_links.collaboration_section(request, collaboration)
    context |= finance_views.collaboration_section(request, collaboration)
    context |= tracking_links.collaboration_section(request, collaboration)
    context |= performance_posts.collaboration_section(request, collaboration)
    context |= bound
    return render(request, "campaigns/collaboration.html", context, status=status)


@workspace_view(Perm.VIEW)
def collaboration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One creator in one campaign: everything about it on one page."""
    return _page(request, collaboration_for(request_workspace(request), pk))


urls: list[URLPattern] = [
    path("<int:pk>/board/", board, name="board"),
    path("<int:pk>/collaborations/", table, name="table"),
    path("<int:pk>/invite/", invite, name="invite"),
    path("collaborations/<int:pk>/", collaboration_detail, name="collaboration"),
    path("collaborations/<int:pk>/stage/", collaboration_stage, name="collaboration_stage"),
    path("collaborations/<int:pk>/owner/", collaboration_owner, name="collaboration_owner"),
    path("collaborations/<int:pk>/note/", collaboration_note, name="collaboration_note"),
    path("collaborations/<int:pk>/questions/", question_create, name="question_create"),
    path("questions/<int:pk>/answer/", question_answer, name="question_answer"),
]
