"""The team's FAQ editor: everyone sees it, owners (manage_workspace) change it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.hub.models import FaqEntry, FaqTopic
from rapport.hub.services.faq import create_entry
from rapport.workspaces.models import AuditEvent
from rapport.workspaces.roles import Role


def url(name: str, **kwargs: object) -> str:
    return reverse(f"hub_team:{name}", kwargs={"ws": "lumen", **kwargs})


def add(workspace, question: str, topic: str = FaqTopic.OTHER) -> FaqEntry:
    return create_entry(
        workspace=workspace, actor=None, topic=topic, question=question, answer="An answer."
    )


def questions(workspace) -> list[str]:
    return list(FaqEntry.objects.filter(workspace=workspace).values_list("question", flat=True))


def test_the_settings_page_links_to_the_editor(owner, client_for):
    html = client_for(owner).get(reverse("workspace_settings", kwargs={"ws": "lumen"}))
    assert f'href="{url("faq")}"' in html.content.decode()


def test_an_owner_adds_edits_moves_and_deletes_entries(owner, client_for, workspace):
    client = client_for(owner)
    page = client.get(url("faq")).content.decode()
    assert "Creators see the built-in answers" in page
    assert "When do I get paid?" in page

    answer = client.post(
        url("faq"), {"topic": "shipping", "question": "Do you ship abroad?", "answer": "Yes."}
    )
    assert answer.status_code == 302
    add(workspace, "Second?")
    add(workspace, "Third?")
    page = client.get(url("faq")).content.decode()
    assert "When do I get paid?" not in page
    assert page.index("Do you ship abroad?") < page.index("Second?") < page.index("Third?")

    third = FaqEntry.objects.get(question="Third?")
    client.post(url("faq_move", pk=third.pk), {"position": 2})
    assert questions(workspace) == ["Do you ship abroad?", "Third?", "Second?"]
    client.post(url("faq_move", pk=third.pk), {"position": 1})
    assert questions(workspace) == ["Third?", "Do you ship abroad?", "Second?"]

    answer = client.post(
        url("faq_entry", pk=third.pk),
        {"topic": "payment", "question": "Third, clearer?", "answer": "Now with detail."},
    )
    assert answer.status_code == 302
    third.refresh_from_db()
    assert (third.topic, third.question, third.answer) == (
        "payment", "Third, clearer?", "Now with detail."
    )  # fmt: skip

    assert (
        "Delete “Third, clearer?”?" in client.get(url("faq_delete", pk=third.pk)).content.decode()
    )
    client.post(url("faq_delete", pk=third.pk))
    assert questions(workspace) == ["Do you ship abroad?", "Second?"]
    kinds = set(AuditEvent.objects.filter(workspace=workspace).values_list("kind", flat=True))
    assert {"faq.created", "faq.updated", "faq.moved", "faq.deleted"} <= kinds


def test_the_form_shows_each_fields_error_and_keeps_the_input(owner, client_for, workspace):
    answer = client_for(owner).post(
        url("faq"), {"topic": "gossip", "question": "Q" * 301, "answer": ""}
    )
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "Select a valid choice. gossip is not one of the available choices." in html
    assert "Ensure this value has at most 300 characters (it has 301)." in html
    assert "This field is required." in html
    assert "Q" * 301 in html
    assert not FaqEntry.objects.exists()


def test_start_from_the_defaults_copies_them_in_the_editors_language(owner, client_for, workspace):
    client = client_for(owner)
    answer = client.post(url("faq_defaults"), follow=True)
    assert "10 default entries copied; edit them as you like." in answer.content.decode()
    assert "When do I get paid?" in questions(workspace)
    assert FaqEntry.objects.filter(workspace=workspace).count() == 10
    # A second press doubles nothing.
    answer = client.post(url("faq_defaults"), follow=True)
    assert "Your FAQ already has entries" in answer.content.decode()
    assert FaqEntry.objects.filter(workspace=workspace).count() == 10


@pytest.mark.parametrize("role", [Role.MANAGER, Role.REVIEWER, Role.FINANCE, Role.OPS, Role.VIEWER])
def test_other_roles_see_the_faq_but_cannot_change_it(role, member, client_for, workspace):
    entry = add(workspace, "Visible to all?")
    client = client_for(member(role))
    page = client.get(url("faq")).content.decode()
    assert "Visible to all?" in page
    assert "Add a question" not in page and url("faq_delete", pk=entry.pk) not in page
    assert client.get(url("faq_entry", pk=entry.pk)).status_code == 200
    writes = [
        (url("faq"), {"topic": "other", "question": "Sneaky?", "answer": "No."}),
        (url("faq_entry", pk=entry.pk), {"topic": "other", "question": "Changed", "answer": "x"}),
        (url("faq_delete", pk=entry.pk), {}),
        (url("faq_move", pk=entry.pk), {"position": 1}),
        (url("faq_defaults"), {}),
    ]
    for address, data in writes:
        assert client.post(address, data).status_code == 403, address
    assert questions(workspace) == ["Visible to all?"]


def test_another_workspaces_entry_is_not_found(owner, client_for, other_workspace):
    theirs = add(other_workspace, "Theirs?")
    client = client_for(owner)
    for name in ("faq_entry", "faq_delete", "faq_move"):
        assert client.post(url(name, pk=theirs.pk), {"position": 1}).status_code == 404
    assert client.get(url("faq_entry", pk=theirs.pk)).status_code == 404
    assert "Theirs?" not in client.get(url("faq")).content.decode()
    assert questions(other_workspace) == ["Theirs?"]


def test_the_editor_reads_in_a_fixed_number_of_queries(
    owner, client_for, workspace, django_assert_max_num_queries
):
    client = client_for(owner)
    for n in range(30):
        add(workspace, f"Question {n}?")
    client.get(url("faq"))  # the first request of a session writes it
    with django_assert_max_num_queries(6):
        assert client.get(url("faq")).status_code == 200
