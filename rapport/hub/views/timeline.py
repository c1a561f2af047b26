"""The hub's timeline: dated milestones in the creator's time zone, and the time zone itself,
suggested from the browser and confirmed by the creator."""

from __future__ import annotations

import functools
import zoneinfo
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from rapport.hub.context import Hub, request_hub
from rapport.hub.decorators import hub_action
from rapport.hub.queries.timeline import milestones
from rapport.hub.services.timeline import confirm_time_zone
from rapport.hub.views.rerender import page_with_errors

_REGIONS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


@functools.cache
def zone_choices() -> tuple[str, ...]:
    """The time zones offered in the list: the IANA database's "Region/City" names, and UTC."""
    names = (z for z in zoneinfo.available_timezones() if z.startswith(_REGIONS))
    return ("UTC", *sorted(names))


def section(request: HttpRequest, hub: Hub) -> dict[str, Any]:
    """The context of templates/hub/sections/timeline.html (keys start with ``timeline_``).
    After a refused time zone, the page is shown again with the value and its error."""
    tz = hub.time_zone
    return {
        "timeline_milestones": milestones(hub.collaboration, tz),
        "timeline_zone": tz.key,
        "timeline_confirmed_zone": hub.creator.time_zone,
        "timeline_zones": zone_choices(),
        "timeline_zone_value": getattr(request, "timeline_zone_value", tz.key),
        "timeline_zone_error": getattr(request, "timeline_zone_error", ""),
    }


@hub_action
def time_zone(request: HttpRequest) -> HttpResponse:
    """The creator confirms their time zone; a refused one shows the page again with the error
    (status 422)."""
    hub = request_hub(request)
    value = request.POST.get("time_zone", "").strip()
    try:
        confirm_time_zone(creator=hub.creator, time_zone=value)
    except ValidationError as exc:
        request.timeline_zone_value = value  # type: ignore[attr-defined]
        request.timeline_zone_error = " ".join(  # type: ignore[attr-defined]
            exc.message_dict.get("time_zone", exc.messages)
        )
        return page_with_errors(request, hub, {}, section="timeline")
    messages.success(request, _("Done: times are now shown in %(zone)s.") % {"zone": value})
    return HttpResponseRedirect(hub.url("page") + "#timeline")


urls: list[URLPattern] = [
    path("<str:token>/timeline/time-zone/", time_zone, name="timeline_time_zone"),
]
