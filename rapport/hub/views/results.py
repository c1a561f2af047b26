"""The hub's "Your results" section: each of the creator's posts, with the standard collection
form from the agreed collection date on (the same form as the team's, source ``creator``), with
screenshots; the creator's contact is told when figures arrive."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.hub.context import Hub, request_hub
from rapport.hub.decorators import hub_action
from rapport.hub.views.rerender import add_errors, bound_form, page_with_errors
from rapport.performance.forms.posts import CollectionForm
from rapport.performance.queries.posts import post_at, post_rows
from rapport.performance.services.posts import collection_open, record_from_creator


def _form(position: int, *args: Any, **kwargs: Any) -> CollectionForm:
    return CollectionForm(*args, auto_id=f"id_results{position}_%s", **kwargs)


def section(request: HttpRequest, hub: Hub) -> dict[str, Any]:
    """The context of hub/sections/results.html (keys start with ``results_``)."""
    today = timezone.localdate()  # the hub runs in the creator's time zone
    items = []
    for row in post_rows(hub.collaboration):
        is_open = collection_open(row.post, today)
        form = bound_form(request, f"results{row.position}")
        if form is None and is_open:
            form = _form(row.position, initial={"collected_on": row.post.collect_on or today})
        items.append({"row": row, "open": is_open, "form": form})
    return {"results_items": items}


@hub_action
def submit(request: HttpRequest, position: int) -> HttpResponse:
    """The creator's figures for their post number ``position``, with screenshots."""
    hub = request_hub(request)
    row = post_at(hub.collaboration, position)
    form = _form(position, request.POST, request.FILES)
    if form.is_valid():
        try:
            record_from_creator(
                collaboration=hub.collaboration,
                position=position,
                post=row.post,
                collected_on=form.cleaned_data["collected_on"],
                values=form.values(),
                note=form.cleaned_data["note"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Thank you: the figures of post %(n)s are with the team.") % {"n": position},
            )
            return redirect(hub.url("page") + f"#result-{position}")
    return page_with_errors(request, hub, {f"results{position}": form}, section="results")


urls: list[URLPattern] = [
    path("<str:token>/results/<int:position>/", submit, name="results_submit"),
]
