"""Fixtures shared by every app's tests: workspaces, members in each role, signed-in clients,
API clients, and a real Chromium driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from rapport.testing.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory
from rapport.tracking.queries.clicks import forget_targets
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role
from rapport.workspaces.services import create_api_token

# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test starts with empty counters (sign-in limits live in the cache).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    forget_targets()  # the redirect's memory of links belongs to the test that made them


@pytest.fixture
def workspace(db: None) -> Workspace:
    return WorkspaceFactory.create(name="Lumen Skincare", slug="lumen")


@pytest.fixture
def other_workspace(db: None) -> Workspace:
    return WorkspaceFactory.create(name="Other Brand", slug="other")


@pytest.fixture
def member(workspace: Workspace) -> Callable[[str], Membership]:
    """``member("viewer")`` makes a member of ``workspace`` with that role."""

    def make(role: str = Role.MANAGER, **user: Any) -> Membership:
        return MembershipFactory.create(
            workspace=workspace, role=role, user=UserFactory.create(**user)
        )

    return make


@pytest.fixture
def manager(member: Callable[[str], Membership]) -> Membership:
    return member(Role.MANAGER)


@pytest.fixture
def owner(member: Callable[[str], Membership]) -> Membership:
    return member(Role.OWNER)


@pytest.fixture
def client_for() -> Callable[[Membership], Client]:
    """A test client signed in as the member."""

    def make(membership: Membership) -> Client:
        client = Client()
        client.force_login(membership.user)
        return client

    return make


@pytest.fixture
def manager_client(manager: Membership, client_for: Callable[[Membership], Client]) -> Client:
    return client_for(manager)


@pytest.fixture
def api_client_for() -> Callable[..., Client]:
    """A client that sends a real bearer token for the member (role defaults to theirs)."""

    def make(membership: Membership, role: str | None = None) -> Client:
        _token, raw = create_api_token(
            workspace=membership.workspace, user=membership.user, role=role
        )
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


@pytest.fixture
def hub_path() -> Callable[[Any], str]:
    """The hub address (path only) of a collaboration, issuing its link when it has none."""
    from rapport.hub.services.links import issue_link, token_of

    def make(collaboration: Any) -> str:
        link = issue_link(collaboration=collaboration, actor=None)
        return reverse("hub:page", args=[token_of(link)])

    return make


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    """A phone-or-desktop page in Debian's Chromium; use ``page.goto(live_server.url + …)``."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM} (apt-get install chromium).")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        context.close()
        browser.close()


def login(page: Any, live_server: Any, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form."""
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
