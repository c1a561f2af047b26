"""Pages of product seeding: the product list, shipments (per collaboration and for the whole
workspace), and the files exchanged with a fulfilment centre.

Anyone in the workspace sees products and shipments; changing them needs ``MANAGE_SEEDING``.
Addresses show only to roles with ``VIEW_PRIVATE``; the others see that one is on file.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rapport.campaigns import carriers
from rapport.campaigns.forms.seeding import (
    STATUS_CHOICES,
    ProductForm,
    ShipmentForm,
    TrackingFileForm,
    TrackingForm,
)
from rapport.campaigns.models import Collaboration, Shipment, ShipmentStatus, SlaClock
from rapport.campaigns.queries import seeding as queries
from rapport.campaigns.services import seeding as services
from rapport.campaigns.services.sla import STATE_LABELS, state_of
from rapport.paging import CappedPaginator, page_number
from rapport.workspaces.decorators import (
    request_membership,
    request_user,
    request_workspace,
    workspace_view,
)
from rapport.workspaces.forms import apply_service_errors
from rapport.workspaces.models import Membership
from rapport.workspaces.roles import Perm

PAGE_SIZE = 50


def shipment_row(shipment: Shipment, clock: SlaClock | None) -> dict[str, Any]:
    """What a list shows of a shipment: tracking link and, once the label exists, its clock."""
    state = state_of(clock) if clock is not None else None
    return {
        "shipment": shipment,
        "items": services.describe_items(shipment),
        "tracking_url": carriers.tracking_url(shipment.carrier, shipment.tracking_number),
        "clock": clock,
        "clock_state": state,
        "clock_label": STATE_LABELS[state] if state else "",
    }


# ---------------------------------------------------------------------------------------------
# Products


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_SEEDING)
def product_list(request: HttpRequest) -> HttpResponseBase:
    """The product list, with the form that adds one."""
    workspace = request_workspace(request)
    form = ProductForm(
        request.POST if request.method == "POST" else None,
        initial={"currency": workspace.default_currency, "is_active": True},
    )
    if request.method == "POST" and form.is_valid():
        try:
            product = services.create_product(
                workspace=workspace, actor=request_user(request), **form.values()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("%(product)s added.") % {"product": product})
            return redirect("campaigns:products", ws=workspace.slug)
    return render(
        request,
        "campaigns/products.html",
        {
            "products": queries.products_for(workspace),
            "form": form,
            "can_manage": request_membership(request).can(Perm.MANAGE_SEEDING),
        },
        status=422 if form.errors else 200,
    )


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_SEEDING)
def product_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Change a product, or take it off (and back on) the list of what is offered."""
    workspace = request_workspace(request)
    product = queries.product_for(workspace, pk)
    form = (
        ProductForm(request.POST) if request.method == "POST" else ProductForm.for_product(product)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_product(product=product, actor=request_user(request), **form.values())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("%(product)s saved.") % {"product": product})
            return redirect("campaigns:products", ws=workspace.slug)
    return render(
        request,
        "campaigns/product_form.html",
        {
            "product": product,
            "form": form,
            "can_manage": request_membership(request).can(Perm.MANAGE_SEEDING),
        },
        status=422 if form.errors else 200,
    )


# ---------------------------------------------------------------------------------------------
# Shipments


@workspace_view(Perm.VIEW)
def shipment_list(request: HttpRequest) -> HttpResponseBase:
    """Every shipment of the workspace, filtered by status and campaign, with the clock of those
    waiting for the creator to be told."""
    workspace = request_workspace(request)
    filters = queries.ShipmentFilters.from_params(request.GET)
    qs = queries.with_shipment_relations(queries.filtered_shipments(workspace, filters))
    paginator = CappedPaginator(qs, PAGE_SIZE, page=page_number(request.GET.get("page")))
    page = paginator.get_page(request.GET.get("page"))
    shipments = list(page.object_list)
    clocks = queries.shipping_clocks(shipments)
    membership = request_membership(request)
    return render(
        request,
        "campaigns/shipments.html",
        {
            "rows": [shipment_row(s, clocks.get(s.pk)) for s in shipments],
            "page": page,
            "paginator": paginator,
            "filters": filters,
            "status_choices": STATUS_CHOICES,
            "campaigns": queries.campaigns_with_shipments(workspace),
            "can_manage": membership.can(Perm.MANAGE_SEEDING),
            "can_export": membership.can(Perm.MANAGE_SEEDING) and membership.can(Perm.VIEW_PRIVATE),
            "awaiting_label": queries.awaiting_label(workspace).count(),
        },
    )


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_SEEDING)
def shipment_create(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Prepare a shipment to a collaboration's creator (pk is the collaboration's)."""
    workspace = request_workspace(request)
    collaboration = queries.collaboration_for(workspace, pk)
    products = queries.products_for(workspace, offered_only=True)
    form = ShipmentForm(request.POST if request.method == "POST" else None, products=products)
    tracking = TrackingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and tracking.is_valid():
        try:
            shipment = services.create_shipment(
                collaboration=collaboration,
                actor=request_user(request),
                items=form.items(),
                **tracking.cleaned_data,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            apply_service_errors(tracking, exc)
        else:
            messages.success(request, _("Shipment #%(id)s prepared.") % {"id": shipment.pk})
            return redirect("campaigns:shipment", ws=workspace.slug, pk=shipment.pk)
    return render(
        request,
        "campaigns/shipment_form.html",
        {
            "collaboration": collaboration,
            "form": form,
            "tracking_form": tracking,
            "has_address": bool(collaboration.creator.shipping_address.strip()),
            "has_products": products.exists(),
            "can_view_private": request_membership(request).can(Perm.VIEW_PRIVATE),
        },
        status=422 if form.errors or tracking.errors else 200,
    )


def _shipment_page(
    request: HttpRequest, shipment: Shipment, form: TrackingForm, status: int = 200
) -> HttpResponseBase:
    membership = request_membership(request)
    clock = queries.shipping_clocks([shipment]).get(shipment.pk)
    return render(
        request,
        "campaigns/shipment.html",
        {
            **shipment_row(shipment, clock),
            "collaboration": shipment.collaboration,
            "form": form,
            "can_manage": membership.can(Perm.MANAGE_SEEDING),
            "can_view_private": membership.can(Perm.VIEW_PRIVATE),
            "S": ShipmentStatus,
            "can_tell": shipment.status != ShipmentStatus.DRAFT,
        },
        status=status,
    )


def _tracking_initial(shipment: Shipment) -> dict[str, Any]:
    return {
        "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "expected_on": shipment.expected_on,
    }


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_SEEDING)
def shipment_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A shipment: items, address (to those who may see it), tracking, its steps and clock.
    POST saves the carrier, tracking number and expected delivery date."""
    shipment = queries.shipment_for(request_workspace(request), pk)
    if request.method != "POST":
        return _shipment_page(request, shipment, TrackingForm(initial=_tracking_initial(shipment)))
    form = TrackingForm(request.POST)
    if form.is_valid():
        try:
            services.update_shipment(
                shipment=shipment, actor=request_user(request), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Tracking details saved."))
            return redirect(
                "campaigns:shipment", ws=request_workspace(request).slug, pk=shipment.pk
            )
    return _shipment_page(request, shipment, form, status=422)


# The buttons of a shipment's page: each calls one service step.
ACTIONS = {
    "label": (services.create_label, gettext_lazy("Label created: the shipping clock is running.")),
    "ship": (services.mark_shipped, gettext_lazy("Marked shipped.")),
    "deliver": (services.mark_delivered, gettext_lazy("Marked delivered.")),
    "receipt": (services.confirm_receipt, gettext_lazy("Receipt recorded.")),
}


@require_POST
@workspace_view(Perm.MANAGE_SEEDING)
def shipment_step(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    """Move a shipment one step on (label, ship, deliver, receipt), or tell the creator."""
    workspace = request_workspace(request)
    shipment = queries.shipment_for(workspace, pk)
    try:
        if action == "tell":
            form = TrackingForm(request.POST)
            expected = form.cleaned_data.get("expected_on") if form.is_valid() else None
            services.tell_creator(
                shipment=shipment, actor=request_user(request), expected_on=expected
            )
            message: Any = _("The creator has been sent the tracking link; the clock has stopped.")
        else:
            step, message = ACTIONS[action]
            step(shipment=shipment, actor=request_user(request))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, str(message))
    return redirect("campaigns:shipment", ws=workspace.slug, pk=shipment.pk)


# ---------------------------------------------------------------------------------------------
# Fulfilment files


def _require_export(membership: Membership) -> None:
    # The file carries addresses: it needs both the seeding and the private-details permissions.
    if not (membership.can(Perm.MANAGE_SEEDING) and membership.can(Perm.VIEW_PRIVATE)):
        raise PermissionDenied


@workspace_view(Perm.MANAGE_SEEDING)
def fulfilment_export(request: HttpRequest) -> HttpResponseBase:
    """The CSV of shipments awaiting a label, for the fulfilment centre."""
    _require_export(request_membership(request))
    filters = queries.ShipmentFilters.from_params(request.GET)
    return services.fulfilment_export(
        workspace=request_workspace(request),
        actor=request_user(request),
        campaign_id=filters.campaign_id,
    )


@workspace_view(Perm.MANAGE_SEEDING)
def tracking_import(request: HttpRequest) -> HttpResponseBase:
    """Upload the fulfilment centre's tracking numbers; all rows are checked before any is used."""
    form = TrackingFileForm(request.POST or None, request.FILES or None)
    problems: list[services.RowProblem] = []
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.import_tracking(
                workspace=request_workspace(request),
                actor=request_user(request),
                data=form.cleaned_data["file"].read(),
            )
        except services.TrackingImportError as exc:
            problems = exc.problems
    return render(
        request,
        "campaigns/fulfilment_import.html",
        {"form": form, "problems": problems, "result": result},
        status=422 if problems or form.errors else 200,
    )


urls: list[URLPattern] = [
    path("products/", product_list, name="products"),
    path("products/<int:pk>/", product_edit, name="product"),
    path("shipments/", shipment_list, name="shipments"),
    path("shipments/fulfilment.csv", fulfilment_export, name="fulfilment_export"),
    path("shipments/tracking-import/", tracking_import, name="tracking_import"),
    path("shipments/<int:pk>/", shipment_detail, name="shipment"),
    *[
        path(
            f"shipments/<int:pk>/{action}/",
            shipment_step,
            {"action": action},
            name=f"shipment_{action}",
        )
        for action in ("label", "ship", "deliver", "receipt", "tell")
    ],
    path("collaborations/<int:pk>/shipments/new/", shipment_create, name="shipment_create"),
]


def collaboration_section(request: HttpRequest, collaboration: Collaboration) -> dict[str, Any]:
    """The context of the collaboration page's seeding section (campaigns/_seeding_section.html)."""
    membership = request_membership(request)
    shipments = queries.collaboration_shipments(collaboration)
    clocks = queries.shipping_clocks(shipments)
    return {
        "seeding_collaboration": collaboration,
        "seeding_rows": [shipment_row(s, clocks.get(s.pk)) for s in shipments],
        "seeding_can_manage": membership.can(Perm.MANAGE_SEEDING),
        "seeding_can_view_private": membership.can(Perm.VIEW_PRIVATE),
        "seeding_has_address": bool(collaboration.creator.shipping_address.strip()),
    }
