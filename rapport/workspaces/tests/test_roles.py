"""The permissions matrix, proven per role through the real pages and the API.

| role     | read | edit creators | private details | members and settings |
|----------|------|---------------|-----------------|----------------------|
| owner    | yes  | yes           | no              | yes                  |
| manager  | yes  | yes           | no              | no                   |
| reviewer | yes  | no            | no              | no                   |
| finance  | yes  | no            | yes             | no                   |
| ops      | yes  | no            | yes             | no                   |
| viewer   | yes  | no            | no              | no                   |
"""

from __future__ import annotations

import json

import pytest
from django.core import mail

from rapport.creators.models import Creator
from rapport.testing.factories import CreatorFactory
from rapport.workspaces.models import Invitation, Membership

MATRIX = {
    # role: (edit creators, see private details, manage members and settings)
    "owner": (True, False, True),
    "manager": (True, False, False),
    "reviewer": (False, False, False),
    "finance": (False, True, False),
    "ops": (False, True, False),
    "viewer": (False, False, False),
}
ROLES = list(MATRIX)
ADDRESS = "12 Harbour Street, Leith"


@pytest.fixture
def creator(workspace) -> Creator:
    return CreatorFactory.create(workspace=workspace, name="Ruby Reyes", shipping_address=ADDRESS)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_creators(member, client_for, api_client_for, creator, role) -> None:
    someone = member(role)
    page = client_for(someone).get(f"/w/{someone.workspace.slug}/creators/{creator.pk}/")
    assert page.status_code == 200 and "Ruby Reyes" in page.content.decode()
    api = api_client_for(someone).get(f"/api/v1/creators/{creator.pk}")
    assert api.status_code == 200 and api.json()["name"] == "Ruby Reyes"


@pytest.mark.parametrize("role", ROLES)
def test_who_edits_creators(member, client_for, api_client_for, creator, role) -> None:
    allowed = MATRIX[role][0]
    someone = member(role)
    page = client_for(someone).post(
        f"/w/{someone.workspace.slug}/creators/{creator.pk}/stage/",
        {"stage": "contacted", "reason": "first e-mail sent"},
    )
    assert (page.status_code == 302) is allowed and (page.status_code == 403) is not allowed
    creator.refresh_from_db()
    assert (creator.stage == "contacted") is allowed

    api = api_client_for(someone).patch(
        f"/api/v1/creators/{creator.pk}", json.dumps({"city": "Leith"}), "application/json"
    )
    assert api.status_code == (200 if allowed else 403)
    creator.refresh_from_db()
    assert (creator.city == "Leith") is allowed


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_addresses_and_tax_details(
    member, client_for, api_client_for, creator, role
) -> None:
    allowed = MATRIX[role][1]
    someone = member(role)
    page = client_for(someone).get(f"/w/{someone.workspace.slug}/creators/{creator.pk}/")
    assert (ADDRESS in page.content.decode()) is allowed
    body = api_client_for(someone).get(f"/api/v1/creators/{creator.pk}").json()
    assert (body.get("shipping_address") == ADDRESS) is allowed
    assert ADDRESS not in json.dumps(body) or allowed


@pytest.mark.parametrize("role", ROLES)
def test_who_manages_members_and_settings(
    member, client_for, api_client_for, owner: Membership, role
) -> None:
    allowed = MATRIX[role][2]
    someone = owner if role == "owner" else member(role)
    client = client_for(someone)
    slug = someone.workspace.slug

    assert client.get(f"/w/{slug}/members/").status_code == 200  # everyone sees the team
    assert client.get(f"/w/{slug}/settings/").status_code == (200 if allowed else 403)
    invite = client.post(f"/w/{slug}/members/", {"email": "new@example.test", "role": "viewer"})
    assert invite.status_code == (302 if allowed else 403)
    assert Invitation.objects.filter(email="new@example.test").exists() is allowed
    assert len(mail.outbox) == (1 if allowed else 0)

    api = api_client_for(someone)
    response = api.patch("/api/v1/workspace", json.dumps({"country": "FR"}), "application/json")
    assert response.status_code == (200 if allowed else 403)
    someone.workspace.refresh_from_db()
    assert (someone.workspace.country == "FR") is allowed
