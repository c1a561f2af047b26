"""The hub's welcome and terms: who the creator works with, what was agreed in plain words, or the
packages on offer to choose from."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from rapport.finance.bonuses import creator_view, explain
from rapport.finance.services import payment_days
from rapport.hub.context import Hub, request_hub
from rapport.hub.decorators import hub_action
from rapport.hub.queries import terms as queries
from rapport.hub.services.terms import choose_package


def first_name(name: str) -> str:
    """The first word of a creator's name, to greet them by."""
    return (name.split() or [name])[0]


def section(request: HttpRequest, hub: Hub) -> dict[str, Any]:
    """The context of templates/hub/sections/terms.html (keys start with ``terms_``)."""
    collaboration = hub.collaboration
    agreed = queries.agreed_terms(collaboration)
    offer = None if agreed else queries.open_round(collaboration)
    contact = queries.contact_of(collaboration)
    # From the wrap on, the computed bonus gives the measured value and the calculation; while
    # the content is live, the value measured so far.
    bonus = creator_view(collaboration) if agreed and agreed.bonus else None
    line = bonus.line if bonus else None
    return {
        "terms_first_name": first_name(hub.creator.name),
        "terms_contact": contact.display_name if contact else "",
        "terms_agreed": agreed,
        "terms_standing": queries.bonus_standing(
            collaboration, measured=bonus.measured if bonus else None
        )
        if agreed
        else None,
        "terms_bonus_line": line,
        "terms_bonus_explained": explain(line.calculation) if line else [],
        "terms_payment_days": payment_days(hub.workspace),
        "terms_round": offer,
        "terms_packages": queries.packages_on_offer(offer) if offer else [],
    }


@hub_action
def choose(request: HttpRequest, round_number: int, position: int) -> HttpResponse:
    """The creator chooses package ``position`` of round ``round_number`` (both 1-based, both
    as the page showed them)."""
    hub = request_hub(request)
    try:
        choose_package(
            collaboration=hub.collaboration, round_number=round_number, position=position
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Thank you: your choice is recorded and these are now your terms.")
        )
    return HttpResponseRedirect(hub.url("page") + "#terms")


urls: list[URLPattern] = [
    path(
        "<str:token>/terms/round-<int:round_number>/package-<int:position>/choose/",
        choose,
        name="terms_choose",
    ),
]
