"""The hub's "Your details" section: the creator's shipping address and how they are paid,
shown only to them (the account number masked) and changed with one form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from rapport.creators.models import Creator
from rapport.hub.context import Hub, request_hub
from rapport.hub.decorators import hub_action
from rapport.hub.forms.work import DetailsForm
from rapport.hub.queries.work import masked_account
from rapport.hub.services import work
from rapport.hub.views.rerender import add_errors, bound_form, page_with_errors

KEY = "details"


def _blank_form(creator: Creator) -> DetailsForm:
    return DetailsForm(
        masked_number=masked_account(creator.bank_account_number),
        initial={
            "shipping_address": creator.shipping_address,
            "payout_method": creator.payout_method,
            "payout_email": creator.payout_email,
            "bank_account_name": creator.bank_account_name,
            "bank_code": creator.bank_code,
        },
    )


def section(request: HttpRequest, hub: Hub) -> dict[str, Any]:
    """The context of hub/sections/details.html (keys start with ``details_``)."""
    creator = hub.creator
    form = bound_form(request, KEY)
    return {
        "details_creator": creator,
        "details_masked_number": masked_account(creator.bank_account_number),
        "details_form": form or _blank_form(creator),
        "details_open": form is not None,
    }


@hub_action
def update(request: HttpRequest) -> HttpResponse:
    """Save the creator's shipping address and payment details."""
    hub = request_hub(request)
    creator = hub.creator
    form = DetailsForm(request.POST, masked_number=masked_account(creator.bank_account_number))
    if form.is_valid():
        data = form.cleaned_data
        try:
            change = work.update_details(
                collaboration=hub.collaboration,
                shipping_address=data["shipping_address"],
                payout_method=data["payout_method"],
                payout_email=data["payout_email"],
                bank_account_name=data["bank_account_name"],
                # Left empty: keep the number on file (the page never shows it whole).
                bank_account_number=data["bank_account_number"] or None,
                bank_code=data["bank_code"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if not change.fields:
                text = _("Nothing changed in your details.")
            else:
                text = _("Your details are saved.")
            if change.readdressed:
                text += " " + _("Your parcel that has not left yet will go to your new address.")
            messages.success(request, text)
            return redirect(hub.url("page") + "#details")
    return page_with_errors(request, hub, {KEY: form}, section="details")


urls: list[URLPattern] = [path("<str:token>/details/", update, name="details_update")]
