"""Reads for the hub's welcome and terms: the agreed terms or the packages on offer, written in
plain words for the creator, with the bonus ladder and where they stand on it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.campaigns.models import (
    AddOnKind,
    BonusKind,
    BonusMetric,
    BonusMode,
    Collaboration,
    Offer,
    OfferParty,
    OfferStatus,
)
from rapport.campaigns.services.offers import AddOnData, BonusData, PackageData, bonus_earned
from rapport.creators.models import Platform
from rapport.hub.money import money
from rapport.workspaces.models import User

# Ad platforms and owned channels are typed freely by the team; these are written properly.
_CHANNEL_NAMES = {value: str(label) for value, label in Platform.choices} | {
    "meta": "Meta",
    "google": "Google",
}


@dataclass(frozen=True)
class BonusTerms:
    """A bonus in plain words: what is measured, how rungs combine, and each rung."""

    metric: str
    how: str
    rungs: list[str]
    window: str


@dataclass(frozen=True)
class PackageTerms:
    """One package (agreed, or on offer) in plain words. ``position`` is its 1-based place in its
    round, the only way the hub refers to it."""

    position: int
    label: str
    deliverables: str
    fee: str
    add_ons: list[str]
    seeding: list[str]
    total: str
    bonus: BonusTerms | None


@dataclass(frozen=True)
class BonusStanding:
    """Where the creator stands on their bonus: the measured value (None until measured) and
    what it earns, in words."""

    measured: Decimal | None
    earned: Decimal
    text: str


def channel_name(value: str) -> str:
    """A channel or platform as people write it ("meta" is Meta, "tiktok" TikTok)."""
    value = value.strip()
    return _CHANNEL_NAMES.get(value.lower(), value[:1].upper() + value[1:])


def _channels(values: list[str]) -> str:
    return ", ".join(channel_name(v) for v in values if v.strip())


def _days(n: int | None) -> str:
    if not n:
        return ""
    return ngettext("for %(n)s day", "for %(n)s days", n) % {"n": n}


def add_on_text(add_on: AddOnData, currency: str) -> str:
    """One add-on as a sentence the creator understands, with its fee."""
    channels = _channels(add_on.channels)
    days = _days(add_on.window_days)
    if add_on.kind == AddOnKind.USAGE_RIGHTS:
        text = _("Usage rights: the brand may share your content on its own channels")
        text += f" ({channels})" if channels else ""
    elif add_on.kind == AddOnKind.PAID_USAGE:
        text = _("Paid usage: the brand may run your content as ads")
        text += " " + _("on %(platforms)s") % {"platforms": channels} if channels else ""
    elif add_on.kind == AddOnKind.WHITELISTING:
        text = _("Whitelisting: the brand may run ads from your handle")
        text += " " + _("on %(platforms)s") % {"platforms": channels} if channels else ""
    elif add_on.kind == AddOnKind.EXCLUSIVITY:
        text = _("Exclusivity: no paid work for other brands in %(category)s") % {
            "category": add_on.category
        }
        if add_on.competitors:
            text += " " + _("(including %(names)s)") % {"names": ", ".join(add_on.competitors)}
    else:
        text = _("Rush fee: for a faster turnaround")
    if days:
        text += " " + days
    if add_on.fee:
        text += " · " + _("%(fee)s more") % {"fee": money(add_on.fee, currency)}
    return text


def metric_name(metric: str) -> str:
    """What a bonus measures, in the creator's words."""
    if metric == BonusMetric.CPA:
        return _("your CPA (what the brand pays per sale)")
    if metric == BonusMetric.REVENUE:
        return _("the revenue you bring in")
    return _("the sales you bring in")


def rung_text(metric: str, threshold: Decimal, amount: Decimal, currency: str) -> str:
    """One rung in plain words: "+$250 if your CPA is under $60"."""
    bonus = money(amount, currency)
    if metric == BonusMetric.CPA:
        return _("+%(bonus)s if your CPA is under %(threshold)s") % {
            "bonus": bonus,
            "threshold": money(threshold, currency),
        }
    if metric == BonusMetric.REVENUE:
        return _("+%(bonus)s if the revenue you bring in reaches %(threshold)s") % {
            "bonus": bonus,
            "threshold": money(threshold, currency),
        }
    return _("+%(bonus)s if you bring in %(threshold)s sales or more") % {
        "bonus": bonus,
        "threshold": f"{threshold.normalize():f}",
    }


def bonus_terms(bonus: BonusData, currency: str) -> BonusTerms:
    """The bonus ladder (or commission) in plain words."""
    window = _("Measured over %(n)s days.") % {"n": bonus.window_days} if bonus.window_days else ""
    if bonus.kind == BonusKind.COMMISSION:
        percent = f"{(bonus.commission_percent or Decimal(0)).normalize():f}"
        return BonusTerms(
            metric=metric_name(BonusMetric.REVENUE),
            how=_("You earn %(percent)s%% of the revenue you bring in, with no cap.")
            % {"percent": percent},
            rungs=[],
            window=window,
        )
    how = (
        _("Every rung you reach adds to your bonus.")
        if bonus.mode == BonusMode.CUMULATIVE
        else _("You earn the bonus of the best rung you reach (rungs do not add up).")
    )
    return BonusTerms(
        metric=metric_name(bonus.metric),
        how=how,
        rungs=[rung_text(bonus.metric, t, a, currency) for t, a in bonus.rungs],
        window=window,
    )


def package_terms(data: PackageData, position: int = 1) -> PackageTerms:
    """A package as the creator reads it: fee, add-ons, product, bonus."""
    currency = data.currency
    paid = data.base_fee + sum((a.fee for a in data.add_ons), Decimal(0))
    return PackageTerms(
        position=position,
        label=data.label,
        deliverables=data.deliverables,
        fee=money(data.base_fee, currency),
        add_ons=[add_on_text(a, currency) for a in data.add_ons],
        seeding=[f"{s.quantity} \N{MULTIPLICATION SIGN} {s.description}" for s in data.seeding],
        total=money(paid, currency),
        bonus=None if data.bonus is None else bonus_terms(data.bonus, currency),
    )


def agreed_terms(collaboration: Collaboration) -> PackageTerms | None:
    """The collaboration's agreed terms (the accepted snapshot) in plain words, or None before
    a package is accepted."""
    if not collaboration.terms:
        return None
    return package_terms(PackageData.from_terms(collaboration.terms))


def open_round(collaboration: Collaboration) -> Offer | None:
    """The brand's latest round that was sent and not yet decided, with its packages loaded."""
    return (
        Offer.objects.filter(
            workspace_id=collaboration.workspace_id,
            collaboration=collaboration,
            party=OfferParty.BRAND,
            status=OfferStatus.SENT,
        )
        .order_by("-number")
        .prefetch_related("packages__add_ons", "packages__seeding", "packages__bonus__rungs")
        .first()
    )


def packages_on_offer(offer: Offer) -> list[PackageTerms]:
    """The round's packages in plain words, numbered from 1 in their order."""
    return [
        package_terms(PackageData.of(p), position)
        for position, p in enumerate(offer.packages.all(), start=1)
    ]


def bonus_standing(collaboration: Collaboration, measured: Decimal | None = None) -> BonusStanding:
    """Where the creator stands on the agreed bonus. ``measured`` is the ladder's metric as
    measured so far (the tracking and money issues supply it); until then it is not measured."""
    terms: dict[str, Any] = collaboration.terms or {}
    data = PackageData.from_terms(terms) if terms else None
    bonus = data.bonus if data else None
    if data is None or bonus is None:
        return BonusStanding(measured=None, earned=Decimal(0), text="")
    earned = bonus_earned(bonus, measured)
    if measured is None:
        text = _("Not measured yet: we will show where you stand once results come in.")
    else:
        metric = BonusMetric.REVENUE if bonus.kind == BonusKind.COMMISSION else bonus.metric
        value = (
            f"{measured.normalize():f}"
            if metric == BonusMetric.CONVERSIONS
            else money(measured, data.currency)
        )
        text = _("So far: %(value)s, which earns you %(earned)s.") % {
            "value": value,
            "earned": money(earned, data.currency),
        }
    return BonusStanding(measured=measured, earned=earned, text=text)


def contact_of(collaboration: Collaboration) -> User | None:
    """The creator's one contact at the brand: the collaboration's owner, else the campaign's."""
    return collaboration.owner or collaboration.campaign.owner
