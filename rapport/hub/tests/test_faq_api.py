"""The hub FAQ through the API: the entries in effect, and the team's edits."""

from __future__ import annotations

import json

import pytest

from rapport.hub.models import FaqEntry, FaqTopic
from rapport.hub.services.faq import create_entry
from rapport.workspaces.roles import Role

FAQ = "/api/v1/hub/faq"


def add(workspace, question: str) -> FaqEntry:
    return create_entry(
        workspace=workspace, actor=None, topic=FaqTopic.OTHER, question=question, answer="A."
    )


def patch(client, path: str, body: dict):
    return client.patch(path, json.dumps(body), content_type="application/json")


def post(client, path: str, body: dict | None = None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def test_the_defaults_are_in_effect_until_the_workspace_has_entries(
    viewer_api, workspace, django_assert_max_num_queries
):
    workspace.sla_policy = workspace.sla_policy | {"payment_net_days": 45}
    workspace.save()
    body = viewer_api.get(FAQ).json()
    assert body["is_default"] is True and body["next"] is None
    assert {item["id"] for item in body["items"]} == {None}
    paid = next(i for i in body["items"] if i["question"] == "When do I get paid?")
    assert "Net 45" in paid["answer"] and paid["topic"] == "payment"
    assert paid["topic_label"] == "Payment"

    for n in range(3):
        add(workspace, f"Q{n}?")
    with django_assert_max_num_queries(4):
        body = viewer_api.get(FAQ, {"limit": 2}).json()
    assert body["is_default"] is False
    assert [i["question"] for i in body["items"]] == ["Q0?", "Q1?"]
    rest = viewer_api.get(FAQ, {"limit": 2, "cursor": body["next"]}).json()
    assert [i["question"] for i in rest["items"]] == ["Q2?"] and rest["next"] is None


@pytest.fixture
def viewer_api(member, api_client_for):
    return api_client_for(member(Role.VIEWER))


@pytest.fixture
def owner_api(owner, api_client_for):
    return api_client_for(owner)


def test_an_owner_creates_changes_moves_and_deletes_entries(owner_api, workspace):
    answer = post(owner_api, FAQ, {"topic": "shipping", "question": " Abroad? ", "answer": "Yes."})
    assert answer.status_code == 201
    created = answer.json()
    assert created["question"] == "Abroad?" and created["position"] == 1
    second = add(workspace, "Second?")

    answer = patch(owner_api, f"{FAQ}/{second.pk}", {"answer": "Changed.", "position": 1})
    assert answer.status_code == 200
    assert answer.json()["answer"] == "Changed." and answer.json()["position"] == 1
    assert [i["question"] for i in owner_api.get(FAQ).json()["items"]] == ["Second?", "Abroad?"]

    assert owner_api.delete(f"{FAQ}/{second.pk}").status_code == 204
    assert owner_api.delete(f"{FAQ}/{created['id']}").status_code == 204
    assert owner_api.get(FAQ).json()["is_default"] is True


def test_validation_errors_name_their_fields(owner_api, workspace):
    answer = post(owner_api, FAQ, {"topic": "gossip", "question": "Q" * 301, "answer": "  "})
    assert answer.status_code == 422
    fields = {e["field"]: e["message"] for e in answer.json()["detail"]}
    assert set(fields) == {"topic", "question", "answer"}
    assert "shipping, payment, usage, disclosure, other" in fields["topic"]
    assert "301 characters" in fields["question"]
    entry = add(workspace, "Kept?")
    answer = patch(owner_api, f"{FAQ}/{entry.pk}", {"position": 5})
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {"field": "position", "message": "Choose a position from 1 to 1."}
    ]
    assert FaqEntry.objects.get().question == "Kept?"


def test_start_from_the_defaults_once(owner_api, workspace):
    answer = post(owner_api, f"{FAQ}/defaults")
    assert answer.status_code == 201
    body = answer.json()
    assert body["is_default"] is False and len(body["items"]) == 10
    assert all(isinstance(item["id"], int) for item in body["items"])
    again = post(owner_api, f"{FAQ}/defaults")
    assert again.status_code == 422
    assert FaqEntry.objects.filter(workspace=workspace).count() == 10


@pytest.mark.parametrize("role", [Role.MANAGER, Role.FINANCE, Role.VIEWER])
def test_writing_needs_manage_workspace(role, member, api_client_for, workspace):
    client = api_client_for(member(role))
    entry = add(workspace, "Stays?")
    assert client.get(FAQ).status_code == 200
    assert (
        post(client, FAQ, {"topic": "other", "question": "No?", "answer": "No."}).status_code == 403
    )
    assert patch(client, f"{FAQ}/{entry.pk}", {"answer": "Changed"}).status_code == 403
    assert client.delete(f"{FAQ}/{entry.pk}").status_code == 403
    assert post(client, f"{FAQ}/defaults").status_code == 403
    assert list(FaqEntry.objects.values_list("question", "answer")) == [("Stays?", "A.")]


def test_another_workspaces_entry_is_not_found(owner_api, other_workspace):
    theirs = add(other_workspace, "Theirs?")
    assert patch(owner_api, f"{FAQ}/{theirs.pk}", {"answer": "Mine now"}).status_code == 404
    assert owner_api.delete(f"{FAQ}/{theirs.pk}").status_code == 404
    assert owner_api.get(FAQ).json()["is_default"] is True
    theirs.refresh_from_db()
    assert theirs.answer == "A."
