"""The money rules of offers: committed cost, the bonus ladder (the seed's example exactly), and
one currency per package."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rapport.campaigns.models import BonusKind, BonusMetric, BonusMode
from rapport.campaigns.services.offers import (
    AddOnData,
    BonusData,
    PackageData,
    SeedingData,
    bonus_earned,
    committed_cost,
    max_bonus,
)
from rapport.testing.factories import ProductFactory

D = Decimal
SEED_RUNGS = [(D("60"), D("250")), (D("45"), D("500")), (D("35"), D("1000"))]


def seed_ladder(mode: str = BonusMode.HIGHEST) -> BonusData:
    """PRODUCT.md: +$250 if CPA is under $60, +$500 under $45, +$1,000 under $35."""
    return BonusData(kind=BonusKind.LADDER, metric=BonusMetric.CPA, mode=mode, rungs=SEED_RUNGS)


@pytest.mark.parametrize(
    ("cpa", "highest", "cumulative"),
    [("50", "250", "250"), ("40", "500", "750"), ("30", "1000", "1750"), ("70", "0", "0")],
)
def test_the_seed_ladder_pays_exactly(cpa: str, highest: str, cumulative: str) -> None:
    assert bonus_earned(seed_ladder(), D(cpa)) == D(highest)
    assert bonus_earned(seed_ladder(BonusMode.CUMULATIVE), D(cpa)) == D(cumulative)


def test_cpa_rungs_are_strictly_under_the_threshold() -> None:
    assert bonus_earned(seed_ladder(), D("60")) == 0
    assert bonus_earned(seed_ladder(), D("59.99")) == D("250")


def test_an_unknown_cpa_earns_nothing() -> None:
    assert bonus_earned(seed_ladder(), None) == 0


def test_revenue_and_conversions_rungs_are_at_least() -> None:
    rungs = [(D("1000"), D("100")), (D("5000"), D("400"))]
    ladder = BonusData(metric=BonusMetric.REVENUE, rungs=rungs)
    assert bonus_earned(ladder, D("999.99")) == 0
    assert bonus_earned(ladder, D("1000")) == D("100")
    assert bonus_earned(ladder, D("6000")) == D("400")
    cumulative = BonusData(metric=BonusMetric.CONVERSIONS, mode=BonusMode.CUMULATIVE, rungs=rungs)
    assert bonus_earned(cumulative, D("5000")) == D("500")


def test_a_commission_pays_its_share_of_revenue() -> None:
    commission = BonusData(kind=BonusKind.COMMISSION, commission_percent=D("12.5"))
    assert bonus_earned(commission, D("2000")) == D("250.00")


def test_committed_cost_adds_base_add_ons_and_seeding_but_not_the_bonus() -> None:
    package = PackageData(
        base_fee=D("1500"),
        currency="USD",
        deliverables="One video and two story frames",
        add_ons=[
            AddOnData("paid_usage", D("300"), ["meta"], 30),
            AddOnData("rush", D("150")),
        ],
        seeding=[SeedingData("Serum", 2, D("45.50"))],
        bonus=seed_ladder(),
    )
    assert committed_cost(package) == D("2041.00")
    assert max_bonus(package) == D("1000")
    package.bonus = seed_ladder(BonusMode.CUMULATIVE)
    assert max_bonus(package) == D("1750")


def test_max_bonus_without_bonus_is_zero_and_a_commission_has_no_cap() -> None:
    assert max_bonus(PackageData(base_fee=D("10"), currency="USD")) == 0
    commission = BonusData(kind=BonusKind.COMMISSION, commission_percent=D("10"))
    assert max_bonus(PackageData(base_fee=D("10"), currency="USD", bonus=commission)) is None


def test_a_package_refuses_product_valued_in_another_currency(db, workspace) -> None:
    product = ProductFactory.create(workspace=workspace, name="Serum", currency="EUR", value="30")
    package = PackageData(
        base_fee=D("100"), currency="USD", seeding=[SeedingData("Serum", 1, D("30"), product)]
    )
    with pytest.raises(ValidationError) as caught:
        committed_cost(package)
    assert "EUR" in str(caught.value) and "USD" in str(caught.value)
