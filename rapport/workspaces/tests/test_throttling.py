"""Limits on password guessing at sign-in and on password-reset e-mails."""

from __future__ import annotations

import logging
import re

import pytest
from django.core import mail
from django.test import Client, RequestFactory

from rapport.testing.factories import PASSWORD
from rapport.workspaces.models import Membership
from rapport.workspaces.throttling import client_ip

TOO_MANY = "Too many sign-in attempts"


def sign_in(client: Client, email: str, password: str) -> str:
    response = client.post("/accounts/login/", {"username": email, "password": password})
    if response.status_code == 302:
        return "signed in"
    return response.content.decode()


def test_five_wrong_passwords_lock_the_address_even_for_the_right_one(
    manager: Membership,
) -> None:
    client = Client()
    email = manager.user.email
    for _ in range(5):
        page = sign_in(client, email, "wrong")
        assert "correct" in page and TOO_MANY not in page
    page = sign_in(client, email, PASSWORD)
    assert TOO_MANY in page
    assert "wait 15 minutes" in page
    assert "_auth_user_id" not in client.session
    # A fresh browser from another address is refused too: the address is what is locked.
    assert TOO_MANY in sign_in(Client(REMOTE_ADDR="10.9.9.9"), email, PASSWORD)


def test_the_refusal_does_not_tell_whether_the_account_exists(manager: Membership) -> None:
    pages: dict[str, str] = {}
    for email in (manager.user.email, "nobody@example.test"):
        client = Client(REMOTE_ADDR=f"10.0.0.{len(pages) + 1}")
        for _ in range(5):
            sign_in(client, email, "wrong")
        pages[email] = sign_in(client, email, "anything")
    known, unknown = (re.findall(r'role="alert">(.*?)</p>', page) for page in pages.values())
    assert len(known) == 1 and TOO_MANY in known[0]
    assert known == unknown


def test_a_successful_sign_in_clears_the_count(manager: Membership) -> None:
    email = manager.user.email
    for _ in range(4):
        sign_in(Client(), email, "wrong")
    assert sign_in(Client(), email, PASSWORD) == "signed in"
    for _ in range(4):
        sign_in(Client(), email, "wrong")
    assert sign_in(Client(), email, PASSWORD) == "signed in"


def test_another_person_from_another_address_still_signs_in(member) -> None:
    locked, other = member(), member()
    for _ in range(5):
        sign_in(Client(REMOTE_ADDR="10.0.0.1"), locked.user.email, "wrong")
    assert TOO_MANY in sign_in(Client(REMOTE_ADDR="10.0.0.1"), locked.user.email, PASSWORD)
    assert sign_in(Client(REMOTE_ADDR="10.0.0.2"), other.user.email, PASSWORD) == "signed in"


def test_twenty_failures_from_one_address_lock_that_address(member) -> None:
    victim = member()
    for n in range(20):
        sign_in(Client(REMOTE_ADDR="10.0.0.1"), f"guess{n}@example.test", "wrong")
    assert TOO_MANY in sign_in(Client(REMOTE_ADDR="10.0.0.1"), victim.user.email, PASSWORD)
    assert sign_in(Client(REMOTE_ADDR="10.0.0.2"), victim.user.email, PASSWORD) == "signed in"


def test_the_log_names_no_address(manager: Membership, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="rapport.workspaces.throttling"):
        for _ in range(5):
            sign_in(Client(), manager.user.email, "wrong")
    assert "sign-in-email" in caplog.text
    assert manager.user.email not in caplog.text and "127.0.0.1" not in caplog.text


def test_the_client_address_comes_from_the_proxy_only_when_trusted(settings) -> None:
    # The client wrote the first entry itself; the proxy appended the address it saw.
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.5"
    )
    settings.RAPPORT_TRUSTED_PROXY = False
    assert client_ip(request) == "10.0.0.1"
    settings.RAPPORT_TRUSTED_PROXY = True
    assert client_ip(request) == "203.0.113.5"


def test_password_reset_requests_are_limited_per_address(manager: Membership) -> None:
    client = Client()
    for _ in range(5):
        response = client.post(
            "/accounts/password_reset/", {"email": manager.user.email}, follow=True
        )
        assert "Check your e-mail" in response.content.decode()
    assert len(mail.outbox) == 5
    refused = client.post("/accounts/password_reset/", {"email": manager.user.email})
    assert refused.status_code == 200
    assert "Too many reset links" in refused.content.decode()
    assert len(mail.outbox) == 5
    # Someone elsewhere can still ask for a link.
    other = Client(REMOTE_ADDR="10.0.0.2")
    other.post("/accounts/password_reset/", {"email": manager.user.email})
    assert len(mail.outbox) == 6
