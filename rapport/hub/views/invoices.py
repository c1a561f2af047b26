"""The hub's invoices section: when the creator is paid, each invoice's status, and the upload."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils import formats
from django.utils.translation import gettext as _

from rapport.finance import queries, services
from rapport.finance.forms import InvoiceForm
from rapport.hub.context import Hub, request_hub
from rapport.hub.decorators import hub_action
from rapport.hub.queries.terms import contact_of
from rapport.hub.services.team import for_the_team
from rapport.hub.views.rerender import bound_form, page_with_errors
from rapport.workspaces.forms import apply_service_errors

PREFIX = "invoice"


def _form(hub: Hub, data: Any = None, files: Any = None) -> InvoiceForm:
    return InvoiceForm(
        data,
        files,
        initial={"currency": services.default_currency(hub.collaboration)},
        prefix=PREFIX,
    )


def section(request: HttpRequest, hub: Hub) -> dict[str, Any]:
    """The context of templates/hub/sections/invoices.html (keys start with ``invoices_``).

    Invoices are numbered by their position (invoice 1, 2...), never by a database id."""
    collaboration = hub.collaboration
    agreed = collaboration.committed_cost is not None
    contact = contact_of(collaboration)
    return {
        "invoices_agreed": agreed,
        "invoices_net_days": services.payment_days(hub.workspace),
        "invoices_items": [
            {"position": n, "invoice": invoice}
            for n, invoice in enumerate(queries.collaboration_invoices(collaboration), start=1)
        ],
        "invoices_contact": (contact.display_name if contact else "") or hub.workspace.name,
        "invoices_form": (bound_form(request, PREFIX) or _form(hub)) if agreed else None,
        "invoices_upload_url": hub.url("invoices_upload"),
    }


@hub_action
def upload(request: HttpRequest) -> HttpResponseBase:
    """The creator sends an invoice: it is received, the payment date is set, and the team is
    told. Errors show the page again with what was typed (the file must be chosen again)."""
    hub = request_hub(request)
    form = _form(hub, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            invoice = for_the_team(services.receive_invoice)(
                collaboration=hub.collaboration,
                number=data["number"],
                amount=data["amount"],
                currency=data["currency"],
                file=data["file"],
                actor=None,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Invoice %(number)s received. Payment is scheduled for %(date)s.")
                % {
                    "number": invoice.number,
                    "date": formats.date_format(invoice.due_on, "D j M Y"),
                },
            )
            return redirect(hub.url("page") + "#invoices")
    return page_with_errors(request, hub, {PREFIX: form}, section="invoices")


urls: list[URLPattern] = [
    path("<str:token>/invoices/", upload, name="invoices_upload"),
]
