"""What guards a payment: an invoice arriving soon after the creator's payment details changed
carries a note finance sees before paying, and amounts are read the way their sender writes
numbers ("1,850.00", "1 850,00", "1.850,00"), never guessed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone

from rapport.creators.services import update_creator
from rapport.finance.models import Invoice
from rapport.finance.services import parse_amount
from rapport.finance.tests.invoice_fixtures import invoice_of
from rapport.finance.tests.test_invoices_pages import collaboration_page, url
from rapport.workspaces.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db

WARNING = "Payment details changed on {day}: check them before paying."


def today_text() -> str:
    return formats.date_format(timezone.localdate(), "D j M Y")


def test_an_invoice_soon_after_new_bank_details_carries_a_warning(
    collaboration, finance, client_for
) -> None:
    update_creator(
        creator=collaboration.creator,
        actor=None,
        payout_method="bank",
        bank_account_name="Ava Martin",
        bank_account_number="DE89370400440532013000",
    )
    invoice = invoice_of(collaboration)

    warning = WARNING.format(day=today_text())
    assert invoice.note == warning
    assert Notification.objects.get(recipient=finance.user).text.endswith(". " + warning)
    client = client_for(finance)
    assert warning in collaboration_page(client, collaboration)
    assert warning in client.get(url("invoice", pk=invoice.pk)).content.decode()
    assert warning in client.get(url("invoices")).content.decode()


def test_a_change_made_by_the_team_counts_too(collaboration, manager) -> None:
    update_creator(creator=collaboration.creator, actor=manager.user, payout_email="a@pp.test")
    assert invoice_of(collaboration).note == WARNING.format(day=today_text())


def test_a_new_address_or_an_older_change_gives_no_warning(collaboration) -> None:
    update_creator(creator=collaboration.creator, actor=None, shipping_address="1 rue Neuve")
    assert invoice_of(collaboration, "INV-1").note == ""

    update_creator(creator=collaboration.creator, actor=None, payout_email="a@pp.test")
    AuditEvent.objects.filter(kind="creator.updated").update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    assert invoice_of(collaboration, "INV-2").note == ""


def test_an_invoice_dated_earlier_is_flagged_by_a_change_since(collaboration, finance) -> None:
    update_creator(creator=collaboration.creator, actor=None, payout_email="a@pp.test")
    received = timezone.now() - dt.timedelta(days=20)
    invoice = invoice_of(collaboration, actor=finance.user, received_at=received)
    assert invoice.note == WARNING.format(day=today_text())


@pytest.mark.parametrize(
    ("language", "typed", "amount"),
    [
        ("en", "1,850.00", "1850.00"),
        ("en", "1850,00", "1850.00"),
        ("en", "1 850,00", "1850.00"),
        ("en", "1.850,00", "1850.00"),
        ("en", "1,850", "1850.00"),
        ("en", "12,5", "12.50"),
        ("fr", "1 850,00", "1850.00"),
        ("fr", "1\u202f850,00", "1850.00"),
        ("fr", "1.850,00", "1850.00"),
        ("fr", "1850,00", "1850.00"),
        ("fr", "1,850.00", "1850.00"),
        ("fr", "1850.00", "1850.00"),
        ("fr", "1,85", "1.85"),
        ("fr", " 1 000 000 ", "1000000.00"),
    ],
)
def test_amounts_are_read_as_people_type_them(language, typed, amount) -> None:
    assert parse_amount(typed, language=language) == Decimal(amount)


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        ("en", "1e3", "Write the amount as a number, such as 1,850.00."),
        ("en", "1,2,3", "Write the amount as a number, such as 1,850.00."),
        ("en", "€12", "Write the amount as a number, such as 1,850.00."),
        ("en", "", "Give the amount, such as 1,850.00."),
        ("en", "1850.005", "The amount can have at most 2 decimal places."),
        # "1,850" is 1.85 to a French reader and 1850 to an English one: never guessed.
        ("fr", "1,850", "The amount can have at most 2 decimal places."),
        ("en", "1.850", "The amount can have at most 2 decimal places."),
        ("fr", "-5", "The amount must be more than zero."),
    ],
)
def test_amounts_that_cannot_be_read_are_refused(language, typed, message) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_amount(typed, language=language)
    assert refused.value.message_dict["amount"] == [message]


def test_finance_enters_an_amount_the_european_way(collaboration, finance, client_for) -> None:
    answer = client_for(finance).post(
        reverse("finance:invoice_add", kwargs={"ws": "lumen", "pk": collaboration.pk}),
        {"invoice-number": "FA-1", "invoice-amount": "1.850,00", "invoice-currency": "USD"},
    )
    assert answer.status_code == 302
    invoice = Invoice.objects.get()
    assert (invoice.amount, invoice.currency) == (Decimal("1850.00"), "USD")


@pytest.mark.parametrize(("language", "status", "saved"), [("en", 302, 1), ("fr", 422, 0)])
def test_an_ambiguous_amount_is_read_in_the_members_language(
    collaboration, finance, client_for, language, status, saved
) -> None:
    finance.user.language = language
    finance.user.save()
    answer = client_for(finance).post(
        reverse("finance:invoice_add", kwargs={"ws": "lumen", "pk": collaboration.pk}),
        {"invoice-number": "FA-2", "invoice-amount": "1,850", "invoice-currency": "EUR"},
    )
    assert answer.status_code == status
    assert Invoice.objects.count() == saved
    if saved:
        assert Invoice.objects.get().amount == Decimal("1850.00")
