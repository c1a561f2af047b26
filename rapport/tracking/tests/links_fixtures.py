"""What the link and code tests share: a campaign whose workspace allows the shop's domain, and
contracted creators with their accounts and deliverables."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rapport.campaigns.models import Campaign, Collaboration, CollabStage
from rapport.testing.factories import (
    CampaignFactory,
    CollaborationFactory,
    CreatorFactory,
    DeliverableFactory,
    SocialAccountFactory,
)
from rapport.workspaces.models import Workspace

SHOP = "https://shop.lumen.test/products/glow"


def allow(workspace: Workspace, *domains: str) -> Workspace:
    workspace.tracking_domains = list(domains)
    workspace.save(update_fields=["tracking_domains"])
    return workspace


def contracted(
    campaign: Campaign,
    name: str,
    handle: str,
    *,
    platforms: tuple[str, ...] = ("instagram",),
    stage: str = CollabStage.CONTRACTED,
    **kwargs: Any,
) -> Collaboration:
    """A creator in ``campaign`` at ``stage``, with an Instagram account named ``handle`` and a
    deliverable on each of ``platforms``."""
    creator = CreatorFactory.create(workspace=campaign.workspace, name=name)
    SocialAccountFactory.create(creator=creator, handle=handle, followers=50_000)
    collaboration = CollaborationFactory.create(
        campaign=campaign, creator=creator, stage=stage, **kwargs
    )
    for platform in platforms:
        DeliverableFactory.create(collaboration=collaboration, platform=platform)
    return collaboration


@pytest.fixture
def campaign(workspace: Workspace) -> Campaign:
    allow(workspace, "shop.lumen.test")
    return CampaignFactory.create(
        workspace=workspace,
        name="Spring Glow",
        slug="spring-glow",
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 12, 31),
    )


@pytest.fixture
def maya(campaign: Campaign) -> Collaboration:
    return contracted(campaign, "Maya Chen", "maya.glow")
