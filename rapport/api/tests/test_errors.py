"""Every answer under /api/v1/ is JSON, also for a wrong method or an address with no endpoint."""

from __future__ import annotations

from django.test import Client

from rapport.workspaces.models import Membership


def test_a_method_the_endpoint_does_not_take_is_a_json_405(
    manager: Membership, api_client_for
) -> None:
    response = api_client_for(manager).put("/api/v1/creators", {}, content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}
    detail = response.json()["detail"]
    assert "PUT" in detail and "GET" in detail and "POST" in detail


def test_an_unknown_address_is_a_json_404(manager: Membership, api_client_for) -> None:
    client = api_client_for(manager)
    for response in (
        client.get("/api/v1/campaignz"),
        client.post("/api/v1/creators/12/nothing", {}, content_type="application/json"),
        Client().delete("/api/v1/no/such/thing/"),
    ):
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert "no endpoint at this address" in response.json()["detail"]


def test_known_endpoints_still_answer(manager: Membership, api_client_for) -> None:
    assert api_client_for(manager).get("/api/v1/creators").status_code == 200
    assert Client().get("/api/v1/creators").status_code == 401
