"""Notes through the API: the same service as the creator page, mentions included."""

from __future__ import annotations

from rapport.testing.factories import CreatorFactory, MembershipFactory
from rapport.workspaces.models import Notification
from rapport.workspaces.roles import Role


def test_a_note_with_a_mention_is_added_listed_and_notifies(
    manager, member, api_client_for
) -> None:
    priya = member(Role.REVIEWER, name="Priya Shah", email="priya@lumen.test")
    creator = CreatorFactory.create(workspace=manager.workspace, name="Zoe Kim")
    client = api_client_for(manager)
    response = client.post(
        f"/api/v1/creators/{creator.pk}/notes",
        {"body": "@priya can you review her reel?"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["mentions"] == ["priya@lumen.test"]
    listed = client.get(f"/api/v1/creators/{creator.pk}/notes").json()
    assert [n["body"] for n in listed] == ["@priya can you review her reel?"]
    assert listed[0]["author"] == str(manager.user)
    assert Notification.objects.get(recipient=priya.user).text.startswith(
        f"{manager.user} mentioned you on Zoe Kim"
    )


def test_an_empty_note_is_refused_on_its_field(manager, api_client_for) -> None:
    creator = CreatorFactory.create(workspace=manager.workspace)
    response = api_client_for(manager).post(
        f"/api/v1/creators/{creator.pk}/notes", {"body": "  "}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "body"


def test_a_viewer_reads_notes_but_cannot_write_them(member, api_client_for) -> None:
    viewer = member(Role.VIEWER)
    creator = CreatorFactory.create(workspace=viewer.workspace)
    client = api_client_for(viewer)
    assert client.get(f"/api/v1/creators/{creator.pk}/notes").status_code == 200
    response = client.post(
        f"/api/v1/creators/{creator.pk}/notes", {"body": "hi"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not creator.note_entries.exists()


def test_another_workspaces_creator_has_no_notes_here(manager, other_workspace, api_client_for):
    theirs = CreatorFactory.create(workspace=other_workspace)
    MembershipFactory.create(workspace=other_workspace)
    client = api_client_for(manager)
    assert client.get(f"/api/v1/creators/{theirs.pk}/notes").status_code == 404
    response = client.post(
        f"/api/v1/creators/{theirs.pk}/notes", {"body": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert not theirs.note_entries.exists()
