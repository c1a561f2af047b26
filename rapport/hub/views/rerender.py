"""The hub page shown again after a refused action: every section as usual, with the refused
form bound to what the creator sent (their input and the reasons), and status 422."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from rapport.hub.context import Hub

ATTRIBUTE = "hub_bound_forms"


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else on the form."""
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


def bound_form(request: HttpRequest, key: str) -> Any:
    """The refused form stored under ``key`` for this re-render, or None."""
    return getattr(request, ATTRIBUTE, {}).get(key)


def page_with_errors(
    request: HttpRequest, hub: Hub, bound: dict[str, forms.Form], *, section: str
) -> HttpResponse:
    """The whole hub page with ``bound`` forms in place of the blank ones (each section asks
    :func:`bound_form` for its own), answered with status 422. The page says at the top that
    nothing was done and points to ``section`` (an id on the page), where the reasons are."""
    from rapport.hub.views.page import render_page  # the page imports every section

    setattr(request, ATTRIBUTE, bound)
    return render_page(request, hub, status=422, refused=section)
