"""The hub's brief: the published version with what changed since the creator's last visit, the
creator's own note, and the "I have read the brief" confirmation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.campaigns.queries.briefs import current_version
from rapport.hub.context import Hub, request_hub
from rapport.hub.decorators import hub_action
from rapport.hub.queries import brief as queries
from rapport.hub.services.brief import acknowledge_brief, note_visit


def section(request: HttpRequest, hub: Hub) -> dict[str, Any]:
    """The context of templates/hub/sections/brief.html (keys start with ``brief_``). Viewing
    the page counts as a visit (see :func:`note_visit`), unless a team member is previewing it."""
    collaboration = hub.collaboration
    version = current_version(hub.campaign)
    state = (
        queries.visit_state(collaboration)
        if hub.preview
        else note_visit(hub, timezone.now(), current=version)
    )
    if version is None:
        return {"brief_version": None, "brief_note": collaboration.note}
    changes = queries.changes_for(collaboration, state, version)
    acknowledged = queries.latest_acknowledgement(collaboration)
    return {
        "brief_version": version,
        "brief_fields": queries.brief_fields(version, {c["field"] for c in changes}),
        "brief_changes": changes,
        "brief_baseline": state.baseline_brief_version if changes else None,
        "brief_note": collaboration.note,
        "brief_acknowledged": acknowledged,
        "brief_confirmed": acknowledged is not None and acknowledged.version_id == version.pk,
    }


@hub_action
def acknowledge(request: HttpRequest, version_number: int) -> HttpResponse:
    """The creator confirms reading version ``version_number`` of the brief."""
    hub = request_hub(request)
    try:
        acknowledge_brief(collaboration=hub.collaboration, version_number=version_number)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Thank you: you confirmed reading version %(n)s of the brief.")
            % {"n": version_number},
        )
    return HttpResponseRedirect(hub.url("page") + "#brief")


urls: list[URLPattern] = [
    path(
        "<str:token>/brief/version-<int:version_number>/acknowledge/",
        acknowledge,
        name="brief_acknowledge",
    ),
]
