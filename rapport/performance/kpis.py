"""Every performance figure, defined once (PRODUCT.md "Definitions and formulas").

The reports, the hub, the API and the exports all compute through :func:`kpis` and write through
:func:`show`; each figure's definition, in words, comes from :data:`DEFINITIONS` (with
:func:`definition`, which names the engagement rate's declared denominator).

- Engagements = likes + comments + shares + saves.
- Engagement rate = engagements / reach, or engagements / impressions: the campaign declares
  which (the workspace's default otherwise), and every rate says which one it used.
- CPM = spend / impressions x 1000; CPV = spend / views; CPA = spend / conversions;
  CPE = spend / engagements; ROAS = attributed revenue / spend.
- A ratio whose denominator is zero (or unknown) is ``None``, shown as "n/a": never 0 and never
  an exception.
- Money is one currency at a time: :class:`Figures` carries its currency, and adding figures in
  two currencies raises :class:`MixedCurrencies` instead of summing them.

Worked examples from the seeds, which the tests hold exactly: $2,000 for 120,000 impressions is a
CPM of $16.67; $7,500 for 450,000 impressions, 210,000 views and 150 purchases is a CPM of $16.67,
a CPV of $0.036 and a CPA of $50.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, format_decimal, format_percent
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from rapport.workspaces.models import ErDenominator

THOUSAND = Decimal(1000)

# The KPIs in the order reports show them.
KPIS = ("er", "cpm", "cpv", "cpa", "cpe", "roas")

# How many decimals each figure is shown with: CPV and CPE are often fractions of a cent.
PLACES = {"cpm": 2, "cpv": 3, "cpa": 2, "cpe": 3, "roas": 2, "er": 2}

LABELS = {
    "spend": gettext_lazy("Spend"),
    "reach": gettext_lazy("Reach"),
    "impressions": gettext_lazy("Impressions"),
    "views": gettext_lazy("Views"),
    "engagements": gettext_lazy("Engagements"),
    "conversions": gettext_lazy("Conversions"),
    "revenue": gettext_lazy("Revenue"),
    "clicks": gettext_lazy("Clicks"),
    "er": gettext_lazy("ER"),
    "cpm": gettext_lazy("CPM"),
    "cpv": gettext_lazy("CPV"),
    "cpa": gettext_lazy("CPA"),
    "cpe": gettext_lazy("CPE"),
    "roas": gettext_lazy("ROAS"),
}

DEFINITIONS = {
    "spend": _(
        "What the brand committed to the creators: agreed fees and add-ons, plus bonuses "
        "computed so far, plus the seeded product's value where the campaign counts it. "
        "Declined and cancelled collaborations are left out."
    ),
    "reach": _("Unique people who saw the content, from each post's latest figures."),
    "impressions": _(
        "Times the content was shown, repeats included, from each post's latest figures."
    ),
    "views": _("Video views, from each post's latest figures."),
    "engagements": _("Likes + comments + shares + saves, from each post's latest figures."),
    "conversions": _(
        "Orders attributed to the creators (by code or tracked click), not cancelled and not "
        "fully refunded."
    ),
    "revenue": _("Revenue of the attributed orders, net of refunds."),
    "clicks": _("Clicks on the creators' tracking links by people (bots left out)."),
    "cpm": _("Cost per thousand impressions: spend ÷ impressions x 1,000."),
    "cpv": _("Cost per view: spend ÷ video views."),
    "cpa": _("Cost per acquisition: spend ÷ attributed conversions."),
    "cpe": _("Cost per engagement: spend ÷ engagements."),
    "roas": _("Return on ad spend: attributed revenue ÷ spend."),
}

ER_DEFINITIONS = {
    ErDenominator.REACH: _("Engagement rate: engagements ÷ reach."),
    ErDenominator.IMPRESSIONS: _("Engagement rate: engagements ÷ impressions."),
}

NOT_AVAILABLE = gettext_lazy("n/a")


def definition(name: str, er_denominator: str = ErDenominator.REACH) -> str:
    """The definition of figure ``name`` in words (the engagement rate's names its denominator)."""
    if name == "er":
        return str(ER_DEFINITIONS[ErDenominator(er_denominator)])
    return str(DEFINITIONS[name])


class MixedCurrencies(ValueError):
    """Figures in two currencies were about to be added up: never without an explicit rate."""

    def __init__(self, currencies: set[str]) -> None:
        self.currencies = sorted(currencies)
        super().__init__(
            gettext(
                "These figures are in several currencies (%(currencies)s); show one currency at "
                "a time."
            )
            % {"currencies": ", ".join(self.currencies)}
        )


def ratio(numerator: Decimal | int, denominator: Decimal | int | None) -> Decimal | None:
    """``numerator / denominator``, or ``None`` ("n/a") when the denominator is zero or unknown."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


@dataclass(frozen=True)
class Figures:
    """The raw totals of one group (a post, a creator, a campaign, a tier...) in one currency.

    ``currency`` is ``None`` only while no money is involved (no spend and no revenue yet).
    Counts are sums of each post's latest snapshot; a figure no source reported adds 0.
    """

    currency: str | None = None
    spend: Decimal = Decimal(0)
    reach: int = 0
    impressions: int = 0
    views: int = 0
    engagements: int = 0
    conversions: int = 0
    revenue: Decimal = Decimal(0)
    clicks: int = 0

    def __add__(self, other: Figures) -> Figures:
        currencies = {c for c in (self.currency, other.currency) if c}
        if len(currencies) > 1:
            raise MixedCurrencies(currencies)
        values: dict[str, Any] = {
            f.name: getattr(self, f.name) + getattr(other, f.name)
            for f in fields(self)
            if f.name != "currency"
        }
        return Figures(currency=next(iter(currencies), None), **values)


@dataclass(frozen=True)
class Kpis:
    """The KPIs of one :class:`Figures`; each is ``None`` when its denominator is zero."""

    er: Decimal | None
    cpm: Decimal | None
    cpv: Decimal | None
    cpa: Decimal | None
    cpe: Decimal | None
    roas: Decimal | None
    er_denominator: str


def engagement_rate(figures: Figures, er_denominator: str) -> Decimal | None:
    """Engagements over the declared denominator (reach or impressions), as a fraction."""
    base = figures.reach if er_denominator == ErDenominator.REACH else figures.impressions
    return ratio(figures.engagements, base)


def kpis(figures: Figures, er_denominator: str) -> Kpis:
    """Every KPI of ``figures``, unrounded (rounding is for :func:`show` only)."""
    cpm = ratio(figures.spend, figures.impressions)
    return Kpis(
        er=engagement_rate(figures, er_denominator),
        cpm=None if cpm is None else cpm * THOUSAND,
        cpv=ratio(figures.spend, figures.views),
        cpa=ratio(figures.spend, figures.conversions),
        cpe=ratio(figures.spend, figures.engagements),
        roas=ratio(figures.revenue, figures.spend),
        er_denominator=er_denominator,
    )


def rounded(name: str, value: Decimal | None) -> Decimal | None:
    """``value`` rounded half up to the places figure ``name`` is shown with (ER as a percent)."""
    if value is None:
        return None
    if name == "er":
        value = value * 100
    return value.quantize(Decimal(1).scaleb(-PLACES[name]), rounding=ROUND_HALF_UP)


def _locale() -> Locale:
    return _parsed(translation.to_locale(translation.get_language() or "en"))


@functools.cache
def _parsed(name: str) -> Locale:
    # Parsing a locale costs more than formatting a figure: a report writes thousands of them.
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def show(name: str, value: Decimal | int | None, currency: str | None = None) -> str:
    """Figure ``name`` written for the active language: "$16.67" (CPM), "$0.036" (CPV),
    "4.25%" (ER), "3.10x" (ROAS), "120,000" (a count), "n/a" when there is no value."""
    if value is None:
        return str(NOT_AVAILABLE)
    locale = _locale()
    if name in ("spend", "revenue"):
        from rapport.hub.money import money

        return money(value, currency or "")
    if name not in PLACES:
        return format_decimal(value, locale=locale)
    places = PLACES[name]
    amount = rounded(name, Decimal(value))
    assert amount is not None
    if name == "er":
        pattern = locale.percent_formats[None].pattern.replace("#,##0", "#,##0." + "0" * places)
        return format_percent(amount / 100, format=pattern, locale=locale)
    if name == "roas":
        return format_decimal(amount, format="#,##0." + "0" * places, locale=locale) + "x"
    pattern = locale.currency_formats["standard"].pattern.replace(".00", "." + "0" * places)
    if amount == amount.to_integral_value() and places == 2:
        pattern = locale.currency_formats["standard"].pattern.replace(".00", "")
    return format_currency(
        amount, currency or "", format=pattern, locale=locale, currency_digits=False
    )
