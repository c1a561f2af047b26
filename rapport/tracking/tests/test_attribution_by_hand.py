"""Attribution by hand (service, order page, API) and orders picked up by a code created after
them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from rapport.campaigns.models import Collaboration
from rapport.finance.models import BonusLine, BonusStatus
from rapport.testing.factories import (
    CollaborationFactory,
    DiscountCodeFactory,
    ShopFactory,
    TrackingLinkFactory,
)
from rapport.tracking.models import Attribution, Order, Shop
from rapport.tracking.services.attribution import attribute_by_hand, clear_attribution
from rapport.tracking.services.codes import create_code
from rapport.tracking.services.orders import ingest
from rapport.tracking.tests.order_helpers import PLACED, click_on, order_data
from rapport.workspaces.models import AuditEvent, Membership, Workspace
from rapport.workspaces.roles import Role


@pytest.fixture
def shop(workspace: Workspace) -> Shop:
    return ShopFactory.create(workspace=workspace, name="Lumen US")


@pytest.fixture
def ana(workspace: Workspace) -> Collaboration:
    return CollaborationFactory.create(
        campaign__workspace=workspace, campaign__name="Spring glow", creator__name="Ana Lima"
    )


@pytest.fixture
def ben(workspace: Workspace) -> Collaboration:
    return CollaborationFactory.create(
        campaign__workspace=workspace, campaign__name="Summer", creator__name="Ben Ode"
    )


@pytest.fixture
def order(shop: Shop) -> Order:
    return ingest(shop=shop, data=order_data(codes=("FRIEND10",)), source="webhook")


def approve_bonus(collaboration: Collaboration) -> None:
    BonusLine.objects.create(
        workspace=collaboration.workspace,
        collaboration=collaboration,
        metric="revenue",
        amount=Decimal("100"),
        currency="USD",
        status=BonusStatus.APPROVED,
        computed_at=timezone.now(),
    )


def order_url(order: Order) -> str:
    return f"/w/lumen/tracking/orders/{order.pk}/"


# ---------------------------------------------------------------------------------------------
# The service


def test_an_unattributed_order_is_set_by_hand_and_deliveries_keep_it(
    shop: Shop, order: Order, ana: Collaboration, ben: Collaboration, manager: Membership
) -> None:
    assert order.attributed_by == Attribution.NONE
    attribute_by_hand(order=order, collaboration=ana, actor=manager.user, reason="Ana's live")

    order.refresh_from_db()
    assert (order.collaboration, order.attributed_by) == (ana, Attribution.MANUAL)
    event = AuditEvent.objects.get(kind="tracking.order_attributed_by_hand")
    assert (event.creator, event.campaign, event.reason) == (
        ana.creator,
        ana.campaign,
        "Ana's live",
    )
    assert "Ana Lima · Spring glow" in event.summary and "nobody" in event.summary

    # A later delivery carrying another creator's code does not move it.
    DiscountCodeFactory.create(collaboration=ben, code="BEN10")
    again = ingest(shop=shop, data=order_data(codes=("BEN10",)), source="webhook")
    assert (again.collaboration, again.attributed_by) == (ana, Attribution.MANUAL)


def test_moving_an_order_by_hand_is_on_both_timelines(
    shop: Shop, ana: Collaboration, ben: Collaboration, manager: Membership
) -> None:
    DiscountCodeFactory.create(collaboration=ben, code="BEN10")
    order = ingest(shop=shop, data=order_data(codes=("BEN10",)), source="webhook")
    assert order.attributed_by == Attribution.CODE

    attribute_by_hand(order=order, collaboration=ana, actor=manager.user, reason="code leaked")

    events = AuditEvent.objects.filter(kind="tracking.order_attributed_by_hand")
    assert {e.creator_id for e in events} == {ana.creator_id, ben.creator_id}
    order.refresh_from_db()
    assert (order.discount_code, order.click) == (None, None)


def test_another_workspaces_collaboration_is_refused(
    order: Order, other_workspace: Workspace, manager: Membership
) -> None:
    stranger = CollaborationFactory.create(campaign__workspace=other_workspace)
    with pytest.raises(ValidationError) as caught:
        attribute_by_hand(order=order, collaboration=stranger, actor=manager.user)
    assert "collaboration" in caught.value.message_dict
    order.refresh_from_db()
    assert order.attributed_by == Attribution.NONE


def test_an_order_in_an_approved_bonus_cannot_move_by_hand(
    shop: Shop, ana: Collaboration, ben: Collaboration, manager: Membership
) -> None:
    DiscountCodeFactory.create(collaboration=ana, code="ANA15")
    order = ingest(shop=shop, data=order_data(codes=("ANA15",)), source="webhook")
    approve_bonus(ana)

    with pytest.raises(ValidationError) as caught:
        attribute_by_hand(order=order, collaboration=ben, actor=manager.user)
    assert "approved or paid" in caught.value.message_dict["collaboration"][0]
    order.refresh_from_db()
    assert (order.collaboration, order.attributed_by) == (ana, Attribution.CODE)


def test_an_order_cannot_join_an_approved_bonus_by_hand(
    order: Order, ana: Collaboration, manager: Membership
) -> None:
    approve_bonus(ana)
    with pytest.raises(ValidationError):
        attribute_by_hand(order=order, collaboration=ana, actor=manager.user)
    order.refresh_from_db()
    assert order.collaboration is None


def test_clearing_hands_the_order_back_to_the_rules(
    shop: Shop, ana: Collaboration, ben: Collaboration, manager: Membership
) -> None:
    link = TrackingLinkFactory.create(collaboration=ben)
    click_on(link, PLACED - dt.timedelta(days=2), "r-ben")
    order = ingest(shop=shop, data=order_data(click_ref="r-ben"), source="webhook")
    attribute_by_hand(order=order, collaboration=ana, actor=manager.user)

    cleared = clear_attribution(order=order, actor=manager.user, reason="mistake")

    assert (cleared.collaboration, cleared.attributed_by) == (ben, Attribution.CLICK)
    event = AuditEvent.objects.filter(kind="tracking.order_attribution_cleared").first()
    assert event is not None and event.reason == "mistake"
    with pytest.raises(ValidationError) as caught:
        clear_attribution(order=cleared, actor=manager.user)
    assert "attributed_by" in caught.value.message_dict


def test_clearing_with_no_rule_matching_leaves_it_unattributed(
    order: Order, ana: Collaboration, manager: Membership
) -> None:
    attribute_by_hand(order=order, collaboration=ana, actor=manager.user)
    cleared = clear_attribution(order=order, actor=manager.user)
    cleared.refresh_from_db()
    assert (cleared.collaboration, cleared.attributed_by) == (None, Attribution.NONE)


# ---------------------------------------------------------------------------------------------
# A code created after its orders


def test_a_new_code_picks_up_the_orders_that_came_before_it(
    shop: Shop, ana: Collaboration, ben: Collaboration, other_workspace: Workspace,
    manager: Membership,
) -> None:  # fmt: skip
    early = ingest(shop=shop, data=order_data(codes=("anaglow15",)), source="webhook")
    other = ingest(
        shop=shop, data=order_data(external_id="5002", codes=("ANAGLOW150",)), source="webhook"
    )
    foreign_shop = ShopFactory.create(workspace=other_workspace)
    foreign = ingest(shop=foreign_shop, data=order_data(codes=("ANAGLOW15",)), source="webhook")
    by_hand = ingest(
        shop=shop, data=order_data(external_id="5003", codes=("ANAGLOW15",)), source="webhook"
    )
    attribute_by_hand(order=by_hand, collaboration=ben, actor=manager.user)

    create_code(collaboration=ana, actor=manager.user, code="AnaGlow15", value=15)

    for o in (early, other, foreign, by_hand):
        o.refresh_from_db()
    assert (early.collaboration, early.attributed_by) == (ana, Attribution.CODE)
    assert early.discount_code is not None and early.discount_code.code == "ANAGLOW15"
    assert other.attributed_by == Attribution.NONE
    assert foreign.attributed_by == Attribution.NONE
    assert (by_hand.collaboration, by_hand.attributed_by) == (ben, Attribution.MANUAL)
    event = AuditEvent.objects.get(kind="tracking.code_reattributed")
    assert "1 earlier order with the code ANAGLOW15" in event.summary


# ---------------------------------------------------------------------------------------------
# The order page


def test_a_manager_sets_and_clears_the_attribution_on_the_order_page(
    order: Order, ana: Collaboration, ben: Collaboration, manager: Membership,
    client_for: Callable[[Membership], Client],
) -> None:  # fmt: skip
    client = client_for(manager)
    html = client.get(order_url(order)).content.decode()
    assert "Set the attribution by hand" in html
    assert "Ana Lima · Spring glow" in html and "Ben Ode · Summer" in html

    answer = client.post(order_url(order), {"collaboration": ana.pk, "reason": "Live on TikTok"})
    assert answer.status_code == 302
    html = client.get(order_url(order)).content.decode()
    assert "Set by hand by" in html and "Reason: Live on TikTok" in html
    assert "Hand back to the rules" in html

    client.post(order_url(order), {"action": "clear"})
    order.refresh_from_db()
    assert order.attributed_by == Attribution.NONE
    assert "Not attributed" in client.get(order_url(order)).content.decode()


def test_the_page_shows_why_an_order_cannot_move(
    order: Order, ana: Collaboration, manager: Membership,
    client_for: Callable[[Membership], Client],
) -> None:  # fmt: skip
    approve_bonus(ana)
    answer = client_for(manager).post(order_url(order), {"collaboration": ana.pk})
    assert answer.status_code == 422
    assert "approved or paid" in answer.content.decode()


def test_a_viewer_sees_no_form_and_cannot_post(
    order: Order, ana: Collaboration, member: Callable[[str], Membership],
    client_for: Callable[[Membership], Client],
) -> None:  # fmt: skip
    client = client_for(member(Role.VIEWER))
    assert "Set the attribution by hand" not in client.get(order_url(order)).content.decode()
    assert client.post(order_url(order), {"collaboration": ana.pk}).status_code == 403
    order.refresh_from_db()
    assert order.attributed_by == Attribution.NONE


# ---------------------------------------------------------------------------------------------
# The API


def test_the_api_sets_and_clears_an_attribution(
    order: Order, ana: Collaboration, manager: Membership, api_client_for: Callable[..., Client]
) -> None:
    api = api_client_for(manager)
    url = f"/api/v1/orders/{order.pk}/attribution"
    body = api.post(
        url, {"collaboration_id": ana.pk, "reason": "live"}, content_type="application/json"
    ).json()
    assert (body["attributed_by"], body["collaboration_id"], body["creator"]) == (
        "manual",
        ana.pk,
        "Ana Lima",
    )
    assert "Reason: live" in body["reason"]
    assert api.get("/api/v1/orders?attribution=manual").json()["items"][0]["id"] == order.pk

    cleared = api.delete(url)
    assert cleared.status_code == 200 and cleared.json()["attributed_by"] == "none"
    again = api.delete(url)
    assert again.status_code == 422 and "attributed_by" in again.content.decode()


def test_the_api_refuses_strangers_and_viewers(
    order: Order, ana: Collaboration, other_workspace: Workspace, manager: Membership,
    member: Callable[[str], Membership], api_client_for: Callable[..., Client],
) -> None:  # fmt: skip
    url = f"/api/v1/orders/{order.pk}/attribution"
    stranger = CollaborationFactory.create(campaign__workspace=other_workspace)
    api = api_client_for(manager)
    answer = api.post(url, {"collaboration_id": stranger.pk}, content_type="application/json")
    assert answer.status_code == 404
    viewer = api_client_for(member(Role.VIEWER))
    answer = viewer.post(url, {"collaboration_id": ana.pk}, content_type="application/json")
    assert answer.status_code == 403
    order.refresh_from_db()
    assert order.attributed_by == Attribution.NONE
