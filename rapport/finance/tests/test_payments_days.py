"""Payment schedules under the Net-N rule across month ends and leap years, and days-to-pay on
the invoice page, the finance list and the API."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Avg
from django.urls import reverse

from rapport.finance import queries, services
from rapport.finance.models import Invoice
from rapport.finance.tests.invoice_fixtures import invoice_of, utc

PARIS = ZoneInfo("Europe/Paris")


def net(workspace, days: int, time_zone: str = "UTC") -> None:
    workspace.sla_policy = {**workspace.sla_policy, "payment_net_days": days}
    workspace.time_zone = time_zone
    workspace.save()


@pytest.mark.parametrize(
    ("received", "days", "expected"),
    [
        (utc(2026, 1, 20, 9), 15, dt.date(2026, 2, 4)),
        (utc(2026, 1, 31, 9), 30, dt.date(2026, 3, 2)),  # February has 28 days in 2026
        (utc(2028, 1, 31, 9), 30, dt.date(2028, 3, 1)),  # and 29 in 2028
        (utc(2026, 12, 20, 9), 15, dt.date(2027, 1, 4)),  # across the year end
        (utc(2028, 2, 14, 9), 15, dt.date(2028, 2, 29)),  # onto the leap day
    ],
)
def test_net_n_across_month_ends_and_leap_years(workspace, received, days, expected):
    net(workspace, days)
    assert services.payment_date(workspace, received) == expected


def test_late_on_the_31st_counts_on_the_workspace_calendar(workspace):
    # 00:30 in Paris on 1 February is still 31 January in UTC: the workspace's calendar decides.
    net(workspace, 30, "Europe/Paris")
    just_after_midnight = dt.datetime(2026, 2, 1, 0, 30, tzinfo=PARIS)
    assert just_after_midnight.astimezone(dt.UTC).day == 31
    assert services.payment_date(workspace, just_after_midnight) == dt.date(2026, 3, 3)
    net(workspace, 30, "UTC")
    assert services.payment_date(workspace, just_after_midnight) == dt.date(2026, 3, 2)


def paid(invoice: Invoice, finance, on: dt.date) -> Invoice:
    return services.set_invoice_status(
        invoice=invoice, status="paid", actor=finance.user, paid_on=on, payment_method="PayPal"
    )


def test_days_to_pay_counts_calendar_days_in_the_workspace_zone(collaboration, finance, workspace):
    net(workspace, 15, "Europe/Paris")
    # Received at 23:30 UTC on 9 Feb: already 10 Feb in Paris, so paid on 20 Feb is 10 days.
    late = invoice_of(collaboration, "LATE", received_at=utc(2026, 2, 9, 23))
    Invoice.objects.filter(pk=late.pk).update(
        received_at=late.received_at + dt.timedelta(minutes=30)
    )
    early = invoice_of(collaboration, "EARLY", received_at=utc(2026, 2, 9, 10))
    invoice_of(collaboration, "WAITING", received_at=utc(2026, 2, 9, 10))
    paid(late, finance, dt.date(2026, 2, 20))
    paid(early, finance, dt.date(2026, 2, 20))
    annotated = Invoice.objects.annotate(days=queries.days_to_pay(workspace))
    rows = dict(annotated.values_list("number", "days"))
    assert rows == {"LATE": 10, "EARLY": 11, "WAITING": None}
    # One expression in the database, ready for averages and medians.
    average = Invoice.objects.filter(workspace=workspace).aggregate(
        mean=Avg(queries.days_to_pay(workspace))
    )
    assert average["mean"] == pytest.approx(10.5)


def test_days_to_pay_shows_on_the_page_the_list_and_the_api(
    collaboration, finance, workspace, client_for, api_client_for
):
    invoice = invoice_of(collaboration, "INV-9", received_at=utc(2026, 1, 20, 10))
    paid(invoice, finance, dt.date(2026, 2, 2))
    client = client_for(finance)
    page = client.get(
        reverse("finance:invoice", kwargs={"ws": workspace.slug, "pk": invoice.pk})
    ).content.decode()
    assert "13 days from receipt to payment" in page
    listing = client.get(reverse("finance:invoices", kwargs={"ws": workspace.slug}))
    html = listing.content.decode()
    assert "Days to pay" in html and "<td>13</td>" in html
    api = api_client_for(finance).get(f"/api/v1/invoices/{invoice.pk}").json()
    assert api["days_to_pay"] == 13
    assert api_client_for(finance).get("/api/v1/invoices").json()["items"][0]["days_to_pay"] == 13
