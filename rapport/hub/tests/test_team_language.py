"""The hub speaks the creator's language; what it writes for the team is in the team's."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from rapport.hub.services.messages import send_message
from rapport.testing.factories import CollaborationFactory, CreatorFactory, UserFactory
from rapport.workspaces.models import AuditEvent, Notification


@pytest.fixture
def collaboration(db):
    owner = UserFactory.create(name="Maya Moreau", language="en")
    creator = CreatorFactory.create(name="Ava Martin", languages=["fr"])
    return CollaborationFactory.create(
        creator=creator, campaign__workspace=creator.workspace, owner=owner
    )


def test_a_french_creators_message_reaches_an_english_team_in_english(collaboration, hub_path):
    path = hub_path(collaboration)
    page = Client().get(path)
    assert '<html lang="fr">' in page.content.decode()

    token = path.strip("/").split("/")[-1]
    answer = Client().post(
        reverse("hub:messages_send", args=[token]), {"body": "Puis-je poster un jour plus tôt ?"}
    )

    assert answer.status_code == 302
    event = AuditEvent.objects.get(kind="question.received")
    assert event.summary == "Ava Martin asked: Puis-je poster un jour plus tôt ?"
    assert event.actor_label == "Ava Martin"
    (note,) = Notification.objects.filter(recipient=collaboration.owner)
    assert note.text == "Ava Martin sent a message: Puis-je poster un jour plus tôt ?"


def test_a_refusal_is_explained_in_the_creators_language(collaboration):
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        send_message(collaboration=collaboration, body="x" * 5001)
    assert refused.value.message_dict["body"] == [
        "Votre message fait 5001 caractères\u202f; limitez-le à 5000 caractères ou moins."
    ]
    assert not AuditEvent.objects.filter(kind="question.received").exists()
