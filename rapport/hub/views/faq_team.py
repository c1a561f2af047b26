"""The team's FAQ editor under /w/<ws>/hub/faq/: everyone in the workspace sees it; changing it
needs ``MANAGE_WORKSPACE``. It edits what every creator's hub shows under "Questions and answers".
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.hub.forms.faq import FaqEntryForm
from rapport.hub.queries import faq as queries
from rapport.hub.services import faq as services
from rapport.workspaces.decorators import (
    request_membership,
    request_user,
    request_workspace,
    workspace_view,
)
from rapport.workspaces.forms import apply_service_errors
from rapport.workspaces.roles import Perm


def _back(request: HttpRequest) -> HttpResponseBase:
    return redirect("hub_team:faq", ws=request_workspace(request).slug)


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_WORKSPACE)
def faq_list(request: HttpRequest) -> HttpResponseBase:
    """The FAQ in effect (the workspace's entries, else the defaults) and the form adding one."""
    workspace = request_workspace(request)
    form = FaqEntryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_entry(
                workspace=workspace, actor=request_user(request), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Question added to the FAQ."))
            return _back(request)
    faq = queries.faq_in_effect(workspace)
    return render(
        request,
        "hub/faq_list.html",
        {
            "faq": faq,
            "form": form,
            "can_manage": request_membership(request).can(Perm.MANAGE_WORKSPACE),
        },
        status=422 if form.errors else 200,
    )


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_WORKSPACE)
def faq_entry(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Change one entry's topic, question or answer."""
    entry = queries.entry_for(request_workspace(request), pk)
    form = FaqEntryForm(request.POST) if request.method == "POST" else FaqEntryForm.for_entry(entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_entry(entry=entry, actor=request_user(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("FAQ entry saved."))
            return _back(request)
    return render(
        request,
        "hub/faq_form.html",
        {
            "entry": entry,
            "form": form,
            "can_manage": request_membership(request).can(Perm.MANAGE_WORKSPACE),
        },
        status=422 if form.errors else 200,
    )


@workspace_view(Perm.MANAGE_WORKSPACE)
def faq_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Confirm, then delete an entry."""
    entry = queries.entry_for(request_workspace(request), pk)
    if request.method == "POST":
        services.delete_entry(entry=entry, actor=request_user(request))
        messages.success(request, _("FAQ entry deleted."))
        return _back(request)
    return render(request, "hub/faq_delete.html", {"entry": entry})


@require_POST
@workspace_view(Perm.MANAGE_WORKSPACE)
def faq_move(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Move an entry one place up or down (the form posts the place it goes to)."""
    entry = queries.entry_for(request_workspace(request), pk)
    try:
        position = int(request.POST.get("position", ""))
        services.move_entry(entry=entry, actor=request_user(request), position=position)
    except (ValueError, ValidationError):
        messages.error(request, _("That entry cannot move further."))
    return _back(request)


@require_POST
@workspace_view(Perm.MANAGE_WORKSPACE)
def faq_defaults(request: HttpRequest) -> HttpResponseBase:
    """Copy the built-in FAQ into entries the team can edit."""
    try:
        entries = services.start_from_defaults(
            workspace=request_workspace(request), actor=request_user(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(n)s default entries copied; edit them as you like.") % {"n": len(entries)}
        )
    return _back(request)


urls: list[URLPattern] = [
    path("faq/", faq_list, name="faq"),
    path("faq/defaults/", faq_defaults, name="faq_defaults"),
    path("faq/<int:pk>/", faq_entry, name="faq_entry"),
    path("faq/<int:pk>/delete/", faq_delete, name="faq_delete"),
    path("faq/<int:pk>/move/", faq_move, name="faq_move"),
]
