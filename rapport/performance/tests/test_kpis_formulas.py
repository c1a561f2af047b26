"""The KPI module on its own: the seed's worked examples, zero denominators, mixed currencies,
and how each figure is written in English and French."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from rapport.performance.kpis import (
    Figures,
    MixedCurrencies,
    definition,
    kpis,
    ratio,
    rounded,
    show,
)


def test_the_first_seed_example_a_2000_video_with_120000_impressions_has_a_cpm_of_16_67():
    result = kpis(Figures("USD", Decimal(2000), impressions=120_000), "reach")

    assert rounded("cpm", result.cpm) == Decimal("16.67")
    assert show("cpm", result.cpm, "USD") == "$16.67"


def test_the_second_seed_example_holds_for_cpm_cpv_and_cpa():
    figures = Figures("USD", Decimal(7500), impressions=450_000, views=210_000, conversions=150)
    result = kpis(figures, "reach")

    assert show("cpm", result.cpm, "USD") == "$16.67"
    assert show("cpv", result.cpv, "USD") == "$0.036"
    assert show("cpa", result.cpa, "USD") == "$50"
    assert result.cpa == Decimal(50)


def test_a_zero_denominator_is_not_available_never_zero_and_never_an_error():
    result = kpis(Figures("USD", Decimal(500)), "reach")

    assert (result.er, result.cpm, result.cpv, result.cpa, result.cpe) == (None,) * 5
    assert show("cpm", result.cpm, "USD") == "n/a"
    assert ratio(10, 0) is None
    assert ratio(10, None) is None


def test_roas_without_spend_is_not_available_and_with_spend_is_revenue_over_spend():
    assert kpis(Figures("USD", revenue=Decimal(900)), "reach").roas is None
    result = kpis(Figures("USD", Decimal(300), revenue=Decimal(900)), "reach")
    assert result.roas == Decimal(3)
    assert show("roas", result.roas) == "3.00x"


def test_engagement_rate_uses_the_declared_denominator_and_says_which():
    figures = Figures("USD", reach=1_000, impressions=4_000, engagements=80)

    assert kpis(figures, "reach").er == Decimal("0.08")
    assert kpis(figures, "impressions").er == Decimal("0.02")
    assert show("er", kpis(figures, "reach").er) == "8.00%"
    assert "reach" in definition("er", "reach")
    assert "impressions" in definition("er", "impressions")


def test_figures_in_two_currencies_are_never_added():
    with pytest.raises(MixedCurrencies) as refused:
        Figures("USD", Decimal(100)) + Figures("EUR", Decimal(100))

    assert "EUR, USD" in str(refused.value)


def test_figures_in_one_currency_add_up_and_figures_without_money_take_the_other_currency():
    total = (
        Figures("USD", Decimal(100), views=10)
        + Figures(None, views=5)
        + Figures("USD", Decimal("0.50"), conversions=1)
    )

    assert total == Figures("USD", Decimal("100.50"), views=15, conversions=1)


def test_figures_are_written_in_french_with_french_separators():
    result = kpis(
        Figures(
            "EUR",
            Decimal(7500),
            impressions=450_000,
            views=210_000,
            reach=300_000,
            engagements=9_000,
        ),
        "reach",
    )
    with translation.override("fr"):
        assert show("cpm", result.cpm, "EUR") == "16,67\xa0€"
        assert show("cpv", result.cpv, "EUR") == "0,036\xa0€"
        assert show("er", result.er) == "3,00\xa0%"
