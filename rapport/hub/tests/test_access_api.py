"""The hub link API: status, create, rotate, revoke and e-mail, by token role and workspace."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import Client

from rapport.hub.services.links import active_link, url_of
from rapport.testing.factories import CollaborationFactory, CreatorFactory
from rapport.workspaces.models import AuditEvent


@pytest.fixture
def collaboration(workspace):
    creator = CreatorFactory.create(
        workspace=workspace, name="Maya Lind", primary_email="m@example.test"
    )
    return CollaborationFactory.create(campaign__workspace=workspace, creator=creator)


@pytest.fixture
def api(manager, api_client_for) -> Client:
    return api_client_for(manager)


def url(collaboration, suffix: str = "") -> str:
    return f"/api/v1/collaborations/{collaboration.pk}/hub-link{suffix}"


def post(client: Client, path: str, body: dict | None = None):
    data = json.dumps(body) if body is not None else ""
    return client.post(path, data, content_type="application/json")


def test_a_collaboration_without_a_link(api, collaboration, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(6):
        answer = api.get(url(collaboration))
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "none",
        "url": None,
        "created_at": None,
        "last_opened_at": None,
        "revoked_at": None,
        "expires_at": None,
    }


def test_create_rotate_revoke(api, collaboration, django_assert_max_num_queries) -> None:
    created = post(api, url(collaboration))
    assert created.status_code == 200
    link = active_link(collaboration)
    assert link is not None
    assert created.json()["status"] == "active"
    assert created.json()["url"] == url_of(link)
    assert post(api, url(collaboration)).json()["url"] == url_of(link)  # create or return
    with django_assert_max_num_queries(6):
        assert api.get(url(collaboration)).json()["url"] == url_of(link)
    rotated = post(api, url(collaboration, "/rotate")).json()
    assert rotated["status"] == "active"
    assert rotated["url"] != url_of(link)
    revoked = post(api, url(collaboration, "/revoke"), {"reason": "Leaked"})
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    assert revoked.json()["url"] is None
    assert revoked.json()["revoked_at"] is not None
    assert AuditEvent.objects.get(kind="hub_link.revoked").reason == "Leaked"
    again = post(api, url(collaboration, "/revoke"))
    assert again.status_code == 422
    assert again.json()["detail"][0]["field"] == "link"


def test_email(api, collaboration) -> None:
    answer = post(api, url(collaboration, "/email"))
    assert answer.status_code == 200
    [message] = mail.outbox
    assert message.to == ["m@example.test"]
    assert answer.json()["url"] in message.body
    collaboration.creator.stage = "do_not_contact"
    collaboration.creator.save(update_fields=["stage"])
    refused = post(api, url(collaboration, "/email"))
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "creator"
    assert len(mail.outbox) == 1


def test_a_viewer_token_sees_the_status_only(
    collaboration, manager, api_client_for, member
) -> None:
    post(api_client_for(manager), url(collaboration))
    viewer = api_client_for(member("viewer"))
    answer = viewer.get(url(collaboration)).json()
    assert answer["status"] == "active"
    assert answer["url"] is None
    # A manager's token limited to the viewer role is a viewer too.
    limited = api_client_for(manager, role="viewer")
    assert limited.get(url(collaboration)).json()["url"] is None
    for suffix in ("", "/rotate", "/revoke", "/email"):
        assert post(viewer, url(collaboration, suffix)).status_code == 403
        assert post(limited, url(collaboration, suffix)).status_code == 403
    assert mail.outbox == []


def test_another_workspaces_collaboration_is_a_404(api, other_workspace) -> None:
    theirs = CollaborationFactory.create(campaign__workspace=other_workspace)
    assert api.get(url(theirs)).status_code == 404
    for suffix in ("", "/rotate", "/revoke", "/email"):
        assert post(api, url(theirs, suffix)).status_code == 404
    assert active_link(theirs) is None
