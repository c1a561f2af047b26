"""The satisfaction survey on the hub: shown from the wrap on, answered once (a second answer
changes nothing and says so), landing on the timelines with the contact told; the same through
the hub-token API."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from rapport.campaigns.models import CollabStage
from rapport.hub.services.links import issue_link, token_of
from rapport.performance.models import SurveyResponse
from rapport.performance.services.survey import answer_survey
from rapport.testing.factories import CampaignFactory, CollaborationFactory, CreatorFactory
from rapport.workspaces.models import AuditEvent, Notification


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def survey_part(html: str) -> str:
    if 'id="survey"' not in html:
        return ""
    start = html.index('id="survey"')
    return text_of(html[start : html.index("</section>", start)])


@pytest.fixture
def collab(workspace, manager):
    return CollaborationFactory.create(
        campaign=CampaignFactory.create(workspace=workspace, name="Spring Glow"),
        creator=CreatorFactory.create(workspace=workspace, name="Ava Martin"),
        owner=manager.user,
        stage=CollabStage.REPORTED,
    )


def answers(**fields: str) -> dict[str, str]:
    data = {
        "survey-satisfaction": "4",
        "survey-would_work_again": "yes",
        "survey-open_to_new_formats": "no",
        "survey-comment": "Faster payments, please.",
    }
    data.update({f"survey-{k}": v for k, v in fields.items()})
    return data


@pytest.mark.parametrize(
    ("stage", "shown"),
    [
        (CollabStage.LIVE, False),
        (CollabStage.APPROVED, False),
        (CollabStage.CANCELLED, False),
        (CollabStage.REPORTED, True),
        (CollabStage.PAID, True),
        (CollabStage.CLOSED, True),
    ],
)
def test_the_survey_shows_from_the_wrap_on(collab, hub_path, stage, shown):
    collab.stage = stage
    collab.save()
    part = survey_part(Client().get(hub_path(collab)).content.decode())
    assert ("How was working with us?" in part) is shown


def test_the_creator_answers_once_and_reads_a_thank_you(collab, hub_path, manager):
    path = hub_path(collab)
    creator = Client()
    answer = creator.post(path + "survey/", answers())
    assert answer.status_code == 302
    assert answer["Location"] == path + "#survey"
    page = creator.get(path).content.decode()
    part = survey_part(page)
    assert "Thank you for your answers." in part
    assert "Working with us: 4 out of 5" in part
    assert "You would work with us again." in part
    assert "You prefer to keep to the formats you know." in part
    assert "Faster payments, please." in part
    assert "How was working with us?" not in part  # no form any more
    assert "Thank you: your answers reached the team." in text_of(page)

    response = SurveyResponse.objects.get()
    assert (response.satisfaction, response.would_work_again, response.open_to_new_formats) == (
        4,
        True,
        False,
    )
    event = AuditEvent.objects.get(kind="survey.answered")
    assert event.creator_id == collab.creator_id and event.campaign_id == collab.campaign_id
    assert event.summary == "Ava Martin answered the survey: satisfaction 4 out of 5"
    assert event.actor_label == "Ava Martin"
    note = Notification.objects.get(recipient=manager.user)
    assert note.text == "Ava Martin answered the survey: satisfaction 4 out of 5"


def test_a_second_answer_changes_nothing_and_says_so(collab, hub_path):
    path = hub_path(collab)
    Client().post(path + "survey/", answers())
    again = Client().post(path + "survey/", answers(satisfaction="1"), follow=True)
    shown = text_of(again.content.decode())
    assert "You already answered this survey on" in shown
    assert "your first answers are kept and nothing changed" in shown
    assert SurveyResponse.objects.get().satisfaction == 4
    assert AuditEvent.objects.filter(kind="survey.answered").count() == 1


def test_a_missing_score_is_refused_with_the_reason_and_nothing_kept(collab, hub_path):
    path = hub_path(collab)
    answer = Client().post(path + "survey/", answers(satisfaction=""))
    assert answer.status_code == 422
    part = survey_part(answer.content.decode())
    assert "Choose how working with us went, from 1 (poor) to 5 (great)." in part
    assert 'value="Faster payments, please."' not in part  # the textarea keeps it as text
    assert "Faster payments, please." in part
    assert not SurveyResponse.objects.exists()


def test_the_service_refuses_before_the_wrap_and_outside_one_to_five(collab):
    with pytest.raises(ValidationError) as refused:
        answer_survey(collaboration=collab, satisfaction=6)
    assert "satisfaction" in refused.value.message_dict
    collab.stage = CollabStage.LIVE
    with pytest.raises(ValidationError) as early:
        answer_survey(collaboration=collab, satisfaction=5)
    assert "The survey opens once the collaboration's results are reported" in str(
        early.value.message_dict["survey"]
    )
    assert not SurveyResponse.objects.exists()


def test_a_team_preview_does_not_answer(collab, manager_client):
    link = issue_link(collaboration=collab, actor=None)
    manager_client.post(f"/h/{token_of(link)}/survey/", answers())
    assert not SurveyResponse.objects.exists()


def hub_client(collab) -> Client:
    link = issue_link(collaboration=collab, actor=None)
    return Client(headers={"X-Hub-Token": token_of(link)})


def test_the_hub_api_answers_once(collab, manager):
    client = hub_client(collab)
    before = client.get("/api/v1/hub/me/survey").json()
    assert before["open"] is True and before["answered"] is False
    assert before["already_answered"] is False
    payload = {"satisfaction": 5, "would_work_again": True, "comment": "Great brief."}
    first = client.post("/api/v1/hub/me/survey", payload, content_type="application/json")
    assert first.status_code == 201
    assert first.json()["satisfaction"] == 5
    assert first.json()["already_answered"] is False
    second = client.post(
        "/api/v1/hub/me/survey", {"satisfaction": 1}, content_type="application/json"
    )
    assert second.status_code == 200
    assert second.json()["already_answered"] is True
    assert second.json()["satisfaction"] == 5
    after = client.get("/api/v1/hub/me/survey").json()
    assert after["answered"] is True and after["already_answered"] is True
    assert after["satisfaction"] == 5 and after["comment"] == "Great brief."
    assert Notification.objects.filter(recipient=manager.user).count() == 1


def test_the_hub_api_refuses_before_the_wrap_and_without_a_token(collab):
    collab.stage = CollabStage.LIVE
    collab.save()
    client = hub_client(collab)
    assert client.get("/api/v1/hub/me/survey").json()["open"] is False
    refused = client.post(
        "/api/v1/hub/me/survey", {"satisfaction": 4}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert Client().get("/api/v1/hub/me/survey").status_code == 401
    assert not SurveyResponse.objects.exists()
