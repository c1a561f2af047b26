"""API: offers. Rounds of a negotiation with their packages; send, counter, accept, decline,
withdraw; and amending agreed terms (with a reason).

Handlers are thin: they check the token's role, resolve ids within the token's workspace (another
workspace's row is a 404) and call the same services and queries as the pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from rapport.api.permissions import actor_of, require_perm, workspace_of
from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns.api.collaborations import CollaborationOut, collaboration_out
from rapport.campaigns.models import (
    AddOn,
    AddOnKind,
    BonusKind,
    BonusMetric,
    BonusMode,
    Offer,
    OfferPackage,
    OfferParty,
    OfferStatus,
    Product,
)
from rapport.campaigns.queries.collaborations import collaboration_for
from rapport.campaigns.queries.offers import offer_for, offers_of, package_for
from rapport.campaigns.services import offers as services
from rapport.workspaces.models import Workspace
from rapport.workspaces.roles import Perm

router = Router(tags=["offers"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}
Money = Decimal


# --- Schemas ---------------------------------------------------------------------------------


class AddOnIo(Schema):
    """What the brand may do with the content or the relationship, for a fee."""

    kind: AddOnKind = Field(description="Any of: " + ", ".join(AddOnKind.values) + ".")
    fee: Money = Field(
        ge=0, max_digits=12, decimal_places=2, description="In the package's currency."
    )
    channels: list[str] = Field(
        default_factory=list,
        description="Owned channels (usage rights) or ad platforms (paid usage, whitelisting).",
    )
    window_days: int | None = Field(
        None, ge=1, description="How long the right or exclusivity lasts."
    )
    category: str = Field("", description="Exclusivity: the product category it covers.")
    competitors: list[str] = Field(
        default_factory=list, description="Exclusivity: named competitors."
    )


class SeedingIo(Schema):
    """Product sent as part of the package; its value counts in the committed cost."""

    product_id: int | None = Field(None, description="A product of the workspace's list, if any.")
    description: str = Field("", description="The item; the product's name when left empty.")
    quantity: int = Field(1, ge=1)
    unit_value: Money | None = Field(
        None, ge=0, description="Value of one, in the package's currency; the product's when empty."
    )


class RungIo(Schema):
    threshold: Money = Field(
        ge=0, description="CPA: earned when CPA is under it. Revenue, conversions: at least it."
    )
    amount: Money = Field(gt=0, description="The bonus for this rung.")


class BonusIo(Schema):
    """A performance bonus: a ladder of rungs on a metric, or a commission percentage."""

    kind: BonusKind = BonusKind.LADDER
    metric: BonusMetric = Field(BonusMetric.CPA, description="Any of: cpa, revenue, conversions.")
    mode: BonusMode = Field(
        BonusMode.HIGHEST,
        description="`highest`: the most demanding rung reached pays; `cumulative`: every rung "
        "reached pays.",
    )
    rungs: list[RungIo] = Field(default_factory=list)
    commission_percent: Decimal | None = Field(None, gt=0, le=100)
    window_days: int | None = Field(None, ge=1, description="Measured over this many days.")


class PackageIn(Schema):
    label: str = Field("", max_length=120)
    base_fee: Money = Field(
        ge=0, max_digits=12, decimal_places=2, description="For the deliverables."
    )
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217; one per package.")
    deliverables: str = Field("", description="What the base fee covers.")
    add_ons: list[AddOnIo] = Field(default_factory=list)
    seeding: list[SeedingIo] = Field(default_factory=list)
    bonus: BonusIo | None = None


class PackageOut(Schema):
    id: int
    label: str
    base_fee: Money
    currency: str
    deliverables: str
    add_ons: list[AddOnIo]
    seeding: list[SeedingIo]
    bonus: BonusIo | None
    committed_cost: Money = Field(description="Base fee + add-on fees + seeded product value.")
    max_bonus: Money | None = Field(description="The most the bonus can pay; null: a commission.")

    @staticmethod
    def resolve_add_ons(p: OfferPackage) -> list[AddOn]:
        return list(p.add_ons.all())

    @staticmethod
    def resolve_seeding(p: OfferPackage) -> list[Any]:
        return list(p.seeding.all())

    @staticmethod
    def resolve_bonus(p: OfferPackage) -> dict[str, Any] | None:
        data = services.PackageData.of(p).bonus
        if data is None:
            return None
        return {
            "kind": data.kind,
            "metric": data.metric,
            "mode": data.mode,
            "rungs": [{"threshold": t, "amount": a} for t, a in data.rungs],
            "commission_percent": data.commission_percent,
            "window_days": data.window_days,
        }

    @staticmethod
    def resolve_committed_cost(p: OfferPackage) -> Decimal:
        return services.committed_cost(p)

    @staticmethod
    def resolve_max_bonus(p: OfferPackage) -> Decimal | None:
        return services.max_bonus(p)


class OfferOut(Schema):
    """One round of the negotiation, from the brand or the creator."""

    id: int
    collaboration_id: int
    number: int = Field(description="The round, from 1.")
    party: OfferParty
    status: OfferStatus
    note: str
    packages: list[PackageOut] = Field(description="Alternatives the other side may choose from.")
    created_at: dt.datetime
    sent_at: dt.datetime | None
    decided_at: dt.datetime | None

    @staticmethod
    def resolve_packages(offer: Offer) -> list[OfferPackage]:
        return list(offer.packages.all())


class OfferIn(Schema):
    packages: list[PackageIn] = Field(description="One or more alternative packages.")
    note: str = ""
    send: bool = Field(False, description="Send at once instead of keeping a draft.")
    confirm: bool = Field(False, description="Send even if it clashes with an exclusivity.")


class CounterIn(Schema):
    packages: list[PackageIn] = Field(description="What the creator proposes (one or more).")
    note: str = ""


class SendIn(Schema):
    confirm: bool = Field(
        False, description="Send even though the creator holds a clashing exclusivity elsewhere."
    )


class ReasonIn(Schema):
    reason: str = Field("", max_length=500)


class TermsIn(Schema):
    terms: PackageIn
    reason: str = Field(description="Why the agreed terms change; required.")


# --- Helpers ---------------------------------------------------------------------------------


def _data(workspace: Workspace, packages: list[PackageIn]) -> list[services.PackageData]:
    """Packages as the service takes them; products are looked up in the workspace."""
    wanted = {s.product_id for p in packages for s in p.seeding if s.product_id is not None}
    products = {p.pk: p for p in Product.objects.filter(workspace=workspace, pk__in=wanted)}
    if wanted - set(products):
        raise ValidationError(
            {
                "seeding": _("No product of this workspace has the id %(ids)s.")
                % {"ids": ", ".join(map(str, sorted(wanted - set(products))))}
            }
        )
    result = []
    for p in packages:
        seeding = []
        for s in p.seeding:
            product = products.get(s.product_id) if s.product_id is not None else None
            seeding.append(
                services.SeedingData(
                    description=s.description or (product.name if product else ""),
                    quantity=s.quantity,
                    unit_value=s.unit_value
                    if s.unit_value is not None
                    else (product.value if product else Decimal(0)),
                    product=product,
                )
            )
        b = p.bonus
        result.append(
            services.PackageData(
                base_fee=p.base_fee,
                currency=p.currency.upper(),
                label=p.label,
                deliverables=p.deliverables,
                add_ons=[
                    services.AddOnData(
                        a.kind, a.fee, a.channels, a.window_days, a.category, a.competitors
                    )
                    for a in p.add_ons
                ],
                seeding=seeding,
                bonus=None
                if b is None
                else services.BonusData(
                    kind=b.kind,
                    metric=b.metric,
                    mode=b.mode,
                    rungs=[(r.threshold, r.amount) for r in b.rungs],
                    commission_percent=b.commission_percent,
                    window_days=b.window_days,
                ),
            )
        )
    return result


def _offer(workspace: Workspace, pk: int) -> Offer:
    return offer_for(workspace, pk)


# --- Endpoints -------------------------------------------------------------------------------


@router.get(
    "/collaborations/{int:collaboration_id}/offers",
    response={200: list[OfferOut], **ERRORS},
    summary="List a collaboration's offer rounds",
)
def list_offers(request: HttpRequest, collaboration_id: int) -> list[Offer]:
    """Every round, latest first: the negotiation's whole history."""
    require_perm(request, Perm.VIEW)
    return list(offers_of(collaboration_for(workspace_of(request), collaboration_id)))


@router.post(
    "/collaborations/{int:collaboration_id}/offers",
    response={201: OfferOut, **ERRORS},
    summary="Make an offer",
)
def create_offer(request: HttpRequest, collaboration_id: int, payload: OfferIn) -> Status[Offer]:
    """A new round from the brand with one or more packages; a draft unless `send` is true.
    With `send`, an exclusivity clash is a 422 on `confirm` and nothing is kept."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    workspace = workspace_of(request)
    collaboration = collaboration_for(workspace, collaboration_id)
    with transaction.atomic():  # a send that is refused keeps no draft behind
        offer = services.create_offer(
            collaboration=collaboration,
            actor=actor_of(request),
            packages=_data(workspace, payload.packages),
            note=payload.note,
        )
        if payload.send:
            services.send_offer(offer=offer, actor=actor_of(request), confirm=payload.confirm)
    return Status(201, _offer(workspace, offer.pk))


@router.get("/offers/{int:offer_id}", response={200: OfferOut, **ERRORS}, summary="Get an offer")
def get_offer(request: HttpRequest, offer_id: int) -> Offer:
    require_perm(request, Perm.VIEW)
    return _offer(workspace_of(request), offer_id)


@router.post(
    "/offers/{int:offer_id}/send", response={200: OfferOut, **ERRORS}, summary="Send an offer"
)
def send_offer(request: HttpRequest, offer_id: int, payload: SendIn) -> Offer:
    """Send a draft. If it holds an exclusivity clashing with one the creator already holds, the
    answer is 422 on `confirm` until sent again with `confirm: true`."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    workspace = workspace_of(request)
    offer = _offer(workspace, offer_id)
    services.send_offer(offer=offer, actor=actor_of(request), confirm=payload.confirm)
    return _offer(workspace, offer_id)


@router.post(
    "/offers/{int:offer_id}/counter",
    response={201: OfferOut, **ERRORS},
    summary="Record the creator's counter-offer",
)
def counter_offer(request: HttpRequest, offer_id: int, payload: CounterIn) -> Status[Offer]:
    """A new round from the creator; the countered round stays in the history."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    workspace = workspace_of(request)
    offer = _offer(workspace, offer_id)
    counter = services.record_counter(
        offer=offer,
        actor=actor_of(request),
        packages=_data(workspace, payload.packages),
        note=payload.note,
    )
    return Status(201, _offer(workspace, counter.pk))


@router.post(
    "/offers/{int:offer_id}/decline", response={200: OfferOut, **ERRORS}, summary="Decline a round"
)
def decline_offer(request: HttpRequest, offer_id: int, payload: ReasonIn) -> Offer:
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    workspace = workspace_of(request)
    services.decline_offer(
        offer=_offer(workspace, offer_id), actor=actor_of(request), reason=payload.reason
    )
    return _offer(workspace, offer_id)


@router.post(
    "/offers/{int:offer_id}/withdraw",
    response={200: OfferOut, **ERRORS},
    summary="Withdraw the brand's offer",
)
def withdraw_offer(request: HttpRequest, offer_id: int, payload: ReasonIn) -> Offer:
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    workspace = workspace_of(request)
    services.withdraw_offer(
        offer=_offer(workspace, offer_id), actor=actor_of(request), reason=payload.reason
    )
    return _offer(workspace, offer_id)


@router.post(
    "/packages/{int:package_id}/accept",
    response={200: CollaborationOut, **ERRORS},
    summary="Accept a package",
)
def accept_package(request: HttpRequest, package_id: int) -> Any:
    """The package becomes the collaboration's agreed terms (a snapshot) and committed cost; the
    stage moves on to contracted."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    workspace = workspace_of(request)
    package = package_for(workspace, package_id)
    collaboration = services.accept_package(package=package, actor=actor_of(request))
    return collaboration_out(workspace, collaboration.pk)


class TermsOut(Schema):
    """The collaboration's agreed terms (null until a package is accepted)."""

    terms: dict[str, Any] | None = Field(description="A snapshot of the accepted package.")
    committed_cost: Money | None
    currency: str


@router.get(
    "/collaborations/{int:collaboration_id}/terms",
    response={200: TermsOut, **ERRORS},
    summary="Get agreed terms",
)
def get_terms(request: HttpRequest, collaboration_id: int) -> dict[str, Any]:
    require_perm(request, Perm.VIEW)
    collaboration = collaboration_for(workspace_of(request), collaboration_id)
    return {
        "terms": collaboration.terms or None,
        "committed_cost": collaboration.committed_cost,
        "currency": collaboration.currency,
    }


@router.put(
    "/collaborations/{int:collaboration_id}/terms",
    response={200: CollaborationOut, **ERRORS},
    summary="Amend agreed terms",
)
def amend_terms(request: HttpRequest, collaboration_id: int, payload: TermsIn) -> Any:
    """Replace the agreed terms; a `reason` is required, and the change is audited with before
    and after."""
    require_perm(request, Perm.MANAGE_CAMPAIGNS)
    workspace = workspace_of(request)
    collaboration = collaboration_for(workspace, collaboration_id)
    services.amend_terms(
        collaboration=collaboration,
        actor=actor_of(request),
        terms=_data(workspace, [payload.terms])[0],
        reason=payload.reason,
    )
    return collaboration_out(workspace, collaboration_id)
