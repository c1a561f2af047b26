"""The read-only links of a campaign's report, as the team sees them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from rapport.campaigns.models import Campaign
from rapport.performance.models import ReportShare


def shares_of(campaign: Campaign) -> QuerySet[ReportShare]:
    """The campaign's links, newest first, with who made them."""
    return ReportShare.objects.filter(
        workspace_id=campaign.workspace_id, campaign=campaign
    ).select_related("created_by")


def share_for(campaign: Campaign, share_id: int) -> ReportShare:
    """One link of the campaign, or 404 (another campaign's or workspace's link included)."""
    return get_object_or_404(shares_of(campaign), pk=share_id)
