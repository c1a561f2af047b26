"""The pages people see when something is not allowed, missing or broken, and the favicon."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from rapport.workspaces.roles import Role


def test_a_viewer_opening_the_settings_gets_the_styled_refusal(member, client_for) -> None:
    viewer = member(Role.VIEWER)
    response = client_for(viewer).get(f"/w/{viewer.workspace.slug}/settings/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "This page is not open to your role" in page
    assert "ask one of the workspace's owners" in page
    assert 'href="/"' in page
    assert "rapport/app.css" in page and viewer.workspace.name in page


def test_an_unknown_page_is_a_styled_not_found(manager_client: Client) -> None:
    response = manager_client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "We could not find this page" in page
    assert 'href="/"' in page and "rapport/app.css" in page


def test_another_workspace_is_the_same_not_found(manager_client: Client, other_workspace) -> None:
    response = manager_client.get(f"/w/{other_workspace.slug}/members/")
    assert response.status_code == 404
    assert "We could not find this page" in response.content.decode()
    assert other_workspace.name not in response.content.decode()


def test_the_server_error_page_needs_no_database() -> None:
    # No ``db`` fixture: any query would fail this test.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert '<a href="/">' in page


def test_the_favicon_is_linked_and_served(manager_client: Client) -> None:
    page = manager_client.get("/me/").content.decode()
    assert '<link rel="icon" href="/static/rapport/favicon.svg" type="image/svg+xml">' in page
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/rapport/favicon.svg"
    path = finders.find("rapport/favicon.svg")
    assert path and open(path).read().startswith("<svg")  # noqa: SIM115
