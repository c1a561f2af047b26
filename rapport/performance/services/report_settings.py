"""The wrap report's settings on a campaign: whether seeded product counts as spend."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from rapport.campaigns.models import Campaign
from rapport.workspaces.models import User
from rapport.workspaces.services import record


@transaction.atomic
def set_spend_includes_product(
    *, campaign: Campaign, include: bool, actor: User | None
) -> Campaign:
    """Count (or stop counting) the seeded product's value in the campaign's spend, which every
    cost KPI divides; the change is audited with its before and after. The caller checked
    ``Perm.MANAGE_CAMPAIGNS``."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.spend_includes_product == include:
        return campaign
    campaign.spend_includes_product = include
    campaign.save(update_fields=["spend_includes_product", "updated_at"])
    record(
        workspace=campaign.workspace,
        actor=actor,
        kind="campaign.updated",
        summary=(
            _("Campaign %(name)s now counts seeded product in spend")
            if include
            else _("Campaign %(name)s no longer counts seeded product in spend")
        )
        % {"name": campaign.name},
        obj=campaign,
        campaign=campaign,
        changes={"spend_includes_product": (not include, include)},
    )
    return campaign
