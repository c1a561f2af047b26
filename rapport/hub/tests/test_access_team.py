"""The team's hub link panel on the collaboration page: create, copy, open, e-mail, rotate and
revoke, by role; the e-mail the creator gets; audit entries that never hold the link; and the
workspace setting for how long links stay open."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.hub.models import HubLink
from rapport.hub.services.links import active_link, issue_link, token_of, url_of
from rapport.testing.factories import CollaborationFactory, CreatorFactory
from rapport.workspaces.models import AuditEvent, Workspace


@pytest.fixture
def collaboration(workspace, manager):
    creator = CreatorFactory.create(
        workspace=workspace, name="Maya Lind", primary_email="maya@example.test"
    )
    return CollaborationFactory.create(
        campaign__workspace=workspace,
        campaign__name="Spring Glow",
        creator=creator,
        owner=manager.user,
    )


def page_url(collaboration) -> str:
    return reverse(
        "campaigns:collaboration",
        kwargs={"ws": collaboration.workspace.slug, "pk": collaboration.pk},
    )


def action(collaboration, name: str, pk: int | None = None) -> str:
    return reverse(
        f"hub_team:link_{name}",
        kwargs={"ws": collaboration.workspace.slug, "pk": pk or collaboration.pk},
    )


def panel(html: str) -> str:
    match = re.search(r'<section id="hub-link".*?</section>', html, re.S)
    assert match, "the hub panel is on the page"
    return match.group(0)


def test_a_manager_creates_the_link_and_sees_its_address(
    collaboration, manager, client_for
) -> None:
    client = client_for(manager)
    before = panel(client.get(page_url(collaboration)).content.decode())
    assert "Creator hub" in before
    assert "Create the hub link" in before
    answer = client.post(action(collaboration, "create"), follow=True)
    assert answer.redirect_chain[-1][0].endswith("#hub-link")
    link = active_link(collaboration)
    assert link is not None
    after = panel(answer.content.decode())
    assert f'value="{url_of(link)}"' in after
    assert "Copy" in after and 'data-copy="#hub-link-url"' in after
    assert f'href="{url_of(link)}" target="_blank" rel="noreferrer"' in after
    for label in ("E-mail it to the creator", "Rotate", "Revoke", "Active", "not yet"):
        assert label in after
    assert "90 days after the collaboration ends" in after
    assert "Hub link ready" in answer.content.decode()


def test_a_viewer_sees_the_status_but_not_the_address_and_cannot_act(
    collaboration, member, client_for
) -> None:
    link = issue_link(collaboration=collaboration, actor=None)
    client = client_for(member("viewer"))
    html = client.get(page_url(collaboration)).content.decode()
    shown = panel(html)
    assert "Active" in shown
    assert token_of(link) not in html
    assert "Rotate" not in shown and "E-mail it" not in shown
    for name in ("create", "rotate", "revoke", "email"):
        assert client.post(action(collaboration, name)).status_code == 403
    assert active_link(collaboration) == link
    assert mail.outbox == []


def test_the_actions_are_post_only_and_scoped_to_the_workspace(
    collaboration, manager, client_for, other_workspace
) -> None:
    client = client_for(manager)
    assert client.get(action(collaboration, "create")).status_code == 405
    theirs = CollaborationFactory.create(campaign__workspace=other_workspace)
    for name in ("create", "rotate", "revoke", "email"):
        assert client.post(action(collaboration, name, theirs.pk)).status_code == 404
    assert not HubLink.objects.filter(collaboration=theirs).exists()


def test_rotating_from_the_panel_replaces_the_address(collaboration, manager, client_for) -> None:
    old = issue_link(collaboration=collaboration, actor=None)
    client = client_for(manager)
    answer = client.post(action(collaboration, "rotate"), follow=True)
    new = active_link(collaboration)
    assert new is not None and new != old
    html = answer.content.decode()
    assert "the old one no longer opens" in html
    assert url_of(new) in html and token_of(old) not in html
    assert Client().get(reverse("hub:page", args=[token_of(old)])).status_code == 410


def test_revoking_from_the_panel_with_a_reason(collaboration, manager, client_for) -> None:
    link = issue_link(collaboration=collaboration, actor=None)
    client = client_for(manager)
    answer = client.post(
        action(collaboration, "revoke"), {"reason": "Shared by mistake"}, follow=True
    )
    shown = panel(answer.content.decode())
    assert "Revoked" in shown and "Create a new hub link" in shown
    assert token_of(link) not in shown
    event = AuditEvent.objects.get(kind="hub_link.revoked")
    assert event.reason == "Shared by mistake"
    assert event.actor == manager.user
    again = client.post(action(collaboration, "revoke"), follow=True).content.decode()
    assert "There is no active hub link to revoke." in again


def test_the_panel_shows_last_opened_and_the_expiry_date(
    collaboration, manager, client_for, hub_path
) -> None:
    Client().get(hub_path(collaboration))
    collaboration.stage = "closed"
    # Ended at noon (UTC) on 1 March 2031; the workspace keeps links open 90 days.
    collaboration.stage_changed_at = dt.datetime(2031, 3, 1, 12, tzinfo=dt.UTC)
    collaboration.save()
    shown = panel(client_for(manager).get(page_url(collaboration)).content.decode())
    assert "not yet" not in shown
    assert "Expires" in shown
    assert "30 May 2031" in shown


def test_an_expired_link_is_shown_expired_without_its_address(
    collaboration, manager, client_for
) -> None:
    link = issue_link(collaboration=collaboration, actor=None)
    collaboration.stage = "cancelled"
    collaboration.stage_changed_at = timezone.now() - dt.timedelta(days=91)
    collaboration.save()
    shown = panel(client_for(manager).get(page_url(collaboration)).content.decode())
    assert "Expired" in shown
    assert token_of(link) not in shown
    assert "E-mail it" not in shown


# --- E-mail ------------------------------------------------------------------------------------


def test_emailing_the_link_to_the_creator(collaboration, manager, client_for) -> None:
    answer = client_for(manager).post(action(collaboration, "email"), follow=True)
    assert "Hub link e-mailed to maya@example.test." in answer.content.decode()
    link = active_link(collaboration)  # issued on the way
    assert link is not None
    [message] = mail.outbox
    assert message.to == ["maya@example.test"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.reply_to == [manager.user.email]
    assert message.extra_headers["Content-Language"] == "en"
    assert "Spring Glow" in message.subject and "Lumen Skincare" in message.subject
    assert url_of(link) in message.body
    assert message.body.startswith("Hi Maya Lind,")
    assert message.content_subtype == "plain"
    assert len(message.body) < 800


def test_the_email_follows_the_creators_language(collaboration, manager, client_for) -> None:
    collaboration.creator.languages = ["fr"]
    collaboration.creator.save(update_fields=["languages"])
    client_for(manager).post(action(collaboration, "email"))
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "fr"
    assert message.body.startswith("Bonjour Maya Lind,")  # a greeting already translated
    link = active_link(collaboration)
    assert link is not None
    assert url_of(link) in message.body
    assert message.to == ["maya@example.test"]


def test_no_email_to_a_creator_without_an_address_or_not_to_be_contacted(
    collaboration, manager, client_for
) -> None:
    client = client_for(manager)
    creator = collaboration.creator
    creator.primary_email = ""
    creator.save(update_fields=["primary_email"])
    html = client.post(action(collaboration, "email"), follow=True).content.decode()
    assert "Maya Lind has no e-mail address to write to" in html
    creator.primary_email = "maya@example.test"
    creator.stage = "do_not_contact"
    creator.save(update_fields=["primary_email", "stage"])
    html = client.post(action(collaboration, "email"), follow=True).content.decode()
    assert "Maya Lind must not be contacted: nothing was sent." in html
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(kind="hub_link.emailed").exists()


# --- Audit -------------------------------------------------------------------------------------


def test_every_link_action_is_on_the_timeline_without_the_link(
    collaboration, manager, client_for
) -> None:
    client = client_for(manager)
    tokens = []
    client.post(action(collaboration, "create"))
    tokens.append(token_of(active_link(collaboration)))  # type: ignore[arg-type]
    client.post(action(collaboration, "email"))
    client.post(action(collaboration, "rotate"))
    tokens.append(token_of(active_link(collaboration)))  # type: ignore[arg-type]
    client.post(action(collaboration, "revoke"), {"reason": "done"})
    events = AuditEvent.objects.filter(kind__startswith="hub_link.").order_by("pk")
    assert [e.kind for e in events] == [
        "hub_link.created",
        "hub_link.emailed",
        "hub_link.rotated",
        "hub_link.revoked",
    ]
    for event in events:
        assert event.creator_id == collaboration.creator_id
        assert event.campaign_id == collaboration.campaign_id
        assert event.actor == manager.user
        stored = f"{event.summary} {event.changes} {event.reason}"
        for token in tokens:
            assert token not in stored
            assert token[:24] not in stored
        assert "/h/" not in stored
    timeline = client.get(page_url(collaboration)).content.decode()
    assert "Hub link of Maya Lind in Spring Glow revoked" in timeline


# --- Workspace setting -------------------------------------------------------------------------


def test_owners_set_how_long_links_stay_open(owner, client_for) -> None:
    from rapport.workspaces.tests.test_settings import settings_form

    workspace = owner.workspace
    url = f"/w/{workspace.slug}/settings/"
    client = client_for(owner)
    assert (
        "Hub links stay open after a collaboration ends (days)" in client.get(url).content.decode()
    )
    assert client.post(url, settings_form(workspace, hub_days_after_close="30")).status_code == 302
    assert Workspace.objects.get(pk=workspace.pk).hub_days_after_close == 30
    for wrong in ("0", "3651"):
        answer = client.post(url, settings_form(workspace, hub_days_after_close=wrong))
        assert answer.status_code == 200
        assert "whole number from 1 to 3650" in answer.content.decode()
    assert Workspace.objects.get(pk=workspace.pk).hub_days_after_close == 30
    # Left out, it stays as it is.
    assert client.post(url, settings_form(workspace)).status_code == 302
    assert Workspace.objects.get(pk=workspace.pk).hub_days_after_close == 30


def test_the_api_changes_how_long_links_stay_open(owner, api_client_for) -> None:
    api = api_client_for(owner)
    answer = api.patch(
        "/api/v1/workspace", {"hub_days_after_close": 14}, content_type="application/json"
    )
    assert answer.status_code == 200
    assert answer.json()["hub_days_after_close"] == 14
    refused = api.patch(
        "/api/v1/workspace", {"hub_days_after_close": 5000}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "hub_days_after_close"
    assert Workspace.objects.get(pk=owner.workspace.pk).hub_days_after_close == 14
