"""The hub's deliverables section: what the creator makes and by when, each draft with the
reviewer's notes, and the forms to send a draft and to mark a deliverable posted."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from rapport.campaigns.models import ApprovalStage
from rapport.hub.context import Hub, request_hub
from rapport.hub.decorators import hub_action
from rapport.hub.forms.work import DraftForm, PostedForm, upload_limit_mb
from rapport.hub.queries.work import DeliverableStatus, deliverable_at, deliverable_rows
from rapport.hub.services import work
from rapport.hub.views.rerender import add_errors, bound_form, page_with_errors


def section(request: HttpRequest, hub: Hub) -> dict[str, Any]:
    """The context of hub/sections/deliverables.html (keys start with ``deliverables_``)."""
    items = []
    for row in deliverable_rows(hub.collaboration):
        n = row.position
        draft = bound_form(request, f"draft{n}")
        posted = bound_form(request, f"posted{n}")
        items.append(
            {
                "row": row,
                "draft_form": draft
                or (
                    DraftForm(position=n, stages=row.open_stages)
                    if row.open_stages and row.status != DeliverableStatus.LIVE
                    else None
                ),
                "posted_form": posted or (PostedForm(position=n) if row.can_post else None),
            }
        )
    return {
        "deliverables_items": items,
        "deliverables_zone": hub.time_zone.key,
        "deliverables_limit_mb": upload_limit_mb(),
    }


def _back(hub: Hub, position: int) -> HttpResponse:
    return redirect(hub.url("page") + f"#deliverable-{position}")


@hub_action
def submit(request: HttpRequest, position: int) -> HttpResponse:
    """Send a draft (a file or a link) of deliverable ``position`` for review."""
    hub = request_hub(request)
    row = deliverable_at(hub.collaboration, position)
    form = DraftForm(request.POST, request.FILES, position=position, stages=row.open_stages)
    if form.is_valid():
        data = form.cleaned_data
        try:
            submission = work.submit_draft(
                collaboration=hub.collaboration,
                position=position,
                deliverable=row.deliverable,
                stage=data["stage"],
                file=data["file"],
                link=data["link"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Thank you: your %(stage)s (version %(v)s) of deliverable %(n)s is with the "
                    "reviewer. Their notes will appear here."
                )
                % {
                    "stage": ApprovalStage(submission.stage).label.lower(),
                    "v": submission.version,
                    "n": position,
                },
            )
            return _back(hub, position)
    return page_with_errors(request, hub, {f"draft{position}": form}, section="deliverables")


@hub_action
def posted(request: HttpRequest, position: int) -> HttpResponse:
    """Mark deliverable ``position`` posted, with the address of the live post."""
    hub = request_hub(request)
    row = deliverable_at(hub.collaboration, position)
    form = PostedForm(request.POST, position=position)
    if form.is_valid():
        try:
            work.mark_posted(
                collaboration=hub.collaboration,
                position=position,
                deliverable=row.deliverable,
                live_url=form.cleaned_data["live_url"],
                went_live_at=form.cleaned_data["went_live_at"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Deliverable %(n)s is marked live. Thank you!") % {"n": position},
            )
            return _back(hub, position)
    return page_with_errors(request, hub, {f"posted{position}": form}, section="deliverables")


urls: list[URLPattern] = [
    path("<str:token>/deliverables/<int:position>/draft/", submit, name="deliverables_submit"),
    path("<str:token>/deliverables/<int:position>/posted/", posted, name="deliverables_posted"),
]
