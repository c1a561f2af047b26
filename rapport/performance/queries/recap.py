"""The creator's recap on the hub: their results, the team's note, and where their payment is.

Shown once the collaboration is live or later. The creator sees their own posts' latest figures,
their engagement rate, the clicks on their links and the orders attributed to them; no cost
figure about their fee (CPM, CPA, ROAS and the recommendation are the brand's judgement, made
for the wrap report, not for the recap). Payment uses the finance statuses' own wording.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapport.campaigns.models import Collaboration, CollabStage
from rapport.finance.models import Invoice
from rapport.finance.queries import collaboration_invoices
from rapport.performance.kpis import Figures, kpis
from rapport.performance.models import Post
from rapport.performance.queries.posts import figures_of
from rapport.performance.queries.report import (
    Figure,
    figure,
    latest_with_engagements,
)
from rapport.tracking.queries.results import Results, collaboration_results

# The stages from which a collaboration has results to recap.
RECAP_STAGES = (CollabStage.LIVE, CollabStage.REPORTED, CollabStage.PAID, CollabStage.CLOSED)
POST_FIGURES = ("reach", "impressions", "views", "engagements", "er")


@dataclass(frozen=True)
class RecapPost:
    url: str
    platform: str
    cells: list[Figure]


@dataclass(frozen=True)
class CreatorRecap:
    """What the hub's recap shows one creator."""

    posts: list[RecapPost]
    totals: list[Figure]
    results: Results
    revenue: Figure
    note: str
    invoice: Invoice | None


def shows_recap(collaboration: Collaboration) -> bool:
    """Whether the collaboration is live or later (the recap has something to say)."""
    return collaboration.stage in RECAP_STAGES


def creator_recap(collaboration: Collaboration) -> CreatorRecap:
    """The recap of ``collaboration``: four queries (posts' latest figures, orders, clicks,
    invoices)."""
    er_denominator = collaboration.campaign.er_denominator
    results = collaboration_results(collaboration)
    posts = []
    total = Figures(currency=results.currency)
    for snapshot in latest_with_engagements(Post.objects.filter(collaboration=collaboration)):
        values = figures_of(snapshot)
        total += values
        kpi = kpis(values, er_denominator)
        posts.append(
            RecapPost(
                url=snapshot.post.url,
                platform=snapshot.post.get_platform_display(),
                cells=[figure(name, values, kpi) for name in POST_FIGURES],
            )
        )
    money = Figures(
        currency=results.currency, revenue=results.revenue, conversions=results.conversions
    )
    invoices = collaboration_invoices(collaboration)
    return CreatorRecap(
        posts=posts,
        totals=[figure(name, total, kpis(total, er_denominator)) for name in POST_FIGURES],
        results=results,
        revenue=figure("revenue", money, kpis(money, er_denominator)),
        note=collaboration.recap_note,
        invoice=invoices[-1] if invoices else None,
    )
