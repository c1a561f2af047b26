"""Platform connection pages: the workspace's YouTube keys and Instagram tokens with their status
(last used, last error, paused until), adding, changing, testing and deleting one; and the
"Refresh from the platform" button of a post.

Everyone in the workspace sees the connections' status; changing them needs
``MANAGE_WORKSPACE``; refreshing a post needs ``RECORD_RESULTS``. No page ever shows a credential.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.performance.forms.connections import ConnectionChangeForm, ConnectionForm
from rapport.performance.models import PlatformConnection
from rapport.performance.queries.connections import connection_for, connections_for
from rapport.performance.queries.posts import post_for
from rapport.performance.services import connections as services
from rapport.performance.services.refresh import refresh_post
from rapport.workspaces.decorators import (
    request_membership,
    request_user,
    request_workspace,
    workspace_view,
)
from rapport.workspaces.forms import apply_service_errors
from rapport.workspaces.roles import Perm


def _page(
    request: HttpRequest,
    *,
    form: ConnectionForm,
    changing: ConnectionChangeForm | None = None,
    changing_pk: int | None = None,
    status: int = 200,
) -> HttpResponseBase:
    workspace = request_workspace(request)
    can_manage = request_membership(request).can(Perm.MANAGE_WORKSPACE)
    cards: list[dict[str, Any]] = []
    for connection in connections_for(workspace):
        change_form = (
            changing
            if changing is not None and connection.pk == changing_pk
            else ConnectionChangeForm(connection=connection)
        )
        cards.append(
            {
                "connection": connection,
                "status": services.status_of(connection),
                "form": change_form if can_manage else None,
            }
        )
    return render(
        request,
        "performance/connections/list.html",
        {"cards": cards, "form": form, "can_manage": can_manage},
        status=status,
    )


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_WORKSPACE)
def connection_list(request: HttpRequest) -> HttpResponseBase:
    """The workspace's connections and their status, with the form that adds one."""
    workspace = request_workspace(request)
    posted = request.method == "POST"
    form = ConnectionForm(request.POST if posted else None, workspace=workspace)
    if posted and form.is_valid():
        try:
            connection = services.create_connection(
                workspace=workspace, actor=request_user(request), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(what)s connected. Test it to make sure the platform accepts it.")
                % {"what": connection.get_provider_display()},
            )
            return redirect("performance:connections", ws=workspace.slug)
    return _page(request, form=form, status=422 if form.errors else 200)


def _connection(request: HttpRequest, pk: int) -> PlatformConnection:
    return connection_for(request_workspace(request), pk)


@require_POST
@workspace_view(Perm.MANAGE_WORKSPACE)
def connection_change(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Change a connection's name, credential, account or switch it on or off."""
    workspace = request_workspace(request)
    connection = _connection(request, pk)
    form = ConnectionChangeForm(request.POST, connection=connection)
    if form.is_valid():
        try:
            services.update_connection(
                connection=connection, actor=request_user(request), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The connection is saved."))
            return redirect("performance:connections", ws=workspace.slug)
    return _page(
        request,
        form=ConnectionForm(workspace=workspace),
        changing=form,
        changing_pk=connection.pk,
        status=422,
    )


@require_POST
@workspace_view(Perm.MANAGE_WORKSPACE)
def connection_test(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Make one cheap call with the connection and say how it went."""
    connection = _connection(request, pk)
    ok, message = services.test_connection(connection=connection, actor=request_user(request))
    (messages.success if ok else messages.error)(request, message)
    return redirect("performance:connections", ws=connection.workspace.slug)


@require_POST
@workspace_view(Perm.MANAGE_WORKSPACE)
def connection_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Delete the connection and its credential; the figures it brought stay."""
    connection = _connection(request, pk)
    services.delete_connection(connection=connection, actor=request_user(request))
    messages.success(request, _("The connection is removed; the figures it brought stay."))
    return redirect("performance:connections", ws=connection.workspace.slug)


@require_POST
@workspace_view(Perm.RECORD_RESULTS)
def post_refresh(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Read the post's figures from its platform now, then show the post again."""
    post = post_for(request_workspace(request), pk)
    try:
        post = refresh_post(post, actor=request_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if post.fetch_error:
            messages.error(request, _("The refresh failed: %(why)s") % {"why": post.fetch_error})
        else:
            messages.success(
                request,
                _("The figures are refreshed from %(platform)s.")
                % {"platform": post.get_platform_display()},
            )
    return redirect("performance:post", ws=post.workspace.slug, pk=post.pk)


urls: list[URLPattern] = [
    path("connections/", connection_list, name="connections"),
    path("connections/<int:pk>/", connection_change, name="connection_change"),
    path("connections/<int:pk>/test/", connection_test, name="connection_test"),
    path("connections/<int:pk>/delete/", connection_delete, name="connection_delete"),
    path("posts/<int:pk>/refresh/", post_refresh, name="post_refresh"),
]
