"""The workspace's product list: add, change, take off the list; SKUs unique; who may change it."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from rapport.campaigns.models import Product
from rapport.campaigns.tests.seeding_fixtures import serum
from rapport.testing.factories import ProductFactory
from rapport.workspaces.models import AuditEvent, Membership, Workspace
from rapport.workspaces.roles import Role

pytestmark = pytest.mark.django_db

PRODUCTS = reverse("campaigns:products", kwargs={"ws": "lumen"})


def test_add_a_product_with_its_variants(workspace: Workspace, manager_client: Client) -> None:
    response = manager_client.post(
        PRODUCTS,
        {"name": "Glow Serum", "sku": " SER-30 ", "value": "39", "currency": "eur",
         "variants": "30 ml\n\n50 ml\n30 ml", "is_active": "on"},
        follow=True,
    )  # fmt: skip
    html = response.content.decode()
    assert "Glow Serum (SER-30) added." in html
    assert "30 ml, 50 ml" in html and "39.00 EUR" in html
    product = Product.objects.get(workspace=workspace)
    assert product.variants == ["30 ml", "50 ml"]
    assert AuditEvent.objects.filter(kind="product.created", object_id=product.pk).exists()


def test_a_sku_is_unique_in_the_workspace(
    workspace: Workspace, other_workspace: Workspace, manager_client: Client
) -> None:
    serum(workspace)
    ProductFactory.create(workspace=other_workspace, sku="TOTE")
    taken = manager_client.post(
        PRODUCTS, {"name": "Other", "sku": "ser-30", "value": "1", "currency": "EUR"}
    )
    assert taken.status_code == 422
    assert (
        "Another product of this workspace already has the SKU “ser-30”." in taken.content.decode()
    )
    elsewhere = manager_client.post(
        PRODUCTS, {"name": "Tote", "sku": "TOTE", "value": "1", "currency": "EUR"}
    )
    assert elsewhere.status_code == 302


def test_change_and_deactivate_a_product(workspace: Workspace, manager_client: Client) -> None:
    product = serum(workspace)
    url = reverse("campaigns:product", kwargs={"ws": "lumen", "pk": product.pk})
    assert "30 ml\n50 ml" in manager_client.get(url).content.decode()
    manager_client.post(
        url, {"name": "Glow Serum", "sku": "SER-30", "value": "42.5", "currency": "EUR",
              "variants": "50 ml"},
    )  # fmt: skip
    product.refresh_from_db()
    assert (product.value, product.variants, product.is_active) == (
        Decimal("42.50"),
        ["50 ml"],
        False,
    )
    event = AuditEvent.objects.get(kind="product.updated", object_id=product.pk)
    assert event.changes["is_active"] == [True, False]
    assert "No longer offered" in manager_client.get(PRODUCTS).content.decode()


@pytest.mark.parametrize(
    ("role", "may"),
    [(Role.OPS, True), (Role.OWNER, True), (Role.FINANCE, False), (Role.REVIEWER, False),
     (Role.VIEWER, False)],
)  # fmt: skip
def test_who_may_change_the_product_list(
    workspace: Workspace,
    member: Callable[[str], Membership],
    client_for: Callable[[Membership], Client],
    role: str,
    may: bool,
) -> None:
    client = client_for(member(role))
    page = client.get(PRODUCTS).content.decode()
    assert ("Add a product" in page) is may
    answer = client.post(PRODUCTS, {"name": "X", "sku": "X", "value": "1", "currency": "EUR"})
    assert answer.status_code == (302 if may else 403)
