"""A member's API tokens: shown once, never above the member's role, revocable."""

from __future__ import annotations

import re

from django.test import Client

from rapport.workspaces.models import ApiToken, Membership


def test_create_a_token_shown_once_then_use_and_revoke_it(
    manager: Membership, manager_client: Client
) -> None:
    url = f"/w/{manager.workspace.slug}/tokens/"
    page = manager_client.post(url, {"name": "reporting script", "role": "viewer"}).content.decode()
    match = re.search(r'value="(rpt_[^"]+)"', page)
    assert match
    secret = match.group(1)
    assert "it will not be shown again" in page
    token = ApiToken.objects.get(user=manager.user)
    assert token.role == "viewer" and token.name == "reporting script"
    assert secret not in manager_client.get(url).content.decode()

    api = Client(headers={"Authorization": f"Bearer {secret}"})
    assert api.get("/api/v1/workspace/me").json()["token_role"] == "viewer"
    manager_client.post(f"{url}{token.pk}/revoke/")
    assert api.get("/api/v1/workspace/me").status_code == 401


def test_a_token_cannot_have_more_rights_than_its_member(member, client_for) -> None:
    reviewer = member("reviewer")
    url = f"/w/{reviewer.workspace.slug}/tokens/"
    page = client_for(reviewer).get(url).content.decode()
    assert 'value="reviewer"' in page and 'value="viewer"' in page
    assert 'value="owner"' not in page and 'value="manager"' not in page
    response = client_for(reviewer).post(url, {"role": "owner"})
    assert "Select a valid choice" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_members_only_see_and_revoke_their_own_tokens(
    manager: Membership, member, client_for
) -> None:
    other = member("manager")
    client_for(other).post(f"/w/{other.workspace.slug}/tokens/", {"role": "viewer"})
    theirs = ApiToken.objects.get(user=other.user)
    client = client_for(manager)
    assert theirs.prefix not in client.get(f"/w/{manager.workspace.slug}/tokens/").content.decode()
    response = client.post(f"/w/{manager.workspace.slug}/tokens/{theirs.pk}/revoke/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
