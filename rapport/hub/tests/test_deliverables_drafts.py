"""A creator on the hub sees what to make and by when, sends drafts (files or links, versioned),
reads the reviewer's notes, and marks a deliverable posted; the team hears of each."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from rapport.campaigns.models import Moment, SlaClock, Submission, Verdict
from rapport.campaigns.services import reviews
from rapport.hub.tests.work_fixtures import (
    Setting,
    collaboration_setting,
    pdf_file,
    png_file,
    visible_text,
)
from rapport.testing.factories import DeliverableFactory
from rapport.workspaces.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(workspace) -> Setting:
    return collaboration_setting(workspace)


def reel(setting: Setting, **values):
    defaults = {
        "approval_stages": ["concept", "final"],
        "disclosure": "#ad @lumen",
        "description": "Morning routine with the serum",
        "post_at": dt.datetime(2030, 3, 15, 17, 0, tzinfo=dt.UTC),
        "final_approval_due": dt.datetime(2030, 3, 13, 17, 0, tzinfo=dt.UTC),
    }
    return DeliverableFactory.create(collaboration=setting.collaboration, **(defaults | values))


def page_text(setting: Setting) -> str:
    response = Client().get(setting.path)
    assert response.status_code == 200
    return response.content.decode()


def send(setting: Setting, position: int = 1, **data: Any) -> Any:
    return Client().post(setting.url(f"deliverables/{position}/draft/"), data)


def test_each_deliverable_is_numbered_with_its_dates_in_the_creators_zone(setting) -> None:
    first = reel(setting)
    reel(setting, kind="story", approval_stages=[], post_at=None, final_approval_due=None)
    html = page_text(setting)
    assert "Deliverable 1</h3>" not in html  # the heading says what it is too
    assert "Deliverable 1: 1 \u00d7 Reel · Instagram" in html
    assert "Deliverable 2: 1 \u00d7 Story frame · Instagram" in html
    # 17:00 UTC is 18:00 in Paris in March; the final approval is due two days before.
    assert "Fri 15 Mar, 18:00</time> (Europe/Paris)" in html
    assert "Wed 13 Mar, 18:00</time> (Europe/Paris)" in html
    assert "#ad @lumen" in html
    assert "Morning routine with the serum" in html
    assert "Waiting for your draft" in html
    assert "Date to be agreed" in html
    assert f"/{first.pk}/" not in html.replace("deliverables/1/", "")


def test_a_png_draft_is_listed_goes_to_review_and_the_team_hears_of_it(setting) -> None:
    reel(setting)
    response = send(setting, stage="concept", file=png_file("morning look.png"), note="Take 1")
    assert response.status_code == 302
    assert response["Location"].endswith("#deliverable-1")

    html = Client().get(response["Location"]).content.decode()
    assert "Concept, version 1" in html
    assert "morning_look.png" in html
    assert "Draft in review" in html
    assert "Waiting for the reviewer." in html

    submission = Submission.objects.get()
    assert submission.submitted_by is None and submission.note == "Take 1"
    assert SlaClock.objects.get(subject_id=submission.pk).moment == Moment.CONCEPT_APPROVAL
    told = {n.recipient.name: n.text for n in Notification.objects.select_related("recipient")}
    assert told["Rex Reviewer"].startswith("To review: Mia Laurent submitted")
    assert told["Olivia Owner"] == (
        "Mia Laurent sent Concept v1 of deliverable 1 (Reel on Instagram) for review"
    )
    event = AuditEvent.objects.get(kind="submission.created")
    assert event.actor_label == "Mia Laurent"
    assert event.campaign == setting.collaboration.campaign


def test_a_pdf_and_a_link_are_accepted_too(setting) -> None:
    reel(setting)
    reel(setting, approval_stages=["script"])
    assert send(setting, stage="concept", file=pdf_file()).status_code == 302
    answer = send(setting, 2, stage="script", link="https://drive.example.com/d/abc")
    assert answer.status_code == 302
    html = page_text(setting)
    assert "script.pdf" in html
    assert 'href="https://drive.example.com/d/abc" rel="noopener noreferrer"' in html


def test_changes_requested_shows_the_notes_and_a_second_version_follows(setting) -> None:
    reel(setting)
    send(setting, stage="concept", link="https://drive.example.com/v1")
    reviews.decide(
        submission=Submission.objects.get(),
        actor=setting.reviewer,
        verdict=Verdict.CHANGES_REQUESTED,
        note="Show the serum's label in the first three seconds.",
        rating=2,
    )
    html = page_text(setting)
    assert "Changes requested" in html
    text = visible_text(html)
    assert (
        "Changes requested The reviewer's notes: Show the serum's label in the first three" in text
    )
    assert "Rex Reviewer" not in html  # the reviewer's name and rating stay inside
    assert "2/5" not in html and "rating" not in html.lower()

    send(setting, stage="concept", file=png_file("take2.png"))
    html = page_text(setting)
    assert "Concept, version 2" in html and "take2.png" in html
    assert html.index("Concept, version 2") < html.index("Concept, version 1")
    assert "Draft in review" in html


def test_after_approval_the_next_stage_is_offered_and_then_posting(setting) -> None:
    reel(setting)
    send(setting, stage="concept", link="https://drive.example.com/v1")
    reviews.decide(
        submission=Submission.objects.get(), actor=setting.reviewer, verdict=Verdict.APPROVED
    )
    html = page_text(setting)
    assert "Waiting for your draft" in html
    assert '<option value="final" selected>Final</option>' in html
    assert '<option value="concept"' not in html  # approved: nothing more to send there
    assert "Mark as posted" not in html

    refused = send(setting, stage="concept", link="https://drive.example.com/again")
    assert refused.status_code == 422
    assert "Choose what this draft is: Final." in refused.content.decode()

    send(setting, stage="final", link="https://drive.example.com/final")
    final = Submission.objects.get(stage="final")
    reviews.decide(
        submission=final,
        actor=setting.reviewer,
        verdict=Verdict.APPROVED_WITH_EDITS,
        note="Trim the outro.",
    )
    html = page_text(setting)
    assert "Approved with edits: make them, then post" in html
    assert "Trim the outro." in html
    assert "Mark as posted" in html
    assert "Send a draft" not in html


def test_marking_posted_records_it_live_and_tells_the_owner(setting) -> None:
    reel(setting, approval_stages=[])
    assert "Approved, ready to post" in page_text(setting)
    client = Client()
    response = client.post(
        setting.url("deliverables/1/posted/"),
        {"live_url": "https://instagram.com/p/xyz", "went_live_at": "2024-03-15T18:05"},
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Deliverable 1 is marked live. Thank you!" in html
    assert 'href="https://instagram.com/p/xyz"' in html
    assert "Fri 15 Mar, 18:05</time> (Europe/Paris)" in html
    deliverable = setting.collaboration.deliverables.get()
    assert deliverable.went_live_at == dt.datetime(2024, 3, 15, 17, 5, tzinfo=dt.UTC)
    assert AuditEvent.objects.filter(kind="deliverable.live", actor_label="Mia Laurent").exists()
    note = Notification.objects.get(recipient=setting.owner)
    assert note.text.startswith("Mia Laurent posted deliverable 1 (Reel on Instagram)")


def test_posting_before_approval_or_a_bad_address_is_refused_with_the_reason(setting) -> None:
    reel(setting)
    early = Client().post(setting.url("deliverables/1/posted/"), {"live_url": "https://x.test/p"})
    assert early.status_code == 422
    assert "Wait for your draft to be approved before you post it." in early.content.decode()

    reel(setting, approval_stages=[])
    bad = Client().post(setting.url("deliverables/2/posted/"), {"live_url": "instagram.com/p"})
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "Give the post's full address, starting with https://." in visible_text(html)
    assert 'value="instagram.com/p"' in html
    assert setting.collaboration.deliverables.filter(went_live_at__isnull=False).count() == 0
    assert not Notification.objects.filter(recipient=setting.owner).exists()


def test_a_position_that_does_not_exist_is_a_404(setting) -> None:
    reel(setting)
    assert send(setting, 2, stage="concept", link="https://x.test/a").status_code == 404
    assert send(setting, 0, stage="concept", link="https://x.test/a").status_code == 404
    # A form's address opened directly (e.g. reloaded after a refusal) goes back to the page.
    assert Client().get(setting.url("deliverables/1/draft/")).status_code == 302


def test_another_collaborations_link_cannot_reach_these_deliverables(workspace, setting) -> None:
    reel(setting)
    other = collaboration_setting(workspace, name="Noah Kim", shipping_address="1 Main St")
    html = page_text(other)
    assert "Morning routine" not in html and "Mia Laurent" not in html
    assert send(other, 1, stage="concept", link="https://x.test/a").status_code == 404
    assert not Submission.objects.exists()
