"""Offers through the pages: make an offer with two packages, send it, record a counter-offer,
accept a package, and amend the terms with a reason."""

from __future__ import annotations

import pytest

from rapport.campaigns.models import Collaboration, CollabStage, Offer, OfferStatus
from rapport.testing.factories import (
    CampaignFactory,
    CollaborationFactory,
    CreatorFactory,
    ProductFactory,
)
from rapport.workspaces.models import AuditEvent


@pytest.fixture
def collaboration(workspace):
    campaign = CampaignFactory.create(workspace=workspace, name="Summer glow")
    return CollaborationFactory.create(
        campaign=campaign, creator=CreatorFactory.create(workspace=workspace, name="Ava Martin")
    )


def package_fields(prefix: str, **values: str) -> dict[str, str]:
    fields = {
        f"{prefix}-label": "Video + stories",
        f"{prefix}-base_fee": "1500",
        f"{prefix}-currency": "USD",
        f"{prefix}-deliverables": "One video and two story frames",
        f"{prefix}-paid_usage-include": "on",
        f"{prefix}-paid_usage-fee": "300",
        f"{prefix}-paid_usage-channels": "Meta",
        f"{prefix}-paid_usage-window_days": "30",
        f"{prefix}-bonus-kind": "ladder",
        f"{prefix}-bonus-metric": "cpa",
        f"{prefix}-bonus-mode": "highest",
        f"{prefix}-rung0-threshold": "60",
        f"{prefix}-rung0-amount": "250",
        f"{prefix}-rung1-threshold": "45",
        f"{prefix}-rung1-amount": "500",
        f"{prefix}-rung2-threshold": "35",
        f"{prefix}-rung2-amount": "1000",
    }
    fields.update({f"{prefix}-{k}": v for k, v in values.items()})
    return fields


def test_make_send_counter_and_accept_through_the_pages(
    manager_client, collaboration, workspace
) -> None:
    product = ProductFactory.create(workspace=workspace, name="Glow serum", value="40.00")
    base = f"/w/lumen/campaigns/collaborations/{collaboration.pk}/"
    form = manager_client.get(base + "offers/new/").content.decode()
    assert "Usage rights on owned channels" in form and "Glow serum" in form
    # Ask for a second package, then fill both in and send at once.
    two = manager_client.post(base + "offers/new/", {"packages": "1", "add_package": "1"})
    assert 'name="p1-base_fee"' in two.content.decode()
    data = {
        "packages": "2",
        "send": "1",
        **package_fields("p0", **{"seed0-product": str(product.pk), "seed0-quantity": "2"}),
        **package_fields("p1", label="Shorter usage", base_fee="1200"),
    }
    response = manager_client.post(base + "offers/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    offer = Offer.objects.get()
    assert offer.status == OfferStatus.SENT and offer.packages.count() == 2
    collaboration.refresh_from_db()
    assert collaboration.stage == CollabStage.NEGOTIATING
    page = manager_client.get(base).content.decode()
    assert "1880.00 USD" in page  # 1500 + 300 + 2 x 40 (the product's value)
    assert "+$250 if under $60" in page and "up to $1,000 bonus" in page

    counter_url = f"/w/lumen/campaigns/offers/{offer.pk}/counter/"
    prefilled = manager_client.get(counter_url).content.decode()
    assert 'value="Shorter usage"' in prefilled
    counter = manager_client.post(
        counter_url,
        {"packages": "1", "note": "Wants more", **package_fields("p0", base_fee="2000")},
    )
    assert counter.status_code == 302
    page = manager_client.get(base).content.decode()
    assert "Round 2" in page and "from the creator" in page and "Countered" in page

    creator_round = Offer.objects.get(number=2)
    manager_client.post(f"/w/lumen/campaigns/packages/{creator_round.packages.get().pk}/accept/")
    collaboration.refresh_from_db()
    assert collaboration.stage == CollabStage.CONTRACTED
    assert collaboration.terms["base_fee"] == "2000.00"
    assert "Agreed terms" in manager_client.get(base).content.decode()


def test_amending_terms_through_the_page_needs_a_reason(manager_client, collaboration) -> None:
    Collaboration.objects.filter(pk=collaboration.pk).update(
        committed_cost="1500.00",
        currency="USD",
        stage="contracted",
        terms={
            "base_fee": "1500.00",
            "currency": "USD",
            "add_ons": [],
            "seeding": [],
            "bonus": None,
            "committed_cost": "1500.00",
            "deliverables": "One video",
            "label": "",
            "max_bonus": "0",
            "accepted_at": "2025-01-01T00:00:00+00:00",
        },
    )
    url = f"/w/lumen/campaigns/collaborations/{collaboration.pk}/terms/"
    assert 'value="1500.00"' in manager_client.get(url).content.decode()
    fields = {"packages": "1", "p0-base_fee": "1700", "p0-currency": "USD"}
    refused = manager_client.post(url, fields)
    assert (
        refused.status_code == 400 and "Say why the agreed terms change" in refused.content.decode()
    )
    manager_client.post(url, {**fields, "reason": "Extra story frame"})
    collaboration.refresh_from_db()
    assert str(collaboration.committed_cost) == "1700.00"
    event = AuditEvent.objects.get(kind="terms.amended")
    assert (
        event.changes["base_fee"] == ["1500.00", "1700.00"] and event.reason == "Extra story frame"
    )


def test_an_exclusivity_clash_asks_for_confirmation(manager_client, collaboration) -> None:
    from rapport.campaigns.tests.test_collaborations_invite import exclusive

    exclusive(collaboration.creator, category="skincare")
    base = f"/w/lumen/campaigns/collaborations/{collaboration.pk}/"
    data = {
        "packages": "1",
        **package_fields(
            "p0",
            **{
                "exclusivity-include": "on",
                "exclusivity-fee": "400",
                "exclusivity-category": "Skincare",
                "exclusivity-window_days": "60",
            },
        ),
    }
    manager_client.post(base + "offers/new/", data)
    offer = Offer.objects.get()
    asked = manager_client.post(f"/w/lumen/campaigns/offers/{offer.pk}/send/")
    assert asked.status_code == 409 and "Send anyway" in asked.content.decode()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DRAFT
    manager_client.post(f"/w/lumen/campaigns/offers/{offer.pk}/send/", {"confirm": "yes"})
    offer.refresh_from_db()
    assert offer.status == OfferStatus.SENT


def test_a_bad_package_is_explained_and_nothing_is_saved(manager_client, collaboration) -> None:
    base = f"/w/lumen/campaigns/collaborations/{collaboration.pk}/"
    response = manager_client.post(
        base + "offers/new/", {"packages": "1", **package_fields("p0", currency="dollars")}
    )
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert not Offer.objects.exists()


def test_the_collaboration_page_with_offers_keeps_its_query_count(
    manager_client, collaboration, django_assert_max_num_queries
) -> None:
    from decimal import Decimal

    from rapport.campaigns.services import offers
    from rapport.campaigns.services.offers import AddOnData, PackageData, SeedingData

    def make_round() -> None:
        package = PackageData(
            base_fee=Decimal("100"),
            currency="USD",
            add_ons=[AddOnData("rush", Decimal("10"))],
            seeding=[SeedingData("Cap", 1, Decimal("5"))],
        )
        offers.create_offer(collaboration=collaboration, actor=None, packages=[package, package])

    make_round()
    url = f"/w/lumen/campaigns/collaborations/{collaboration.pk}/"
    with django_assert_max_num_queries(60) as first:
        manager_client.get(url)
    for _n in range(4):
        make_round()
    with django_assert_max_num_queries(len(first.captured_queries)):
        manager_client.get(url)


def test_a_new_package_starts_in_the_campaigns_currency(manager_client, workspace) -> None:
    campaign = CampaignFactory.create(workspace=workspace, currency="EUR")
    collaboration = CollaborationFactory.create(campaign=campaign)
    page = manager_client.get(f"/w/lumen/campaigns/collaborations/{collaboration.pk}/offers/new/")
    assert 'name="p0-currency" value="EUR"' in page.content.decode()
