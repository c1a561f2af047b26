"""Bulk actions on the creators ticked in the list, and saved views of the list."""

from __future__ import annotations

import html

import pytest
from django.urls import NoReverseMatch, reverse

from rapport.creators import services
from rapport.creators.models import Creator, SavedView, Stage
from rapport.workspaces.models import AuditEvent, Membership, User, Workspace
from rapport.workspaces.roles import Role

LIST = "/w/lumen/creators/"
BULK = "/w/lumen/creators/bulk/"


def add(workspace: Workspace, name: str) -> Creator:
    return services.create_creator(workspace=workspace, actor=None, name=name)


@pytest.fixture
def trio(workspace: Workspace) -> list[Creator]:
    return [add(workspace, name) for name in ("Ava Martin", "Noah Kim", "Zoe Rossi")]


@pytest.fixture
def outsider(other_workspace: Workspace) -> Creator:
    return add(other_workspace, "Outsider Person")


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def test_tag_and_untag_the_selection(manager_client, trio, workspace):
    ids = [trio[0].pk, trio[1].pk]
    response = manager_client.post(
        BULK, {"action": "tag", "tag": "spring", "ids": ids, "query": "sort=-name"}, follow=True
    )
    assert response.redirect_chain[-1][0] == LIST + "?sort=-name"
    assert "2 creators tagged “spring”." in text_of(response)
    tagged = Creator.objects.filter(tags__name="spring").order_by("name")
    assert [c.name for c in tagged] == ["Ava Martin", "Noah Kim"]
    manager_client.post(BULK, {"action": "untag", "tag": "spring", "ids": [trio[0].pk]})
    assert [c.name for c in Creator.objects.filter(tags__name="spring")] == ["Noah Kim"]


def test_change_stage_needs_a_reason_for_do_not_contact(manager_client, trio):
    response = manager_client.post(
        BULK, {"action": "stage", "stage": Stage.DO_NOT_CONTACT, "ids": [trio[0].pk]}, follow=True
    )
    assert "Nothing was changed: Say why this creator must not be contacted." in text_of(response)
    trio[0].refresh_from_db()
    assert trio[0].stage == Stage.DISCOVERED
    manager_client.post(
        BULK,
        {
            "action": "stage",
            "stage": Stage.DO_NOT_CONTACT,
            "reason": "Asked us",
            "ids": [trio[0].pk, trio[1].pk],
        },
    )
    assert Creator.objects.filter(stage=Stage.DO_NOT_CONTACT).count() == 2
    event = AuditEvent.objects.filter(kind="creator.stage_changed", creator=trio[0]).get()
    assert event.reason == "Asked us"


def test_assign_and_clear_the_owner(manager_client, manager, trio):
    manager_client.post(BULK, {"action": "owner", "owner": manager.user.pk, "ids": [trio[2].pk]})
    trio[2].refresh_from_db()
    assert trio[2].owner == manager.user
    manager_client.post(BULK, {"action": "owner", "owner": "none", "ids": [trio[2].pk]})
    trio[2].refresh_from_db()
    assert trio[2].owner is None


def test_an_owner_from_outside_the_workspace_is_refused(manager_client, trio):
    stranger = User.objects.create_user(email="stranger@example.test")
    response = manager_client.post(
        BULK, {"action": "owner", "owner": stranger.pk, "ids": [trio[0].pk]}, follow=True
    )
    assert "Choose an owner among the members." in text_of(response)
    trio[0].refresh_from_db()
    assert trio[0].owner is None


def test_delete_asks_first_then_moves_to_the_bin_and_restore_brings_back(manager_client, trio):
    ask = manager_client.post(BULK, {"action": "delete", "ids": [trio[0].pk, trio[1].pk]})
    assert ask.status_code == 200
    assert "Move 2 creators to the bin" in text_of(ask)
    assert Creator.objects.alive().count() == 3
    done = manager_client.post(
        BULK, {"action": "delete", "confirm": "yes", "ids": [trio[0].pk, trio[1].pk]}, follow=True
    )
    assert "2 creators moved to the bin" in text_of(done)
    assert [c.name for c in Creator.objects.alive()] == ["Zoe Rossi"]
    manager_client.post(BULK, {"action": "restore", "ids": [trio[0].pk]})
    assert [c.name for c in Creator.objects.alive()] == ["Ava Martin", "Zoe Rossi"]


def test_nothing_ticked_says_so(manager_client, trio):
    response = manager_client.post(BULK, {"action": "tag", "tag": "x"}, follow=True)
    assert "Tick at least one creator first." in text_of(response)


def test_another_workspaces_ids_are_ignored(manager_client, trio, outsider):
    response = manager_client.post(
        BULK, {"action": "tag", "tag": "mine", "ids": [outsider.pk, trio[0].pk]}, follow=True
    )
    assert "1 creator tagged “mine”." in text_of(response)
    assert not outsider.tags.exists()
    manager_client.post(BULK, {"action": "delete", "confirm": "yes", "ids": [outsider.pk]})
    outsider.refresh_from_db()
    assert outsider.deleted_at is None
    ask = manager_client.post(BULK, {"action": "delete", "ids": [outsider.pk]})
    assert "Outsider" not in text_of(ask)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.REVIEWER, Role.FINANCE, Role.OPS])
def test_roles_without_edit_rights_are_refused(member, client_for, trio, role):
    client = client_for(member(role))
    for action in ("tag", "stage", "owner", "delete", "restore"):
        response = client.post(
            BULK,
            {
                "action": action,
                "tag": "x",
                "stage": "active",
                "confirm": "yes",
                "ids": [trio[0].pk],
            },
        )
        assert response.status_code == 403
    trio[0].refresh_from_db()
    assert trio[0].stage == Stage.DISCOVERED
    assert not trio[0].tags.exists()
    assert trio[0].deleted_at is None


def test_a_viewer_may_not_export(member, client_for, trio):
    response = client_for(member(Role.VIEWER)).post(BULK, {"action": "export", "ids": [trio[0].pk]})
    assert response.status_code == 403


def test_export_sends_the_selection_to_the_export_page(member, client_for, trio):
    try:
        export_url = reverse("creators:export", kwargs={"ws": "lumen"})
    except NoReverseMatch:
        pytest.fail("The export page (creators:export) is not there yet.")
    response = client_for(member(Role.FINANCE)).post(
        BULK, {"action": "export", "ids": [trio[0].pk, trio[2].pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{export_url}?ids={trio[0].pk}%2C{trio[2].pk}&format=csv"


def test_bulk_is_post_only(manager_client, trio):
    assert manager_client.get(BULK).status_code == 405


# Saved views


def test_save_a_personal_view_and_open_it(manager_client, manager, member, client_for, trio):
    response = manager_client.post(
        "/w/lumen/creators/views/",
        {"name": "Active FR", "query": "country=FR&stage=active&q=&bogus=1"},
        follow=True,
    )
    view = SavedView.objects.get()
    assert view.owner == manager.user
    assert view.query == "stage=active&country=FR"
    assert not view.shared
    assert response.redirect_chain[-1][0] == LIST + "?stage=active&country=FR"
    text = text_of(response)
    assert "View “Active FR” saved." in text
    assert '<a href="/w/lumen/creators/?stage=active&country=FR" aria-current="true">' in text
    # A teammate does not see someone else's personal view.
    assert "Active FR" not in text_of(client_for(member(Role.MANAGER)).get(LIST))


def test_a_shared_view_shows_to_the_team_who_cannot_delete_it(
    manager_client, member, client_for, trio
):
    manager_client.post(
        "/w/lumen/creators/views/", {"name": "Team list", "shared": "on", "query": "tier=mega"}
    )
    view = SavedView.objects.get()
    teammate = client_for(member(Role.VIEWER))
    assert "Team list" in text_of(teammate.get(LIST))
    assert teammate.post(f"/w/lumen/creators/views/{view.pk}/delete/").status_code == 403
    assert SavedView.objects.exists()
    owner = client_for(member(Role.OWNER))
    assert owner.post(f"/w/lumen/creators/views/{view.pk}/delete/").status_code == 302
    assert not SavedView.objects.exists()


def test_delete_ones_own_view(manager_client, trio):
    manager_client.post("/w/lumen/creators/views/", {"name": "Mine", "query": "stage=active"})
    view = SavedView.objects.get()
    manager_client.post(f"/w/lumen/creators/views/{view.pk}/delete/")
    assert not SavedView.objects.exists()


def test_someone_elses_personal_view_is_404_even_for_the_owner_role(
    manager_client, member, client_for, trio
):
    manager_client.post("/w/lumen/creators/views/", {"name": "Mine", "query": "stage=active"})
    view = SavedView.objects.get()
    response = client_for(member(Role.OWNER)).post(f"/w/lumen/creators/views/{view.pk}/delete/")
    assert response.status_code == 404
    assert SavedView.objects.exists()


def test_a_view_needs_a_name_and_valid_filters(manager_client, trio):
    response = manager_client.post(
        "/w/lumen/creators/views/", {"name": "", "query": "tier=mega"}, follow=True
    )
    assert "Give the view a name." in text_of(response)
    response = manager_client.post(
        "/w/lumen/creators/views/", {"name": "Broken", "query": "followers_min=lots"}, follow=True
    )
    assert "These filters cannot be saved: fix them first." in text_of(response)
    assert not SavedView.objects.exists()


def test_another_workspaces_views_are_404(client_for, other_workspace, trio, manager_client):
    stranger = User.objects.create_user(email="stranger@example.test")
    Membership.objects.create(workspace=other_workspace, user=stranger, role=Role.OWNER)
    view = SavedView.objects.create(
        workspace=other_workspace, owner=stranger, name="Theirs", query="", shared=True
    )
    assert "Theirs" not in text_of(manager_client.get(LIST))
    response = manager_client.post(f"/w/lumen/creators/views/{view.pk}/delete/")
    assert response.status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_a_manager_sees_the_bulk_controls(manager_client, trio):
    text = text_of(manager_client.get(LIST))
    assert text.count('name="ids"') == 3
    assert "data-select-all" in text
    assert 'value="delete"' in text
    assert 'value="stage"' in text
