"""The door into the creator hub, shared by its pages (``decorators.hub_view``) and its API
(``api.creator``): what a token opens for this client, and running a request as the creator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone, translation

from rapport.hub import throttle
from rapport.hub.context import Hub
from rapport.hub.models import HubLink
from rapport.hub.services.links import LinkState, note_opened, resolve, state_of
from rapport.workspaces.models import Membership
from rapport.workspaces.services import acting_as


@dataclass(frozen=True)
class Refused:
    """The client tried too many bad tokens: it must wait ``wait`` seconds."""

    wait: int


@dataclass(frozen=True)
class Closed:
    """The token is real but its link no longer opens: revoked, or expired after the end."""

    state: LinkState
    link: HubLink


def _team_member(request: HttpRequest, link: HubLink) -> bool:
    """Whether a member of the link's workspace is signed in (e.g. "Open as the creator"): a
    creator has no account, so such a request is not the creator's."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(workspace_id=link.workspace_id, user=user).exists()


def open_hub(request: HttpRequest, token: str) -> Hub | Refused | Closed | None:
    """What ``token`` opens for this client, checked as ``hub_view`` checks a page's token. A
    token naming no link is None and counts towards the slow-down, or is Refused while the
    client must wait (a real link always opens, so nobody trying addresses on the same network
    can lock a creator out). A revoked or expired link is Closed. An active one is remembered as
    "last opened", unless a member of the workspace is looking (a preview)."""
    link = resolve(token)
    if link is None:
        wait = throttle.retry_after(request)
        if wait:
            return Refused(wait)
        throttle.record_failure(request)
        return None
    state = state_of(link)
    if state != LinkState.ACTIVE:
        return Closed(state, link)
    preview = _team_member(request, link)
    if not preview:
        note_opened(link)
    return Hub(link=link, token=token, preview=preview)


@contextmanager
def as_creator(request: HttpRequest, hub: Hub) -> Iterator[None]:
    """Run a hub request as its creator: their language, their time zone (else the workspace's),
    and audit entries labelled with their name."""
    creator = hub.creator
    request.hub = hub  # type: ignore[attr-defined]
    request.LANGUAGE_CODE = creator.message_language
    with (
        translation.override(creator.message_language),
        timezone.override(hub.time_zone),
        acting_as(creator.name),
    ):
        yield
