"""Invitations by e-mailed link: sent by owners, single-use, expiring, withdrawable."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from rapport.testing.factories import PASSWORD, UserFactory
from rapport.workspaces.models import AuditEvent, Invitation, Membership, User


def invite_through_members_page(client: Client, slug: str, email: str, role: str) -> str:
    """Send an invitation as a person would; return the link from the e-mail."""
    response = client.post(f"/w/{slug}/members/", {"email": email, "role": role}, follow=True)
    assert f"Invitation sent to {email.lower()}." in response.content.decode()
    body = mail.outbox[-1].body
    match = re.search(r"http://127\.0\.0\.1:8000(/invitations/\S+/)", str(body))
    assert match, body
    return match.group(1)


def test_a_new_person_joins_with_the_role_they_were_invited_with(
    owner: Membership, client_for
) -> None:
    slug = owner.workspace.slug
    link = invite_through_members_page(client_for(owner), slug, "Nina@Example.test", "reviewer")
    message = mail.outbox[-1]
    assert message.to == ["nina@example.test"]
    assert owner.workspace.name in message.subject

    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 200
    assert "Set up your account for nina@example.test" in page.content.decode()
    response = visitor.post(
        link,
        {
            "name": "Nina Noor",
            "password": "plenty-long-pass-1",
            "password_again": "plenty-long-pass-1",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/w/{slug}/creators/"
    nina = User.objects.get(email="nina@example.test")
    assert nina.name == "Nina Noor" and nina.check_password("plenty-long-pass-1")
    assert Membership.objects.get(workspace=owner.workspace, user=nina).role == "reviewer"
    assert response.context["user"] == nina
    assert AuditEvent.objects.filter(kind="member.joined", actor=nina).exists()

    # The link works once.
    again = Client().get(link)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_join_form_errors_change_nothing(owner: Membership, client_for) -> None:
    link = invite_through_members_page(
        client_for(owner), owner.workspace.slug, "sam@example.test", "viewer"
    )
    response = Client().post(link, {"name": "Sam", "password": "short", "password_again": "short"})
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    response = Client().post(
        link, {"name": "Sam", "password": "long-enough-pass-1", "password_again": "different-1"}
    )
    assert "The two passwords differ." in response.content.decode()
    assert not User.objects.filter(email="sam@example.test").exists()
    assert Invitation.objects.get(email="sam@example.test").is_usable


def test_an_existing_account_signs_in_then_joins(
    owner: Membership, client_for, other_workspace
) -> None:
    person = UserFactory.create(email="agency@example.test")
    link = invite_through_members_page(
        client_for(owner), owner.workspace.slug, person.email, "manager"
    )
    visitor = Client()
    page = visitor.get(link).content.decode()
    assert "already has a Rapport account" in page
    login = visitor.post(
        f"/accounts/login/?next={link}",
        {"username": person.email, "password": PASSWORD, "next": link},
        follow=True,
    )
    assert "Join the workspace" in login.content.decode()
    visitor.post(link)
    assert Membership.objects.get(workspace=owner.workspace, user=person).role == "manager"


def test_an_expired_link_gets_a_friendly_page(owner: Membership, client_for) -> None:
    link = invite_through_members_page(
        client_for(owner), owner.workspace.slug, "late@example.test", "viewer"
    )
    Invitation.objects.filter(email="late@example.test").update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response = Client().post(
        link,
        {"name": "Late", "password": "long-enough-pass-1", "password_again": "long-enough-pass-1"},
    )
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    assert not User.objects.filter(email="late@example.test").exists()


def test_a_withdrawn_link_no_longer_works(owner: Membership, client_for) -> None:
    client = client_for(owner)
    link = invite_through_members_page(client, owner.workspace.slug, "gone@example.test", "viewer")
    invitation = Invitation.objects.get(email="gone@example.test")
    client.post(f"/w/{owner.workspace.slug}/invitations/{invitation.pk}/revoke/")
    response = Client().get(link)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert AuditEvent.objects.filter(kind="member.invitation_revoked").exists()


def test_an_unknown_link_is_a_404_page(db: None) -> None:
    response = Client().get("/invitations/inv_made-up/")
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_inviting_again_replaces_the_pending_link(owner: Membership, client_for) -> None:
    client = client_for(owner)
    first = invite_through_members_page(
        client, owner.workspace.slug, "twice@example.test", "viewer"
    )
    second = invite_through_members_page(client, owner.workspace.slug, "twice@example.test", "ops")
    assert Client().get(first).status_code == 410
    assert Client().get(second).status_code == 200


@pytest.mark.parametrize(
    ("email", "role", "error"),
    [
        ("not-an-address", "viewer", "Enter a valid email address."),
        ("x@example.test", "emperor", "Select a valid choice."),
    ],
)
def test_invitation_form_errors(owner: Membership, client_for, email, role, error) -> None:
    response = client_for(owner).post(
        f"/w/{owner.workspace.slug}/members/", {"email": email, "role": role}
    )
    assert error in response.content.decode()
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_an_existing_member_is_not_invited(owner: Membership, member, client_for) -> None:
    teammate = member("viewer")
    response = client_for(owner).post(
        f"/w/{owner.workspace.slug}/members/", {"email": teammate.user.email, "role": "manager"}
    )
    assert "is already a member" in response.content.decode()
    assert mail.outbox == []


def test_only_owners_invite(manager: Membership, manager_client: Client) -> None:
    response = manager_client.post(
        f"/w/{manager.workspace.slug}/members/", {"email": "x@example.test", "role": "owner"}
    )
    assert response.status_code == 403
    assert mail.outbox == [] and not Invitation.objects.exists()
