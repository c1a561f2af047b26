"""The service dashboard page, the health section of a creator's page, and their API: the
numbers from real rows, each with its definition, a pinned number of queries, and isolation."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.campaigns.models import CollabStage, Moment
from rapport.performance.api import health as api_module
from rapport.performance.queries.health import DEFINITIONS
from rapport.performance.tests.health_helpers import (
    at,
    clock,
    deliverable,
    drafts,
    invoice,
    question,
    survey,
)
from rapport.testing.factories import CampaignFactory, CollaborationFactory, CreatorFactory


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def part(html: str, anchor: str) -> str:
    start = html.index(anchor)
    return html[start : html.index("</section>", start)]


@pytest.fixture
def collab(workspace, manager):
    """A paid collaboration with served questions, approvals, an invoice and a survey, all
    within the last weeks (the dashboard's default period)."""
    collaboration = CollaborationFactory.create(
        campaign=CampaignFactory.create(workspace=workspace),
        creator=CreatorFactory.create(workspace=workspace, name="Maya Lind"),
        owner=manager.user,
        stage=CollabStage.PAID,
    )
    now = timezone.now()
    ago = now - at()  # helpers count from a pinned moment; these rows are recent instead

    clock(collaboration, started=at(days=-3) + ago, hours=2)
    clock(collaboration, started=at(days=-3) + ago, hours=30)
    clock(collaboration, moment=Moment.FINAL_APPROVAL, started=at(days=-2) + ago, hours=6)
    invoice(collaboration, received=at(days=-12) + ago, paid_after_days=9)
    question(collaboration, received=at(days=-3) + ago, clarification=True)
    question(collaboration, received=at(days=-3) + ago)
    drafts(
        deliverable(collaboration, post_at=at(days=-9) + ago, went_live_at=at(days=-9) + ago),
        count=2,
        rating=4,
        sent=at(days=-4) + ago,
        review_days=2,
    )
    survey(collaboration, satisfaction=5, open_to_new_formats=True)
    return collaboration


def test_the_dashboard_shows_the_figures_with_their_definitions(collab, manager_client, workspace):
    answer = manager_client.get(reverse("performance:service", kwargs={"ws": workspace.slug}))
    assert answer.status_code == 200
    html = answer.content.decode()
    overall = text_of(part(html, 'id="overall-title"'))
    assert "Median first response 16 h 0 min" in overall  # (2 h + 30 h) / 2
    assert "Median approval time 6 h 0 min" in overall
    assert "Median days to pay 9 days" in overall
    assert "SLA attainment 67%" in overall  # 2 of 3 clocks met
    assert "Clarification rate 50%" in overall
    assert "Median days in review 2 days" in overall
    assert str(DEFINITIONS["sla_attainment"]) in overall
    creators = text_of(part(html, 'id="creators-title"'))
    assert "Maya Lind 16 h 0 min 6 h 0 min 9 days 67% 50% 2 days" in creators
    owners = text_of(part(html, 'id="owners-title"'))
    assert manager_name(collab) in owners
    assert f'title="{DEFINITIONS["median_days_to_pay"]}"' in html
    assert 'role="img"' in html and "SLA attainment per month" in html


def manager_name(collab) -> str:
    return collab.owner.name or collab.owner.email


def test_the_dashboards_query_count_does_not_grow_with_creators(
    collab, manager_client, workspace, django_assert_max_num_queries
):
    url = reverse("performance:service", kwargs={"ws": workspace.slug})
    manager_client.get(url)
    with django_assert_max_num_queries(29):
        manager_client.get(url)
    for n in range(5):
        more = CollaborationFactory.create(
            campaign=collab.campaign,
            creator=CreatorFactory.create(workspace=workspace, name=f"Creator {n}"),
            owner=collab.owner,
        )
        clock(more, started=timezone.now(), hours=1)
        question(more, received=timezone.now())
    with django_assert_max_num_queries(29):
        answer = manager_client.get(url)
    assert "Creator 4" in answer.content.decode()


def test_the_period_can_be_three_or_twelve_months(collab, manager_client, workspace):
    url = reverse("performance:service", kwargs={"ws": workspace.slug})
    three = manager_client.get(url, {"months": "3"}).content.decode()
    assert len(re.findall(r"<th scope=\"row\">\w+ \d{4}</th>", three)) == 3
    wrong = manager_client.get(url, {"months": "7"}).content.decode()
    assert len(re.findall(r"<th scope=\"row\">\w+ \d{4}</th>", wrong)) == 6


def test_another_workspaces_member_cannot_see_the_dashboard(collab, other_workspace, client_for):
    from rapport.testing.factories import MembershipFactory

    outsider = MembershipFactory.create(workspace=other_workspace)
    answer = client_for(outsider).get(
        reverse("performance:service", kwargs={"ws": collab.workspace.slug})
    )
    assert answer.status_code == 404


def test_the_creator_page_shows_their_health_and_the_brands_service(
    collab, manager_client, workspace
):
    answer = manager_client.get(
        reverse("creators:detail", kwargs={"ws": workspace.slug, "pk": collab.creator_id})
    )
    html = answer.content.decode()
    shown = text_of(part(html, 'id="health"'))
    assert "Relationship health" in shown
    assert "On-time delivery 100%" in shown
    assert "Drafts per deliverable 2" in shown
    assert "Content quality 4 / 5" in shown
    assert "Creator satisfaction 5 / 5" in shown
    assert "Open to new formats yes" in shown
    assert "Median days to pay 9 days" in shown
    assert "SLA attainment 67%" in shown
    assert str(DEFINITIONS["on_time_rate"]) in shown
    assert "How the score is worked out" in shown
    assert re.search(r"Score \d+ / 100", shown)


def test_a_creator_without_collaboration_says_so(manager_client, workspace):
    creator = CreatorFactory.create(workspace=workspace)
    html = manager_client.get(
        reverse("creators:detail", kwargs={"ws": workspace.slug, "pk": creator.pk})
    ).content.decode()
    assert "health shows once they are in a campaign" in text_of(part(html, 'id="health"'))


def test_the_api_gives_a_creators_health(collab, manager, api_client_for):
    answer = api_client_for(manager).get(f"/api/v1/creators/{collab.creator_id}/health")
    assert answer.status_code == 200
    body = answer.json()
    assert body["on_time_rate"] == "1"
    assert Decimal(body["quality_score"]) == 4
    assert body["open_to_new_formats"] is True
    assert Decimal(body["service"]["median_days_to_pay"]) == 9
    assert body["service"]["sla_met"] == 2 and body["service"]["sla_decided"] == 3
    assert body["score"] is not None


def test_the_api_refuses_another_workspaces_creator(collab, other_workspace, api_client_for):
    from rapport.testing.factories import MembershipFactory

    outsider = MembershipFactory.create(workspace=other_workspace)
    answer = api_client_for(outsider).get(f"/api/v1/creators/{collab.creator_id}/health")
    assert answer.status_code == 404


def test_the_api_gives_the_dashboard(collab, manager, api_client_for):
    client = api_client_for(manager)
    body = client.get("/api/v1/service-levels/dashboard").json()
    assert body["months"] == 6
    assert len(body["trend"]) == 6
    assert Decimal(body["overall"]["median_response_hours"]) == 16
    assert body["by_creator"][0]["label"] == "Maya Lind"
    assert body["by_creator"][0]["key"] == str(collab.creator_id)
    assert body["by_owner"][0]["key"] == str(collab.owner_id)
    moments = {row["moment"]: row for row in body["by_moment"]}
    assert moments["first_response"]["met"] == 1 and moments["first_response"]["missed"] == 1
    assert Decimal(moments["final_approval"]["median_hours"]) == 6
    assert client.get("/api/v1/service-levels/dashboard?months=5").status_code == 422


def test_the_api_schema_describes_every_figure():
    fields = api_module.ServiceLevelsOut.model_fields
    assert all(field.description for field in fields.values())
