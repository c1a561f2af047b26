"""The recommendation per creator, at its thresholds, and the rules the page prints."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rapport.performance.kpis import Figures, Kpis
from rapport.performance.queries.recommendations import (
    CREATIVE_BELOW,
    RENEGOTIATE_WORSE,
    SCALE_BETTER,
    Recommendation,
    cost_metric,
    recommend,
    rules,
)

CAMPAIGN = Kpis(
    er=Decimal("0.05"), cpm=Decimal("20"), cpv=None, cpa=Decimal("50"), cpe=None, roas=None,
    er_denominator="reach",
)  # fmt: skip


def creator(cpa: str | None, er: str | None) -> Kpis:
    return Kpis(
        er=None if er is None else Decimal(er), cpm=Decimal("20"), cpv=None,
        cpa=None if cpa is None else Decimal(cpa), cpe=None, roas=None, er_denominator="reach",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("cpa", "er", "expected"),
    [
        ("40", "0.05", Recommendation.SCALE),  # exactly 20% cheaper, same ER
        ("40.01", "0.06", Recommendation.KEEP),  # just short of 20% cheaper
        ("40", "0.0499", Recommendation.KEEP),  # cheap enough, ER just below the campaign's
        ("65", "0.05", Recommendation.RENEGOTIATE),  # exactly 30% dearer, ER at the campaign's
        ("64.99", "0.07", Recommendation.KEEP),  # just short of 30% dearer
        ("50", "0.035", Recommendation.CHANGE_CREATIVE),  # ER exactly 30% below
        ("50", "0.0351", Recommendation.KEEP),  # ER just short of 30% below
        ("80", "0.01", Recommendation.CHANGE_CREATIVE),  # dear, and the audience does not respond
        (None, "0.05", Recommendation.NOT_ENOUGH_DATA),  # no conversions: CPA n/a
        ("50", None, Recommendation.NOT_ENOUGH_DATA),  # no reach: ER n/a
    ],
)
def test_recommendation_at_the_thresholds(
    cpa: str | None, er: str | None, expected: Recommendation
) -> None:
    assert recommend(creator(cpa, er), CAMPAIGN, "cpa") == expected


def test_a_campaign_without_figures_gives_not_enough_data() -> None:
    empty = Kpis(er=None, cpm=None, cpv=None, cpa=None, cpe=None, roas=None, er_denominator="reach")
    assert recommend(creator("10", "0.5"), empty, "cpa") == Recommendation.NOT_ENOUGH_DATA


def test_cost_per_result_is_cpa_with_conversions_else_cpm() -> None:
    assert cost_metric(Figures(currency="USD", conversions=3)) == "cpa"
    assert cost_metric(Figures(currency="USD")) == "cpm"
    assert recommend(creator(None, "0.05"), CAMPAIGN, "cpm") == Recommendation.KEEP


def test_the_printed_rules_carry_the_thresholds_the_code_uses() -> None:
    printed = dict(rules("cpa"))
    assert f"{int(SCALE_BETTER * 100)} percent lower" in printed["Scale"]
    assert f"{int(RENEGOTIATE_WORSE * 100)} percent higher" in printed["Renegotiate"]
    assert f"{int(CREATIVE_BELOW * 100)} percent below" in printed["Change creative"]
    assert printed["Scale"].startswith("CPA")
    assert dict(rules("cpm"))["Scale"].startswith("CPM")
    assert next(iter(printed)) == "Not enough data"
