"""The members page: everyone sees the team; only owners change roles and remove people."""

from __future__ import annotations

from django.test import Client

from rapport.testing.factories import CreatorFactory
from rapport.workspaces.models import ApiToken, AuditEvent, Membership
from rapport.workspaces.services import create_api_token


def test_every_member_sees_the_team_but_only_owners_get_the_controls(
    owner: Membership, member, client_for
) -> None:
    viewer = member("viewer", name="Vic Viewer")
    page = client_for(viewer).get(f"/w/{owner.workspace.slug}/members/").content.decode()
    assert "Vic Viewer" in page and owner.user.email in page
    assert "Send invitation" not in page and "Change role" not in page
    owner_page = client_for(owner).get(f"/w/{owner.workspace.slug}/members/").content.decode()
    assert "Send invitation" in owner_page and "Change role" in owner_page


def test_members_page_query_count_does_not_grow_with_the_team(
    owner: Membership, member, client_for, django_assert_num_queries
) -> None:
    client = client_for(owner)
    url = f"/w/{owner.workspace.slug}/members/"
    client.get(url)  # the first visit also remembers the workspace in the session
    for _ in range(3):
        member("viewer")
    with django_assert_num_queries(7):
        client.get(url)
    for _ in range(10):
        member("manager")
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200


def test_owner_changes_a_role_and_it_is_audited(owner: Membership, member, client_for) -> None:
    teammate = member("viewer")
    client_for(owner).post(
        f"/w/{owner.workspace.slug}/members/{teammate.pk}/role/", {"role": "finance"}
    )
    teammate.refresh_from_db()
    assert teammate.role == "finance"
    event = AuditEvent.objects.get(kind="member.role_changed")
    assert event.changes == {"role": ["viewer", "finance"]}
    assert event.actor == owner.user


def test_the_last_owner_cannot_be_demoted_or_removed(owner: Membership, client_for) -> None:
    client = client_for(owner)
    slug = owner.workspace.slug
    response = client.post(f"/w/{slug}/members/{owner.pk}/role/", {"role": "viewer"}, follow=True)
    assert "A workspace needs an owner" in response.content.decode()
    response = client.post(f"/w/{slug}/members/{owner.pk}/remove/", follow=True)
    assert "A workspace needs an owner" in response.content.decode()
    owner.refresh_from_db()
    assert owner.role == "owner"


def test_with_two_owners_one_may_step_down(owner: Membership, member, client_for) -> None:
    second = member("owner")
    client_for(owner).post(
        f"/w/{owner.workspace.slug}/members/{owner.pk}/role/", {"role": "manager"}
    )
    owner.refresh_from_db()
    assert owner.role == "manager"
    second.refresh_from_db()
    assert second.role == "owner"


def test_removing_a_member_after_confirming(owner: Membership, member, client_for) -> None:
    teammate = member("manager", name="Leaving Person")
    creator = CreatorFactory.create(workspace=owner.workspace, owner=teammate.user)
    token, raw = create_api_token(workspace=owner.workspace, user=teammate.user)
    client = client_for(owner)
    url = f"/w/{owner.workspace.slug}/members/{teammate.pk}/remove/"
    assert "Remove Leaving Person?" in client.get(url).content.decode()
    client.post(url)
    assert not Membership.objects.filter(pk=teammate.pk).exists()
    creator.refresh_from_db()
    assert creator.owner is None
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert (
        Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/workspace/me").status_code
        == 401
    )
    assert client_for(teammate).get(f"/w/{owner.workspace.slug}/members/").status_code == 404


def test_non_owners_cannot_manage_members(owner: Membership, member, client_for) -> None:
    manager = member("manager")
    client = client_for(manager)
    slug = owner.workspace.slug
    assert client.post(f"/w/{slug}/members/{owner.pk}/role/", {"role": "viewer"}).status_code == 403
    assert client.post(f"/w/{slug}/members/{owner.pk}/remove/").status_code == 403
    owner.refresh_from_db()
    assert owner.role == "owner"
