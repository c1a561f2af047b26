"""Invoices on the hub: the creator sends one and reads "received on X, payment scheduled for Y";
it lands in the CRM (clock, timeline, notifications); refused files and numbers say why, with
nothing typed lost."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from rapport.campaigns.models import Moment, SlaClock
from rapport.finance import services
from rapport.finance.models import Invoice, InvoiceStatus
from rapport.finance.tests.invoice_fixtures import (
    big_pdf,
    collaboration,
    finance,
    html_as_pdf,
    invoice_of,
    pdf_file,
    utc,
)
from rapport.hub.context import Hub
from rapport.hub.services.links import issue_link, token_of
from rapport.hub.views import invoices as section_module
from rapport.workspaces.models import AuditEvent, Notification

__all__ = ["collaboration", "finance"]


def part(html: str) -> str:
    start = html.index('id="invoices"')
    return html[start : html.index("</section>", start)]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def upload(path: str, **fields):
    data = {
        "invoice-number": "INV-001",
        "invoice-amount": "1500.00",
        "invoice-currency": "EUR",
        "invoice-file": pdf_file(),
    }
    data.update({f"invoice-{k}": v for k, v in fields.items()})
    return Client().post(path + "invoices/", data)


def day(value: dt.date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


def test_the_creator_sends_a_pdf_and_sees_it_received_with_its_payment_date(
    collaboration, finance, hub_path
):
    path = hub_path(collaboration)
    answer = upload(path)
    assert answer.status_code == 302
    assert answer["Location"] == path + "#invoices"
    page = Client().get(path)
    shown = text_of(part(page.content.decode()))
    today = timezone.localdate()
    assert f"Received on {day(today)}, payment scheduled for {day(today + dt.timedelta(15))}" in (
        shown
    )
    assert "Invoice INV-001 €1,500" in shown
    assert "We pay within 15 days of receiving your invoice." in shown

    invoice = Invoice.objects.get()
    clock = SlaClock.objects.get(moment=Moment.PAYMENT, subject_id=invoice.pk)
    assert clock.due_at.date() == invoice.due_on == today + dt.timedelta(15)
    assert clock.owner == finance.user
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        [collaboration.owner_id, finance.user_id]
    )
    event = AuditEvent.objects.get(kind="invoice.received")
    assert event.actor is None
    assert event.actor_label == "Ava Martin"
    assert event.campaign == collaboration.campaign


def test_the_success_message_gives_the_date(collaboration, hub_path):
    answer = Client().post(
        hub_path(collaboration) + "invoices/",
        {
            "invoice-number": "A-7",
            "invoice-amount": "900",
            "invoice-currency": "EUR",
            "invoice-file": pdf_file(),
        },
        follow=True,
    )
    due = Invoice.objects.get().due_on
    assert f"Invoice A-7 received. Payment is scheduled for {day(due)}." in (
        answer.content.decode()
    )


def test_a_month_end_and_each_status_read_plainly(collaboration, finance, hub_path):
    path = hub_path(collaboration)
    january = invoice_of(collaboration, "INV-1", received_at=utc(2026, 1, 20, 10))
    second = invoice_of(collaboration, "INV-2", received_at=utc(2026, 1, 21, 10))
    third = invoice_of(collaboration, "INV-3", received_at=utc(2026, 1, 22, 10))
    services.set_invoice_status(invoice=second, status="approved", actor=finance.user)
    services.set_invoice_status(
        invoice=third, status="paid", actor=finance.user, paid_on=dt.date(2026, 2, 2)
    )
    shown = text_of(part(Client().get(path).content.decode()))
    assert "Received on Tue 20 Jan 2026, payment scheduled for Wed 4 Feb 2026" in shown
    assert january.due_on == dt.date(2026, 2, 4)
    assert "Approved" in shown
    assert "Paid on Mon 2 Feb 2026" in shown
    services.set_invoice_status(
        invoice=january, status="disputed", actor=finance.user, reason="The VAT number is missing."
    )
    shown = text_of(part(Client().get(path).content.decode()))
    assert "Disputed: contact Maya Moreau" in shown
    assert "The VAT number is missing." in shown


def test_across_a_time_zone_date_boundary_the_dates_are_the_workspaces(
    collaboration, workspace, hub_path
):
    workspace.time_zone = "America/New_York"
    workspace.save()
    collaboration.creator.time_zone = "America/New_York"
    collaboration.creator.save()
    # 03:00 UTC on 21 January is 22:00 on 20 January in New York.
    invoice_of(collaboration, received_at=utc(2026, 1, 21, 3))
    shown = text_of(part(Client().get(hub_path(collaboration)).content.decode()))
    assert "Received on Tue 20 Jan 2026, payment scheduled for Wed 4 Feb 2026" in shown


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"file": html_as_pdf()}, "is an HTML or XML page, not an invoice we can open"),
        ({"file": big_pdf()}, "invoices can be up to 10 MB"),
        ({"currency": "EURO"}, "“EURO” is not a currency code"),
        ({"amount": "0"}, "The amount must be more than zero."),
    ],
)
def test_a_refused_invoice_says_why_and_keeps_what_was_typed(
    collaboration, hub_path, fields, message
):
    answer = upload(hub_path(collaboration), number="INV-77", **fields)
    assert answer.status_code == 422
    section = part(answer.content.decode())
    assert message in section
    assert 'value="INV-77"' in section
    assert not Invoice.objects.exists()
    assert not Notification.objects.exists()


def test_a_duplicate_number_is_refused_with_the_day_it_came(collaboration, hub_path):
    invoice_of(collaboration, "INV-001", received_at=utc(2026, 1, 20, 10))
    answer = upload(hub_path(collaboration))
    assert answer.status_code == 422
    assert "Invoice INV-001 was already received on Tue 20 Jan 2026." in part(
        answer.content.decode()
    )
    assert Invoice.objects.count() == 1


def test_before_the_terms_are_agreed_there_is_no_upload(collaboration, hub_path):
    collaboration.committed_cost = None
    collaboration.save()
    path = hub_path(collaboration)
    section = part(Client().get(path).content.decode())
    assert "You can send your invoice here once the terms are agreed." in section
    assert "<form" not in section
    answer = upload(path)
    assert answer.status_code == 422
    assert "You can send your invoice here once the terms are agreed." in part(
        answer.content.decode()
    )
    assert not Invoice.objects.exists()


def test_the_form_is_ready_for_a_phone(collaboration, hub_path):
    section = part(Client().get(hub_path(collaboration)).content.decode())
    assert 'accept="application/pdf,image/*"' in section
    assert "data-upload-progress" in section
    assert "<progress hidden" in section
    assert 'enctype="multipart/form-data"' in section
    assert re.search(r'name="invoice-currency"[^>]*value="EUR"', section)
    assert '<label for="id_invoice-number">Invoice number</label>' in section


def test_another_collaborations_invoices_never_show(collaboration, workspace, hub_path):
    from rapport.testing.factories import CollaborationFactory

    other = CollaborationFactory.create(
        campaign=collaboration.campaign, committed_cost=1, currency="EUR"
    )
    invoice_of(other, "THEIRS-1")
    section = part(Client().get(hub_path(collaboration)).content.decode())
    assert "THEIRS-1" not in section
    assert other.creator.name not in section


def test_the_section_costs_the_same_few_queries_however_many_invoices(
    collaboration, django_assert_max_num_queries
):
    link = issue_link(collaboration=collaboration, actor=None)
    hub = Hub(link=link, token=token_of(link))
    for n in range(5):
        invoice_of(collaboration, f"INV-{n}")
    with django_assert_max_num_queries(2):
        context = section_module.section(None, hub)  # type: ignore[arg-type]
    assert [item["position"] for item in context["invoices_items"]] == [1, 2, 3, 4, 5]
    assert context["invoices_items"][0]["invoice"].status == InvoiceStatus.RECEIVED


def test_an_invoice_in_another_currency_than_agreed_is_refused(collaboration, hub_path):
    answer = upload(hub_path(collaboration), currency="USD")
    assert answer.status_code == 422
    assert "Your agreement is in EUR: send the invoice in EUR, or write to Maya Moreau." in text_of(
        part(answer.content.decode())
    )
    assert not Invoice.objects.exists()


@pytest.mark.parametrize("typed", ["1 850,00", "1.850,00", "1850,00", "1\u202f850,00", "1850"])
def test_a_french_creator_types_the_amount_the_french_way(collaboration, hub_path, typed):
    collaboration.creator.languages = ["fr"]
    collaboration.creator.save()
    answer = upload(hub_path(collaboration), amount=typed)
    assert answer.status_code == 302
    assert Invoice.objects.get().amount == Decimal("1850.00")
    shown = text_of(part(Client().get(hub_path(collaboration)).content.decode()))
    assert "INV-001 1 850 €" in shown  # the hub's money filter, in French


@pytest.mark.parametrize("typed", ["1,850.00", "1850.00", "1850,00"])
def test_an_english_creator_types_the_amount_either_way(collaboration, hub_path, typed):
    answer = upload(hub_path(collaboration), amount=typed)
    assert answer.status_code == 302
    assert Invoice.objects.get().amount == Decimal("1850.00")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1e3", "Write the amount as a number, such as 1,850.00."),
        ("1850.005", "The amount can have at most 2 decimal places."),
        ("12,50 EUR", "Write the amount as a number, such as 1,850.00."),
    ],
)
def test_an_amount_that_cannot_be_read_is_refused_clearly(collaboration, hub_path, typed, message):
    answer = upload(hub_path(collaboration), amount=typed)
    assert answer.status_code == 422
    section = part(answer.content.decode())
    assert message in text_of(section)
    assert f'value="{typed}"' in section
    assert not Invoice.objects.exists()


def test_the_amount_help_shows_the_creators_own_way_of_writing_it(collaboration, hub_path):
    collaboration.creator.languages = ["fr"]
    collaboration.creator.save()
    shown = text_of(part(Client().get(hub_path(collaboration)).content.decode()))
    assert "1 850,00" in shown
