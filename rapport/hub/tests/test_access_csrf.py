"""A hub form whose CSRF protection expired gets a plain page, not Django's technical one, and
the address (which holds the token) stays out of the log."""

from __future__ import annotations

import logging

from django.test import Client
from django.urls import reverse

from rapport.campaigns.models import Question
from rapport.testing.factories import CollaborationFactory


def test_an_expired_form_on_the_hub_explains_itself(db, hub_path, caplog):
    collaboration = CollaborationFactory.create()
    path = hub_path(collaboration)
    token = path.strip("/").split("/")[-1]
    caplog.set_level(logging.WARNING)

    answer = Client(enforce_csrf_checks=True).post(
        reverse("hub:messages_send", args=[token]), {"body": "Hello"}
    )

    assert answer.status_code == 403
    page = answer.content.decode()
    assert "This page was open for a long time" in page
    assert f'href="{path}"' in page
    assert answer["Cache-Control"] == "private, no-store"
    assert token not in caplog.text
    assert not Question.objects.exists()


def test_other_pages_keep_djangos_csrf_page(db):
    answer = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})
    assert answer.status_code == 403
    assert "CSRF verification failed" in answer.content.decode()
