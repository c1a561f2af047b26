"""Attribution: a code first, else our click reference, else the landing UTM parameters, within the
workspace's window; otherwise kept unattributed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from rapport.campaigns.models import Collaboration
from rapport.finance.models import BonusLine, BonusStatus
from rapport.testing.factories import (
    CollaborationFactory,
    DiscountCodeFactory,
    TrackingLinkFactory,
)
from rapport.tracking.models import Attribution, Shop, TrackingLink
from rapport.tracking.services.orders import ingest
from rapport.tracking.tests.order_helpers import DAY, PLACED, click_on, order_data, shop
from rapport.workspaces.models import Workspace

__all__ = ["shop"]  # fixtures


@pytest.fixture
def ana(workspace: Workspace) -> Collaboration:
    return CollaborationFactory.create(campaign__workspace=workspace, campaign__slug="spring")


@pytest.fixture
def ben(workspace: Workspace) -> Collaboration:
    return CollaborationFactory.create(campaign__workspace=workspace)


@pytest.fixture
def link(ana: Collaboration) -> TrackingLink:
    return TrackingLinkFactory.create(
        collaboration=ana, utm_campaign="spring", utm_content="ana-bio"
    )


def test_a_code_attributes_the_order_whatever_its_case(shop: Shop, ana: Collaboration) -> None:
    code = DiscountCodeFactory.create(collaboration=ana, code="ANA15")
    order = ingest(shop=shop, data=order_data(codes=("ana15",)), source="webhook")
    assert (order.collaboration, order.attributed_by, order.discount_code) == (
        ana,
        Attribution.CODE,
        code,
    )


def test_the_first_of_the_orders_matching_codes_decides(
    shop: Shop, ana: Collaboration, ben: Collaboration
) -> None:
    DiscountCodeFactory.create(collaboration=ana, code="ANA15")
    DiscountCodeFactory.create(collaboration=ben, code="BEN10")
    order = ingest(shop=shop, data=order_data(codes=("WELCOME", "ben10", "ANA15")), source="x")
    assert order.collaboration == ben


def test_a_code_beats_a_click(shop: Shop, ana: Collaboration, ben: Collaboration) -> None:
    DiscountCodeFactory.create(collaboration=ben, code="BEN10")
    ana_link = TrackingLinkFactory.create(collaboration=ana)
    click_on(ana_link, PLACED - DAY, "ref-ana")
    order = ingest(
        shop=shop, data=order_data(codes=("BEN10",), click_ref="ref-ana"), source="webhook"
    )
    assert (order.collaboration, order.attributed_by) == (ben, Attribution.CODE)


def test_an_unknown_code_stays_unattributed_and_is_kept(shop: Shop, ana: Collaboration) -> None:
    DiscountCodeFactory.create(collaboration=ana, code="ANA15")
    order = ingest(shop=shop, data=order_data(codes=("FRIENDS20",)), source="webhook")
    assert (order.collaboration, order.attributed_by) == (None, Attribution.NONE)
    assert order.pk is not None


def test_another_workspaces_code_never_matches(shop: Shop, other_workspace: Workspace) -> None:
    theirs = CollaborationFactory.create(campaign__workspace=other_workspace)
    DiscountCodeFactory.create(collaboration=theirs, code="ANA15")
    order = ingest(shop=shop, data=order_data(codes=("ANA15",)), source="webhook")
    assert order.attributed_by == Attribution.NONE


@pytest.mark.parametrize(
    ("clicked", "counts"),
    [
        (PLACED - 30 * DAY, True),  # exactly N days before: still in
        (PLACED - 30 * DAY - dt.timedelta(seconds=1), False),  # N days and a second: out
        (PLACED, True),  # the same moment
        (PLACED + dt.timedelta(seconds=1), False),  # after the order: never
    ],
)
def test_the_click_reference_counts_within_the_window(
    shop: Shop, link: TrackingLink, ana: Collaboration, clicked: dt.datetime, counts: bool
) -> None:
    click = click_on(link, clicked, "r-edge")
    order = ingest(shop=shop, data=order_data(click_ref="r-edge"), source="webhook")
    if counts:
        assert (order.collaboration, order.attributed_by, order.click) == (
            ana,
            Attribution.CLICK,
            click,
        )
    else:
        assert (order.collaboration, order.attributed_by) == (None, Attribution.NONE)


def test_the_window_is_the_workspaces(workspace: Workspace, shop: Shop, link: TrackingLink) -> None:
    workspace.attribution_days = 7
    workspace.save()
    click_on(link, PLACED - 8 * DAY, "r-old")
    order = ingest(shop=shop, data=order_data(click_ref="r-old"), source="webhook")
    assert order.attributed_by == Attribution.NONE


@pytest.mark.parametrize(
    "landing",
    [
        "/products/glow?rclid=r-land&utm_source=instagram",
        "https://shop.example.com/products/glow?rclid=r-land",
    ],
)
def test_the_reference_is_read_from_the_landing_page_relative_or_absolute(
    shop: Shop, link: TrackingLink, ana: Collaboration, landing: str
) -> None:
    click_on(link, PLACED - DAY, "r-land")
    order = ingest(shop=shop, data=order_data(landing_url=landing), source="webhook")
    assert (order.collaboration, order.attributed_by) == (ana, Attribution.CLICK)


def test_another_workspaces_click_never_matches(shop: Shop, other_workspace: Workspace) -> None:
    theirs = TrackingLinkFactory.create(collaboration__campaign__workspace=other_workspace)
    click_on(theirs, PLACED - DAY, "r-theirs")
    order = ingest(shop=shop, data=order_data(click_ref="r-theirs"), source="webhook")
    assert order.attributed_by == Attribution.NONE


def test_landing_utm_parameters_take_the_last_human_click_in_the_window(
    shop: Shop, link: TrackingLink, ana: Collaboration
) -> None:
    click_on(link, PLACED - 40 * DAY, "r-too-old")
    human = click_on(link, PLACED - 3 * DAY, "r-human")
    click_on(link, PLACED - DAY, "r-bot", is_bot=True)  # later, but a bot: ignored
    click_on(link, PLACED + DAY, "r-after")  # after the order: never
    landing = "https://shop.example.com/?utm_campaign=spring&utm_content=ana-bio&utm_medium=x"
    order = ingest(shop=shop, data=order_data(landing_url=landing), source="webhook")
    assert (order.collaboration, order.attributed_by, order.click) == (
        ana,
        Attribution.CLICK,
        human,
    )


def test_utm_parameters_with_only_bot_clicks_stay_unattributed(
    shop: Shop, link: TrackingLink
) -> None:
    click_on(link, PLACED - DAY, "r-bot", is_bot=True)
    landing = "/?utm_campaign=spring&utm_content=ana-bio"
    order = ingest(shop=shop, data=order_data(landing_url=landing), source="webhook")
    assert order.attributed_by == Attribution.NONE


def test_another_workspaces_link_with_the_same_utm_never_matches(
    shop: Shop, other_workspace: Workspace
) -> None:
    theirs = TrackingLinkFactory.create(
        collaboration__campaign__workspace=other_workspace,
        utm_campaign="spring",
        utm_content="ana-bio",
    )
    click_on(theirs, PLACED - DAY, "r-theirs")
    order = ingest(
        shop=shop,
        data=order_data(landing_url="/?utm_campaign=spring&utm_content=ana-bio"),
        source="webhook",
    )
    assert order.attributed_by == Attribution.NONE


def test_a_later_delivery_attributes_an_order_once_its_click_is_known(
    shop: Shop, link: TrackingLink, ana: Collaboration
) -> None:
    first = ingest(shop=shop, data=order_data(click_ref="r-late"), source="webhook")
    assert first.attributed_by == Attribution.NONE
    click_on(link, PLACED - DAY, "r-late")  # the click's record arrives after the order
    again = ingest(shop=shop, data=order_data(click_ref="r-late"), source="webhook")
    assert (again.collaboration, again.attributed_by) == (ana, Attribution.CLICK)


def test_a_code_attribution_is_kept_on_later_deliveries(
    shop: Shop, ana: Collaboration, ben: Collaboration
) -> None:
    DiscountCodeFactory.create(collaboration=ana, code="ANA15")
    ingest(shop=shop, data=order_data(codes=("ANA15",)), source="webhook")
    ben_link = TrackingLinkFactory.create(collaboration=ben)
    click_on(ben_link, PLACED - DAY, "r-ben")
    order = ingest(shop=shop, data=order_data(click_ref="r-ben"), source="webhook")
    assert (order.collaboration, order.attributed_by) == (ana, Attribution.CODE)


def test_an_order_in_an_approved_bonus_never_moves(
    workspace: Workspace, shop: Shop, link: TrackingLink, ana: Collaboration, ben: Collaboration
) -> None:
    click_on(link, PLACED - DAY, "r-ana")
    ingest(shop=shop, data=order_data(click_ref="r-ana"), source="webhook")
    BonusLine.objects.create(
        workspace=workspace,
        collaboration=ana,
        metric="revenue",
        amount=Decimal("250"),
        currency="USD",
        status=BonusStatus.APPROVED,
        computed_at=timezone.now(),
    )
    DiscountCodeFactory.create(collaboration=ben, code="BEN10")
    order = ingest(shop=shop, data=order_data(codes=("BEN10",)), source="webhook")
    assert (order.collaboration, order.attributed_by) == (ana, Attribution.CLICK)
