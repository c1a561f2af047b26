"""Signing in and out, resetting a forgotten password, and each member's personal settings."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.utils import timezone

from rapport.testing.factories import PASSWORD
from rapport.workspaces.models import Membership


def test_sign_in_with_email_and_password_opens_the_workspace(manager: Membership) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": manager.user.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/w/{manager.workspace.slug}/creators/"
    assert response.context["user"] == manager.user


def test_a_wrong_password_is_refused_with_a_message(manager: Membership) -> None:
    response = Client().post(
        "/accounts/login/", {"username": manager.user.email, "password": "not-it"}
    )
    assert response.status_code == 200
    assert "correct" in response.content.decode()  # Django's "enter a correct e-mail and password"
    assert "_auth_user_id" not in response.wsgi_request.session


def test_log_out_ends_the_session(manager_client: Client, manager: Membership) -> None:
    response = manager_client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert manager_client.get(f"/w/{manager.workspace.slug}/members/").status_code == 302


def test_password_reset_by_email_link(manager: Membership) -> None:
    client = Client()
    page = client.get("/accounts/password_reset/")
    assert "Reset your password" in page.content.decode()
    response = client.post("/accounts/password_reset/", {"email": manager.user.email}, follow=True)
    assert "Check your e-mail" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [manager.user.email]
    assert message.subject == "Reset your Rapport password"
    match = re.search(r"http://testserver(/accounts/reset/\S+)", str(message.body))
    assert match, message.body
    link = match.group(1)

    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-secret-9", "new_password2": "a-new-long-secret-9"},
        follow=True,
    )
    assert "Your password is changed" in done.content.decode()
    assert Client().login(username=manager.user.email, password="a-new-long-secret-9")
    # The link works once.
    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(db: None) -> None:
    response = Client().post(
        "/accounts/password_reset/", {"email": "nobody@example.test"}, follow=True
    )
    assert "Check your e-mail" in response.content.decode()
    assert mail.outbox == []


def test_personal_settings_change_time_zone_and_language(
    manager_client: Client, manager: Membership
) -> None:
    page = manager_client.get("/me/")
    assert page.status_code == 200
    response = manager_client.post(
        "/me/", {"name": "Maya M.", "time_zone": "Europe/Paris", "language": "fr"}, follow=True
    )
    manager.user.refresh_from_db()
    assert (manager.user.name, manager.user.time_zone, manager.user.language) == (
        "Maya M.",
        "Europe/Paris",
        "fr",
    )
    # The next page speaks French and shows times in Paris time.
    assert '<html lang="fr">' in response.content.decode()
    assert response.wsgi_request.LANGUAGE_CODE == "fr"
    assert str(timezone.get_current_timezone()) == "Europe/Paris"


def test_personal_settings_refuse_an_unknown_time_zone(
    manager_client: Client, manager: Membership
) -> None:
    response = manager_client.post(
        "/me/", {"name": "X", "time_zone": "Mars/Olympus", "language": "en"}
    )
    assert response.status_code == 200
    assert "Mars/Olympus" in response.content.decode()
    manager.user.refresh_from_db()
    assert manager.user.time_zone == "UTC"


def test_password_change_from_personal_settings(
    manager_client: Client, manager: Membership
) -> None:
    assert "/accounts/password_change/" in manager_client.get("/me/").content.decode()
    response = manager_client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-secret-7",
            "new_password2": "another-long-secret-7",
        },
        follow=True,
    )
    assert "Your password is changed" in response.content.decode()
    assert Client().login(username=manager.user.email, password="another-long-secret-7")
    # Still signed in on this device.
    assert manager_client.get("/me/").status_code == 200


def test_any_signed_in_person_can_create_a_workspace_and_owns_it(
    manager_client: Client, manager: Membership
) -> None:
    response = manager_client.post("/workspaces/new/", {"name": "North Coffee"}, follow=True)
    membership = manager.user.memberships.get(workspace__name="North Coffee")
    assert membership.role == "owner"
    assert response.redirect_chain[-1][0] == f"/w/{membership.workspace.slug}/settings/"
    assert "Workspace North Coffee is ready." in response.content.decode()
