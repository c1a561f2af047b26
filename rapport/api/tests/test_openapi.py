"""The OpenAPI document and the reference page at /api/v1/docs."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

EXPECTED = {
    "/api/v1/creators": {"get", "post"},
    "/api/v1/creators/bulk": {"post"},
    "/api/v1/creators/{creator_id}": {"get", "patch", "delete"},
    "/api/v1/creators/{creator_id}/restore": {"post"},
    "/api/v1/creators/{creator_id}/timeline": {"get"},
    "/api/v1/creators/{creator_id}/accounts": {"get", "post"},
    "/api/v1/creators/{creator_id}/accounts/{account_id}": {"patch", "delete"},
    "/api/v1/tags": {"get"},
    "/api/v1/custom-fields": {"get"},
}


@pytest.fixture
def document(db: None) -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_document_lists_the_creators_endpoints(document: dict) -> None:
    paths = document["paths"]
    for path, methods in EXPECTED.items():
        assert methods <= set(paths[path]), path


def test_the_document_describes_bearer_auth_and_errors(document: dict) -> None:
    schemes = document["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    create = document["paths"]["/api/v1/creators"]["post"]
    assert {"201", "401", "403", "409", "422"} <= set(create["responses"])
    assert create["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "DuplicatesOut"
    )


def test_the_list_documents_its_filters_and_pages(document: dict) -> None:
    parameters = {p["name"] for p in document["paths"]["/api/v1/creators"]["get"]["parameters"]}
    assert {"cursor", "limit", "q", "stage", "tier", "tag", "platform", "owner", "sort"} <= (
        parameters
    )
    page = document["components"]["schemas"]["Page_CreatorSummaryOut_"]
    assert set(page["properties"]) == {"items", "next"}


def test_private_fields_are_documented_as_role_bound(document: dict) -> None:
    creator = document["components"]["schemas"]["CreatorOut"]["properties"]
    assert "finance" in creator["shipping_address"]["description"]
    assert "shipping_address" not in document["components"]["schemas"]["CreatorOut"].get(
        "required", []
    )


def test_the_docs_page_lists_operations_and_loads_nothing_from_elsewhere(db: None) -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    for path in EXPECTED:
        assert f"<code>{path}</code>" in html
    assert "CreatorOut" in html and "Bearer" in html
    assets = re.findall(r'(?:src|href)="([^"#][^"]*)"', html)
    assert assets, "the page should at least load its style sheet"
    for url in assets:
        assert url.startswith("/"), f"{url} comes from outside Rapport"
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), f"{url} is not served"
