"""Bonuses at wrap time: the agreed ladder (both modes), revenue and conversions ladders and a
commission, evaluated on the attributed orders with the seed's numbers and at the exact
thresholds; the calculation in plain words for finance and on the hub; approval fixes it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from rapport.campaigns.models import Collaboration, CollabStage
from rapport.campaigns.services import offers
from rapport.campaigns.services.collaborations import change_stage
from rapport.campaigns.services.offers import BonusData, PackageData
from rapport.finance import bonuses
from rapport.finance.models import BonusLine, BonusStatus
from rapport.testing.factories import (
    CampaignFactory,
    CollaborationFactory,
    CreatorFactory,
    DeliverableFactory,
    ShopFactory,
)
from rapport.tracking.models import Order
from rapport.workspaces.models import AuditEvent
from rapport.workspaces.roles import Role

D = Decimal
SEED_LADDER = [(D("60"), D("250")), (D("45"), D("500")), (D("35"), D("1000"))]
LIVE = dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC)


def agreed(manager, bonus: BonusData, fee: str = "2000") -> Collaboration:
    """Ava Martin in Spring Glow, with terms agreed through an accepted offer: ``fee`` USD (the
    spend) and ``bonus``; her video went live on 2 March 2026."""
    campaign = CampaignFactory.create(
        workspace=manager.workspace, name="Spring Glow", owner=manager.user
    )
    collaboration = CollaborationFactory.create(
        campaign=campaign,
        owner=manager.user,
        creator=CreatorFactory.create(workspace=manager.workspace, name="Ava Martin"),
    )
    package = PackageData(base_fee=D(fee), currency="USD", deliverables="One video", bonus=bonus)
    offer = offers.create_offer(collaboration=collaboration, actor=manager.user, packages=[package])
    offers.send_offer(offer=offer, actor=manager.user)
    collaboration = offers.accept_package(package=offer.packages.get(), actor=manager.user)
    DeliverableFactory.create(collaboration=collaboration, went_live_at=LIVE)
    return collaboration


def orders(collaboration, n: int, total: str = "84", currency: str = "USD", days: int = 1) -> None:
    """``n`` orders attributed to the collaboration, placed ``days`` after it went live."""
    shop = ShopFactory.create(workspace=collaboration.workspace)
    for k in range(n):
        Order.objects.create(
            workspace=collaboration.workspace,
            shop=shop,
            external_id=f"{shop.pk}-{k}",
            placed_at=LIVE + dt.timedelta(days=days),
            currency=currency,
            total=D(total),
            revenue=D(total),
            collaboration=collaboration,
            attributed_by="code",
            source="webhook",
        )


def ladder(mode: str = "highest", metric: str = "cpa", rungs=None) -> BonusData:
    return BonusData(metric=metric, mode=mode, rungs=rungs or SEED_LADDER, window_days=90)


@pytest.mark.parametrize(
    ("mode", "fee", "cpa", "expected"),
    [
        ("highest", "2000", "40.00", "500.00"),  # under $60 and $45, not $35: the best pays
        ("cumulative", "2000", "40.00", "750.00"),  # $250 + $500
        ("highest", "2250", "45.00", "250.00"),  # exactly $45.00 is not under $45
        ("cumulative", "2250", "45.00", "250.00"),
        ("highest", "3000", "60.00", "0.00"),  # exactly $60.00 is not under $60
        ("highest", "1750", "35.00", "500.00"),  # exactly $35.00 is not under $35
        ("highest", "1749.50", "34.99", "1000.00"),
        ("cumulative", "1749.50", "34.99", "1750.00"),
    ],
)
def test_the_cpa_ladder_with_the_seeds_numbers(manager, mode, fee, cpa, expected):
    collaboration = agreed(manager, ladder(mode), fee)
    orders(collaboration, 50)
    line = bonuses.compute_bonus(collaboration=collaboration, actor=manager.user)
    assert line is not None
    assert (line.metric, line.measured, line.amount) == ("cpa", D(cpa), D(expected))
    assert line.currency == "USD"


def test_the_calculation_keeps_every_input_and_reads_in_plain_words(manager):
    collaboration = agreed(manager, ladder("highest"))
    orders(collaboration, 50)
    orders(collaboration, 2, currency="EUR")
    orders(collaboration, 3, days=120)  # after the 90-day window
    line = bonuses.compute_bonus(collaboration=collaboration, actor=manager.user)
    assert line is not None
    calc = line.calculation
    assert (calc["spend"], calc["conversions"], calc["measured"]) == ("2000.00", 50, "40.00")
    assert calc["other_currency_orders"] == 2
    assert calc["window"]["since"] == LIVE.isoformat()
    assert [(r["reached"], r["paid"]) for r in calc["rungs"]] == [
        (True, False),
        (True, True),
        (False, False),
    ]
    assert bonuses.explain(calc) == [
        "Orders placed from 2 Mar 2026 to 31 May 2026: 90 days from the first post going live.",
        "50 attributed orders, $4,200 in revenue after refunds.",
        "2 orders in other currencies are left out: the bonus counts USD orders only.",
        "CPA: $2,000 spent (the agreed fees, bonus not included) ÷ 50 orders = $40.",
        "+$250 · CPA under $60: reached, not added (a higher rung pays instead)",
        "+$500 · CPA under $45: reached, pays $500",
        "+$1,000 · CPA under $35: not reached",
        "The best rung reached pays; rungs do not add up.",
        "Bonus: $500.",
    ]


def test_no_conversion_means_cpa_na_and_no_rung(manager):
    collaboration = agreed(manager, ladder("cumulative"))
    line = bonuses.compute_bonus(collaboration=collaboration, actor=manager.user)
    assert line is not None
    assert line.measured is None and line.amount == D("0.00")
    text = bonuses.explain(line.calculation)
    assert "CPA: n/a, as there is no attributed order; no rung can be reached." in text
    assert text[-1] == "Bonus: $0."


@pytest.mark.parametrize(
    ("total", "expected"),
    [("100", "400.00"), ("99.99", "100.00"), ("20", "100.00"), ("19.99", "0.00")],
)
def test_the_revenue_ladder_at_its_thresholds(manager, total, expected):
    # 50 orders: $5,000 reaches "$5,000 or more" exactly; $4,999.50 does not.
    rungs = [(D("1000"), D("100")), (D("5000"), D("400"))]
    collaboration = agreed(manager, ladder("highest", "revenue", rungs))
    orders(collaboration, 50, total=total)
    line = bonuses.compute_bonus(collaboration=collaboration, actor=manager.user)
    assert line is not None and line.amount == D(expected)


@pytest.mark.parametrize(("n", "expected"), [(25, "200.00"), (24, "50.00"), (9, "0.00")])
def test_the_conversions_ladder_at_its_thresholds_cumulative(manager, n, expected):
    rungs = [(D("10"), D("50")), (D("25"), D("150"))]
    collaboration = agreed(manager, ladder("cumulative", "conversions", rungs))
    orders(collaboration, n)
    line = bonuses.compute_bonus(collaboration=collaboration, actor=manager.user)
    assert line is not None and line.amount == D(expected)
    assert line.measured == D(n)
    if n == 25:
        assert "+$150 · 25 sales or more: reached, pays $150" in bonuses.explain(line.calculation)


def test_a_commission_pays_its_share_of_the_revenue(manager):
    commission = BonusData(kind="commission", commission_percent=D("10"), window_days=None)
    collaboration = agreed(manager, commission)
    orders(collaboration, 50)
    line = bonuses.compute_bonus(collaboration=collaboration, actor=manager.user)
    assert line is not None
    assert (line.metric, line.measured, line.amount) == ("revenue", D("4200.00"), D("420.00"))
    text = bonuses.explain(line.calculation)
    assert text[0] == "Every order attributed to this collaboration (the campaign has no dates)."
    assert "Commission: 10% of $4,200." in text


def test_terms_without_a_bonus_give_no_line(manager):
    collaboration = agreed(manager, None)  # type: ignore[arg-type]
    assert bonuses.compute_bonus(collaboration=collaboration, actor=manager.user) is None
    assert not BonusLine.objects.exists()


def test_the_wrap_computes_it_and_approval_fixes_it(manager, member):
    finance = member(Role.FINANCE)
    collaboration = agreed(manager, ladder("highest"))
    orders(collaboration, 50)
    Collaboration.objects.filter(pk=collaboration.pk).update(stage=CollabStage.LIVE)
    change_stage(collaboration=collaboration, stage=CollabStage.REPORTED, actor=manager.user)
    wrapped = BonusLine.objects.get(collaboration=collaboration)
    assert (wrapped.amount, wrapped.status) == (D("500.00"), BonusStatus.COMPUTED)
    orders(collaboration, 10)  # late orders: while computed, a recompute follows them
    line = bonuses.compute_bonus(collaboration=collaboration, actor=manager.user)
    assert line is not None and line.measured == D("33.33") and line.amount == D("1000.00")
    bonuses.approve_bonus(line=line, actor=finance.user)
    orders(collaboration, 40)
    again = bonuses.compute_bonus(collaboration=collaboration, actor=manager.user)
    assert again is not None and again.amount == D("1000.00") and again.measured == D("33.33")
    with pytest.raises(Exception, match="already “Approved”"):
        bonuses.approve_bonus(line=line, actor=finance.user)
    with pytest.raises(Exception, match="cannot be in the future"):
        bonuses.mark_bonus_paid(line=line, actor=finance.user, paid_on=dt.date(2099, 1, 1))
    paid = bonuses.mark_bonus_paid(line=line, actor=finance.user, paid_on=dt.date(2026, 6, 10))
    assert paid.status == BonusStatus.PAID
    kinds = list(
        AuditEvent.objects.filter(kind__startswith="bonus.")
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["bonus.computed", "bonus.computed", "bonus.approved", "bonus.paid"]
    summary = AuditEvent.objects.filter(kind="bonus.paid").get().summary
    assert summary == "Bonus of Ava Martin in Spring Glow paid: $1,000"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_creator_sees_where_they_stand_while_live_and_the_calculation_from_the_wrap(
    manager, hub_path
):
    collaboration = agreed(manager, ladder("cumulative"))
    orders(collaboration, 50)
    bonuses.compute_bonus(collaboration=collaboration, actor=manager.user)
    # Before the wrap, a computed line is finance's preview: the creator does not see it yet.
    page = text_of(Client().get(hub_path(collaboration)))
    assert "Not measured yet" in page and "Your bonus" not in page
    Collaboration.objects.filter(pk=collaboration.pk).update(stage=CollabStage.LIVE)
    # While the content is live, the creator sees where they stand, measured as the wrap will.
    orders(collaboration, 10)
    page = text_of(Client().get(hub_path(collaboration)))
    assert "So far: $33.33, which earns you $1,750." in page and "Your bonus" not in page
    api = Client(headers={"X-Hub-Token": hub_path(collaboration).strip("/").split("/")[-1]})
    live = api.get("/api/v1/hub/me").json()["terms"]["standing"]
    assert (live["measured"], live["status"], live["calculation"]) == ("33.33", None, [])
    latest = Order.objects.filter(collaboration=collaboration).order_by("-pk")[:10]
    Order.objects.filter(pk__in=list(latest.values_list("pk", flat=True))).delete()
    change_stage(collaboration=collaboration, stage=CollabStage.REPORTED, actor=manager.user)
    page = text_of(Client().get(hub_path(collaboration)))
    assert "So far: $40, which earns you $750." in page
    assert "Your bonus $750 · worked out from your results" in page
    assert "CPA: $2,000 spent (the agreed fees, bonus not included) ÷ 50 orders = $40." in page
    assert "+$500 · CPA under $45: reached, pays $500" in page
    standing = api.get("/api/v1/hub/me").json()["terms"]["standing"]
    assert standing["measured"] == "40.00" and standing["status"] == "computed"
    assert standing["calculation"][-1] == "Bonus: $750."


def bonus_url(collaboration, name: str, pk: int | None = None) -> str:
    return reverse(
        f"finance:{name}", kwargs={"ws": collaboration.workspace.slug, "pk": pk or collaboration.pk}
    )


def test_pages_compute_for_managers_and_approve_for_finance_only(
    manager, member, client_for, django_assert_max_num_queries
):
    collaboration = agreed(manager, ladder("highest"))
    orders(collaboration, 50)
    viewer, finance = member(Role.VIEWER), member(Role.FINANCE)
    assert client_for(viewer).post(bonus_url(collaboration, "bonus_compute")).status_code == 403
    page = reverse(
        "campaigns:collaboration",
        kwargs={"ws": collaboration.workspace.slug, "pk": collaboration.pk},
    )
    assert "Compute the bonus" in client_for(manager).get(page).content.decode()
    assert client_for(manager).post(bonus_url(collaboration, "bonus_compute")).status_code == 302
    line = BonusLine.objects.get()
    html = client_for(manager).get(page).content.decode()
    assert "Recompute the bonus" in html and "CPA under $45: reached, pays $500" in html
    assert "Approve the bonus" not in html
    assert (
        client_for(manager).post(bonus_url(collaboration, "bonus_approve", line.pk)).status_code
        == 403
    )
    answer = client_for(finance).post(
        bonus_url(collaboration, "bonus_approve", line.pk), {"back": "bonuses"}
    )
    assert answer.status_code == 302
    html = client_for(manager).get(page).content.decode()
    assert "Recompute the bonus" not in html and "Approved" in html
    for n in range(3):
        other = agreed(manager, ladder("cumulative"))
        bonuses.compute_bonus(collaboration=other, actor=manager.user)
    listing = reverse("finance:bonuses", kwargs={"ws": collaboration.workspace.slug})
    client = client_for(finance)
    with django_assert_max_num_queries(10):
        html = client.get(listing).content.decode()
    assert html.count("How it was calculated") == 4
    assert "Mark the bonus paid" in html
    paid = client.post(
        bonus_url(collaboration, "bonus_paid", line.pk),
        {f"b{line.pk}-paid_on": "2026-06-10", "back": "bonuses"},
    )
    assert paid.status_code == 302
    assert BonusLine.objects.get(pk=line.pk).status == BonusStatus.PAID


def test_the_api_computes_lists_approves_and_pays(
    manager, member, api_client_for, django_assert_max_num_queries
):
    collaboration = agreed(manager, ladder("highest"))
    orders(collaboration, 50)
    finance = member(Role.FINANCE)
    computed = api_client_for(manager).post(f"/api/v1/collaborations/{collaboration.pk}/bonus")
    assert computed.status_code == 200
    body = computed.json()
    assert (body["amount"], body["measured"], body["status"]) == ("500.00", "40.00", "computed")
    assert body["explanation"][-1] == "Bonus: $500."
    api = api_client_for(finance)
    assert api_client_for(manager).post(f"/api/v1/bonuses/{body['id']}/approve").status_code == 403
    assert api.post(f"/api/v1/bonuses/{body['id']}/approve").json()["status"] == "approved"
    paid = api.post(
        f"/api/v1/bonuses/{body['id']}/paid",
        {"paid_on": "2026-06-10"},
        content_type="application/json",
    )
    assert paid.json()["paid_on"] == "2026-06-10"
    for _n in range(3):
        bonuses.compute_bonus(collaboration=agreed(manager, ladder()), actor=manager.user)
    with django_assert_max_num_queries(4):
        listed = api.get("/api/v1/bonuses").json()["items"]
    assert len(listed) == 4
    assert [b["id"] for b in api.get("/api/v1/bonuses?status=paid").json()["items"]] == [body["id"]]
    viewer = api_client_for(member(Role.VIEWER))
    assert viewer.post(f"/api/v1/collaborations/{collaboration.pk}/bonus").status_code == 403


def test_the_compute_message_writes_the_bonus_as_money(manager, client_for):
    collaboration = agreed(manager, ladder("highest"))
    orders(collaboration, 50)
    answer = client_for(manager).post(bonus_url(collaboration, "bonus_compute"), follow=True)
    html = answer.content.decode()
    assert "Bonus computed: $500." in html
    assert "Bonus computed: 500" not in html
