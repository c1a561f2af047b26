"""Acknowledging the brief on the hub: recorded with its version (once), on the timelines, the
owner notified; a newer version asks for a new confirmation."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from rapport.hub.models import BriefAcknowledgement
from rapport.hub.tests.test_brief_changes import brief_html, first_brief, publish, text
from rapport.testing.factories import CampaignFactory, CollaborationFactory, CreatorFactory
from rapport.workspaces.models import AuditEvent, Notification


def acknowledge_url(path: str, version: int) -> str:
    return reverse("hub:brief_acknowledge", args=[path.strip("/").split("/")[-1], version])


def test_acknowledging_records_the_version_once(workspace, member, hub_path) -> None:
    maya = member("manager", name="Maya Moreau")
    campaign = CampaignFactory.create(workspace=workspace, name="Summer glow")
    collaboration = CollaborationFactory.create(
        campaign=campaign,
        owner=maya.user,
        creator=CreatorFactory.create(workspace=workspace, name="Ava Martin"),
    )
    first_brief(campaign, maya.user)
    path = hub_path(collaboration)
    client = Client()
    assert "I have read the brief" in text(brief_html(client, path))

    response = client.post(acknowledge_url(path, 1))
    client.post(acknowledge_url(path, 1))  # twice: still one

    assert response.status_code == 302 and response["Location"].endswith("#brief")
    acknowledgement = BriefAcknowledgement.objects.get(collaboration=collaboration)
    assert acknowledgement.version.number == 1
    event = AuditEvent.objects.get(kind="brief.acknowledged")
    assert event.summary == "Ava Martin acknowledged brief version 1"
    assert event.actor_label == "Ava Martin" and event.campaign == campaign
    assert event.creator == collaboration.creator
    assert Notification.objects.get(recipient=maya.user).text == (
        "Ava Martin acknowledged brief version 1 of Summer glow."
    )
    page = text(brief_html(client, path))
    assert "You confirmed version 1 on" in page
    assert "I have read the brief" not in page

    publish(campaign, maya.user, brand_voice="Warmer")
    page = text(brief_html(client, path))
    assert "You confirmed version 1 on" in page and "Version 2 is newer" in page
    assert "I have read the brief" in page


def test_confirming_a_version_that_is_no_longer_current_is_refused(
    workspace, manager, hub_path
) -> None:
    collaboration = CollaborationFactory.create(
        campaign=CampaignFactory.create(workspace=workspace)
    )
    first_brief(collaboration.campaign, manager.user)
    publish(collaboration.campaign, manager.user, brand_voice="Warmer")

    response = Client().post(acknowledge_url(hub_path(collaboration), 1), follow=True)

    assert not BriefAcknowledgement.objects.exists()
    assert "Version 2 of the brief was published in the meantime" in text(response.content.decode())
