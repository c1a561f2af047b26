"""Orders pages: the workspace's orders (filters, unattributed ones at hand), one order with how it
was attributed, and the orders file upload.

Everyone in the workspace sees orders; uploading a file needs ``MANAGE_TRACKING``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from rapport.campaigns.queries.campaigns import campaigns_for
from rapport.paging import CappedPaginator, page_number
from rapport.tracking.forms.orders import OrderFileForm
from rapport.tracking.models import Attribution
from rapport.tracking.queries import orders as queries
from rapport.tracking.services.order_import import ImportSummary, OrderImportError, import_orders
from rapport.workspaces.decorators import (
    request_membership,
    request_user,
    request_workspace,
    workspace_view,
)
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
            "shops": queries.workspace_shops(workspace),
            "currencies": queries.order_currencies(workspace),
            "unattributed": queries.unattributed_count(workspace),
            "can_manage": request_membership(request).can(Perm.MANAGE_TRACKING),
        },
    )


@require_safe
@workspace_view(Perm.VIEW)
def order_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One order: amounts, codes, landing page, refunds, and how it was attributed and why."""
    order = queries.order_for(request_workspace(request), pk)
    return render(
        request,
        "tracking/order.html",
        {"order": order, "reason": queries.attribution_reason(order)},
    )


@workspace_view(Perm.MANAGE_TRACKING)
def order_import(request: HttpRequest) -> HttpResponseBase:
    """Upload a shop's orders file; every row is checked before any is stored."""
    workspace = request_workspace(request)
    shops = queries.workspace_shops(workspace)
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
    path("orders/<int:pk>/", order_page, name="order"),
]
