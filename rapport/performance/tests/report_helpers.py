"""The seed's worked example as a campaign, shared by the report and recap tests: $7,500 across
three creators, 450,000 impressions, 210,000 views and 150 attributed purchases (CPM $16.67,
CPV $0.036, CPA $50)."""

from __future__ import annotations

from dataclasses import dataclass

from rapport.campaigns.models import Campaign, Collaboration, Experiment
from rapport.performance.tests.figures_helpers import collaboration, orders, post
from rapport.testing.factories import CampaignFactory, CreatorFactory
from rapport.workspaces.models import Workspace


@dataclass
class Seed:
    campaign: Campaign
    zoe: Collaboration  # cheap and engaging: scale
    ben: Collaboration  # average: keep
    cy: Collaboration  # dear and unengaging: change creative


def seed_campaign(workspace: Workspace, *, name: str = "Spring Glow") -> Seed:
    campaign = CampaignFactory.create(
        workspace=workspace, name=name, slug="spring-glow", currency="USD"
    )
    made = []
    for creator_name, tier, cost, engagements, sales in (
        ("Zoé Laurent", "micro", "1500", 6_000, 50),
        ("Ben Okafor", "mid", "2500", 3_000, 50),
        ("Cy Martin", "micro", "3500", 1_000, 50),
    ):
        creator = CreatorFactory.create(workspace=workspace, name=creator_name, tier=tier)
        collab = collaboration(campaign, cost, creator=creator)
        post(
            collab,
            reach=100_000,
            impressions=150_000,
            views=70_000,
            likes=engagements,
            comments=0,
        )
        orders(collab, sales, revenue="60.00")
        made.append(collab)
    Experiment.objects.create(
        workspace=workspace,
        campaign=campaign,
        hypothesis="Codes said aloud sell more",
        varied="Code placement",
        result="Twice the orders",
        decision="Say the code on screen",
    )
    return Seed(campaign, *made)
