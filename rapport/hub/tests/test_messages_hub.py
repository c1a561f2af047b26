"""Messages on the hub: the creator writes to their contact; it lands in the CRM as a question on
the first-response clock, and the team's answer shows on the hub."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.campaigns.models import Moment, Question, SlaClock
from rapport.campaigns.services.collaborations import answer_question
from rapport.hub.context import Hub
from rapport.hub.services.links import active_link, token_of
from rapport.hub.views.messages import section as messages_section
from rapport.testing.factories import (
    CollaborationFactory,
    CreatorFactory,
    UserFactory,
    WorkspaceFactory,
)
from rapport.workspaces.models import AuditEvent, Notification


@pytest.fixture
def collaboration(db):
    workspace = WorkspaceFactory.create(name="Lumen Skincare")
    workspace.sla_policy = workspace.sla_policy | {"first_response_business_days": 2}
    workspace.save()
    maya = UserFactory.create(name="Maya Moreau")
    creator = CreatorFactory.create(
        workspace=workspace, name="Ava Martin", time_zone="Europe/Paris"
    )
    return CollaborationFactory.create(
        campaign__workspace=workspace, creator=creator, owner=maya, campaign__name="Spring Glow"
    )


def messages_part(html: str) -> str:
    start = html.index('id="messages"')
    return html[start : html.index("</section>", start)]


def send(path: str, body: str, **extra: str):
    return Client().post(path + "messages/", {"body": body, **extra}, follow=True)


def test_the_messages_part_names_the_contact_and_when_to_expect_an_answer(collaboration, hub_path):
    part = messages_part(Client().get(hub_path(collaboration)).content.decode())
    assert "Messages with Maya" in part
    assert '<label for="id_body">Message Maya</label>' in part
    assert "Maya usually answers within 2 business days." in part
    assert "This is about something in the brief I need clarified" in part
    assert "No messages yet." in part


def test_a_message_lands_in_the_crm_and_the_answer_comes_back_to_the_hub(collaboration, hub_path):
    path = hub_path(collaboration)
    answer = send(path, "  Can I film outdoors?  ", is_clarification="on")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Message sent. Maya usually answers within 2 business days." in page

    question = Question.objects.get(collaboration=collaboration)
    assert question.body == "Can I film outdoors?"
    assert question.is_clarification
    clock = SlaClock.objects.get(moment=Moment.FIRST_RESPONSE, collaboration=collaboration)
    assert clock.stopped_at is None and clock.owner == collaboration.owner
    note = Notification.objects.get(recipient=collaboration.owner)
    assert note.text == "Ava Martin sent a message: Can I film outdoors?"
    assert note.url.endswith(f"/collaborations/{collaboration.pk}/")
    event = AuditEvent.objects.get(kind="question.received")
    assert event.creator == collaboration.creator and event.campaign == collaboration.campaign
    assert event.actor is None and event.actor_label == "Ava Martin"

    part = messages_part(page)
    assert "Can I film outdoors?" in part
    assert "about the brief" in part
    assert "Not answered yet." in part

    answered_at = dt.datetime(2025, 3, 14, 17, 0, tzinfo=dt.UTC)
    answer_question(
        question=question, answer="Yes, daylight is best.", actor=collaboration.owner,
        answered_at=answered_at,
    )  # fmt: skip
    part = messages_part(Client().get(path).content.decode())
    assert "Yes, daylight is best." in part
    assert "Maya Moreau" in part
    # In the creator's time zone, with its name.
    assert "Fri 14 Mar, 18:00 (Europe/Paris)" in part
    assert "Not answered yet." not in part
    clock.refresh_from_db()
    assert clock.stopped_at == answered_at


def test_the_conversation_reads_oldest_first(collaboration, hub_path):
    path = hub_path(collaboration)
    send(path, "First question")
    send(path, "Second question")
    part = messages_part(Client().get(path).content.decode())
    assert part.index("First question") < part.index("Second question")


def test_an_empty_message_is_refused_on_its_field(collaboration, hub_path):
    answer = send(hub_path(collaboration), "   ")
    assert answer.status_code == 422
    part = messages_part(answer.content.decode())
    assert "Write your message." in part
    assert 'aria-invalid="true"' in part
    assert not Question.objects.exists()


def test_a_too_long_message_is_refused_and_kept_for_the_creator(collaboration, hub_path):
    body = "a" * 5001
    answer = send(hub_path(collaboration), body, is_clarification="on")
    assert answer.status_code == 422
    part = messages_part(answer.content.decode())
    assert "Keep your message to 5000 characters (it has 5001)." in part
    assert body in part  # nothing the creator typed is lost
    assert 'name="is_clarification" id="id_is_clarification" checked' in part
    assert not Question.objects.exists()
    assert send(hub_path(collaboration), "a" * 5000).status_code == 200
    assert Question.objects.count() == 1


def test_a_double_tap_sends_the_message_once(collaboration, hub_path):
    path = hub_path(collaboration)
    send(path, "Where is my parcel?")
    send(path, "Where is my parcel?")
    assert Question.objects.count() == 1
    assert Notification.objects.count() == 1
    assert SlaClock.objects.count() == 1


def test_the_same_message_after_a_minute_is_a_new_one(collaboration, hub_path):
    path = hub_path(collaboration)
    send(path, "Any news?")
    Question.objects.update(received_at=timezone.now() - dt.timedelta(minutes=2))
    send(path, "Any news?")
    assert Question.objects.count() == 2


def test_without_an_owner_the_campaign_owner_is_the_contact(db, hub_path):
    lea = UserFactory.create(name="Léa Dubois")
    collaboration = CollaborationFactory.create(owner=None, campaign__owner=lea)
    part = messages_part(Client().get(hub_path(collaboration)).content.decode())
    assert "Message Léa" in part
    send(hub_path(collaboration), "Hello")
    assert Notification.objects.get().recipient == lea


def test_with_no_one_named_the_team_answers(db, hub_path):
    collaboration = CollaborationFactory.create(owner=None)
    part = messages_part(Client().get(hub_path(collaboration)).content.decode())
    assert "The team usually answers within 1 business day." in part
    send(hub_path(collaboration), "Hello")
    assert Question.objects.count() == 1
    assert not Notification.objects.exists()


def test_a_get_on_the_send_address_changes_nothing(collaboration, hub_path):
    path = hub_path(collaboration)
    answer = Client().get(path + "messages/")
    assert (answer.status_code, answer["Location"]) == (302, path)
    assert not Question.objects.exists()


def test_the_hub_page_query_count_does_not_grow_with_the_conversation(collaboration, hub_path):
    path = hub_path(collaboration)
    Client().get(path)  # the first visit records it; later ones read
    with CaptureQueriesContext(connection) as one_message:
        send(path, "Q0")
    for n in range(1, 6):
        send(path, f"Q{n}")
    for question in Question.objects.all():
        answer_question(question=question, answer="A", actor=collaboration.owner)
    with CaptureQueriesContext(connection) as six_answered:
        send(path, "Q6")
    assert len(six_answered) == len(one_message)


def test_the_messages_part_reads_in_one_query(collaboration, hub_path, django_assert_num_queries):
    path = hub_path(collaboration)
    send(path, "Q0")
    answer_question(question=Question.objects.get(), answer="A", actor=collaboration.owner)
    request = RequestFactory().get(path)
    link = active_link(collaboration)
    assert link is not None
    hub = Hub(link=link, token=token_of(link))
    # What the hub page has loaded by then: the link's workspace, the collaboration and its owner.
    assert hub.workspace and hub.collaboration.owner
    with django_assert_num_queries(1):  # the conversation, with who answered each message
        context = messages_section(request, hub)
        assert [q.answered_by.name for q in context["messages_conversation"]] == ["Maya Moreau"]
