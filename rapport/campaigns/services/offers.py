"""Offers: rounds of a negotiation, the packages inside them, and the terms they become.

An offer round holds one or more alternative packages (base fee for the deliverables, add-ons,
product seeding, an optional bonus). The brand sends a round; the creator may counter with a round
of their own (the previous one is then marked countered, and every round is kept); accepting one
package turns it into the collaboration's terms, a snapshot that later changes only through
:func:`amend_terms`, with a reason, audited before and after.

The money rules live here, once: :func:`committed_cost`, :func:`max_bonus`, :func:`bonus_earned`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.campaigns.models import (
    AddOn,
    AddOnKind,
    BonusKind,
    BonusLadder,
    BonusMetric,
    BonusMode,
    BonusRung,
    Collaboration,
    CollabStage,
    Offer,
    OfferPackage,
    OfferParty,
    OfferStatus,
    Product,
    SeedingItem,
)
from rapport.campaigns.services.collaborations import (
    active_exclusivities,
    advance_if_allowed,
    record_on_timelines,
)
from rapport.workspaces.models import User
from rapport.workspaces.services import is_currency

CENT = Decimal("0.01")
OPEN = (OfferStatus.DRAFT, OfferStatus.SENT)
# Stages in which a collaboration can still be negotiated.
NEGOTIABLE = (CollabStage.INVITED, CollabStage.NEGOTIATING, CollabStage.DECLINED)


# ---------------------------------------------------------------------------------------------
# What a package is made of, as plain data (read from a form, the API, a stored package or terms)


@dataclass
class AddOnData:
    kind: str
    fee: Decimal
    channels: list[str] = field(default_factory=list)
    window_days: int | None = None
    category: str = ""
    competitors: list[str] = field(default_factory=list)


@dataclass
class SeedingData:
    description: str
    quantity: int
    unit_value: Decimal
    product: Product | None = None


@dataclass
class BonusData:
    kind: str = BonusKind.LADDER
    metric: str = BonusMetric.CPA
    mode: str = BonusMode.HIGHEST
    rungs: list[tuple[Decimal, Decimal]] = field(default_factory=list)  # (threshold, amount)
    commission_percent: Decimal | None = None
    window_days: int | None = None

    @classmethod
    def of(cls, ladder: BonusLadder) -> BonusData:
        return cls(
            kind=ladder.kind,
            metric=ladder.metric,
            mode=ladder.mode,
            rungs=[(r.threshold, r.amount) for r in ladder.rungs.all()],
            commission_percent=ladder.commission_percent,
            window_days=ladder.window_days,
        )


@dataclass
class PackageData:
    base_fee: Decimal
    currency: str
    label: str = ""
    deliverables: str = ""
    add_ons: list[AddOnData] = field(default_factory=list)
    seeding: list[SeedingData] = field(default_factory=list)
    bonus: BonusData | None = None

    @classmethod
    def of(cls, package: OfferPackage) -> PackageData:
        """A stored package as data (its add-ons, seeding and bonus should be prefetched)."""
        bonus = getattr(package, "bonus", None) if _has_bonus(package) else None
        return cls(
            base_fee=package.base_fee,
            currency=package.currency,
            label=package.label,
            deliverables=package.deliverables,
            add_ons=[
                AddOnData(
                    a.kind, a.fee, list(a.channels), a.window_days, a.category, list(a.competitors)
                )
                for a in package.add_ons.all()
            ],
            seeding=[
                SeedingData(s.description, s.quantity, s.unit_value, s.product)
                for s in package.seeding.all()
            ],
            bonus=BonusData.of(bonus) if bonus is not None else None,
        )

    @classmethod
    def from_terms(cls, terms: dict[str, Any]) -> PackageData:
        """Agreed terms (a snapshot) back as data, to start an amendment from."""
        bonus = terms.get("bonus")
        return cls(
            base_fee=Decimal(terms["base_fee"]),
            currency=terms["currency"],
            label=terms.get("label", ""),
            deliverables=terms.get("deliverables", ""),
            add_ons=[
                AddOnData(
                    a["kind"],
                    Decimal(a["fee"]),
                    list(a.get("channels") or []),
                    a.get("window_days"),
                    a.get("category", ""),
                    list(a.get("competitors") or []),
                )
                for a in terms.get("add_ons") or []
            ],
            seeding=[
                SeedingData(s["description"], int(s["quantity"]), Decimal(s["unit_value"]))
                for s in terms.get("seeding") or []
            ],
            bonus=None
            if not bonus
            else BonusData(
                kind=bonus["kind"],
                metric=bonus["metric"],
                mode=bonus["mode"],
                rungs=[(Decimal(r["threshold"]), Decimal(r["amount"])) for r in bonus["rungs"]],
                commission_percent=None
                if bonus.get("commission_percent") is None
                else Decimal(bonus["commission_percent"]),
                window_days=bonus.get("window_days"),
            ),
        )


def _has_bonus(package: OfferPackage) -> bool:
    try:
        package.bonus  # noqa: B018 (a reverse one-to-one raises when there is none)
    except BonusLadder.DoesNotExist:
        return False
    return True


def _as_data(package: OfferPackage | PackageData) -> PackageData:
    return package if isinstance(package, PackageData) else PackageData.of(package)


# ---------------------------------------------------------------------------------------------
# The money rules


def committed_cost(package: OfferPackage | PackageData) -> Decimal:
    """What the brand commits to: base fee + add-on fees + the value of the seeded product, in the
    package's one currency (a performance bonus is not committed: it depends on results).

    Raises ``ValidationError`` when seeded product is valued in another currency.
    """
    data = _as_data(package)
    for item in data.seeding:
        if item.product is not None and item.product.currency != data.currency:
            raise ValidationError(
                {
                    "seeding": _(
                        "%(item)s is valued in %(theirs)s but the package is in %(ours)s; one "
                        "package holds one currency."
                    )
                    % {
                        "item": item.description,
                        "theirs": item.product.currency,
                        "ours": data.currency,
                    }
                }
            )
    total = data.base_fee + sum((a.fee for a in data.add_ons), Decimal(0))
    return (total + product_value(data)).quantize(CENT)


def product_value(package: OfferPackage | PackageData) -> Decimal:
    """The value of the product seeded under the package: part of the committed cost, and part
    of a campaign's spend only where the campaign counts product value (``reports``)."""
    data = _as_data(package)
    return sum((item.quantity * item.unit_value for item in data.seeding), Decimal(0)).quantize(
        CENT
    )


def max_bonus(package: OfferPackage | PackageData) -> Decimal | None:
    """The most the package's bonus can pay: the top rung (highest-rung mode) or every rung
    (cumulative). ``Decimal(0)`` without a bonus; ``None`` for a commission (it has no cap)."""
    bonus = _as_data(package).bonus
    if bonus is None:
        return Decimal(0)
    if bonus.kind == BonusKind.COMMISSION:
        return None
    amounts = [amount for _threshold, amount in bonus.rungs]
    if not amounts:
        return Decimal(0)
    return sum(amounts, Decimal(0)) if bonus.mode == BonusMode.CUMULATIVE else max(amounts)


def rung_reached(metric: str, threshold: Decimal, value: Decimal) -> bool:
    """Whether ``value`` of ``metric`` reaches a rung: CPA must come in under the threshold (lower
    is better); revenue and conversions must reach at least the threshold."""
    if metric == BonusMetric.CPA:
        return value < threshold
    return value >= threshold


def bonus_earned(ladder: BonusLadder | BonusData, value: Decimal | None) -> Decimal:
    """The bonus earned when the ladder's metric stands at ``value``.

    Highest-rung mode pays the most demanding rung reached; cumulative mode pays every rung
    reached. A commission pays its percentage of ``value`` (attributed revenue). A value that is
    not known (``None``, e.g. a CPA with no conversions) earns nothing.
    """
    bonus = ladder if isinstance(ladder, BonusData) else BonusData.of(ladder)
    if value is None:
        return Decimal(0)
    if bonus.kind == BonusKind.COMMISSION:
        return (value * (bonus.commission_percent or Decimal(0)) / 100).quantize(CENT)
    reached = [(t, a) for t, a in bonus.rungs if rung_reached(bonus.metric, t, value)]
    if not reached:
        return Decimal(0)
    if bonus.mode == BonusMode.CUMULATIVE:
        return sum((a for _t, a in reached), Decimal(0))
    # The most demanding rung: the lowest threshold for CPA, the highest otherwise.
    pick = min if bonus.metric == BonusMetric.CPA else max
    return pick(reached, key=lambda rung: rung[0])[1]


# ---------------------------------------------------------------------------------------------
# Validating and storing packages


def _validate(packages: list[PackageData]) -> None:
    """Every package is complete and in one currency; errors name the package and the field."""
    if not packages:
        raise ValidationError({"packages": _("An offer needs at least one package.")})
    errors: dict[str, str] = {}
    for index, data in enumerate(packages, start=1):
        where = _("Package %(n)s") % {"n": index}
        if data.base_fee is None or data.base_fee < 0:
            errors[f"packages.{index}.base_fee"] = _("%(where)s: give a base fee of 0 or more.") % {
                "where": where
            }
        if not is_currency((data.currency or "").upper()):
            errors[f"packages.{index}.currency"] = _(
                "%(where)s: the currency is an ISO code such as USD or EUR."
            ) % {"where": where}
        for add_on in data.add_ons:
            if add_on.kind not in AddOnKind.values:
                errors[f"packages.{index}.add_ons"] = _("%(where)s: unknown add-on %(k)s.") % {
                    "where": where,
                    "k": add_on.kind,
                }
            elif add_on.fee < 0:
                errors[f"packages.{index}.add_ons"] = _(
                    "%(where)s: an add-on's fee cannot be negative."
                ) % {"where": where}
            elif add_on.kind == AddOnKind.EXCLUSIVITY and not add_on.category.strip():
                errors[f"packages.{index}.add_ons"] = _(
                    "%(where)s: say which category the exclusivity covers."
                ) % {"where": where}
        for item in data.seeding:
            if not item.description.strip() or item.quantity < 1 or item.unit_value < 0:
                errors[f"packages.{index}.seeding"] = _(
                    "%(where)s: each seeded item needs a name, a quantity of 1 or more and a "
                    "value of 0 or more."
                ) % {"where": where}
        bonus = data.bonus
        if bonus is not None:
            if bonus.kind == BonusKind.COMMISSION:
                percent = bonus.commission_percent
                if percent is None or not (0 < percent <= 100):
                    errors[f"packages.{index}.bonus"] = _(
                        "%(where)s: a commission is a percentage above 0 and at most 100."
                    ) % {"where": where}
            elif not bonus.rungs:
                errors[f"packages.{index}.bonus"] = _(
                    "%(where)s: a bonus ladder needs at least one rung."
                ) % {"where": where}
            elif any(t < 0 or a <= 0 for t, a in bonus.rungs):
                errors[f"packages.{index}.bonus"] = _(
                    "%(where)s: each rung needs a threshold of 0 or more and a bonus above 0."
                ) % {"where": where}
        if not errors:
            try:
                committed_cost(data)
            except ValidationError as exc:
                errors[f"packages.{index}.seeding"] = f"{where}: {' '.join(exc.messages)}"
    if errors:
        raise ValidationError(errors)


def _store_package(offer: Offer, data: PackageData, position: int) -> OfferPackage:
    ws = offer.workspace
    package = OfferPackage.objects.create(
        workspace=ws,
        offer=offer,
        label=data.label.strip(),
        base_fee=data.base_fee,
        currency=data.currency.upper(),
        deliverables=data.deliverables.strip(),
        position=position,
    )
    AddOn.objects.bulk_create(
        AddOn(
            workspace=ws,
            package=package,
            kind=a.kind,
            fee=a.fee,
            channels=a.channels,
            window_days=a.window_days,
            category=a.category.strip(),
            competitors=a.competitors,
        )
        for a in data.add_ons
    )
    SeedingItem.objects.bulk_create(
        SeedingItem(
            workspace=ws,
            package=package,
            product=s.product,
            description=s.description.strip(),
            quantity=s.quantity,
            unit_value=s.unit_value,
        )
        for s in data.seeding
    )
    if data.bonus is not None:
        b = data.bonus
        ladder = BonusLadder.objects.create(
            workspace=ws,
            package=package,
            kind=b.kind,
            metric=b.metric,
            mode=b.mode,
            commission_percent=b.commission_percent if b.kind == BonusKind.COMMISSION else None,
            window_days=b.window_days,
        )
        if b.kind == BonusKind.LADDER:
            BonusRung.objects.bulk_create(
                BonusRung(workspace=ws, ladder=ladder, threshold=t, amount=a) for t, a in b.rungs
            )
    return package


def _new_round(
    *,
    collaboration: Collaboration,
    actor: User | None,
    packages: list[PackageData],
    party: str,
    status: str,
    note: str,
) -> Offer:
    """A new round; every open round before it is marked countered (kept as history)."""
    if collaboration.stage not in NEGOTIABLE:
        raise ValidationError(
            {
                "offer": _(
                    "This collaboration is %(stage)s: offers are made while invited or "
                    "negotiating. Change agreed terms with an amendment instead."
                )
                % {"stage": collaboration.get_stage_display()}
            }
        )
    if collaboration.committed_cost is not None:
        raise ValidationError(
            {"offer": _("Terms are already agreed; change them with an amendment (and a reason).")}
        )
    _validate(packages)
    Offer.objects.filter(collaboration=collaboration, status__in=OPEN).update(
        status=OfferStatus.COUNTERED, decided_at=timezone.now()
    )
    last = Offer.objects.filter(collaboration=collaboration).order_by("-number").first()
    offer = Offer.objects.create(
        workspace=collaboration.workspace,
        collaboration=collaboration,
        number=(last.number + 1) if last else 1,
        party=party,
        status=status,
        note=note.strip(),
        created_by=actor,
        sent_at=timezone.now() if status == OfferStatus.SENT else None,
    )
    for position, data in enumerate(packages):
        _store_package(offer, data, position)
    return offer


def _lock(collaboration: Collaboration) -> Collaboration:
    return (
        Collaboration.objects.select_for_update(of=("self",))
        .select_related("creator", "campaign")
        .get(pk=collaboration.pk)
    )


def _summary(offer: Offer, what: str) -> str:
    collaboration = offer.collaboration
    return _("%(creator)s in %(campaign)s: offer round %(n)s %(what)s") % {
        "creator": collaboration.creator.name,
        "campaign": collaboration.campaign.name,
        "n": offer.number,
        "what": what,
    }


def _record(offer: Offer, actor: User | None, kind: str, what: str, **extra: Any) -> None:
    collaboration = offer.collaboration
    record_on_timelines(
        collaboration,
        actor=actor,
        kind=kind,
        summary=_summary(offer, what),
        obj=offer,
        **extra,
    )


def _costs(offer: Offer) -> dict[str, tuple[Any, Any]]:
    return {
        f"package {p.position + 1}": (None, f"{committed_cost(p)} {p.currency}")
        for p in offer.packages.all()
    }


# ---------------------------------------------------------------------------------------------
# The negotiation


@transaction.atomic
def create_offer(
    *,
    collaboration: Collaboration,
    actor: User | None,
    packages: list[PackageData],
    note: str = "",
) -> Offer:
    """A new brand offer round, as a draft to check and send."""
    collaboration = _lock(collaboration)
    offer = _new_round(
        collaboration=collaboration,
        actor=actor,
        packages=packages,
        party=OfferParty.BRAND,
        status=OfferStatus.DRAFT,
        note=note,
    )
    _record(offer, actor, "offer.drafted", _("drafted"), changes=_costs(offer))
    return offer


def offer_conflicts(offer: Offer) -> list[str]:
    """Conflicts to catch before the offer goes out: an exclusivity add-on in a category where the
    creator is already exclusive elsewhere (or exclusive on any category)."""
    categories = {
        a.category.strip().lower()
        for p in offer.packages.all()
        for a in p.add_ons.all()
        if a.kind == AddOnKind.EXCLUSIVITY
    }
    if not categories:
        return []
    collaboration = offer.collaboration
    running = active_exclusivities(
        workspace=offer.workspace,
        creators=[collaboration.creator],
        exclude_campaign=collaboration.campaign,
    ).get(collaboration.creator_id, [])
    return [
        e.describe()
        for e in running
        if not e.category.strip() or e.category.strip().lower() in categories
    ]


@transaction.atomic
def send_offer(*, offer: Offer, actor: User | None, confirm: bool = False) -> Offer:
    """Send a draft to the creator. An exclusivity that clashes with one the creator already holds
    elsewhere stops it unless ``confirm`` is given. An invited collaboration moves to
    negotiating."""
    collaboration = _lock(offer.collaboration)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != OfferStatus.DRAFT or offer.party != OfferParty.BRAND:
        raise ValidationError({"offer": _("Only a draft of the brand's offer can be sent.")})
    conflicts = offer_conflicts(offer)
    if conflicts and not confirm:
        raise ValidationError(
            {
                "confirm": _(
                    "The creator is already exclusive elsewhere: %(list)s. Confirm to send anyway."
                )
                % {"list": "; ".join(conflicts)}
            }
        )
    offer.status = OfferStatus.SENT
    offer.sent_at = timezone.now()
    offer.save(update_fields=["status", "sent_at"])
    _record(
        offer,
        actor,
        "offer.sent",
        _("sent"),
        changes={"status": (OfferStatus.DRAFT, OfferStatus.SENT)},
        reason=_("Sent despite: %(list)s") % {"list": "; ".join(conflicts)} if conflicts else "",
    )
    advance_if_allowed(collaboration=collaboration, stage=CollabStage.NEGOTIATING, actor=actor)
    return offer


@transaction.atomic
def record_counter(
    *,
    offer: Offer,
    actor: User | None,
    packages: list[PackageData],
    note: str = "",
) -> Offer:
    """Record the creator's counter-offer to a sent round: a new round from the creator; the
    countered round stays in the history."""
    collaboration = _lock(offer.collaboration)
    offer = Offer.objects.get(pk=offer.pk)
    if offer.status != OfferStatus.SENT or offer.party != OfferParty.BRAND:
        raise ValidationError(
            {"offer": _("A creator counters an offer the brand has sent and not yet closed.")}
        )
    counter = _new_round(
        collaboration=collaboration,
        actor=actor,
        packages=packages,
        party=OfferParty.CREATOR,
        status=OfferStatus.SENT,
        note=note,
    )
    _record(
        counter,
        actor,
        "offer.countered",
        _("received from the creator (counter to round %(n)s)") % {"n": offer.number},
        changes=_costs(counter),
    )
    advance_if_allowed(collaboration=collaboration, stage=CollabStage.NEGOTIATING, actor=actor)
    return counter


def terms_snapshot(package: OfferPackage, accepted_at: Any) -> dict[str, Any]:
    """The accepted package as agreed terms: everything promised, frozen as plain JSON."""
    data = PackageData.of(package)
    snapshot = _snapshot(data)
    snapshot |= {
        "offer_id": package.offer_id,
        "offer_round": package.offer.number,
        "package_id": package.pk,
        "accepted_at": accepted_at.isoformat(),
    }
    return snapshot


def _snapshot(data: PackageData) -> dict[str, Any]:
    bonus = data.bonus
    top = max_bonus(data)
    return {
        "label": data.label,
        "base_fee": str(data.base_fee.quantize(CENT)),
        "currency": data.currency.upper(),
        "deliverables": data.deliverables,
        "add_ons": [
            {
                "kind": a.kind,
                "fee": str(a.fee.quantize(CENT)),
                "channels": list(a.channels),
                "window_days": a.window_days,
                "category": a.category,
                "competitors": list(a.competitors),
            }
            for a in data.add_ons
        ],
        "seeding": [
            {
                "product_id": s.product.pk if s.product else None,
                "description": s.description,
                "quantity": s.quantity,
                "unit_value": str(s.unit_value.quantize(CENT)),
            }
            for s in data.seeding
        ],
        "bonus": None
        if bonus is None
        else {
            "kind": bonus.kind,
            "metric": bonus.metric,
            "mode": bonus.mode,
            "rungs": [{"threshold": str(t), "amount": str(a)} for t, a in bonus.rungs],
            "commission_percent": None
            if bonus.commission_percent is None
            else str(bonus.commission_percent),
            "window_days": bonus.window_days,
        },
        "committed_cost": str(committed_cost(data)),
        "product_value": str(product_value(data)),
        "max_bonus": None if top is None else str(top),
    }


@transaction.atomic
def accept_package(*, package: OfferPackage, actor: User | None) -> Collaboration:
    """Accept one package of an open round: the round is accepted, the package becomes the
    collaboration's terms (with the committed cost) and the stage moves on to contracted."""
    offer = Offer.objects.select_for_update().get(pk=package.offer_id)
    collaboration = _lock(offer.collaboration)
    if offer.status != OfferStatus.SENT:
        raise ValidationError(
            {"package": _("Only a package of a sent round, not yet closed, can be accepted.")}
        )
    if collaboration.committed_cost is not None:
        raise ValidationError({"package": _("Terms are already agreed; amend them instead.")})
    now = timezone.now()
    offer.status = OfferStatus.ACCEPTED
    offer.decided_at = now
    offer.save(update_fields=["status", "decided_at"])
    terms = terms_snapshot(package, now)
    before = {"terms": collaboration.terms, "committed_cost": collaboration.committed_cost}
    collaboration.accepted_package = package
    collaboration.terms = terms
    collaboration.committed_cost = Decimal(terms["committed_cost"])
    collaboration.product_value = Decimal(terms["product_value"])
    collaboration.currency = terms["currency"]
    collaboration.save(
        update_fields=[
            "accepted_package",
            "terms",
            "committed_cost",
            "product_value",
            "currency",
            "updated_at",
        ]
    )
    _record(
        offer,
        actor,
        "offer.accepted",
        _("accepted: %(package)s, committed %(cost)s %(currency)s")
        % {"package": package, "cost": terms["committed_cost"], "currency": terms["currency"]},
        changes={
            "terms": (before["terms"] or None, terms),
            "committed_cost": (before["committed_cost"], terms["committed_cost"]),
        },
    )
    for stage in (CollabStage.NEGOTIATING, CollabStage.CONTRACTED):
        advance_if_allowed(collaboration=collaboration, stage=stage, actor=actor)
        collaboration.refresh_from_db(fields=["stage"])
    return collaboration


def _close(offer: Offer, actor: User | None, status: str, reason: str, kind: str) -> Offer:
    before = offer.status
    offer.status = status
    offer.decided_at = timezone.now()
    offer.save(update_fields=["status", "decided_at"])
    _record(
        offer,
        actor,
        kind,
        str(OfferStatus(status).label).lower(),
        changes={"status": (before, status)},
        reason=reason.strip(),
    )
    return offer


@transaction.atomic
def decline_offer(*, offer: Offer, actor: User | None, reason: str = "") -> Offer:
    """Record that the round was turned down (the creator declined the brand's offer, or the brand
    declined the creator's counter)."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != OfferStatus.SENT:
        raise ValidationError({"offer": _("Only a sent round, not yet closed, can be declined.")})
    return _close(offer, actor, OfferStatus.DECLINED, reason, "offer.declined")


@transaction.atomic
def withdraw_offer(*, offer: Offer, actor: User | None, reason: str = "") -> Offer:
    """Take back the brand's draft or sent round."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.party != OfferParty.BRAND or offer.status not in OPEN:
        raise ValidationError(
            {"offer": _("Only the brand's own draft or sent round can be withdrawn.")}
        )
    return _close(offer, actor, OfferStatus.WITHDRAWN, reason, "offer.withdrawn")


@transaction.atomic
def amend_terms(
    *, collaboration: Collaboration, actor: User | None, terms: PackageData, reason: str
) -> Collaboration:
    """Change agreed terms. A reason is required; the change is audited with before and after for
    every part of the terms that changed, and the committed cost follows."""
    collaboration = _lock(collaboration)
    if collaboration.committed_cost is None:
        raise ValidationError({"terms": _("No terms are agreed yet; accept a package first.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the agreed terms change: it stays on record.")})
    _validate([terms])
    before = collaboration.terms
    after = _snapshot(terms)
    keep = ("offer_id", "offer_round", "package_id", "accepted_at")
    after |= {key: before[key] for key in keep if key in before}
    after["amended_at"] = timezone.now().isoformat()
    changes = {
        key: (before.get(key), after[key])
        for key in after
        if key != "amended_at" and before.get(key) != after[key]
    }
    if not changes:
        raise ValidationError({"terms": _("Nothing in the terms changed.")})
    collaboration.terms = after
    collaboration.committed_cost = Decimal(after["committed_cost"])
    collaboration.product_value = Decimal(after["product_value"])
    collaboration.currency = after["currency"]
    collaboration.save(
        update_fields=["terms", "committed_cost", "product_value", "currency", "updated_at"]
    )
    record_on_timelines(
        collaboration,
        actor=actor,
        kind="terms.amended",
        summary=_("%(creator)s in %(campaign)s: agreed terms changed")
        % {"creator": collaboration.creator.name, "campaign": collaboration.campaign.name},
        obj=collaboration,
        changes=changes,
        reason=reason.strip(),
    )
    return collaboration
