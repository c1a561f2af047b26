"""Pages of service levels: the running clocks and attainment, acknowledging a missed deadline,
and the clocks section of a collaboration's page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.campaigns.forms.sla import AcknowledgeForm, ClockFilterForm
from rapport.campaigns.models import Collaboration, SlaClock
from rapport.campaigns.queries import sla as queries
from rapport.campaigns.services import sla as services
from rapport.workspaces.decorators import workspace_view
from rapport.workspaces.models import Membership, User, Workspace
from rapport.workspaces.queries import members
from rapport.workspaces.roles import Perm


def now() -> dt.datetime:
    """The current time (one place, so that tests can pin it)."""
    return timezone.now()


def _local_day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_current_timezone())


@workspace_view(Perm.VIEW)
def service_levels(request: HttpRequest) -> HttpResponse:
    """Running clocks by state (breached first), the first ``queries.CAP`` of each with its count,
    and attainment over a period; with ``?state=<state>``, that state's clocks a page at a time."""
    workspace: Workspace = request.workspace  # type: ignore[attr-defined]
    current = now()
    form = ClockFilterForm(request.GET or None, members=list(members(workspace)))
    filters = form.cleaned_data if form.is_valid() else {}
    only = request.GET.get("state")
    if only not in queries.RUNNING_STATES:
        only = None
    raw_page = request.GET.get("page", "")
    page = int(raw_page) if only and raw_page.isdigit() and int(raw_page) > 0 else 1
    grouped = queries.running_by_state(
        workspace,
        now=current,
        moment=filters.get("moment") or "",
        owner=filters.get("owner"),
        only=only,
        limit=queries.CAP,
        offset=(page - 1) * queries.CAP,
    )
    context: dict[str, Any] = {
        "form": form,
        "now": current,
        "running": [
            (state, services.STATE_LABELS[state], listing)
            for state, listing in grouped.items()
            if only in (None, state)
        ],
        "only": only,
        "page": page,
        "pages": grouped[services.ClockState(only)].pages(queries.CAP) if only else 1,
    }
    if not only:
        since, until = form.period(timezone.localdate(current))
        period = {
            "since": _local_day_start(since),
            "until": _local_day_start(until + dt.timedelta(days=1)),
        }
        context |= {
            "by_moment": queries.attainment(workspace, by="moment", now=current, **period),
            "by_owner": queries.attainment(workspace, by="owner", now=current, **period),
            "resolution": queries.median_resolution(workspace, by="moment", **period),
            "since": since,
            "until": until,
        }
    return render(request, "campaigns/service_levels.html", context)


def _draft_deadline(workspace: Workspace, clock: SlaClock, current: dt.datetime) -> dt.datetime:
    """The deadline offered by default: the moment's own allowance, counted from now."""
    return services.due_time(workspace, clock.moment, current)


@workspace_view(Perm.VIEW)
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """Own a missed deadline: a new deadline and a message to the creator, edited before sending.

    The clock's owner or a member who runs campaigns may; "Rewrite the message" redrafts the
    built-in message for the deadline in the form. The form carries the deadline its draft was
    written for, so that a draft sent unchanged after the deadline changed is rewritten for it."""
    workspace: Workspace = request.workspace  # type: ignore[attr-defined]
    membership: Membership = request.membership  # type: ignore[attr-defined]
    user: User = request.user  # type: ignore[assignment]
    clock = queries.clock_for(workspace, pk)
    if not services.may_acknowledge(membership, clock):
        raise DjangoPermissionDenied
    current = now()
    state = services.state_of(clock, current)
    if request.method == "POST" and "redraft" not in request.POST:
        form = AcknowledgeForm(request.POST)
        if form.is_valid():
            try:
                services.acknowledge_breach(
                    workspace=workspace,
                    actor=user,
                    clock=clock,
                    new_due_at=form.cleaned_data["new_due_at"],
                    message=form.cleaned_data["message"],
                    drafted_for=form.cleaned_data.get("drafted_for"),
                    now=current,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                creator = clock.collaboration.creator if clock.collaboration else None
                if creator is not None and creator.primary_email:
                    messages.success(
                        request,
                        _("New deadline set; the message was e-mailed to %(email)s.")
                        % {"email": creator.primary_email},
                    )
                else:
                    messages.warning(
                        request,
                        _(
                            "New deadline set. The creator has no e-mail address: send them "
                            "the message another way."
                        ),
                    )
                return redirect(_back(workspace, clock))
    else:
        deadline = _draft_deadline(workspace, clock, current)
        if request.method == "POST":
            redraft = AcknowledgeForm(request.POST)
            redraft.is_valid()
            deadline = redraft.cleaned_data.get("new_due_at") or deadline
        form = AcknowledgeForm(
            initial={
                "new_due_at": timezone.localtime(deadline),
                "drafted_for": timezone.localtime(deadline),
                "message": services.acknowledgement_draft(
                    workspace=workspace, clock=clock, new_due_at=deadline
                ),
            }
        )
    context = {
        "form": form,
        "row": queries.rows(workspace, [clock], current)[0],
        "breached": state == services.ClockState.BREACHED,
        "back": _back(workspace, clock),
    }
    return render(request, "campaigns/sla_acknowledge.html", context)


def _back(workspace: Workspace, clock: SlaClock) -> str:
    if clock.collaboration_id:
        return reverse(
            "campaigns:collaboration", kwargs={"ws": workspace.slug, "pk": clock.collaboration_id}
        )
    return reverse("campaigns:service_levels", kwargs={"ws": workspace.slug})


urls: list[URLPattern] = [
    path("service-levels/", service_levels, name="service_levels"),
    path("service-levels/clocks/<int:pk>/acknowledge/", acknowledge, name="sla_acknowledge"),
]


def collaboration_section(request: HttpRequest, collaboration: Collaboration) -> dict[str, Any]:
    """The context of the collaboration page's sla section (campaigns/_sla_section.html): the
    collaboration's clocks with their state, and which of them the viewer may acknowledge."""
    workspace: Workspace = request.workspace  # type: ignore[attr-defined]
    membership: Membership = request.membership  # type: ignore[attr-defined]
    current = now()
    sla_rows = queries.rows(
        workspace, queries.clocks(workspace, collaboration=collaboration), current
    )
    return {
        "sla_rows": [
            {
                "row": row,
                "can_acknowledge": row.state == services.ClockState.BREACHED
                and services.may_acknowledge(membership, row.clock),
            }
            for row in sla_rows
        ],
        "sla_creator_time_zone": collaboration.creator.time_zone or workspace.time_zone,
    }
