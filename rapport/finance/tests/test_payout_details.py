"""Payout details (PayPal or bank) are private like the address and tax details: finance sees
and changes them on the creator's page and through the API; a manager does not see them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.testing.factories import CreatorFactory
from rapport.workspaces.models import AuditEvent
from rapport.workspaces.roles import Role

IBAN = "FR7630006000011234567890189"


@pytest.fixture
def creator(workspace):
    return CreatorFactory.create(
        workspace=workspace,
        name="Ava Martin",
        payout_method="bank",
        bank_account_name="Ava Martin",
        bank_account_number=IBAN,
        bank_code="AGRIFRPP",
    )


def page_of(client, creator) -> str:
    url = reverse("creators:detail", kwargs={"ws": creator.workspace.slug, "pk": creator.pk})
    return client.get(url).content.decode()


def test_finance_sees_the_payout_details_and_a_manager_does_not(
    creator, member, client_for, api_client_for
):
    finance, manager = member(Role.FINANCE), member(Role.MANAGER)
    html = page_of(client_for(finance), creator)
    assert IBAN in html and "AGRIFRPP" in html and "Bank transfer" in html
    assert IBAN not in page_of(client_for(manager), creator)

    seen = api_client_for(finance).get(f"/api/v1/creators/{creator.pk}").json()
    assert (seen["payout_method"], seen["bank_account_number"], seen["bank_code"]) == (
        "bank",
        IBAN,
        "AGRIFRPP",
    )
    hidden = api_client_for(manager).get(f"/api/v1/creators/{creator.pk}").json()
    for name in ("payout_method", "payout_email", "bank_account_number", "bank_code"):
        assert name not in hidden
    listed = api_client_for(manager).get("/api/v1/creators").json()["items"][0]
    assert "bank_account_number" not in listed


def test_finance_changes_them_on_the_page_audited_without_the_values(creator, member, client_for):
    finance = member(Role.FINANCE)
    url = reverse("creators:private", kwargs={"ws": creator.workspace.slug, "pk": creator.pk})
    answer = client_for(finance).post(
        url,
        {
            "shipping_address": "",
            "tax_details": "",
            "payout_method": "paypal",
            "payout_email": "ava@paypal.test",
        },
    )
    assert answer.status_code == 302
    creator.refresh_from_db()
    assert (creator.payout_method, creator.payout_email) == ("paypal", "ava@paypal.test")
    event = AuditEvent.objects.get(kind="creator.updated")
    assert "ava@paypal.test" not in str(event.changes)
    refused = client_for(finance).post(url, {"payout_method": "cash", "payout_email": "nope"})
    assert refused.status_code == 400
    assert "Enter a valid email address." in refused.content.decode()


def test_a_manager_cannot_change_them(creator, member, client_for, api_client_for):
    url = reverse("creators:private", kwargs={"ws": creator.workspace.slug, "pk": creator.pk})
    manager = member(Role.MANAGER)
    assert client_for(manager).post(url, {"payout_method": "paypal"}).status_code == 403
    answer = api_client_for(manager).patch(
        f"/api/v1/creators/{creator.pk}",
        {"payout_method": "paypal"},
        content_type="application/json",
    )
    assert answer.status_code == 403
    creator.refresh_from_db()
    assert creator.payout_method == "bank"


def test_finance_changes_them_through_the_api(creator, member, api_client_for):
    client = api_client_for(member(Role.FINANCE))
    answer = client.patch(
        f"/api/v1/creators/{creator.pk}",
        {"payout_method": "paypal", "payout_email": "ava@paypal.test"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["payout_email"] == "ava@paypal.test"
    answer = client.patch(
        f"/api/v1/creators/{creator.pk}",
        {"payout_method": "cash"},
        content_type="application/json",
    )
    assert answer.status_code == 422
