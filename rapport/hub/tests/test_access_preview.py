"""A team member opening a hub ("Open as the creator") sees the creator's page, but the visit is
not the creator's and the page's buttons do nothing."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.campaigns.models import Question
from rapport.campaigns.services.briefs import publish_brief, save_brief
from rapport.hub.models import HubState
from rapport.testing.factories import CollaborationFactory


def _brief(campaign, objective_note: str) -> None:
    save_brief(
        campaign=campaign,
        actor=None,
        non_negotiables=["Daylight", "No filters", "Say four weeks"],
        audience_insight=objective_note,
    )
    publish_brief(campaign=campaign, actor=None)


def test_a_members_preview_leaves_the_creators_visit_and_changes_alone(
    member, client_for, hub_path
):
    manager = member("manager")
    collaboration = CollaborationFactory.create(campaign__workspace=manager.workspace)
    _brief(collaboration.campaign, "Skin that reacts")
    path = hub_path(collaboration)
    Client().get(path)  # the creator's first visit: version 1 seen
    HubState.objects.update(last_seen_at=timezone.now() - dt.timedelta(days=2))
    _brief(collaboration.campaign, "Skin that reacts to everything")

    team = client_for(manager)
    page = team.get(path).content.decode()
    assert "this is the creator's page as they see it" in page
    state = HubState.objects.get()
    assert state.seen_brief_version == 1  # the preview did not use up the highlight

    token = path.strip("/").split("/")[-1]
    answer = team.post(reverse("hub:messages_send", args=[token]), {"body": "Hello"}, follow=True)
    assert "only the creator can act on it" in answer.content.decode()
    assert not Question.objects.exists()

    creator_page = Client().get(path).content.decode()
    assert "What changed since your last visit" in creator_page
    assert "this is the creator's page as they see it" not in creator_page


def test_someone_signed_in_to_another_workspace_is_treated_as_the_creator(
    member, client_for, other_workspace, hub_path
):
    outsider = member("manager")
    collaboration = CollaborationFactory.create(campaign__workspace=other_workspace)
    page = client_for(outsider).get(hub_path(collaboration)).content.decode()
    assert "this is the creator's page as they see it" not in page
