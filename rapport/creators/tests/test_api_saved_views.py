"""Saved views of the creator list through the API: the same rules as the page."""

from __future__ import annotations

import pytest

from rapport.creators.models import SavedView
from rapport.testing.factories import MembershipFactory
from rapport.workspaces.roles import Role


@pytest.fixture
def shared_by_colleague(member) -> SavedView:
    colleague = member(Role.MANAGER)
    return SavedView.objects.create(
        workspace=colleague.workspace,
        owner=colleague.user,
        name="Mid-tier on TikTok",
        query="tier=mid&platform=tiktok",
        shared=True,
    )


def test_a_member_saves_a_view_in_canonical_form_and_lists_it(manager, api_client_for) -> None:
    client = api_client_for(manager)
    response = client.post(
        "/api/v1/saved-views",
        {"name": "Active FR", "query": "?country=fr&stage=active"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["query"] == "stage=active&country=FR"
    listed = client.get("/api/v1/saved-views").json()
    assert [v["name"] for v in listed] == ["Active FR"]


def test_a_view_with_filters_that_cannot_apply_is_refused_with_the_field(
    manager, api_client_for
) -> None:
    response = api_client_for(manager).post(
        "/api/v1/saved-views",
        {"name": "Broken", "query": "stage=famous"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "stage"
    assert not SavedView.objects.exists()


def test_shared_views_show_to_colleagues_but_only_owners_delete_them(
    manager, owner, shared_by_colleague, api_client_for
) -> None:
    assert [v["name"] for v in api_client_for(manager).get("/api/v1/saved-views").json()] == [
        "Mid-tier on TikTok"
    ]
    url = f"/api/v1/saved-views/{shared_by_colleague.pk}"
    assert api_client_for(manager).delete(url).status_code == 403
    assert SavedView.objects.filter(pk=shared_by_colleague.pk).exists()
    assert api_client_for(owner).delete(url).status_code == 204
    assert not SavedView.objects.filter(pk=shared_by_colleague.pk).exists()


def test_a_personal_view_of_someone_else_is_not_found(member, api_client_for) -> None:
    colleague = member(Role.MANAGER)
    private = SavedView.objects.create(
        workspace=colleague.workspace, owner=colleague.user, name="Mine", query="", shared=False
    )
    response = api_client_for(member(Role.OWNER)).delete(f"/api/v1/saved-views/{private.pk}")
    assert response.status_code == 404
    assert SavedView.objects.filter(pk=private.pk).exists()


def test_another_workspaces_view_is_not_found(manager, other_workspace, api_client_for) -> None:
    stranger = MembershipFactory.create(workspace=other_workspace, role=Role.OWNER)
    theirs = SavedView.objects.create(
        workspace=other_workspace, owner=stranger.user, name="Theirs", query="", shared=True
    )
    client = api_client_for(manager)
    assert client.get("/api/v1/saved-views").json() == []
    assert client.delete(f"/api/v1/saved-views/{theirs.pk}").status_code == 404


def test_a_viewer_keeps_personal_views_but_cannot_share_one(member, api_client_for) -> None:
    client = api_client_for(member(Role.VIEWER))
    personal = client.post(
        "/api/v1/saved-views", {"name": "Mine", "query": ""}, content_type="application/json"
    )
    assert personal.status_code == 201
    shared = client.post(
        "/api/v1/saved-views",
        {"name": "For all", "query": "", "shared": True},
        content_type="application/json",
    )
    assert shared.status_code == 403
    assert list(SavedView.objects.values_list("name", flat=True)) == ["Mine"]


def test_the_page_refuses_a_shared_view_from_a_viewer(member, client_for) -> None:
    client = client_for(member(Role.VIEWER))
    page = client.get("/w/lumen/creators/").content.decode()
    assert "Share with the workspace" not in page
    response = client.post(
        "/w/lumen/creators/views/", {"name": "For all", "query": "", "shared": "on"}
    )
    assert response.status_code == 403
    assert not SavedView.objects.exists()
