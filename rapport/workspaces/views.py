"""Workspace pages: home, personal settings, new workspace, invitations, members, API tokens and
workspace settings (with the creators' custom fields). Thin: the services do the work."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.creators.models import CustomField
from rapport.creators.services import delete_custom_field, save_custom_field
from rapport.workspaces import queries, services, throttling
from rapport.workspaces.decorators import request_user, workspace_view
from rapport.workspaces.forms import (
    ApiTokenForm,
    CustomFieldForm,
    InvitationForm,
    JoinForm,
    NewWorkspaceForm,
    PersonalSettingsForm,
    RoleForm,
    SignInForm,
    WorkspaceSettingsForm,
)
from rapport.workspaces.models import Invitation, User
from rapport.workspaces.roles import Perm, Role


class SignInView(auth_views.LoginView):
    """The sign-in page, with the attempt limits of ``SignInForm``."""

    authentication_form = SignInForm
    redirect_authenticated_user = True


class PasswordResetRequestView(auth_views.PasswordResetView):
    """Ask for a reset link; a client that asked too often lately is told to wait instead."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        if not throttling.password_reset_allowed(self.request):
            form.add_error(
                None,
                _(
                    "Too many reset links were asked for from your network in a short time. "
                    "Wait 15 minutes, then ask again."
                ),
            )
            return self.form_invalid(form)
        return super().form_valid(form)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Open the last workspace used, the only one, or a chooser."""
    memberships = list(request.user.memberships.select_related("workspace"))  # type: ignore[union-attr]
    last = request.session.get("workspace")
    for membership in memberships:
        if membership.workspace.slug == last:
            return redirect("creators:list", ws=last)
    if len(memberships) == 1:
        return redirect("creators:list", ws=memberships[0].workspace.slug)
    return render(request, "workspaces/choose.html", {"memberships": memberships})


@login_required
def personal_settings(request: HttpRequest) -> HttpResponse:
    """The member's own name, time zone and language."""
    user = request_user(request)
    form = PersonalSettingsForm(
        request.POST or None,
        initial={"name": user.name, "time_zone": user.time_zone, "language": user.language},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_personal_settings(user=user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field, errors)
        else:
            messages.success(request, _("Your settings are saved."))
            return redirect("personal_settings")
    return render(request, "workspaces/personal_settings.html", {"form": form})


@login_required
def new_workspace(request: HttpRequest) -> HttpResponse:
    """Any signed-in person may start a workspace; they become its owner."""
    form = NewWorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workspace = services.create_workspace(
            name=form.cleaned_data["name"], owner=request_user(request)
        )
        messages.success(request, _("Workspace %(name)s is ready.") % {"name": workspace.name})
        return redirect("workspace_settings", ws=workspace.slug)
    return render(request, "workspaces/new_workspace.html", {"form": form})


def _invitation_problem(invitation: Invitation | None) -> str:
    if invitation is None:
        return _("This invitation link is not valid. Check that you copied all of it.")
    if invitation.accepted_at is not None:
        return _("This invitation has already been used. Sign in to open the workspace.")
    if invitation.revoked_at is not None:
        return _("This invitation was withdrawn. Ask the person who invited you for a new one.")
    return _("This invitation has expired. Ask the person who invited you for a new one.")


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the invitation e-mail: join if signed in, else sign up (or sign in) first."""
    invitation = queries.invitation_by_link(token)
    if invitation is None or not invitation.is_usable:
        return render(
            request,
            "workspaces/invitation_invalid.html",
            {"problem": _invitation_problem(invitation)},
            status=404 if invitation is None else 410,
        )
    context: dict[str, Any] = {"invitation": invitation, "role": Role(invitation.role).label}
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                services.accept_invitation(invitation=invitation, user=request_user(request))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("Welcome to %(ws)s.") % {"ws": invitation.workspace.name}
                )
            return redirect("creators:list", ws=invitation.workspace.slug)
        return render(request, "workspaces/accept_invitation.html", context)
    has_account = User.objects.filter(email=invitation.email).exists()
    form = JoinForm(request.POST or None)
    if request.method == "POST" and not has_account and form.is_valid():
        try:
            user = services.join_by_invitation(
                invitation=invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to %(ws)s.") % {"ws": invitation.workspace.name})
            return redirect("creators:list", ws=invitation.workspace.slug)
    context |= {"form": form, "has_account": has_account}
    return render(request, "workspaces/accept_invitation.html", context)


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_WORKSPACE)
def members(request: HttpRequest) -> HttpResponse:
    """Everyone sees who is in the workspace; owners invite (POST) and manage roles."""
    workspace = request.workspace  # type: ignore[attr-defined]
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite(
                workspace=workspace, inviter=request_user(request), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("members", ws=workspace.slug)
    context = {
        "members": queries.members(workspace),
        "invitations": queries.invitations(workspace),
        "invite_form": form,
        "roles": Role.choices,
        "can_manage": request.membership.can(Perm.MANAGE_WORKSPACE),  # type: ignore[attr-defined]
    }
    return render(request, "workspaces/members.html", context)


@workspace_view(Perm.MANAGE_WORKSPACE)
@require_POST
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    membership = queries.member_for(workspace, pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.change_role(
                workspace=workspace,
                actor=request_user(request),
                membership=membership,
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(user)s is now %(role)s.")
                % {"user": membership.user, "role": membership.get_role_display()},
            )
    else:
        messages.error(request, _("Choose one of the roles."))
    return redirect("members", ws=workspace.slug)


@workspace_view(Perm.MANAGE_WORKSPACE)
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then take the person out of the workspace."""
    workspace = request.workspace  # type: ignore[attr-defined]
    membership = queries.member_for(workspace, pk)
    if request.method == "POST":
        try:
            services.remove_member(
                workspace=workspace, actor=request_user(request), membership=membership
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(user)s was removed.") % {"user": membership.user})
            if membership.user == request.user:
                return redirect("home")
        return redirect("members", ws=workspace.slug)
    return render(request, "workspaces/member_remove.html", {"member": membership})


@workspace_view(Perm.MANAGE_WORKSPACE)
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    invitation = queries.invitation_for(workspace, pk)
    try:
        services.revoke_invitation(
            workspace=workspace, actor=request_user(request), invitation=invitation
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The invitation of %(email)s is withdrawn.") % {"email": invitation.email}
        )
    return redirect("members", ws=workspace.slug)


@workspace_view(Perm.VIEW)
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The member's own API tokens; a new token's secret is shown once, right after creation."""
    workspace = request.workspace  # type: ignore[attr-defined]
    membership = request.membership  # type: ignore[attr-defined]
    form = ApiTokenForm(request.POST or None, member_role=membership.role)
    secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.create_api_token(
                workspace=workspace, user=request_user(request), **form.cleaned_data
            )
        except (ValidationError, services.PermissionDenied, ValueError) as exc:
            form.add_error("role", str(exc))
        else:
            form = ApiTokenForm(member_role=membership.role)
    context = {
        "tokens": queries.tokens_of(workspace, request_user(request)),
        "form": form,
        "secret": secret,
    }
    return render(request, "workspaces/api_tokens.html", context)


@workspace_view(Perm.VIEW)
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    token = queries.token_for(workspace, request_user(request), pk)
    services.revoke_api_token(workspace=workspace, actor=request_user(request), token=token)
    messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
    return redirect("api_tokens", ws=workspace.slug)


@workspace_view(Perm.MANAGE_WORKSPACE)
def workspace_settings(request: HttpRequest) -> HttpResponse:
    """Owners: name, country, currency, ER denominator, tiers, service levels, custom fields."""
    workspace = request.workspace  # type: ignore[attr-defined]
    form = WorkspaceSettingsForm(request.POST or None, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_workspace_settings(
                workspace=workspace, actor=request_user(request), **form.settings_values()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("workspace_settings", ws=workspace.slug)
    context = {
        "form": form,
        "custom_fields": CustomField.objects.filter(workspace=workspace),
    }
    return render(request, "workspaces/settings.html", context)


def _custom_field_for(request: HttpRequest, pk: int) -> CustomField:
    return get_object_or_404(CustomField, workspace=request.workspace, pk=pk)  # type: ignore[attr-defined]


@workspace_view(Perm.MANAGE_WORKSPACE)
def custom_field_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a custom field for creators (no ``pk``), or change one's label and choices."""
    workspace = request.workspace  # type: ignore[attr-defined]
    field = _custom_field_for(request, pk) if pk is not None else None
    initial = (
        {
            "label": field.label,
            "key": field.key,
            "field_type": field.field_type,
            "choices": "\n".join(field.choices),
        }
        if field
        else {}
    )
    form = CustomFieldForm(request.POST or None, initial=initial, editing=field is not None)
    if request.method == "POST" and form.is_valid():
        try:
            save_custom_field(
                workspace=workspace,
                actor=request_user(request),
                custom_field=field,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Custom field saved."))
            return redirect("workspace_settings", ws=workspace.slug)
    return render(request, "workspaces/custom_field.html", {"form": form, "field": field})


@workspace_view(Perm.MANAGE_WORKSPACE)
def custom_field_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then remove a custom field and its values."""
    workspace = request.workspace  # type: ignore[attr-defined]
    field = _custom_field_for(request, pk)
    if request.method == "POST":
        cleared = delete_custom_field(
            workspace=workspace, actor=request_user(request), custom_field=field
        )
        messages.success(
            request,
            _("Custom field “%(label)s” removed; %(n)s creators had a value.")
            % {"label": field.label, "n": cleared},
        )
        return redirect("workspace_settings", ws=workspace.slug)
    return render(request, "workspaces/custom_field_delete.html", {"field": field})
