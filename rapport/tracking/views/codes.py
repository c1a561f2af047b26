"""Pages for discount codes: adding one to a collaboration, changing, stopping and restarting
it, and the codes file for the shop (the workspace's or one campaign's). All need
``MANAGE_TRACKING``; everyone sees codes on the collaboration and campaign pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from rapport.campaigns.models import Collaboration
from rapport.campaigns.queries.campaigns import campaign_for
from rapport.campaigns.queries.collaborations import collaboration_for
from rapport.tracking.forms.codes import CodeForm
from rapport.tracking.models import DiscountCode
from rapport.tracking.queries.links import code_for
from rapport.tracking.services import codes as services
from rapport.tracking.views.links import collaboration_url
from rapport.workspaces.decorators import request_user, request_workspace, workspace_view
from rapport.workspaces.roles import Perm


def _form_page(
    request: HttpRequest, collaboration: Collaboration, form: CodeForm, code: DiscountCode | None
) -> HttpResponse:
    return render(
        request,
        "tracking/codes_form.html",
        {"collaboration": collaboration, "form": form, "code": code},
        status=422 if form.errors else 200,
    )


@workspace_view(Perm.MANAGE_TRACKING)
def code_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Give a collaboration its discount code, typed or made from a pattern."""
    collaboration = collaboration_for(request_workspace(request), pk)
    form = CodeForm(request.POST or None, initial={"value": 15})
    if request.method == "POST" and form.is_valid():
        try:
            code = services.create_code(
                collaboration=collaboration,
                actor=request_user(request),
                code=form.cleaned_data["code"],
                pattern=form.cleaned_data["pattern"] or services.DEFAULT_PATTERN,
                **form.terms(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Code %(code)s created.") % {"code": code.code})
            return redirect(collaboration_url(collaboration))
    return _form_page(request, collaboration, form, None)


@workspace_view(Perm.MANAGE_TRACKING)
def code_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Change a code's text, discount, window or usage limit."""
    code = code_for(request_workspace(request), pk)
    form = CodeForm(request.POST or None, editing=code)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_code(
                discount_code=code,
                actor=request_user(request),
                code=form.cleaned_data["code"],
                **form.terms(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Code %(code)s saved.") % {"code": code.code})
            return redirect(collaboration_url(code.collaboration))
    return _form_page(request, code.collaboration, form, code)


@require_POST
@workspace_view(Perm.MANAGE_TRACKING)
def code_deactivate(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Stop a code; remove it from the shop as well."""
    code = code_for(request_workspace(request), pk)
    services.deactivate_code(discount_code=code, actor=request_user(request))
    messages.success(
        request, _("Code %(code)s stopped: remove it from the shop too.") % {"code": code.code}
    )
    return redirect(collaboration_url(code.collaboration))


@require_POST
@workspace_view(Perm.MANAGE_TRACKING)
def code_activate(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Start a stopped code again (when the collaboration has no other active code)."""
    code = code_for(request_workspace(request), pk)
    try:
        services.update_code(discount_code=code, actor=request_user(request), is_active=True)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Code %(code)s works again.") % {"code": code.code})
    return redirect(collaboration_url(code.collaboration))


@require_safe
@workspace_view(Perm.MANAGE_TRACKING)
def codes_export(request: HttpRequest) -> HttpResponseBase:
    """Every active code of the workspace, as a CSV file for the shop."""
    return services.codes_export(workspace=request_workspace(request), actor=request_user(request))


@require_safe
@workspace_view(Perm.MANAGE_TRACKING)
def campaign_codes_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The campaign's active codes, as a CSV file for the shop."""
    workspace = request_workspace(request)
    return services.codes_export(
        workspace=workspace, actor=request_user(request), campaign=campaign_for(workspace, pk)
    )


urls: list[URLPattern] = [
    path("collaborations/<int:pk>/codes/", code_add, name="code_add"),
    path("codes/<int:pk>/", code_edit, name="code_edit"),
    path("codes/<int:pk>/deactivate/", code_deactivate, name="code_deactivate"),
    path("codes/<int:pk>/activate/", code_activate, name="code_activate"),
    path("codes/export/", codes_export, name="codes_export"),
    path("campaigns/<int:pk>/codes/export/", campaign_codes_export, name="campaign_codes_export"),
]
