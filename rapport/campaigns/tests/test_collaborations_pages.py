"""The board, the table, the stage endpoint, invitations, the collaboration page and questions,
as a member uses them through the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rapport.campaigns.models import Collaboration, CollabStage, Moment, Question, SlaClock
from rapport.campaigns.services.collaborations import change_stage
from rapport.creators.models import SavedView, Stage
from rapport.testing.factories import (
    CampaignFactory,
    CollaborationFactory,
    CreatorFactory,
    SocialAccountFactory,
)
from rapport.workspaces.models import AuditEvent


@pytest.fixture
def campaign(workspace, manager):
    return CampaignFactory.create(workspace=workspace, name="Summer glow", owner=manager.user)


def add(campaign, name, *, tier="micro", platform="instagram", owner=None, stage="invited"):
    creator = CreatorFactory.create(workspace=campaign.workspace, name=name, tier=tier)
    SocialAccountFactory.create(creator=creator, platform=platform)
    return CollaborationFactory.create(campaign=campaign, creator=creator, owner=owner, stage=stage)


def board_url(campaign, view="board", query=""):
    return f"/w/{campaign.workspace.slug}/campaigns/{campaign.pk}/{view}/" + (
        f"?{query}" if query else ""
    )


def test_the_board_shows_a_column_per_stage_with_counts_and_cards(
    manager_client, campaign, manager
) -> None:
    add(campaign, "Ava Martin", owner=manager.user)
    add(campaign, "Noah Kim", tier="mid", platform="tiktok", stage="negotiating")
    html = manager_client.get(board_url(campaign)).content.decode()
    for label in (
        "Invited",
        "Negotiating",
        "Contracted",
        "Paid",
        "Closed",
        "Declined",
        "Cancelled",
    ):
        assert f'>{label} <span class="badge board-count"' in html
    assert "Ava Martin" in html and "Noah Kim" in html
    assert "TikTok" in html and "Mid" in html and str(manager.user) in html
    # Each card offers only the moves the lifecycle allows.
    ava = Collaboration.objects.get(creator__name="Ava Martin")
    card = html[html.index(f'id="card-{ava.pk}"') :]
    card = card[: card.index("</li>")]
    assert 'value="negotiating"' in card and 'value="paid"' not in card


def test_the_board_filters_by_owner_tier_and_platform(manager_client, campaign, manager) -> None:
    add(campaign, "Ava Martin", owner=manager.user)
    add(campaign, "Noah Kim", tier="mid", platform="tiktok")
    add(campaign, "Zoe Rossi", tier="mega", platform="youtube")
    html = manager_client.get(
        board_url(campaign, query=f"owner={manager.user.pk}")
    ).content.decode()
    assert "Ava Martin" in html and "Noah Kim" not in html
    html = manager_client.get(board_url(campaign, query="tier=mid&tier=mega")).content.decode()
    assert "Noah Kim" in html and "Zoe Rossi" in html and "Ava Martin" not in html
    html = manager_client.get(board_url(campaign, query="platform=youtube")).content.decode()
    assert "Zoe Rossi" in html and "Noah Kim" not in html
    html = manager_client.get(board_url(campaign, query="owner=none")).content.decode()
    assert "Noah Kim" in html and "Ava Martin" not in html
    # htmx gets the board alone.
    partial = manager_client.get(board_url(campaign, query="tier=mid"), HTTP_HX_REQUEST="true")
    assert partial.content.decode().startswith('<div id="board-area"')
    bad = manager_client.get(board_url(campaign, query="tier=giant")).content.decode()
    assert "Unknown value: giant." in bad


def test_the_table_shows_the_same_data_with_cost_and_stage_date(manager_client, campaign) -> None:
    ava = add(campaign, "Ava Martin")
    Collaboration.objects.filter(pk=ava.pk).update(committed_cost="1880.00", currency="USD")
    change_stage(collaboration=ava, stage=CollabStage.NEGOTIATING, actor=None)
    add(campaign, "Noah Kim", tier="mid")
    html = manager_client.get(board_url(campaign, "collaborations")).content.decode()
    assert "1,880.00 USD" in html and "Negotiating" in html and "Noah Kim" in html
    html = manager_client.get(board_url(campaign, "collaborations", "tier=mid")).content.decode()
    assert "Noah Kim" in html and "Ava Martin" not in html


@pytest.mark.parametrize("view", ["board", "collaborations"])
def test_board_and_table_queries_do_not_grow_with_rows(
    manager_client, campaign, manager, django_assert_max_num_queries, view
) -> None:
    for n in range(3):
        add(campaign, f"Creator {n:02}", owner=manager.user)
    with django_assert_max_num_queries(13) as few:
        manager_client.get(board_url(campaign, view))
    for n in range(3, 70):
        add(campaign, f"Creator {n:02}", owner=manager.user, platform="tiktok")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = manager_client.get(board_url(campaign, view))
    assert "Creator 19" in response.content.decode()


def test_a_column_over_the_cap_draws_20_cards_and_links_to_the_rest(
    manager_client, campaign, manager
) -> None:
    for n in range(53):
        add(campaign, f"Creator {n:02}", owner=manager.user)
    add(campaign, "Zoe Rossi", stage="negotiating")
    html = manager_client.get(board_url(campaign)).content.decode()
    invited = html[html.index('data-stage="invited"') : html.index('data-stage="negotiating"')]
    assert invited.count('class="board-card"') == 20
    assert "Creator 19" in invited and "Creator 20" not in html  # the first 20 by name
    assert invited.index("Creator 00") < invited.index("Creator 10") < invited.index("Creator 19")
    assert '<span class="badge board-count" data-count>53</span>' in invited
    assert "+33 more: see them in the table" in invited
    assert f'href="/w/lumen/campaigns/{campaign.pk}/collaborations/?stage=invited"' in invited
    assert "54 creators" in html
    # A column under the cap has every card and no link; filters carry into the link.
    negotiating = html[html.index('data-stage="negotiating"') :]
    assert "Zoe Rossi" in negotiating and "more: see them" not in negotiating
    filtered = manager_client.get(board_url(campaign, query=f"owner={manager.user.pk}"))
    assert f"?stage=invited&amp;owner={manager.user.pk}" in filtered.content.decode()


def test_the_table_is_paginated_and_filters_by_stage(manager_client, campaign, manager) -> None:
    for n in range(53):
        add(campaign, f"Creator {n:02}", owner=manager.user)
    add(campaign, "Zoe Rossi", stage="negotiating")
    first = manager_client.get(board_url(campaign, "collaborations")).content.decode()
    assert first.count("/w/lumen/campaigns/collaborations/") == 50
    assert "54 creators" in first and "Page 1 of 2" in first
    assert 'href="?page=2"' in first and "Zoe Rossi" not in first
    second = manager_client.get(board_url(campaign, "collaborations", "page=2")).content.decode()
    assert second.count("/w/lumen/campaigns/collaborations/") == 4
    assert "Creator 50" in second and "Zoe Rossi" in second and "Creator 49" not in second
    assert 'href="?page=1"' in second and "Page 2 of 2" in second
    # The stage filter (the board's "+N more" link) narrows the table and stays in page links.
    invited = manager_client.get(
        board_url(campaign, "collaborations", "stage=invited")
    ).content.decode()
    assert "53 creators" in invited and "Zoe Rossi" not in invited
    assert 'href="?stage=invited&amp;page=2"' in invited
    assert 'name="stage" value="invited" checked' in invited
    last = manager_client.get(
        board_url(campaign, "collaborations", "stage=invited&page=2")
    ).content.decode()
    assert "Creator 52" in last and "Zoe Rossi" not in last
    partial = manager_client.get(
        board_url(campaign, "collaborations", "page=2"), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert partial.startswith('<div id="table-area"') and "Zoe Rossi" in partial


def test_the_stage_endpoint_answers_the_board_in_json(manager_client, campaign) -> None:
    ava = add(campaign, "Ava Martin")
    url = f"/w/lumen/campaigns/collaborations/{ava.pk}/stage/"
    refused = manager_client.post(url, {"stage": "paid"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 422
    assert "cannot go from Invited to Paid" in refused.json()["message"]
    moved = manager_client.post(url, {"stage": "negotiating"}, HTTP_ACCEPT="application/json")
    assert moved.status_code == 200
    body = moved.json()
    assert body["stage"] == "negotiating" and 'data-stage="negotiating"' in body["card"]
    ava.refresh_from_db()
    assert ava.stage == "negotiating"
    needs = manager_client.post(url, {"stage": "declined"}, HTTP_ACCEPT="application/json")
    assert needs.status_code == 422 and "Say why" in needs.json()["message"]


def test_the_move_form_works_without_javascript(manager_client, campaign) -> None:
    ava = add(campaign, "Ava Martin")
    back = board_url(campaign, query="tier=micro")
    response = manager_client.post(
        f"/w/lumen/campaigns/collaborations/{ava.pk}/stage/",
        {"stage": "cancelled", "reason": "Budget cut", "next": back},
    )
    assert response.status_code == 302 and response["Location"] == back
    ava.refresh_from_db()
    assert ava.stage == "cancelled"
    assert AuditEvent.objects.get(kind="collaboration.stage").reason == "Budget cut"


def test_a_viewer_sees_the_board_but_cannot_move_cards(member, client_for, campaign) -> None:
    ava = add(campaign, "Ava Martin")
    viewer = client_for(member("viewer"))
    html = viewer.get(board_url(campaign)).content.decode()
    assert "Ava Martin" in html and "move-form" not in html and "draggable" not in html
    response = viewer.post(
        f"/w/lumen/campaigns/collaborations/{ava.pk}/stage/", {"stage": "negotiating"}
    )
    assert response.status_code == 403


def test_invite_from_a_saved_view_with_a_warning_then_a_reason(
    manager_client, campaign, workspace, manager
) -> None:
    ava = CreatorFactory.create(workspace=workspace, name="Ava Martin", tier="micro")
    zoe = CreatorFactory.create(
        workspace=workspace, name="Zoe Rossi", tier="micro", stage=Stage.DO_NOT_CONTACT
    )
    CreatorFactory.create(workspace=workspace, name="Big Star", tier="mega")
    view = SavedView.objects.create(
        workspace=workspace, owner=manager.user, name="Micro", query="tier=micro"
    )
    url = f"/w/lumen/campaigns/{campaign.pk}/invite/"
    html = manager_client.get(url + f"?view={view.pk}").content.decode()
    assert "Ava Martin" in html and "Zoe Rossi" in html and "Big Star" not in html
    warned = manager_client.post(url, {"ids": [ava.pk, zoe.pk]})
    assert warned.status_code == 400
    text = warned.content.decode()
    assert "Zoe Rossi</strong>: marked do-not-contact" in text
    assert "Give a reason" not in text
    assert not Collaboration.objects.exists()
    # Sent back from the warning form with no reason: the page says what is missing.
    blank = manager_client.post(url, {"ids": [ava.pk, zoe.pk], "reason": ""})
    assert blank.status_code == 400
    assert "Give a reason to invite the creators listed above" in blank.content.decode()
    assert not Collaboration.objects.exists()
    done = manager_client.post(url, {"ids": [ava.pk, zoe.pk], "reason": "She asked to join"})
    assert done.status_code == 302
    assert set(Collaboration.objects.values_list("creator__name", flat=True)) == {
        "Ava Martin",
        "Zoe Rossi",
    }
    again = manager_client.post(url, {"ids": [ava.pk]}, follow=True).content.decode()
    assert (
        "0 creators invited." in again and "Already in the campaign, skipped: Ava Martin." in again
    )


def test_invite_by_search(manager_client, campaign, workspace) -> None:
    CreatorFactory.create(workspace=workspace, name="Ava Martin", search_text="ava martin")
    CreatorFactory.create(workspace=workspace, name="Noah Kim", search_text="noah kim")
    html = manager_client.get(f"/w/lumen/campaigns/{campaign.pk}/invite/?q=ava").content.decode()
    assert "Ava Martin" in html and "Noah Kim" not in html


def test_the_collaboration_page_shows_everything_and_changes_owner_and_note(
    manager_client, campaign, manager, owner
) -> None:
    ava = add(campaign, "Ava Martin", owner=manager.user)
    url = f"/w/lumen/campaigns/collaborations/{ava.pk}/"
    html = manager_client.get(url).content.decode()
    assert "Ava Martin" in html and "Summer glow" in html
    assert "Can move to:" in html and "Negotiating, Declined, Cancelled" in html
    assert 'id="offers"' in html and 'id="questions"' in html and 'id="timeline"' in html
    manager_client.post(url + "owner/", {"owner": owner.user.pk})
    manager_client.post(url + "note/", {"note": "Film outdoors, please"})
    ava.refresh_from_db()
    assert ava.owner == owner.user and ava.note == "Film outdoors, please"
    html = manager_client.get(url).content.decode()
    assert "note for the creator changed" in html and "owner changed" in html


def test_a_question_starts_the_first_response_clock_and_the_answer_stops_it(
    manager_client, campaign, manager
) -> None:
    ava = add(campaign, "Ava Martin", owner=manager.user)
    url = f"/w/lumen/campaigns/collaborations/{ava.pk}/"
    received = timezone.localtime(timezone.now() - dt.timedelta(hours=2)).replace(
        second=0, microsecond=0
    )
    response = manager_client.post(
        url + "questions/",
        {
            "body": "Can I post on Saturday instead?",
            "received_at": received.strftime("%Y-%m-%dT%H:%M"),
            "is_clarification": "on",
        },
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.is_clarification and question.received_at == received
    clock = SlaClock.objects.get(moment=Moment.FIRST_RESPONSE)
    assert clock.started_at == received and clock.owner == manager.user
    assert clock.collaboration == ava and clock.stopped_at is None
    html = manager_client.get(url).content.decode()
    assert "Can I post on Saturday instead?" in html
    manager_client.post(f"/w/lumen/campaigns/questions/{question.pk}/answer/", {"answer": "Yes"})
    clock.refresh_from_db()
    question.refresh_from_db()
    assert clock.stopped_at is not None and question.answer == "Yes"
    assert question.answered_by == manager.user
    empty = manager_client.post(url + "questions/", {"body": ""})
    assert empty.status_code == 400


def test_another_workspaces_collaboration_is_a_404(manager_client, other_workspace) -> None:
    theirs = CollaborationFactory.create(campaign=CampaignFactory.create(workspace=other_workspace))
    assert manager_client.get(f"/w/lumen/campaigns/collaborations/{theirs.pk}/").status_code == 404
    response = manager_client.post(
        f"/w/lumen/campaigns/collaborations/{theirs.pk}/stage/", {"stage": "negotiating"}
    )
    assert response.status_code == 404


def test_the_creators_page_lists_their_collaborations_in_one_query(
    manager_client, campaign, workspace, django_assert_max_num_queries
) -> None:
    ava = add(campaign, "Ava Martin", stage="negotiating")
    url = f"/w/lumen/creators/{ava.creator.pk}/"
    with django_assert_max_num_queries(40) as first:
        html = manager_client.get(url).content.decode()
    assert "Summer glow" in html and "Negotiating" in html
    assert f"/w/lumen/campaigns/collaborations/{ava.pk}/" in html
    for n in range(4):
        other = CampaignFactory.create(workspace=workspace, name=f"Campaign {n}")
        CollaborationFactory.create(campaign=other, creator=ava.creator)
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = manager_client.get(url).content.decode()
    assert "Campaign 3" in html
