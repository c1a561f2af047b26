"""The hub's shipping section: each parcel's status, contents, carrier tracking link, expected
date and address, and the creator's "It arrived" button."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from rapport.hub.context import Hub, request_hub
from rapport.hub.decorators import hub_action
from rapport.hub.queries.work import seeding_agreed, shipment_at, shipment_rows
from rapport.hub.services import work


def section(request: HttpRequest, hub: Hub) -> dict[str, Any]:
    """The context of hub/sections/shipping.html (keys start with ``shipping_``)."""
    return {
        "shipping_rows": shipment_rows(hub.collaboration),
        "shipping_agreed": seeding_agreed(hub.collaboration),
    }


@hub_action
def received(request: HttpRequest, position: int) -> HttpResponse:
    """The creator confirms shipment ``position`` arrived."""
    hub = request_hub(request)
    shipment = shipment_at(hub.collaboration, position)
    try:
        work.confirm_arrival(collaboration=hub.collaboration, position=position, shipment=shipment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you for letting us know your parcel arrived."))
    return redirect(hub.url("page") + f"#shipment-{position}")


urls: list[URLPattern] = [
    path("<str:token>/shipping/<int:position>/arrived/", received, name="shipping_received"),
]
