"""POST /api/v1/creators/import and GET /api/v1/creators/imports/{id}."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from rapport.creators.models import Creator, ImportJob
from rapport.testing.factories import MembershipFactory, UserFactory
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role

SHEET = (
    b"Name,E-mail,IG handle,Followers\n"
    b"Lina,lina@example.com,lina.k,12.5k\n"
    b"Broken,broken-at-example,,\n"
    b"Lina twin,lina@example.com,,\n"
)


def post(client: Client, data: bytes = SHEET, name: str = "sheet.csv", **form: Any) -> Any:
    file = io.BytesIO(data)
    file.name = name
    return client.post("/api/v1/creators/import", {"file": file, **form})


def test_a_dry_run_reports_every_row_and_writes_nothing(
    manager: Membership, api_client_for: Any
) -> None:
    response = post(api_client_for(manager), dry_run="true")
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True
    assert body["job"]["status"] == "checked"
    assert body["job"]["columns"] == [
        {"column": "Name", "field": "name"},
        {"column": "E-mail", "field": "email"},
        {"column": "IG handle", "field": "instagram.handle"},
        {"column": "Followers", "field": "followers"},
    ]
    assert [(r["row"], r["action"]) for r in body["rows"]] == [
        (2, "create"),
        (3, "error"),
        (4, "skip"),
    ]
    assert body["rows"][1]["issues"] == [
        {
            "row": 3,
            "column": "E-mail",
            "message": "“broken-at-example” is not a valid e-mail address.",
            "kind": "error",
        }
    ]
    assert not Creator.objects.exists()


def test_an_import_creates_and_reports(manager: Membership, api_client_for: Any) -> None:
    response = post(api_client_for(manager), on_duplicate="update")
    body = response.json()
    assert response.status_code == 200, body
    assert body["job"]["status"] == "done"
    assert (body["job"]["created"], body["job"]["updated"], body["job"]["errors"]) == (1, 1, 1)
    lina = Creator.objects.get(workspace=manager.workspace)
    assert body["rows"][0]["creator_id"] == lina.pk
    assert lina.name == "Lina twin"  # the repeated row updated the first
    assert lina.followers_max == 12_500
    job = api_client_for(manager).get(f"/api/v1/creators/imports/{body['job']['id']}").json()
    assert job["issues"][0]["row"] == 3


def test_a_mapping_overrides_the_guesses(manager: Membership, api_client_for: Any) -> None:
    sheet = b"Who,Where\nOla,Oslo\n"
    response = post(
        api_client_for(manager), sheet, mapping=json.dumps({"Who": "name", "Where": "city"})
    )
    assert response.status_code == 200
    assert Creator.objects.get().city == "Oslo"
    bad = post(api_client_for(manager), sheet, mapping=json.dumps({"Nope": "city"}))
    assert bad.status_code == 422
    assert bad.json()["detail"] == [
        {"field": "mapping", "message": "The file has no column “Nope”."}
    ]
    unknown = post(
        api_client_for(manager), sheet, mapping=json.dumps({"Who": "name", "Where": "planet"})
    )
    assert unknown.json()["detail"] == [{"field": "col_1", "message": "Unknown field “planet”."}]


def test_bad_files_and_options_are_422_with_the_field(
    manager: Membership, api_client_for: Any
) -> None:
    client = api_client_for(manager)
    response = post(client, b"\x00\x01", "data.bin")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "file"
    response = post(client, on_duplicate="merge")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "on_duplicate"
    assert not ImportJob.objects.exists()


def test_only_editors_may_import(member: Callable[..., Membership], api_client_for: Any) -> None:
    response = post(api_client_for(member(Role.VIEWER)))
    assert response.status_code == 403
    response = post(api_client_for(member(Role.MANAGER), role=Role.VIEWER))
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_another_workspaces_import_is_404(
    manager: Membership, api_client_for: Any, other_workspace: Workspace
) -> None:
    theirs = MembershipFactory.create(workspace=other_workspace, user=UserFactory.create())
    job_id = post(api_client_for(theirs), dry_run="true").json()["job"]["id"]
    response = api_client_for(manager).get(f"/api/v1/creators/imports/{job_id}")
    assert response.status_code == 404
