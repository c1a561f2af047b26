"""The hub's welcome and terms: a greeting, the one contact, and what was agreed in plain words
(fee, add-ons, product, payment timing, the bonus ladder and where the creator stands)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from rapport.campaigns.services import offers
from rapport.campaigns.services.offers import AddOnData, BonusData, PackageData, SeedingData
from rapport.hub.money import money
from rapport.hub.queries.terms import bonus_standing
from rapport.testing.factories import CampaignFactory, CollaborationFactory, CreatorFactory

D = Decimal
CPA_LADDER = [(D("60"), D("250")), (D("45"), D("500")), (D("35"), D("1000"))]


def launch_package(**changes) -> PackageData:
    package = PackageData(
        label="Launch package",
        base_fee=D("1500"),
        currency="USD",
        deliverables="One video and two story frames",
        add_ons=[AddOnData("paid_usage", D("300"), ["meta"], 30)],
        seeding=[SeedingData("Vitamin C serum", 2, D("40"))],
        bonus=BonusData(rungs=CPA_LADDER, window_days=30),
    )
    for key, value in changes.items():
        setattr(package, key, value)
    return package


@pytest.fixture
def collaboration(workspace, member):
    maya = member("manager", name="Maya Moreau")
    campaign = CampaignFactory.create(workspace=workspace, name="Summer glow", owner=maya.user)
    return CollaborationFactory.create(
        campaign=campaign,
        owner=maya.user,
        creator=CreatorFactory.create(workspace=workspace, name="Ava Martin"),
    )


def sent_round(collaboration, actor, *packages: PackageData):
    offer = offers.create_offer(collaboration=collaboration, actor=actor, packages=list(packages))
    offers.send_offer(offer=offer, actor=actor)
    return offer


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_agreed_terms_read_in_plain_words(collaboration, manager, hub_path) -> None:
    offer = sent_round(collaboration, manager.user, launch_package())
    offers.accept_package(package=offer.packages.get(), actor=manager.user)

    page = text_of(Client().get(hub_path(collaboration)))

    assert "Hi Ava!" in page
    assert "Summer glow" in page and "Lumen Skincare" in page
    assert "Your contact: Maya Moreau" in page
    assert "One video and two story frames" in page
    assert "Your fee $1,500" in page
    assert "Paid usage: the brand may run your content as ads on Meta for 30 days · $300 more" in (
        page
    )
    assert "In all $1,800" in page
    assert "2 \N{MULTIPLICATION SIGN} Vitamin C serum" in page
    assert "You are paid within 15 calendar days of receiving your invoice." in page
    assert "+$250 if your CPA is under $60" in page
    assert "+$500 if your CPA is under $45" in page
    assert "+$1,000 if your CPA is under $35" in page
    assert "You earn the bonus of the best rung you reach (rungs do not add up)." in page
    assert "Where you stand: Not measured yet" in page


def test_the_payment_days_follow_the_workspaces_policy(collaboration, manager, hub_path) -> None:
    workspace = collaboration.workspace
    workspace.sla_policy = {**workspace.sla_policy, "payment_net_days": 30}
    workspace.save()
    offer = sent_round(collaboration, manager.user, launch_package(bonus=None))
    offers.accept_package(package=offer.packages.get(), actor=manager.user)

    page = text_of(Client().get(hub_path(collaboration)))

    assert "You are paid within 30 calendar days of receiving your invoice." in page
    assert "Where you stand" not in page


def test_cumulative_ladders_exclusivity_and_commissions_are_explained(
    collaboration, manager, hub_path
) -> None:
    cumulative = launch_package(
        add_ons=[AddOnData("exclusivity", D("400"), [], 60, "skincare", ["Glowlab"])],
        bonus=BonusData(metric="revenue", mode="cumulative", rungs=[(D("5000"), D("200"))]),
    )
    commission = launch_package(
        label="Commission",
        add_ons=[AddOnData("usage_rights", D("150"), ["website"], 90)],
        bonus=BonusData(kind="commission", commission_percent=D("10")),
    )
    sent_round(collaboration, manager.user, cumulative, commission)

    page = text_of(Client().get(hub_path(collaboration)))

    assert "Exclusivity: no paid work for other brands in skincare (including Glowlab) for 60" in (
        page
    )
    assert "+$200 if the revenue you bring in reaches $5,000" in page
    assert "Every rung you reach adds to your bonus." in page
    assert "Usage rights: the brand may share your content on its own channels (Website)" in page
    assert "You earn 10% of the revenue you bring in, with no cap." in page


def test_the_standing_uses_the_measured_value_once_there_is_one(collaboration, manager) -> None:
    offer = sent_round(collaboration, manager.user, launch_package())
    collaboration = offers.accept_package(package=offer.packages.get(), actor=manager.user)

    assert bonus_standing(collaboration).text.startswith("Not measured yet")
    standing = bonus_standing(collaboration, measured=D("42.50"))
    assert standing.earned == D("500")
    assert standing.text == "So far: $42.50, which earns you $500."


def test_money_is_written_with_its_currency() -> None:
    assert money(D("1000"), "USD") == "$1,000"
    assert money(D("1234.5"), "EUR") == "€1,234.50"
    assert money(None, "USD") == ""
    template = Template('{% load hub_money %}{{ amount|money:"USD" }}')
    assert template.render(Context({"amount": D("250")})) == "$250"
    with translation.override("fr"):
        assert money(D("1000"), "EUR") == "1\N{NARROW NO-BREAK SPACE}000\N{NO-BREAK SPACE}€"


def test_before_any_offer_the_creator_is_told_it_is_being_prepared(collaboration, hub_path) -> None:
    page = text_of(Client().get(hub_path(collaboration)))
    assert "Your offer is being prepared" in page
    assert "Choose this package" not in page
