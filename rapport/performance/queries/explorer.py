"""The results explorer: every KPI of one level's groups, one currency at a time.

The page and the API both read :func:`explore`, which checks the choice (level, currency) and
reads the figures through :mod:`rapport.performance.queries.figures`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rapport.campaigns.models import Campaign
from rapport.performance.kpis import Figures
from rapport.performance.queries import figures as levels
from rapport.workspaces.models import Workspace

# The levels the explorer offers, broadest first.
LEVELS = (
    levels.Level.WORKSPACE,
    levels.Level.CAMPAIGN,
    levels.Level.TIER,
    levels.Level.PLATFORM,
    levels.Level.CREATOR,
    levels.Level.COLLABORATION,
    levels.Level.DELIVERABLE,
    levels.Level.POST,
)
# The columns, in the order the table shows them.
COLUMNS = (
    "spend",
    "reach",
    "impressions",
    "views",
    "engagements",
    "er",
    "cpm",
    "cpv",
    "cpa",
    "cpe",
    "conversions",
    "revenue",
    "roas",
)


@dataclass(frozen=True)
class Row:
    """One group of the level: its key, what it is called, and its figures."""

    key: levels.Key
    label: str
    figures: Figures


@dataclass(frozen=True)
class Exploration:
    """What the explorer shows for one choice of level, currency and campaign."""

    level: levels.Level
    currency: str
    campaign: Campaign | None
    er_denominator: str
    rows: list[Row]
    totals: Figures
    currencies: list[str]
    # At the post, deliverable and platform levels: what the totals hold that no row does (the
    # collaborations without a post yet); None when that is nothing or at the other levels.
    unposted: Figures | None = None

    @property
    def shared(self) -> bool:
        """Whether spend, conversions, revenue and clicks are shares of collaborations'."""
        return self.level in levels.SHARED_LEVELS


def clean_level(level: str | None) -> levels.Level:
    """``level`` as a :class:`~rapport.performance.queries.figures.Level` (campaign when blank);
    ``ValidationError`` on ``level`` naming the choices otherwise."""
    if not level:
        return levels.Level.CAMPAIGN
    if level not in levels.Level.values:
        raise ValidationError(
            {
                "level": _("“%(level)s” is not a level; choose one of %(levels)s.")
                % {"level": level, "levels": ", ".join(levels.Level.values)}
            }
        )
    return levels.Level(level)


def clean_currency(currency: str | None, found: list[str]) -> str | None:
    """``currency`` if the figures hold any money in it (the first of ``found`` when blank;
    ``None`` when there is none at all); ``ValidationError`` on ``currency`` otherwise."""
    currency = (currency or "").strip().upper()
    if not currency:
        return found[0] if found else None
    if currency not in found:
        raise ValidationError(
            {
                "currency": _(
                    "There are no figures in “%(currency)s”; the figures are in: %(found)s."
                )
                % {"currency": currency, "found": ", ".join(found) or _("no currency yet")}
            }
        )
    return currency


def explore(
    workspace: Workspace,
    *,
    level: str | None,
    currency: str | None,
    campaign: Campaign | None = None,
) -> Exploration:
    """The rows of ``level`` in ``currency`` (the workspace's, or ``campaign``'s), biggest spend
    first, and their totals. The engagement rate uses the campaign's declared denominator, else
    the workspace's. Raises ``ValidationError`` on ``level`` or ``currency`` for a choice that
    does not exist. Eleven queries at most."""
    found = levels.currencies(workspace, campaign=campaign)
    errors: dict[str, list[str]] = {}
    try:
        chosen = clean_level(level)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        money = clean_currency(currency, found)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    er_denominator = (campaign or workspace).er_denominator
    if money is None:
        return Exploration(chosen, "", campaign, er_denominator, [], Figures(), found)
    by_key = levels.figures_by(workspace, level=chosen, currency=money, campaign=campaign)
    names = levels.labels(workspace, level=chosen, keys=by_key)
    rows = [Row(key, names.get(key, str(key)), figures) for key, figures in by_key.items()]
    rows.sort(key=lambda row: (-row.figures.spend, row.label.casefold()))
    total = levels.totals(workspace, currency=money, campaign=campaign)
    unposted = _rest(total, rows) if chosen in levels.SHARED_LEVELS else None
    return Exploration(chosen, money, campaign, er_denominator, rows, total, found, unposted)


def _rest(total: Figures, rows: list[Row]) -> Figures | None:
    """``total`` minus the sum of ``rows``, figure by figure; ``None`` when nothing is left."""
    shown = sum((row.figures for row in rows), Figures(currency=total.currency))
    rest = {
        f.name: getattr(total, f.name) - getattr(shown, f.name)
        for f in fields(Figures)
        if f.name != "currency"
    }
    return Figures(currency=total.currency, **rest) if any(rest.values()) else None
