"""Read-only share links: made once, open the same report without an account, private and not
indexed; revoked, expired and unknown links do not open; only managers make and revoke them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.performance.models import ReportShare
from rapport.performance.services.shares import create_share, revoke_share
from rapport.performance.tests.report_helpers import seed_campaign
from rapport.testing.factories import CreatorEmailFactory
from rapport.workspaces.models import AuditEvent, Membership, Workspace, hash_secret
from rapport.workspaces.roles import Role


def shared(token: str) -> str:
    return reverse("shared:report", args=[token])


def test_a_manager_makes_a_link_that_opens_the_report_for_anyone(
    workspace: Workspace, manager: Membership, client_for: Callable[..., Client]
) -> None:
    seed = seed_campaign(workspace)
    CreatorEmailFactory.create(creator=seed.zoe.creator, email="zoe.private@example.com")
    url = reverse(
        "performance:report_share_create", kwargs={"ws": workspace.slug, "pk": seed.campaign.pk}
    )
    client = client_for(manager)
    response = client.post(url, {"days": "30"})
    report = reverse("performance:report", kwargs={"ws": workspace.slug, "pk": seed.campaign.pk})
    assert response.status_code == 302 and response["Location"] == report + "#share"
    page = client.get(report)
    link = re.search(r'id="new-share-url" value="([^"]+)"', page.content.decode())
    assert link, "the new link is shown once"
    token = link.group(1).rstrip("/").rsplit("/", 1)[-1]
    assert 'id="new-share-url"' not in client.get(report).content.decode()  # and only once
    share = ReportShare.objects.get(campaign=seed.campaign)
    assert share.token_hash == hash_secret(token)
    assert token not in str(ReportShare.objects.values_list().get())  # only the hash is kept
    assert share.expires_at - timezone.now() > dt.timedelta(days=29, hours=23)
    assert AuditEvent.objects.filter(kind="performance.report_shared").exists()

    visitor = Client()
    page = visitor.get(shared(token))
    assert page.status_code == 200
    body = page.content.decode()
    assert "$16.67" in body and "Zoé Laurent" in body and "Say the code on screen" in body
    assert page["Referrer-Policy"] == "no-referrer"
    assert "noindex" in page["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in body
    # Read-only and private: no navigation, no form, no e-mail address.
    assert "<form" not in body and '<nav class="container-fluid"' not in body
    assert "Recap for the creator" not in body
    assert "zoe.private@example.com" not in body
    share.refresh_from_db()
    assert share.last_viewed_at is not None


def test_revoked_and_expired_links_answer_410(
    workspace: Workspace, manager: Membership, client_for: Callable[..., Client]
) -> None:
    seed = seed_campaign(workspace)
    share, token = create_share(campaign=seed.campaign, actor=manager.user)
    assert Client().get(shared(token)).status_code == 200
    revoke = reverse(
        "performance:report_share_revoke",
        kwargs={"ws": workspace.slug, "pk": seed.campaign.pk, "share_id": share.pk},
    )
    assert client_for(manager).post(revoke).status_code == 302
    response = Client().get(shared(token))
    assert response.status_code == 410
    assert "was revoked" in response.content.decode()
    assert "$16.67" not in response.content.decode()

    old, old_token = create_share(campaign=seed.campaign, actor=manager.user, days=1)
    ReportShare.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = Client().get(shared(old_token))
    assert response.status_code == 410
    assert "has expired" in response.content.decode()


def test_unknown_tokens_are_404_then_slowed_down(workspace: Workspace) -> None:
    client = Client()
    for n in range(5):  # the first five are free, as on the hub's door
        response = client.get(shared(f"rpt_nothing{n}"))
        assert response.status_code == 404
        assert "No report is shared at this address" in response.content.decode()
    assert client.get(shared("rpt_nothing-more")).status_code == 429


def test_a_link_opens_its_campaign_only_and_only_managers_handle_links(
    workspace: Workspace,
    other_workspace: Workspace,
    member: Callable[..., Membership],
    client_for: Callable[..., Client],
) -> None:
    seed = seed_campaign(workspace)
    theirs = seed_campaign(other_workspace, name="Their Launch")
    their_share, their_token = create_share(campaign=theirs.campaign, actor=None)
    body = Client().get(shared(their_token)).content.decode()
    assert "Their Launch" in body and "Spring Glow" not in body
    manager = client_for(member(Role.MANAGER))
    # Another workspace's link cannot be revoked from here, even through our campaign.
    revoke = reverse(
        "performance:report_share_revoke",
        kwargs={"ws": workspace.slug, "pk": seed.campaign.pk, "share_id": their_share.pk},
    )
    assert manager.post(revoke).status_code == 404
    assert Client().get(shared(their_token)).status_code == 200
    viewer = client_for(member(Role.VIEWER))
    create = reverse(
        "performance:report_share_create", kwargs={"ws": workspace.slug, "pk": seed.campaign.pk}
    )
    assert viewer.post(create, {"days": "30"}).status_code == 403
    assert manager.post(create, {"days": "900"}).status_code == 422
    assert not ReportShare.objects.filter(campaign=seed.campaign).exists()


def test_revoking_twice_changes_nothing(workspace: Workspace, manager: Membership) -> None:
    seed = seed_campaign(workspace)
    share, _token = create_share(campaign=seed.campaign, actor=manager.user)
    first = revoke_share(share=share, actor=manager.user).revoked_at
    assert revoke_share(share=share, actor=manager.user).revoked_at == first
    assert AuditEvent.objects.filter(kind="performance.report_share_revoked").count() == 1


def test_the_api_makes_lists_and_revokes_links(
    workspace: Workspace, member: Callable[..., Membership], api_client_for: Callable[..., Any]
) -> None:
    seed = seed_campaign(workspace)
    api = api_client_for(member(Role.MANAGER))
    base = f"/api/v1/campaigns/{seed.campaign.pk}/report/shares"
    made = api.post(base, {"days": 7}, content_type="application/json")
    assert made.status_code == 201
    data = made.json()
    assert data["state"] == "active" and "/shared/rpt_" in data["url"]
    assert Client().get(data["url"]).status_code == 200
    listed = api.get(base).json()
    assert [s["id"] for s in listed] == [data["id"]] and "url" not in listed[0]
    revoked = api.post(f"{base}/{data['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    assert Client().get(data["url"]).status_code == 410
    viewer = api_client_for(member(Role.VIEWER))
    assert viewer.post(base, {}, content_type="application/json").status_code == 403
    assert api.post(base, {"days": 0}, content_type="application/json").status_code == 422
