"""The hub's messages: the conversation with the creator's contact, and the form that writes to
them (a question on the CRM side, on the first-response clock)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.hub.context import Hub, request_hub
from rapport.hub.decorators import hub_action
from rapport.hub.forms.messages import MessageForm
from rapport.hub.queries.messages import answer_days, conversation, first_name
from rapport.hub.queries.terms import contact_of
from rapport.hub.services.messages import send_message
from rapport.hub.views.rerender import bound_form, page_with_errors
from rapport.workspaces.forms import apply_service_errors


def _expectation(hub: Hub, contact: str) -> str:
    days = answer_days(hub.workspace)
    if contact:
        return ngettext(
            "%(name)s usually answers within %(days)s business day.",
            "%(name)s usually answers within %(days)s business days.",
            days,
        ) % {"name": contact, "days": days}
    return ngettext(
        "The team usually answers within %(days)s business day.",
        "The team usually answers within %(days)s business days.",
        days,
    ) % {"days": days}


def section(request: HttpRequest, hub: Hub) -> dict[str, Any]:
    """The context of templates/hub/sections/messages.html (keys start with ``messages_``)."""
    contact = first_name(contact_of(hub.collaboration))
    return {
        "messages_conversation": list(conversation(hub.collaboration)),
        "messages_contact": contact,
        "messages_expectation": _expectation(hub, contact),
        "messages_form": bound_form(request, "messages") or MessageForm(contact=contact),
        "messages_send_url": hub.url("messages_send"),
    }


@hub_action
def send(request: HttpRequest) -> HttpResponseBase:
    """Send the creator's message to their contact."""
    hub = request_hub(request)
    contact = first_name(contact_of(hub.collaboration))
    form = MessageForm(request.POST, contact=contact)
    if form.is_valid():
        try:
            send_message(
                collaboration=hub.collaboration,
                body=form.cleaned_data["body"],
                is_clarification=form.cleaned_data["is_clarification"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            flash.success(
                request,
                _("Message sent. %(expectation)s") % {"expectation": _expectation(hub, contact)},
            )
            return redirect(hub.url("page") + "#messages")
    return page_with_errors(request, hub, {"messages": form}, section="messages")


urls: list[URLPattern] = [path("<str:token>/messages/", send, name="messages_send")]
