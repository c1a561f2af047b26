"""In a real browser: an owner invites a teammate, who joins from the e-mailed link."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from rapport.conftest import login
from rapport.testing.factories import MembershipFactory, UserFactory, WorkspaceFactory
from rapport.workspaces.models import Membership


@pytest.mark.browser
def test_invitee_opens_the_emailed_link_sets_a_password_and_lands_in_the_workspace(
    transactional_db: None, live_server: Any, page: Any, settings: Any
) -> None:
    settings.RAPPORT_BASE_URL = live_server.url
    workspace = WorkspaceFactory.create(name="Lumen Skincare", slug="lumen")
    owner = MembershipFactory.create(
        workspace=workspace, role="owner", user=UserFactory.create(email="olivia@example.test")
    )

    login(page, live_server, owner.user.email)
    page.goto(f"{live_server.url}/w/lumen/members/")
    page.get_by_label("E-mail address").fill("tom@example.test")
    page.get_by_label("Role:", exact=True).select_option("manager")
    page.get_by_role("button", name="Send invitation").click()
    assert page.get_by_text("Invitation sent to tom@example.test.").is_visible()

    assert mail.outbox[-1].to == ["tom@example.test"]
    match = re.search(r"(http://\S+/invitations/\S+/)", str(mail.outbox[-1].body))
    assert match
    link = match.group(1)
    invitee = page.context.browser.new_context().new_page()
    invitee.goto(link)
    assert invitee.get_by_role("heading", name="Join Lumen Skincare on Rapport").is_visible()
    invitee.get_by_label("Your name").fill("Tom Tran")
    invitee.get_by_label("Choose a password").fill("seaside-lantern-42")
    invitee.get_by_label("Type the password again").fill("seaside-lantern-42")
    invitee.get_by_role("button", name="Create my account and join").click()
    invitee.wait_for_url(f"{live_server.url}/w/lumen/creators/")
    assert invitee.get_by_text("Welcome to Lumen Skincare.").is_visible()

    membership = Membership.objects.get(workspace=workspace, user__email="tom@example.test")
    assert membership.role == "manager"
    # The link was for one use only.
    invitee.goto(link)
    assert invitee.get_by_text("This invitation has already been used").is_visible()
