"""Orders pages: the workspace's orders (filters, unattributed ones at hand, CSV export), one order
with how it was attributed (and setting that by hand), and the orders file upload with its
template.

Everyone in the workspace sees orders; exporting them needs ``EXPORT``; uploading a file and
setting an order's collaboration by hand need ``MANAGE_TRACKING``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from rapport.campaigns.queries.campaigns import campaigns_for
from rapport.paging import CappedPaginator, page_number
from rapport.tracking.forms.orders import HandAttributionForm, OrderFileForm
from rapport.tracking.models import Attribution
from rapport.tracking.queries import orders as queries
from rapport.tracking.queries.shops import workspace_shops
from rapport.tracking.services.attribution import attribute_by_hand, clear_attribution
from rapport.tracking.services.order_export import import_template, orders_export
from rapport.tracking.services.order_import import ImportSummary, OrderImportError, import_orders
from rapport.workspaces.decorators import (
    request_membership,
    request_user,
    request_workspace,
    workspace_view,
)
from rapport.workspaces.forms import apply_service_errors
from rapport.workspaces.roles import Perm

PAGE_SIZE = 50


@require_safe
@workspace_view(Perm.VIEW)
def order_list(request: HttpRequest) -> HttpResponseBase:
    """The workspace's orders, newest first, 50 to a page, filtered by attribution, campaign,
    shop and currency."""
    workspace = request_workspace(request)
    filters = queries.OrderFilters.from_params(request.GET)
    number = page_number(request.GET.get("page"))
    paginator = CappedPaginator(
        queries.workspace_orders(workspace, filters), PAGE_SIZE, page=number
    )
    page = paginator.get_page(number)
    kept = {
        "attribution": filters.attribution,
        "campaign": filters.campaign_id or "",
        "shop": filters.shop_id or "",
        "currency": filters.currency,
    }
    return render(
        request,
        "tracking/orders.html",
        {
            "orders": page.object_list,
            "page": page,
            "more": paginator.more,
            "filters": filters,
            "query": urlencode({k: v for k, v in kept.items() if v}),
            "attribution_choices": Attribution.choices,
            "campaigns": campaigns_for(workspace).select_related(None).only("pk", "name"),
            "shops": workspace_shops(workspace),
            "currencies": queries.order_currencies(workspace),
            "unattributed": queries.unattributed_count(workspace),
            "can_manage": request_membership(request).can(Perm.MANAGE_TRACKING),
            "can_export": request_membership(request).can(Perm.EXPORT),
        },
    )


@require_safe
@workspace_view(Perm.EXPORT)
def order_export(request: HttpRequest) -> HttpResponseBase:
    """The orders list with the same filters as a CSV file."""
    return orders_export(
        workspace=request_workspace(request),
        actor=request_user(request),
        filters=queries.OrderFilters.from_params(request.GET),
    )


@require_safe
@workspace_view(Perm.MANAGE_TRACKING)
def order_import_template(request: HttpRequest) -> HttpResponseBase:
    """The orders file template (header and one example row) to fill in."""
    return import_template()


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_TRACKING)
def order_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One order: amounts, codes, landing page, refunds, and how it was attributed and why;
    managers set the collaboration it counts for by hand (POST), or hand it back to the rules
    (POST ``action=clear``)."""
    workspace = request_workspace(request)
    order = queries.order_for(workspace, pk)
    can_manage = request_membership(request).can(Perm.MANAGE_TRACKING)
    posted = request.method == "POST"
    form = HandAttributionForm(
        request.POST if posted and request.POST.get("action") != "clear" else None,
        collaborations=queries.attributable_collaborations(workspace),
        initial={"collaboration": order.collaboration_id},
    )
    if posted:
        try:
            if request.POST.get("action") == "clear":
                clear_attribution(
                    order=order,
                    actor=request_user(request),
                    reason=request.POST.get("reason", "")[:500],
                )
                messages.success(request, _("The order is back to the attribution rules."))
                return redirect("tracking:order", ws=workspace.slug, pk=order.pk)
            if form.is_valid():
                attribute_by_hand(
                    order=order,
                    actor=request_user(request),
                    collaboration=form.cleaned_data["collaboration"],
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("The order now counts for the chosen collaboration."))
                return redirect("tracking:order", ws=workspace.slug, pk=order.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(
        request,
        "tracking/order.html",
        {
            "order": order,
            "reason": queries.attribution_reason(order),
            "form": form if can_manage else None,
            "is_manual": order.attributed_by == Attribution.MANUAL,
        },
        status=422 if posted else 200,
    )


@workspace_view(Perm.MANAGE_TRACKING)
def order_import(request: HttpRequest) -> HttpResponseBase:
    """Upload a shop's orders file; every row is checked before any is stored."""
    workspace = request_workspace(request)
    shops = workspace_shops(workspace)
    posted = request.method == "POST"
    form = OrderFileForm(
        request.POST if posted else None, request.FILES if posted else None, shops=shops
    )
    problems: list[str] = []
    summary: ImportSummary | None = None
    if posted and form.is_valid():
        try:
            summary = import_orders(
                shop=form.cleaned_data["shop"],
                data=form.cleaned_data["file"].read(),
                actor=request_user(request),
            )
        except OrderImportError as exc:
            problems = [str(p) for p in exc.problems]
    return render(
        request,
        "tracking/orders_import.html",
        {"form": form, "problems": problems, "summary": summary, "has_shops": shops.exists()},
        status=422 if problems or form.errors else 200,
    )


urls: list[URLPattern] = [
    path("orders/", order_list, name="orders"),
    path("orders/import/", order_import, name="orders_import"),
    path("orders/import/template.csv", order_import_template, name="orders_import_template"),
    path("orders/export.csv", order_export, name="orders_export"),
    path("orders/<int:pk>/", order_page, name="order"),
]
