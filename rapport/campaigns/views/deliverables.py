"""Pages: deliverables (the collaboration page's section, adding one, and each one's page).

Posting times are typed and shown in the creator's time zone (and shown again in the viewer's).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from rapport.campaigns.forms.deliverables import DeliverableForm, LiveForm
from rapport.campaigns.forms.reviews import SubmissionForm
from rapport.campaigns.models import Collaboration, Deliverable
from rapport.campaigns.queries import briefs
from rapport.campaigns.queries.deliverables import (
    ON_TIME_LABELS,
    approval_rounds,
    collaboration_for,
    creator_zone_name,
    deliverable_for,
    deliverables_of,
    on_time_status,
    posting_deadline,
    stage_progress,
)
from rapport.campaigns.services.deliverables import (
    create_deliverable,
    record_live,
    update_deliverable,
)
from rapport.workspaces.calendar import zone
from rapport.workspaces.decorators import request_membership, request_workspace, workspace_view
from rapport.workspaces.forms import apply_service_errors
from rapport.workspaces.models import User
from rapport.workspaces.roles import Perm

FIELDS = (
    "kind",
    "platform",
    "quantity",
    "description",
    "approval_stages",
    "post_at",
    "post_until",
    "disclosure",
)


def deliverable_row(deliverable: Deliverable) -> dict[str, Any]:
    """What a list of deliverables shows for one (its submissions prefetched)."""
    status = on_time_status(deliverable)
    return {
        "deliverable": deliverable,
        "status": status.value,
        "status_label": ON_TIME_LABELS[status],
        "progress": stage_progress(deliverable),
        "rounds": approval_rounds(deliverable),
    }


def _new_form(collaboration: Collaboration, data: Any = None) -> DeliverableForm:
    campaign = collaboration.campaign
    return DeliverableForm(
        data,
        zone_name=creator_zone_name(collaboration),
        initial={
            "approval_stages": briefs.approval_stages_for(campaign),
            "disclosure": briefs.disclosure_for(campaign),
            "quantity": 1,
        },
        prefix="new-deliverable",
    )


def collaboration_section(request: HttpRequest, collaboration: Collaboration) -> dict[str, Any]:
    """The context of the page's deliverables section (campaigns/_deliverables_section.html)."""
    can_manage = request_membership(request).can(Perm.MANAGE_CAMPAIGNS)
    return {
        "deliverable_collaboration": collaboration,
        "deliverable_rows": [deliverable_row(d) for d in deliverables_of(collaboration)],
        "deliverable_form": _new_form(collaboration) if can_manage else None,
        "deliverable_zone": creator_zone_name(collaboration),
        "can_manage_deliverables": can_manage,
    }


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_CAMPAIGNS)
def deliverable_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Add a deliverable to a collaboration (the section's form posts here)."""
    collaboration = collaboration_for(request_workspace(request), pk)
    form = _new_form(collaboration, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in FIELDS}
        try:
            deliverable = create_deliverable(
                collaboration=collaboration, actor=cast(User, request.user), **values
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Deliverable added: %(d)s.") % {"d": deliverable})
            return redirect(
                "campaigns:deliverable", ws=request_workspace(request).slug, pk=deliverable.pk
            )
    return render(
        request,
        "campaigns/deliverable_add.html",
        {
            "collaboration": collaboration,
            "form": form,
            "creator_zone": creator_zone_name(collaboration),
        },
        status=422 if form.errors else 200,
    )


@workspace_view(Perm.VIEW, write_perm=Perm.MANAGE_CAMPAIGNS)
def deliverable_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A deliverable: its terms, posting time and deadlines, reviews per stage, and the live post.
    POST ``action=update`` changes it, ``action=live`` records the live post."""
    workspace = request_workspace(request)
    deliverable = deliverable_for(workspace, pk)
    collaboration = deliverable.collaboration
    zone_name = creator_zone_name(collaboration)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    edit_form = DeliverableForm(
        request.POST if action == "update" else None,
        zone_name=zone_name,
        initial={name: getattr(deliverable, name) for name in FIELDS},
    )
    live_form = LiveForm(
        request.POST if action == "live" else None,
        zone_name=zone_name,
        initial={
            "live_url": deliverable.live_url,
            "went_live_at": deliverable.went_live_at,
            "disclosure_checked": deliverable.disclosure_checked,
        },
    )
    actor = cast(User, request.user)
    if action == "update" and edit_form.is_valid():
        data = edit_form.cleaned_data
        try:
            update_deliverable(
                deliverable=deliverable,
                actor=actor,
                reason=data["reason"],
                **{name: data[name] for name in FIELDS},
            )
        except ValidationError as exc:
            apply_service_errors(edit_form, exc)
        else:
            messages.success(request, _("Deliverable saved."))
            return redirect(request.path)
    elif action == "live" and live_form.is_valid():
        data = live_form.cleaned_data
        try:
            record_live(deliverable=deliverable, actor=actor, **data)
        except ValidationError as exc:
            apply_service_errors(live_form, exc)
        else:
            messages.success(request, _("Live post recorded."))
            return redirect(request.path)
    elif request.method == "POST" and action not in ("update", "live"):
        messages.error(request, _("Nothing was changed: choose what to save."))
        return redirect(request.path)
    deliverable = deliverables_of(collaboration).get(pk=deliverable.pk)
    can_manage = request_membership(request).can(Perm.MANAGE_CAMPAIGNS)
    context = {
        "deliverable": deliverable,
        "collaboration": collaboration,
        "campaign": collaboration.campaign,
        "row": deliverable_row(deliverable),
        "posting_deadline": posting_deadline(deliverable),
        "creator_zone": zone_name,
        "creator_tz": zone(zone_name),
        "can_manage": can_manage,
        "edit_form": edit_form,
        "live_form": live_form,
        "submission_form": (
            SubmissionForm(stages=deliverable.approval_stages, prefix="submission")
            if can_manage and deliverable.approval_stages
            else None
        ),
        "submission_action": reverse(
            "campaigns:submission_add", kwargs={"ws": workspace.slug, "pk": deliverable.pk}
        ),
        "show_edit": bool(edit_form.errors),
        "show_live": bool(live_form.errors),
    }
    status = 422 if edit_form.errors or live_form.errors else 200
    return render(request, "campaigns/deliverable.html", context, status=status)


urls: list[URLPattern] = [
    path("deliverables/<int:pk>/", deliverable_page, name="deliverable"),
    path("collaborations/<int:pk>/deliverables/new/", deliverable_add, name="deliverable_add"),
]
