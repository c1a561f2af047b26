"""Query counts of the terms, brief and timeline sections: the same whatever the number of
packages, add-ons, deliverables, shipments and invoices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.test import RequestFactory
from django.utils import timezone

from rapport.campaigns.models import Shipment, ShipmentStatus
from rapport.campaigns.services import offers
from rapport.finance.models import Invoice, InvoiceSource
from rapport.hub.context import Hub
from rapport.hub.services.links import issue_link, resolve, token_of
from rapport.hub.tests.test_brief_changes import first_brief, publish
from rapport.hub.tests.test_terms_plain import launch_package, sent_round
from rapport.hub.views import brief, terms, timeline
from rapport.testing.factories import CampaignFactory, CollaborationFactory, DeliverableFactory


def hub_of(collaboration) -> Hub:
    token = token_of(issue_link(collaboration=collaboration, actor=None))
    link = resolve(token)
    assert link is not None
    return Hub(link=link, token=token)


@pytest.fixture
def collaboration(workspace, manager):
    collaboration = CollaborationFactory.create(
        campaign=CampaignFactory.create(workspace=workspace, owner=manager.user)
    )
    now = timezone.now()
    for days in (3, 10, 20):
        DeliverableFactory.create(
            collaboration=collaboration,
            post_at=now + dt.timedelta(days=days),
            final_approval_due=now + dt.timedelta(days=days - 2),
        )
    for days in (1, 2):
        Shipment.objects.create(
            workspace=workspace,
            collaboration=collaboration,
            address="Somewhere",
            status=ShipmentStatus.SHIPPED,
            expected_on=(now + dt.timedelta(days=days)).date(),
        )
        Invoice.objects.create(
            workspace=workspace,
            collaboration=collaboration,
            number=f"N-{days}",
            amount=Decimal("100"),
            currency="USD",
            received_at=now,
            due_on=(now + dt.timedelta(days=15)).date(),
            source=InvoiceSource.HUB,
        )
    return collaboration


def test_the_packages_on_offer_take_a_fixed_number_of_queries(
    collaboration, manager, django_assert_max_num_queries
) -> None:
    sent_round(collaboration, manager.user, launch_package(), launch_package(), launch_package())
    hub = hub_of(collaboration)
    with django_assert_max_num_queries(7):
        context = terms.section(RequestFactory().get("/"), hub)
    assert len(context["terms_packages"]) == 3


def test_agreed_terms_take_a_fixed_number_of_queries(
    collaboration, manager, django_assert_max_num_queries
) -> None:
    offer = sent_round(collaboration, manager.user, launch_package())
    offers.accept_package(package=offer.packages.get(), actor=manager.user)
    hub = hub_of(collaboration)
    with django_assert_max_num_queries(1):
        context = terms.section(RequestFactory().get("/"), hub)
    assert context["terms_agreed"] is not None


def test_the_brief_section_takes_a_fixed_number_of_queries(
    collaboration, manager, django_assert_max_num_queries
) -> None:
    first_brief(collaboration.campaign, manager.user)
    brief.section(RequestFactory().get("/"), hub_of(collaboration))  # the first visit
    publish(collaboration.campaign, manager.user, brand_voice="Warmer")
    hub = hub_of(collaboration)
    with django_assert_max_num_queries(4):  # a view within the visit
        brief.section(RequestFactory().get("/"), hub)
    later = timezone.now() + dt.timedelta(hours=1)
    with (
        django_assert_max_num_queries(6),  # a new visit, with changes to show
        mock.patch("rapport.hub.views.brief.timezone.now", return_value=later),
    ):
        context = brief.section(RequestFactory().get("/"), hub)
    assert [c["field"] for c in context["brief_changes"]] == ["brand_voice"]


def test_the_timeline_takes_a_fixed_number_of_queries(
    collaboration, django_assert_max_num_queries
) -> None:
    hub = hub_of(collaboration)
    with django_assert_max_num_queries(5):
        context = timeline.section(RequestFactory().get("/"), hub)
    assert len(context["timeline_milestones"]) == 3 * 2 + 2 + 2
