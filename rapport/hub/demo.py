"""The demo's creator hubs: a link for every collaboration of the launch campaign, and some of what
creators do there, so the team side and the hub both have something to show."""

from __future__ import annotations

from rapport.campaigns.models import Campaign, CollabStage
from rapport.hub.models import HubLink
from rapport.hub.services.links import issue_link
from rapport.workspaces.models import User, Workspace


def build_hubs(workspace: Workspace, users: dict[str, User]) -> HubLink | None:
    """Issue the launch campaign's hub links; return the one to show off (a collaboration that
    is approved and about to post), if the demo has it."""
    launch = Campaign.objects.filter(workspace=workspace, name="Spring Glow Launch").first()
    if launch is None:
        return None
    maya = users["maya@demo.rapport.test"]
    showcase = None
    for collaboration in launch.collaborations.select_related("creator").order_by("pk"):
        link = issue_link(collaboration=collaboration, actor=maya)
        if collaboration.stage == CollabStage.APPROVED:
            showcase = link
    return showcase
