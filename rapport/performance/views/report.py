"""The campaign's wrap report page (``performance:report``), its exports, its read-only share
links, its spend setting, and each creator's recap note for the hub.

Everyone in the workspace reads the report and exports it; share links, the spend setting and
recap notes need ``MANAGE_CAMPAIGNS``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.campaigns.models import Campaign
from rapport.campaigns.queries.campaigns import campaign_for
from rapport.campaigns.queries.collaborations import collaboration_for
from rapport.campaigns.views.campaigns import campaign_page
from rapport.performance.forms.report import RecapForm, ShareForm, SpendForm
from rapport.performance.queries.recap import shows_recap
from rapport.performance.queries.report import Report, campaign_report, report_series
from rapport.performance.queries.shares import share_for, shares_of
from rapport.performance.services import shares as share_services
from rapport.performance.services.recap import set_recap_note
from rapport.performance.services.report_export import FORMATS, export_report
from rapport.performance.services.report_settings import set_spend_includes_product
from rapport.performance.views.shared import over_time_context, report_context
from rapport.workspaces.decorators import (
    request_membership,
    request_user,
    request_workspace,
    workspace_view,
)
from rapport.workspaces.roles import Perm

# Where a new share link waits, between its POST and the page that shows it once.
NEW_SHARE_KEY = "new_share_url"


def _report_url(campaign: Campaign, currency: str = "") -> str:
    url = reverse("performance:report", kwargs={"ws": campaign.workspace.slug, "pk": campaign.pk})
    return url + ("?" + urlencode({"currency": currency}) if currency else "")


def _report(request: HttpRequest, campaign: Campaign) -> tuple[Report, str]:
    """The report in the currency asked for; an unknown currency falls back to the default
    with its error. The figures over time come in a second request (:func:`over_time`), so
    the page shows the rest at once."""
    try:
        found = campaign_report(campaign, currency=request.GET.get("currency"), with_series=False)
    except ValidationError as exc:
        return campaign_report(campaign, with_series=False), " ".join(exc.message_dict["currency"])
    return found, ""


def _page(
    request: HttpRequest,
    campaign: Campaign,
    *,
    share_form: ShareForm | None = None,
    status: int = 200,
) -> HttpResponse:
    report, currency_error = _report(request, campaign)
    new_share = request.session.get(NEW_SHARE_KEY)
    new_share_url = ""
    if new_share and new_share.get("campaign") == campaign.pk:
        new_share_url = request.session.pop(NEW_SHARE_KEY)["url"]
    can_share = request_membership(request).can(Perm.MANAGE_CAMPAIGNS)
    context: dict[str, Any] = report_context(report, show_all="all" in request.GET) | {
        "currency_error": currency_error,
        "can_share": can_share,
        "export_formats": FORMATS,
        "new_share_url": new_share_url,
    }
    if can_share:
        context |= {
            "shares": [(share, share_services.state_of(share)) for share in shares_of(campaign)],
            "share_form": share_form or ShareForm(),
            "spend_form": SpendForm(initial={"include": campaign.spend_includes_product}),
        }
    return campaign_page(
        request,
        campaign,
        "performance/report.html",
        context,
        status=400 if currency_error else status,
    )


@workspace_view(Perm.VIEW)
def report(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The campaign's wrap report, in one currency at a time (``?currency=``)."""
    return _page(request, campaign_for(request_workspace(request), pk))


@workspace_view(Perm.VIEW)
def over_time(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The report's figures over time: the part the page loads after the rest (htmx), or a
    page of their own without JavaScript."""
    campaign = campaign_for(request_workspace(request), pk)
    try:
        found = report_series(campaign, currency=request.GET.get("currency"))
    except ValidationError as exc:
        return HttpResponse(
            " ".join(exc.message_dict["currency"]),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    context = over_time_context(found)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "performance/_report_over_time.html", context)
    return campaign_page(
        request,
        campaign,
        "performance/report_over_time.html",
        context | {"currency": found.currency},
    )


@workspace_view(Perm.VIEW)
def report_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The report as a CSV, XLSX or PDF file (``?currency=`` as on the page)."""
    campaign = campaign_for(request_workspace(request), pk)
    if fmt not in FORMATS:
        return HttpResponse(
            _("Export as one of: %(formats)s.") % {"formats": ", ".join(FORMATS)},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    try:
        found = campaign_report(campaign, currency=request.GET.get("currency"))
    except ValidationError as exc:
        return HttpResponse(
            " ".join(exc.message_dict["currency"]),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    return export_report(report=found, fmt=fmt, actor=request_user(request))


@require_POST
@workspace_view(Perm.MANAGE_CAMPAIGNS)
def report_spend(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Count (or stop counting) seeded product in the campaign's spend."""
    campaign = campaign_for(request_workspace(request), pk)
    form = SpendForm(request.POST)
    form.is_valid()  # a missing box is "off"
    include = bool(form.cleaned_data.get("include"))
    set_spend_includes_product(campaign=campaign, include=include, actor=request_user(request))
    messages.success(
        request,
        _("Seeded product now counts in spend.")
        if include
        else _("Seeded product no longer counts in spend."),
    )
    return redirect(_report_url(campaign, request.POST.get("currency", "")))


@require_POST
@workspace_view(Perm.MANAGE_CAMPAIGNS)
def share_create(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Make a read-only link, then back to the report, which shows its address this once."""
    campaign = campaign_for(request_workspace(request), pk)
    form = ShareForm(request.POST)
    if form.is_valid():
        try:
            _share, token = share_services.create_share(
                campaign=campaign, actor=request_user(request), days=form.cleaned_data["days"]
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            url = request.build_absolute_uri(reverse("shared:report", args=[token]))
            request.session[NEW_SHARE_KEY] = {"campaign": campaign.pk, "url": url}
            return redirect(_report_url(campaign) + "#share")
    return _page(request, campaign, share_form=form, status=422)


@require_POST
@workspace_view(Perm.MANAGE_CAMPAIGNS)
def share_revoke(request: HttpRequest, pk: int, share_id: int) -> HttpResponseBase:
    """Stop a read-only link at once."""
    campaign = campaign_for(request_workspace(request), pk)
    share_services.revoke_share(share=share_for(campaign, share_id), actor=request_user(request))
    messages.success(request, _("The link was revoked: it no longer opens the report."))
    return redirect(_report_url(campaign) + "#share")


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_CAMPAIGNS)
def recap_note(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The note a creator reads in their hub recap: what was learned, what comes next."""
    collaboration = collaboration_for(request_workspace(request), pk)
    form = RecapForm(request.POST or None, initial={"recap_note": collaboration.recap_note})
    if request.method == "POST" and form.is_valid():
        try:
            set_recap_note(
                collaboration=collaboration,
                note=form.cleaned_data["recap_note"],
                actor=request_user(request),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Recap saved: %(creator)s sees it on their hub page.")
                % {"creator": collaboration.creator.name},
            )
            return redirect(_report_url(collaboration.campaign))
    return render(
        request,
        "performance/report_recap_form.html",
        {
            "collaboration": collaboration,
            "form": form,
            "can_edit": request_membership(request).can(Perm.MANAGE_CAMPAIGNS),
            "shows_recap": shows_recap(collaboration),
        },
        status=422 if form.errors else 200,
    )


urls: list[URLPattern] = [
    path("campaigns/<int:pk>/report/", report, name="report"),
    path("campaigns/<int:pk>/report/over-time/", over_time, name="report_over_time"),
    path("campaigns/<int:pk>/report/export/<str:fmt>/", report_export, name="report_export"),
    path("campaigns/<int:pk>/report/spend/", report_spend, name="report_spend"),
    path("campaigns/<int:pk>/report/shares/", share_create, name="report_share_create"),
    path(
        "campaigns/<int:pk>/report/shares/<int:share_id>/revoke/",
        share_revoke,
        name="report_share_revoke",
    ),
    path("collaborations/<int:pk>/recap/", recap_note, name="recap_note"),
]
