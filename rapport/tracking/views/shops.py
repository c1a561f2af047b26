"""Shop pages: the workspace's shops with their webhook addresses and how to connect each, adding
one, changing one (or taking it off), and giving one a new address.

Everyone in the workspace sees the shops; changing them needs ``MANAGE_TRACKING``, and so does
seeing a webhook address (it carries the shop's key). The signing secret is never shown back: at
most its last two characters.
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

from rapport.tracking.forms.shops import ShopForm
from rapport.tracking.models import Shop
from rapport.tracking.queries.shops import shop_for, shops_for
from rapport.tracking.services import shops as services
from rapport.workspaces.decorators import (
    request_membership,
    request_user,
    request_workspace,
    workspace_view,
)
from rapport.workspaces.forms import apply_service_errors
from rapport.workspaces.roles import Perm


def shop_card(shop: Shop, *, can_manage: bool) -> dict[str, Any]:
    """What the pages show of a shop: its address (to those who manage tracking only), masked
    secret, topics and setup steps."""
    url = services.webhook_url(shop)
    return {
        "shop": shop,
        "webhook_url": url if can_manage else "",
        "address_hidden": bool(url) and not can_manage,
        "secret_hint": services.masked_secret(shop),
        "topics": services.TOPICS.get(shop.platform, ()),
        "steps": services.SETUP_STEPS.get(shop.platform, ()),
    }


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_TRACKING)
def shop_list(request: HttpRequest) -> HttpResponseBase:
    """The workspace's shops, with the form that connects one."""
    workspace = request_workspace(request)
    can_manage = request_membership(request).can(Perm.MANAGE_TRACKING)
    form = ShopForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            shop = services.create_shop(
                workspace=workspace, actor=request_user(request), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(shop)s connected: paste its webhook address into the shop's admin.")
                % {"shop": shop},
            )
            return redirect("tracking:shop", ws=workspace.slug, pk=shop.pk)
    return render(
        request,
        "tracking/shops.html",
        {
            "cards": [shop_card(shop, can_manage=can_manage) for shop in shops_for(workspace)],
            "form": form,
            "can_manage": can_manage,
        },
        status=422 if form.errors else 200,
    )


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_TRACKING)
def shop_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One shop: its address and setup steps, and the form that changes it or takes it off."""
    workspace = request_workspace(request)
    shop = shop_for(workspace, pk)
    can_manage = request_membership(request).can(Perm.MANAGE_TRACKING)
    form = (
        ShopForm(request.POST, shop=shop) if request.method == "POST" else ShopForm.for_shop(shop)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_shop(shop=shop, actor=request_user(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("%(shop)s saved.") % {"shop": shop})
            return redirect("tracking:shop", ws=workspace.slug, pk=shop.pk)
    return render(
        request,
        "tracking/shops_detail.html",
        {
            **shop_card(shop, can_manage=can_manage),
            "form": form,
            "can_manage": can_manage,
        },
        status=422 if form.errors else 200,
    )


@require_POST
@workspace_view(Perm.MANAGE_TRACKING)
def shop_rotate_key(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Give the shop a new webhook address; the current one stops working at once."""
    workspace = request_workspace(request)
    shop = services.rotate_key(shop=shop_for(workspace, pk), actor=request_user(request))
    messages.success(
        request,
        _("%(shop)s has a new webhook address: paste it into the shop's admin now.")
        % {"shop": shop},
    )
    return redirect("tracking:shop", ws=workspace.slug, pk=shop.pk)


urls: list[URLPattern] = [
    path("shops/", shop_list, name="shops"),
    path("shops/<int:pk>/", shop_page, name="shop"),
    path("shops/<int:pk>/rotate-key/", shop_rotate_key, name="shop_rotate_key"),
]
