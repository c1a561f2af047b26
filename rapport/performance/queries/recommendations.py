"""A recommendation per creator in a wrap report, from rules the report prints in plain words.

Each creator's collaboration is compared with the whole campaign (same currency):

- the *cost per result* is CPA when the campaign has attributed conversions, else CPM;
- **Scale**: cost per result at least :data:`SCALE_BETTER` (20%) below the campaign's, and an
  engagement rate at or above the campaign's;
- **Renegotiate**: cost per result at least :data:`RENEGOTIATE_WORSE` (30%) above the
  campaign's, but an engagement rate at or above it (the audience responds; the price is high);
- **Change creative**: engagement rate at least :data:`CREATIVE_BELOW` (30%) below the
  campaign's;
- **Keep** otherwise.

Before them all, **Not enough data** when the creator's or the campaign's cost per result or
engagement rate is n/a (no spend, no figures yet). The rules are tried in that order. The
thresholds are the constants below, and :func:`rules` writes them into the sentences the page
shows, so the page and the code cannot disagree.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.performance.kpis import LABELS, Figures, Kpis

SCALE_BETTER = Decimal("0.20")
RENEGOTIATE_WORSE = Decimal("0.30")
CREATIVE_BELOW = Decimal("0.30")


class Recommendation(models.TextChoices):
    SCALE = "scale", gettext_lazy("Scale")
    RENEGOTIATE = "renegotiate", gettext_lazy("Renegotiate")
    CHANGE_CREATIVE = "change_creative", gettext_lazy("Change creative")
    KEEP = "keep", gettext_lazy("Keep")
    NOT_ENOUGH_DATA = "not_enough_data", gettext_lazy("Not enough data")


def cost_metric(campaign: Figures) -> str:
    """The cost per result the campaign is judged on: ``cpa`` once it has conversions, else
    ``cpm``."""
    return "cpa" if campaign.conversions else "cpm"


def recommend(creator: Kpis, campaign: Kpis, metric: str) -> Recommendation:
    """The recommendation for a creator whose KPIs are ``creator``, in a campaign whose KPIs are
    ``campaign``, judged on cost per result ``metric`` (``cpa`` or ``cpm``)."""
    cost, campaign_cost = getattr(creator, metric), getattr(campaign, metric)
    if cost is None or campaign_cost is None or creator.er is None or campaign.er is None:
        return Recommendation.NOT_ENOUGH_DATA
    engaging = creator.er >= campaign.er
    if engaging and cost <= campaign_cost * (1 - SCALE_BETTER):
        return Recommendation.SCALE
    if engaging and cost >= campaign_cost * (1 + RENEGOTIATE_WORSE):
        return Recommendation.RENEGOTIATE
    if creator.er <= campaign.er * (1 - CREATIVE_BELOW):
        return Recommendation.CHANGE_CREATIVE
    return Recommendation.KEEP


def _percent(value: Decimal) -> str:
    return f"{int(value * 100)}"


def rules(metric: str) -> list[tuple[str, str]]:
    """The rules in the order they are tried, as (recommendation, sentence) for the page."""
    cost = str(LABELS[metric])
    return [
        (
            str(Recommendation.NOT_ENOUGH_DATA.label),
            _("The creator or the campaign has no %(cost)s or no engagement rate yet (n/a).")
            % {"cost": cost},
        ),
        (
            str(Recommendation.SCALE.label),
            _(
                "%(cost)s at least %(better)s percent lower than the campaign's, and an "
                "engagement rate at or above the campaign's."
            )
            % {"cost": cost, "better": _percent(SCALE_BETTER)},
        ),
        (
            str(Recommendation.RENEGOTIATE.label),
            _(
                "%(cost)s at least %(worse)s percent higher than the campaign's, but an "
                "engagement rate at or above the campaign's: the audience responds, the price "
                "is high."
            )
            % {"cost": cost, "worse": _percent(RENEGOTIATE_WORSE)},
        ),
        (
            str(Recommendation.CHANGE_CREATIVE.label),
            _("An engagement rate at least %(below)s percent below the campaign's.")
            % {"below": _percent(CREATIVE_BELOW)},
        ),
        (str(Recommendation.KEEP.label), _("Anything else.")),
    ]


def cost_explanation(metric: str) -> str:
    """Which cost per result the rules use for this campaign, and why."""
    if metric == "cpa":
        return _("Cost per result is CPA: the campaign has attributed conversions.")
    return _("Cost per result is CPM: the campaign has no attributed conversions yet.")
