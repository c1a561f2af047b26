"""The creator's own details on the hub: the address in full, the account number masked, one form
to change them, checked (PayPal e-mail, bank holder and number, IBAN mod-97), audited without the
values, the owner told, and a parcel without a label sent to the new address."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from rapport.campaigns.models import ShipmentStatus
from rapport.campaigns.services import seeding
from rapport.creators.services import refresh_derived
from rapport.hub.services.work import is_valid_iban
from rapport.hub.tests.work_fixtures import Setting, collaboration_setting, visible_text
from rapport.testing.factories import (
    CreatorEmailFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
)
from rapport.workspaces.models import AuditEvent, Notification
from rapport.workspaces.roles import Role

pytestmark = pytest.mark.django_db

IBAN = "DE89 3704 0044 0532 0130 00"
NEW_ADDRESS = "Mia Laurent\n4 quai de la Loire\n75019 Paris\nFrance"


@pytest.fixture
def setting(workspace) -> Setting:
    return collaboration_setting(
        workspace,
        payout_method="bank",
        bank_account_name="Mia Laurent",
        bank_account_number="FR7630006000011234567890189",
        bank_code="AGRIFRPP",
    )


def details(**changes) -> dict[str, str]:
    form = {
        "shipping_address": NEW_ADDRESS,
        "payout_method": "bank",
        "payout_email": "",
        "bank_account_name": "Mia Laurent",
        "bank_account_number": IBAN,
        "bank_code": "COBADEFFXXX",
    }
    return form | changes


def test_the_address_shows_in_full_and_the_account_number_masked(setting) -> None:
    html = Client().get(setting.path).content.decode()
    text = visible_text(html)
    assert "Shipping address Mia Laurent 12 rue des Lilas 75011 Paris France" in text
    assert "Bank transfer · Mia Laurent · •••• 0189 · AGRIFRPP" in text
    assert "On file: •••• 0189. Leave empty to keep it." in text
    assert "FR7630006000011234567890189" not in html
    assert "30006000011234567890" not in html


def test_a_valid_iban_is_saved_audited_without_values_and_the_owner_told(setting) -> None:
    client = Client()
    response = client.post(setting.url("details/"), details())
    assert response.status_code == 302 and response["Location"].endswith("#details")
    creator = setting.collaboration.creator
    creator.refresh_from_db()
    assert creator.bank_account_number == "DE89370400440532013000"
    assert creator.shipping_address == NEW_ADDRESS
    text = visible_text(client.get(response["Location"]).content.decode())
    assert "Your details are saved." in text
    assert "•••• 3000" in text

    event = AuditEvent.objects.get(kind="creator.updated")
    assert event.actor_label == "Mia Laurent"
    logged = str(event.changes) + event.summary
    for secret in ("DE89", "3704", "COBADEFFXXX", "quai de la Loire", "FR76"):
        assert secret not in logged
    assert set(event.changes) == {"shipping_address", "bank_account_number", "bank_code"}
    note = Notification.objects.get(recipient=setting.owner)
    assert note.text == "Mia Laurent updated their shipping address and payment details"


def test_an_iban_that_fails_the_check_is_refused_and_the_form_kept(setting) -> None:
    response = Client().post(
        setting.url("details/"), details(bank_account_number="DE89 3704 0044 0532 0130 01")
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "This IBAN is not valid" in visible_text(html)
    assert "4 quai de la Loire" in html  # the new address typed is still in the form
    assert "<details open>" in html
    creator = setting.collaboration.creator
    creator.refresh_from_db()
    assert creator.shipping_address.startswith("Mia Laurent\n12 rue des Lilas")
    assert not AuditEvent.objects.filter(kind="creator.updated").exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"payout_method": "paypal", "payout_email": ""}, "Give the e-mail address of your PayPal"),
        ({"payout_method": "paypal", "payout_email": "mia@"}, "Give your PayPal e-mail address"),
        ({"bank_account_name": ""}, "Give the name the bank account is held in."),
        ({"bank_account_number": "12"}, "An account number has 4 to 34 letters and digits."),
    ],
)
def test_payment_details_are_checked(setting, changes, message) -> None:
    setting.collaboration.creator.bank_account_number = ""
    setting.collaboration.creator.save(update_fields=["bank_account_number"])
    response = Client().post(setting.url("details/"), details(**changes))
    assert response.status_code == 422
    assert message in visible_text(response.content.decode())


def test_a_bank_transfer_needs_an_account_number(setting) -> None:
    setting.collaboration.creator.bank_account_number = ""
    setting.collaboration.creator.save(update_fields=["bank_account_number"])
    response = Client().post(setting.url("details/"), details(bank_account_number=""))
    assert response.status_code == 422
    assert "Give the account number or IBAN." in visible_text(response.content.decode())


def test_an_empty_account_number_keeps_the_one_on_file(setting) -> None:
    client = Client()
    answer = client.post(
        setting.url("details/"),
        details(shipping_address=setting.collaboration.creator.shipping_address,
                bank_account_number="", bank_code="AGRIFRPP"),
    )  # fmt: skip
    assert answer.status_code == 302
    assert "Nothing changed in your details." in visible_text(
        client.get(answer["Location"]).content.decode()
    )
    setting.collaboration.creator.refresh_from_db()
    assert setting.collaboration.creator.bank_account_number == "FR7630006000011234567890189"
    assert not Notification.objects.exists()


def test_switching_to_paypal_tells_the_owner_of_payment_details_only(setting) -> None:
    answer = Client().post(
        setting.url("details/"),
        details(
            shipping_address=setting.collaboration.creator.shipping_address,
            payout_method="paypal",
            payout_email="mia@example.com",
            bank_account_number="",
            bank_code="AGRIFRPP",
        ),
    )
    assert answer.status_code == 302
    assert Notification.objects.get().text == "Mia Laurent updated their payment details"
    assert "mia@example.com" not in str(AuditEvent.objects.get(kind="creator.updated").changes)


def test_a_new_address_moves_a_parcel_without_a_label_but_not_one_labelled(setting) -> None:
    product = ProductFactory.create(workspace=setting.collaboration.workspace)
    items = [seeding.ItemData(product.pk, "", 1)]
    unlabelled = seeding.create_shipment(
        collaboration=setting.collaboration, actor=setting.owner, items=items
    )
    labelled = seeding.create_label(
        shipment=seeding.create_shipment(
            collaboration=setting.collaboration, actor=setting.owner, items=items
        ),
        actor=setting.owner,
    )
    client = Client()
    answer = client.post(setting.url("details/"), details())
    text = visible_text(client.get(answer["Location"]).content.decode())
    assert "Your parcel that has not left yet will go to your new address." in text
    unlabelled.refresh_from_db()
    labelled.refresh_from_db()
    assert unlabelled.address == NEW_ADDRESS
    assert labelled.address.startswith("Mia Laurent\n12 rue des Lilas")
    assert labelled.status == ShipmentStatus.LABEL_CREATED
    event = AuditEvent.objects.get(kind="shipment.updated", object_id=unlabelled.pk)
    assert "quai" not in str(event.changes) + event.summary


def test_choosing_paypal_empties_the_bank_details(setting) -> None:
    client = Client()
    answer = client.post(
        setting.url("details/"),
        details(payout_method="paypal", payout_email="mia@example.com", bank_account_number=""),
    )
    assert answer.status_code == 302
    creator = setting.collaboration.creator
    creator.refresh_from_db()
    assert (creator.payout_method, creator.payout_email) == ("paypal", "mia@example.com")
    assert (creator.bank_account_name, creator.bank_account_number, creator.bank_code) == (
        "",
        "",
        "",
    )
    text = visible_text(client.get(answer["Location"]).content.decode())
    assert "Paid by PayPal · mia@example.com" in text
    assert "0189" not in text and "AGRIFRPP" not in text


def test_a_bad_iban_left_in_the_bank_fields_does_not_block_a_switch_to_paypal(setting) -> None:
    answer = Client().post(
        setting.url("details/"),
        details(payout_method="paypal", payout_email="mia@example.com", bank_account_number="DE1"),
    )
    assert answer.status_code == 302
    setting.collaboration.creator.refresh_from_db()
    assert setting.collaboration.creator.bank_account_number == ""


def test_choosing_a_bank_transfer_empties_the_paypal_email(workspace) -> None:
    setting = collaboration_setting(workspace, payout_method="paypal", payout_email="mia@pp.test")
    answer = Client().post(setting.url("details/"), details(payout_email="mia@pp.test"))
    assert answer.status_code == 302
    creator = setting.collaboration.creator
    creator.refresh_from_db()
    assert (creator.payout_method, creator.payout_email) == ("bank", "")
    assert creator.bank_account_number == "DE89370400440532013000"


def test_new_payment_details_are_told_to_finance_and_confirmed_to_the_creator(setting) -> None:
    creator = setting.collaboration.creator
    CreatorEmailFactory.create(creator=creator, email="mia@laurent.test")
    finance = [
        MembershipFactory.create(
            workspace=creator.workspace, role=Role.FINANCE, user=UserFactory.create(name=name)
        ).user
        for name in ("Fatou Finance", "Felix Finance")
    ]
    answer = Client().post(
        setting.url("details/"), details(shipping_address=creator.shipping_address)
    )
    assert answer.status_code == 302

    for person in [setting.owner, *finance]:
        note = Notification.objects.get(recipient=person)
        assert note.text == "Mia Laurent updated their payment details"
        assert note.url == f"/w/lumen/campaigns/collaborations/{setting.collaboration.pk}/"
    assert not Notification.objects.filter(recipient=setting.reviewer).exists()

    [message] = mail.outbox
    assert message.to == ["mia@laurent.test"]
    assert message.reply_to == [setting.owner.email]
    assert message.extra_headers["Content-Language"] == "en"
    assert message.subject == "Your payment details for Lumen Skincare were changed"
    body = " ".join(message.body.split())
    assert "these details were changed on your page for Spring Glow with Lumen Skincare: " in body
    assert "the bank account number, the bank code." in body
    assert re.match(r"Hi Mia Laurent, On \w{3} \d{1,2} \w{3} \d{4}, \d\d:\d\d CES?T, ", body)
    assert "If it was not you, reply to this e-mail or write to Olivia Owner straight away" in body
    for secret in ("DE89", "3000", "COBADEFFXXX", "FR76", "0189", "AGRIFRPP"):
        assert secret not in message.body + message.subject


def test_a_finance_contact_is_told_once(workspace) -> None:
    setting = collaboration_setting(workspace, payout_method="bank", bank_account_name="Mia")
    setting.owner.memberships.update(role=Role.FINANCE)
    Client().post(setting.url("details/"), details())
    assert Notification.objects.filter(recipient=setting.owner).count() == 1


def test_no_confirmation_without_an_email_or_for_an_address_only(setting) -> None:
    client = Client()
    client.post(setting.url("details/"), details(bank_account_number=""))
    assert Notification.objects.filter(recipient=setting.owner).exists()
    assert mail.outbox == []  # payment details changed, but no address on file to write to

    CreatorEmailFactory.create(creator=setting.collaboration.creator)
    client.post(
        setting.url("details/"),
        details(shipping_address="Mia\n1 rue Neuve\nLyon", bank_account_number=""),
    )
    assert AuditEvent.objects.filter(kind="creator.updated").count() == 2
    assert mail.outbox == []  # only the address changed


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("DE89 3704 0044 0532 0130 00", True),
        ("GB82 WEST 1234 5698 7654 32", True),
        ("gb82west12345698765432", True),
        ("GB82 WEST 1234 5698 7654 33", False),
        ("DE89", False),
        ("DE8937040044053201300!", False),
    ],
)
def test_the_iban_check(number, valid) -> None:
    assert is_valid_iban(number) is valid


def test_the_form_says_what_a_switch_removes_and_that_changes_are_confirmed(setting) -> None:
    text = visible_text(Client().get(setting.path).content.decode())
    assert "Choosing PayPal removes your bank details" in text
    assert "we e-mail you to confirm it was you" not in text  # no address to write to
    CreatorEmailFactory.create(creator=setting.collaboration.creator)
    refresh_derived(setting.collaboration.creator)
    text = visible_text(Client().get(setting.path).content.decode())
    assert "When your payment details change, we e-mail you to confirm it was you." in text
