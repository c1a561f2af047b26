"""What a hub request knows: the one collaboration its token opens, and nothing else."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from rapport.campaigns.models import Campaign, Collaboration
from rapport.creators.models import Creator
from rapport.hub.models import HubLink
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import Workspace


@dataclass(frozen=True)
class Hub:
    """The collaboration a valid hub token opened, with what every hub page needs. Hub code
    reaches data only through this object (never through an id taken from the request)."""

    link: HubLink
    token: str
    #: A member of the workspace is looking (e.g. "Open as the creator"): the page is shown as
    #: the creator sees it, but the visit is not theirs and its actions are not taken.
    preview: bool = False

    @property
    def collaboration(self) -> Collaboration:
        return self.link.collaboration

    @property
    def creator(self) -> Creator:
        return self.link.collaboration.creator

    @property
    def campaign(self) -> Campaign:
        return self.link.collaboration.campaign

    @property
    def workspace(self) -> Workspace:
        return self.link.workspace

    @property
    def time_zone(self) -> zoneinfo.ZoneInfo:
        """The creator's time zone, else the workspace's: every hub date is shown in it."""
        return zone(self.creator.time_zone or self.workspace.time_zone)

    def url(self, name: str, *args: Any) -> str:
        """The address of hub page or action ``name`` (in namespace ``hub``) for this link."""
        return reverse(f"hub:{name}", args=[self.token, *args])


def request_hub(request: HttpRequest) -> Hub:
    """The hub that ``hub_view`` resolved for this request."""
    return request.hub  # type: ignore[attr-defined]
