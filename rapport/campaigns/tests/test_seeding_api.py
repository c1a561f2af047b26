"""The seeding API: products, shipments and their steps, the fulfilment files; 403, 404 and 422."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rapport.campaigns.models import ShipmentStatus
from rapport.campaigns.tests.seeding_fixtures import (
    collaboration_with_address,
    draft_shipment,
    serum,
)
from rapport.testing.factories import ProductFactory
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role

pytestmark = pytest.mark.django_db


def _json(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    response = client.generic(
        method, "/api/v1" + url, json.dumps(body or {}), content_type="application/json"
    )
    return response.status_code, response.json() if response.content else None


@pytest.fixture
def ops(member: Callable[[str], Membership]) -> Membership:
    return member(Role.OPS)


@pytest.fixture
def ops_api(ops: Membership, api_client_for: Callable[..., Client]) -> Client:
    return api_client_for(ops)


def test_products_crud(workspace: Workspace, ops_api: Client) -> None:
    status, product = _json(ops_api, "POST", "/products", {
        "name": "Glow Serum", "sku": "SER-30", "value": "39.00", "currency": "EUR",
        "variants": ["30 ml", "50 ml"],
    })  # fmt: skip
    assert status == 201
    assert product["variants"] == ["30 ml", "50 ml"] and product["is_active"] is True
    status, again = _json(ops_api, "POST", "/products", {
        "name": "Copy", "sku": "SER-30", "value": "1", "currency": "EUR",
    })  # fmt: skip
    assert status == 422
    assert again["detail"][0]["field"] == "sku"
    status, changed = _json(ops_api, "PATCH", f"/products/{product['id']}", {"value": "42.50"})
    assert (status, changed["value"], changed["name"]) == (200, "42.50", "Glow Serum")
    status, gone = _json(ops_api, "DELETE", f"/products/{product['id']}")
    assert (status, gone["is_active"]) == (200, False)
    status, page = _json(ops_api, "GET", "/products?offered=true")
    assert (status, page["items"]) == (200, [])
    assert _json(ops_api, "GET", "/products")[1]["items"][0]["id"] == product["id"]


def test_a_shipment_through_the_api(workspace: Workspace, ops_api: Client) -> None:
    collaboration = collaboration_with_address(workspace)
    product = serum(workspace)
    status, shipment = _json(ops_api, "POST", f"/collaborations/{collaboration.pk}/shipments", {
        "items": [{"product_id": product.pk, "variant": "50 ml", "quantity": 1}],
    })  # fmt: skip
    assert status == 201
    assert shipment["status"] == "draft"
    assert shipment["shipping_address"].startswith("Mia Laurent\n12 rue des Lilas")
    assert shipment["items"] == [
        {"product_id": product.pk, "sku": "SER-30", "name": "Glow Serum", "variant": "50 ml",
         "quantity": 1},
    ]  # fmt: skip
    url = f"/shipments/{shipment['id']}"

    status, wrong = _json(ops_api, "PATCH", url, {"carrier": "fedex", "tracking_number": "12"})
    assert status == 422
    assert wrong["detail"][0]["field"] == "tracking_number"
    assert "FedEx" in wrong["detail"][0]["message"]

    status, labelled = _json(ops_api, "POST", f"{url}/label", {
        "carrier": "fedex", "tracking_number": "1234 5678 9012",
    })  # fmt: skip
    assert status == 200
    assert labelled["tracking_url"] == "https://www.fedex.com/fedextrack/?trknbr=123456789012"
    assert labelled["clock"]["state"] == "running"

    status, refused = _json(ops_api, "POST", f"{url}/tell-creator", {})
    assert status == 422 and refused["detail"][0]["field"] == "expected_on"
    status, told = _json(ops_api, "POST", f"{url}/tell-creator", {"expected_on": "2030-05-02"})
    assert status == 200
    assert told["creator_told_at"] is not None and told["clock"]["state"] == "met"
    assert "trknbr=123456789012" in mail.outbox[0].body

    for action, expected in (("ship", "shipped"), ("deliver", "delivered"),
                             ("confirm-receipt", "received")):  # fmt: skip
        status, moved = _json(ops_api, "POST", f"{url}/{action}")
        assert (status, moved["status"]) == (200, expected)
    status, late = _json(ops_api, "POST", f"{url}/ship")
    assert status == 422 and late["detail"][0]["field"] == "status"

    status, listed = _json(ops_api, "GET", "/shipments?status=received")
    assert [s["id"] for s in listed["items"]] == [shipment["id"]]


def test_no_shipment_without_an_address(workspace: Workspace, ops_api: Client) -> None:
    collaboration = collaboration_with_address(workspace, shipping_address="")
    product = serum(workspace)
    status, answer = _json(ops_api, "POST", f"/collaborations/{collaboration.pk}/shipments", {
        "items": [{"product_id": product.pk, "variant": "30 ml"}],
    })  # fmt: skip
    assert status == 422
    assert answer["detail"][0]["field"] == "address"


def test_the_address_is_left_out_for_roles_that_do_not_see_private_details(
    workspace: Workspace, manager: Membership, api_client_for: Callable[..., Client]
) -> None:
    shipment = draft_shipment(collaboration_with_address(workspace), manager.user)
    status, seen = _json(api_client_for(manager), "GET", f"/shipments/{shipment.pk}")
    assert status == 200
    assert "shipping_address" not in seen
    assert "Lilas" not in json.dumps(seen)


def test_roles_and_other_workspaces(
    workspace: Workspace, other_workspace: Workspace, member: Callable[[str], Membership],
    api_client_for: Callable[..., Client],
) -> None:  # fmt: skip
    shipment = draft_shipment(collaboration_with_address(workspace), None)
    theirs = draft_shipment(collaboration_with_address(other_workspace), None)
    their_product = ProductFactory.create(workspace=other_workspace)
    finance = api_client_for(member(Role.FINANCE))
    assert _json(finance, "POST", f"/shipments/{shipment.pk}/label")[0] == 403
    assert _json(finance, "POST", "/products", {
        "name": "X", "sku": "X", "value": "1", "currency": "EUR"})[0] == 403  # fmt: skip
    ops = api_client_for(member(Role.OPS))
    assert _json(ops, "GET", f"/shipments/{theirs.pk}")[0] == 404
    assert _json(ops, "POST", f"/shipments/{theirs.pk}/label")[0] == 404
    assert _json(ops, "PATCH", f"/products/{their_product.pk}", {"name": "Mine"})[0] == 404
    assert ops.get("/api/v1/shipments/fulfilment.csv").status_code == 200
    manager = api_client_for(member(Role.MANAGER))
    assert _json(manager, "GET", "/shipments/fulfilment.csv")[0] == 403


def test_the_fulfilment_files_through_the_api(
    workspace: Workspace, ops: Membership, ops_api: Client
) -> None:
    shipment = draft_shipment(collaboration_with_address(workspace), ops.user)
    export = ops_api.get("/api/v1/shipments/fulfilment.csv")
    text = b"".join(export.streaming_content).decode()  # type: ignore[attr-defined]
    assert f"\r\n{shipment.pk},".replace("\r\n", "\n") in text.replace("\r\n", "\n")

    bad = SimpleUploadedFile(
        "t.csv", f"reference;carrier;tracking number\n{shipment.pk};UPS;X\n".encode()
    )
    answer = ops_api.post("/api/v1/shipments/tracking-import", {"file": bad})
    assert answer.status_code == 422
    assert answer.json()["problems"] == [
        {"row": 2, "field": "tracking_number",
         "message": "“X” does not look like a UPS tracking number: it should be 1Z followed by 16 "
                    "letters or digits, such as 1Z999AA10123456784."},
    ]  # fmt: skip
    good = SimpleUploadedFile(
        "t.csv",
        f"reference,carrier,tracking number\n{shipment.pk},UPS,1Z999AA10123456784\n".encode(),
    )
    answer = ops_api.post("/api/v1/shipments/tracking-import", {"file": good})
    assert answer.status_code == 200
    assert answer.json() == {"labelled": [shipment.pk], "shipped": [], "unchanged": 0, "empty": 0}
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.LABEL_CREATED


def test_list_endpoints_have_pinned_query_counts(
    workspace: Workspace, ops: Membership, ops_api: Client,
    django_assert_max_num_queries: Callable[[int], Any],
) -> None:  # fmt: skip
    product = serum(workspace)
    for n in range(8):
        collaboration = collaboration_with_address(
            workspace, name=f"Creator {n}", email=f"c{n}@example.test"
        )
        draft_shipment(collaboration, ops.user, product)
        ProductFactory.create(workspace=workspace)
    with django_assert_max_num_queries(8):
        status, page = _json(ops_api, "GET", "/shipments?limit=5")
    assert status == 200 and len(page["items"]) == 5 and page["next"]
    with django_assert_max_num_queries(6):
        assert len(_json(ops_api, "GET", "/products")[1]["items"]) == 9
