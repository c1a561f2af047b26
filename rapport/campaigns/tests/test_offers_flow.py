"""The negotiation: send, counter (history kept), accept (terms snapshot), amend (reason, audit),
and the exclusivity conflict caught before an offer goes out."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rapport.campaigns.models import BonusMode, CollabStage, Offer, OfferParty, OfferStatus
from rapport.campaigns.services import offers
from rapport.campaigns.services.offers import AddOnData, BonusData, PackageData, SeedingData
from rapport.campaigns.tests.test_collaborations_invite import exclusive
from rapport.testing.factories import CampaignFactory, CollaborationFactory, CreatorFactory
from rapport.workspaces.models import AuditEvent

D = Decimal


def seed_package(**changes) -> PackageData:
    package = PackageData(
        label="Video + stories",
        base_fee=D("1500"),
        currency="USD",
        deliverables="One video and two story frames",
        add_ons=[AddOnData("paid_usage", D("300"), ["meta"], 30)],
        seeding=[SeedingData("Serum", 2, D("40"))],
        bonus=BonusData(rungs=[(D("60"), D("250")), (D("45"), D("500")), (D("35"), D("1000"))]),
    )
    for key, value in changes.items():
        setattr(package, key, value)
    return package


@pytest.fixture
def collaboration(workspace):
    campaign = CampaignFactory.create(workspace=workspace, name="Summer glow")
    return CollaborationFactory.create(
        campaign=campaign, creator=CreatorFactory.create(workspace=workspace, name="Ava")
    )


def test_sending_an_offer_moves_invited_to_negotiating(collaboration, manager) -> None:
    offer = offers.create_offer(
        collaboration=collaboration, actor=manager.user, packages=[seed_package()]
    )
    assert offer.status == OfferStatus.DRAFT and offer.number == 1
    offers.send_offer(offer=offer, actor=manager.user)
    offer.refresh_from_db()
    collaboration.refresh_from_db()
    assert offer.status == OfferStatus.SENT and offer.sent_at is not None
    assert collaboration.stage == CollabStage.NEGOTIATING
    assert AuditEvent.objects.filter(kind="offer.sent", campaign=collaboration.campaign).exists()


def test_a_counter_offer_is_a_new_round_and_the_history_is_kept(collaboration, manager) -> None:
    first = offers.create_offer(
        collaboration=collaboration, actor=manager.user, packages=[seed_package()]
    )
    offers.send_offer(offer=first, actor=manager.user)
    counter = offers.record_counter(
        offer=first,
        actor=manager.user,
        packages=[seed_package(base_fee=D("1900"))],
        note="Asked for more, usage is long",
    )
    first.refresh_from_db()
    assert first.status == OfferStatus.COUNTERED
    assert (counter.number, counter.party, counter.status) == (2, OfferParty.CREATOR, "sent")
    # The brand answers with a third round; the creator's round is countered in turn.
    third = offers.create_offer(
        collaboration=collaboration,
        actor=manager.user,
        packages=[seed_package(base_fee=D("1700")), seed_package(label="Shorter usage")],
    )
    counter.refresh_from_db()
    assert counter.status == OfferStatus.COUNTERED
    assert list(
        Offer.objects.filter(collaboration=collaboration).values_list("number", "status")
    ) == [(3, "draft"), (2, "countered"), (1, "countered")]
    assert third.packages.count() == 2


def test_accepting_a_package_makes_it_the_terms(collaboration, manager) -> None:
    offer = offers.create_offer(
        collaboration=collaboration,
        actor=manager.user,
        packages=[seed_package(), seed_package(label="Cheaper", base_fee=D("900"))],
    )
    offers.send_offer(offer=offer, actor=manager.user)
    chosen = offer.packages.get(label="Video + stories")
    offers.accept_package(package=chosen, actor=manager.user)
    collaboration.refresh_from_db()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    assert collaboration.stage == CollabStage.CONTRACTED
    assert collaboration.accepted_package == chosen
    assert collaboration.committed_cost == D("1880.00")  # 1500 + 300 + 2 x 40
    assert collaboration.currency == "USD"
    terms = collaboration.terms
    assert terms["base_fee"] == "1500.00"
    assert terms["deliverables"] == "One video and two story frames"
    assert terms["add_ons"][0] | {} == {
        "kind": "paid_usage",
        "fee": "300.00",
        "channels": ["meta"],
        "window_days": 30,
        "category": "",
        "competitors": [],
    }
    assert terms["seeding"][0]["quantity"] == 2
    assert [r["amount"] for r in terms["bonus"]["rungs"]] == ["250.00", "500.00", "1000.00"]
    assert terms["bonus"]["mode"] == BonusMode.HIGHEST
    assert terms["max_bonus"] == "1000.00"
    # The snapshot does not follow later edits of the package.
    chosen.base_fee = D("1")
    chosen.save()
    collaboration.refresh_from_db()
    assert collaboration.terms["base_fee"] == "1500.00"
    event = AuditEvent.objects.get(kind="offer.accepted")
    assert event.changes["committed_cost"] == [None, "1880.00"]
    assert event.creator_id == collaboration.creator_id
    # Once agreed, a new offer is refused: terms change only by amendment.
    with pytest.raises(ValidationError):
        offers.create_offer(collaboration=collaboration, actor=None, packages=[seed_package()])


def test_amending_terms_needs_a_reason_and_is_audited(collaboration, manager) -> None:
    offer = offers.create_offer(
        collaboration=collaboration, actor=manager.user, packages=[seed_package()]
    )
    offers.send_offer(offer=offer, actor=manager.user)
    offers.accept_package(package=offer.packages.get(), actor=manager.user)
    collaboration.refresh_from_db()
    new_terms = PackageData.from_terms(collaboration.terms)
    new_terms.base_fee = D("1600")
    with pytest.raises(ValidationError) as caught:
        offers.amend_terms(
            collaboration=collaboration, actor=manager.user, terms=new_terms, reason=""
        )
    assert "reason" in caught.value.message_dict
    offers.amend_terms(
        collaboration=collaboration,
        actor=manager.user,
        terms=new_terms,
        reason="Added a third story frame",
    )
    collaboration.refresh_from_db()
    assert collaboration.committed_cost == D("1980.00")
    assert collaboration.terms["base_fee"] == "1600.00"
    assert collaboration.terms["offer_round"] == 1  # where the terms came from is kept
    event = AuditEvent.objects.get(kind="terms.amended")
    assert event.reason == "Added a third story frame"
    assert event.changes["base_fee"] == ["1500.00", "1600.00"]
    assert event.changes["committed_cost"] == ["1880.00", "1980.00"]
    assert event.campaign_id == collaboration.campaign_id


def test_an_exclusivity_clash_is_caught_before_the_offer_goes_out(collaboration, manager) -> None:
    exclusive(collaboration.creator, category="Skincare")
    package = seed_package(
        add_ons=[AddOnData("exclusivity", D("500"), [], 60, "skincare", ["Glossy"])]
    )
    offer = offers.create_offer(collaboration=collaboration, actor=manager.user, packages=[package])
    with pytest.raises(ValidationError) as caught:
        offers.send_offer(offer=offer, actor=manager.user)
    assert "confirm" in caught.value.message_dict
    assert "exclusive on Skincare for Winter care" in " ".join(caught.value.messages)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DRAFT
    offers.send_offer(offer=offer, actor=manager.user, confirm=True)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.SENT
    assert "Winter care" in AuditEvent.objects.get(kind="offer.sent").reason


def test_another_category_is_no_clash(collaboration, manager) -> None:
    exclusive(collaboration.creator, category="Haircare")
    package = seed_package(add_ons=[AddOnData("exclusivity", D("500"), [], 60, "Skincare")])
    offer = offers.create_offer(collaboration=collaboration, actor=manager.user, packages=[package])
    offers.send_offer(offer=offer, actor=manager.user)


def test_decline_and_withdraw(collaboration, manager) -> None:
    offer = offers.create_offer(
        collaboration=collaboration, actor=manager.user, packages=[seed_package()]
    )
    offers.withdraw_offer(offer=offer, actor=manager.user, reason="Wrong fee")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    second = offers.create_offer(
        collaboration=collaboration, actor=manager.user, packages=[seed_package()]
    )
    offers.send_offer(offer=second, actor=manager.user)
    offers.decline_offer(offer=second, actor=manager.user, reason="Not this season")
    second.refresh_from_db()
    assert second.status == OfferStatus.DECLINED
    assert AuditEvent.objects.get(kind="offer.declined").reason == "Not this season"
    with pytest.raises(ValidationError):
        offers.accept_package(package=second.packages.get(), actor=manager.user)


def test_a_package_is_checked_field_by_field(collaboration, manager) -> None:
    bad = seed_package(currency="dollars", bonus=BonusData(rungs=[]))
    with pytest.raises(ValidationError) as caught:
        offers.create_offer(collaboration=collaboration, actor=manager.user, packages=[bad])
    errors = caught.value.message_dict
    assert "is an ISO code such as USD" in errors["packages.1.currency"][0]
    assert "at least one rung" in errors["packages.1.bonus"][0]
    assert not Offer.objects.exists()
