"""The creator's recap on the hub: their results once live, the team's note, their payment's
status; no cost figures about their fee. The team writes the note on a page and by the API."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.finance.models import Invoice
from rapport.hub.tests.work_fixtures import visible_text
from rapport.performance.tests.figures_helpers import clicks, collaboration, post
from rapport.performance.tests.report_helpers import seed_campaign
from rapport.workspaces.models import AuditEvent, Membership, Workspace
from rapport.workspaces.roles import Role


def recap_of(page: str) -> str:
    found = re.search(r'<section id="recap".*?</section>', page, re.S)
    return re.sub(r"\s+", " ", found.group(0)) if found else ""


def test_a_live_creator_sees_their_results_note_and_payment(
    workspace: Workspace, hub_path: Callable[[Any], str]
) -> None:
    seed = seed_campaign(workspace)
    zoe = seed.zoe
    clicks(zoe, 40, bots=5)
    zoe.recap_note = "Your unboxing did best. Next: a second video in May."
    zoe.save()
    Invoice.objects.create(
        workspace=workspace, collaboration=zoe, number="INV-7", amount=Decimal("1500"),
        currency="USD", received_at=timezone.now(), due_on=dt.date(2026, 12, 1),
        status="scheduled", source="hub",
    )  # fmt: skip
    recap = recap_of(Client().get(hub_path(zoe)).content.decode())
    assert "Your recap" in recap and "Your results" not in recap
    assert "150,000" in recap  # impressions
    assert "6.00%" in recap  # their ER: 6,000 engagements / 100,000 reach
    assert "Clicks on your links</dt><dd>40<" in recap  # bots left out
    assert "Orders from your link or code</dt><dd>50<" in recap
    assert "$3,000" in recap  # 50 orders of $60
    assert "Next: a second video in May." in recap
    assert "Invoice INV-7: Payment scheduled." in recap
    # No cost figure about their fee, no recommendation.
    for hidden in ("CPM", "CPA", "ROAS", "Scale", "$1,500"):
        assert hidden not in recap, hidden


def test_a_figure_nobody_gave_is_a_dash_everywhere_and_no_orders_is_0(
    workspace: Workspace, hub_path: Callable[[Any], str]
) -> None:
    seed = seed_campaign(workspace)
    quiet = collaboration(seed.campaign, "900")
    post(quiet, reach=20_000, impressions=0, likes=300)  # views never given, no order
    text = visible_text(Client().get(hub_path(quiet)).content.decode())
    recap = text.split("Your recap", 1)[1]
    assert "Reach 20,000 Impressions 0 Views \N{EN DASH} Engagements 300" in recap  # totals
    assert "Orders from your link or code 0 Revenue $0" in recap
    assert "Post 1 on Instagram 20,000 0 \N{EN DASH} 300 1.50%" in recap  # the table
    results = text.split("Your results", 1)[1].split("Your recap", 1)[0]
    assert "reach 20,000, views \N{EN DASH}, engagements 300" in results


def test_no_recap_before_the_collaboration_is_live(
    workspace: Workspace, hub_path: Callable[[Any], str]
) -> None:
    seed = seed_campaign(workspace)
    seed.ben.stage = "approved"
    seed.ben.save()
    assert recap_of(Client().get(hub_path(seed.ben)).content.decode()) == ""


def test_the_team_writes_the_recap_note(
    workspace: Workspace,
    member: Callable[..., Membership],
    client_for: Callable[..., Client],
    api_client_for: Callable[..., Any],
) -> None:
    seed = seed_campaign(workspace)
    url = reverse("performance:recap_note", kwargs={"ws": workspace.slug, "pk": seed.cy.pk})
    viewer = client_for(member(Role.VIEWER))
    assert viewer.get(url).status_code == 200
    assert viewer.post(url, {"recap_note": "Nope"}).status_code == 403
    manager = client_for(member(Role.MANAGER))
    response = manager.post(url, {"recap_note": "  Shorter hooks next time.  "})
    assert response.status_code == 302
    seed.cy.refresh_from_db()
    assert seed.cy.recap_note == "Shorter hooks next time."
    event = AuditEvent.objects.get(kind="collaboration.recap_written")
    assert event.changes == {"recap_note": ["", "Shorter hooks next time."]}
    assert manager.post(url, {"recap_note": "x" * 4001}).status_code == 422

    api = api_client_for(member(Role.MANAGER))
    answer = api.put(
        f"/api/v1/collaborations/{seed.cy.pk}/recap",
        {"recap_note": "Try a tutorial format."},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert answer.json() == {"collaboration_id": seed.cy.pk, "recap_note": "Try a tutorial format."}
    reader = api_client_for(member(Role.VIEWER))
    assert reader.put(
        f"/api/v1/collaborations/{seed.cy.pk}/recap", {"recap_note": ""},
        content_type="application/json",
    ).status_code == 403  # fmt: skip
