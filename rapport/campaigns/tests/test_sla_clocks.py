"""A clock's states over time, and acknowledging a missed deadline: both deadlines on record, the
creator told by e-mail in their own time zone, refused before the breach and to the wrong people."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from rapport.campaigns.models import Collaboration, Moment, Question, SlaClock
from rapport.campaigns.services import sla
from rapport.campaigns.services.sla import ClockState, Subject, start_clock, state_of, stop_clock
from rapport.campaigns.views.sla import collaboration_section
from rapport.testing.factories import CollaborationFactory, CreatorFactory
from rapport.workspaces.models import AuditEvent, Membership, Workspace
from rapport.workspaces.roles import Role
from rapport.workspaces.services import PermissionDenied

NY = ZoneInfo("America/New_York")
# Monday 2 March 2026, 10:00 in New York: a first response is due Tuesday 10:00.
START = dt.datetime(2026, 3, 2, 10, tzinfo=NY)
DUE = dt.datetime(2026, 3, 3, 10, tzinfo=NY)


@pytest.fixture
def collaboration(workspace: Workspace) -> Collaboration:
    workspace.time_zone = "America/New_York"
    workspace.save()
    creator = CreatorFactory.create(
        workspace=workspace, name="Ana Lima", time_zone="Pacific/Auckland",
        primary_email="ana@example.test",
    )  # fmt: skip
    return CollaborationFactory.create(
        workspace=workspace, creator=creator, campaign__workspace=workspace
    )


def question_clock(collaboration: Collaboration, owner: Any = None) -> SlaClock:
    question = Question.objects.create(
        workspace=collaboration.workspace,
        collaboration=collaboration,
        body="Can I post on Sunday instead?",
        received_at=START,
    )
    return start_clock(
        workspace=collaboration.workspace,
        moment=Moment.FIRST_RESPONSE,
        subject=Subject.of(question),
        started_at=START,
        collaboration=collaboration,
        owner=owner,
    )


def test_a_clock_is_on_track_then_due_soon_then_breached(collaboration: Collaboration) -> None:
    clock = question_clock(collaboration)
    assert clock.due_at == DUE
    assert state_of(clock, START + dt.timedelta(hours=1)) == ClockState.RUNNING
    # The last quarter of 24 hours is the last 6: due soon from 04:00 on Tuesday.
    assert state_of(clock, DUE - dt.timedelta(hours=6, minutes=1)) == ClockState.RUNNING
    assert state_of(clock, DUE - dt.timedelta(hours=6)) == ClockState.DUE_SOON
    assert state_of(clock, DUE) == ClockState.DUE_SOON
    assert state_of(clock, DUE + dt.timedelta(seconds=1)) == ClockState.BREACHED


def test_a_stopped_clock_is_met_or_missed_on_its_original_deadline(
    collaboration: Collaboration,
) -> None:
    clock = question_clock(collaboration)
    question = Question.objects.get()
    stopped = stop_clock(
        workspace=collaboration.workspace, moment=Moment.FIRST_RESPONSE,
        subject=Subject.of(question), stopped_at=DUE,
    )  # fmt: skip
    assert stopped is not None and state_of(stopped, DUE + dt.timedelta(days=9)) == ClockState.MET
    clock.stopped_at = DUE + dt.timedelta(minutes=1)
    assert state_of(clock) == ClockState.MISSED


def test_acknowledging_keeps_both_deadlines_and_emails_the_creator(
    collaboration: Collaboration, manager: Membership
) -> None:
    clock = question_clock(collaboration)
    now = DUE + dt.timedelta(hours=3)
    new_due = dt.datetime(2026, 3, 4, 12, tzinfo=NY)
    draft = sla.acknowledgement_draft(
        workspace=collaboration.workspace, clock=clock, new_due_at=new_due
    )
    # Her name, what is late, and the new deadline on her own clock (Auckland, a day ahead).
    assert draft.startswith("Hi Ana Lima,")
    assert "our answer to your question" in draft
    assert "Thursday 5 March 2026, 06:00 NZDT" in draft

    sla.acknowledge_breach(
        workspace=collaboration.workspace, actor=manager.user, clock=clock,
        new_due_at=new_due, message=draft, now=now,
    )  # fmt: skip
    clock.refresh_from_db()
    assert (clock.original_due_at, clock.due_at) == (DUE, new_due)
    assert clock.acknowledged_by == manager.user and clock.acknowledgement == draft
    assert state_of(clock, now) == ClockState.RUNNING  # towards the new deadline
    assert state_of(clock, now) != ClockState.MET
    [email] = mail.outbox
    assert email.to == ["ana@example.test"]
    assert email.body == draft
    assert "our answer to your question" in email.subject
    event = AuditEvent.objects.get(kind="sla.acknowledged")
    assert event.creator == collaboration.creator and event.campaign == collaboration.campaign
    # Readable on the timeline: local times in the workspace's zone, a short reason, the message.
    assert event.changes["deadline"] == ["Tue 3 Mar 2026, 10:00 EST", "Wed 4 Mar 2026, 12:00 EST"]
    assert event.changes["message_to_the_creator"] == ["", draft]
    assert event.reason == "New deadline given to the creator."
    # Stopped after the original deadline, it stays a miss whatever the new deadline says.
    clock.stopped_at = now + dt.timedelta(hours=1)
    assert state_of(clock) == ClockState.MISSED


def test_acknowledging_before_the_breach_is_refused(
    collaboration: Collaboration, manager: Membership
) -> None:
    clock = question_clock(collaboration)
    with pytest.raises(ValidationError) as refused:
        sla.acknowledge_breach(
            workspace=collaboration.workspace, actor=manager.user, clock=clock,
            new_due_at=DUE + dt.timedelta(days=2), message="Sorry", now=DUE - dt.timedelta(hours=1),
        )  # fmt: skip
    assert refused.value.message_dict == {"clock": ["This deadline has not passed yet."]}
    with pytest.raises(ValidationError) as bad:
        sla.acknowledge_breach(
            workspace=collaboration.workspace, actor=manager.user, clock=clock,
            new_due_at=DUE, message=" ", now=DUE + dt.timedelta(hours=1),
        )  # fmt: skip
    assert set(bad.value.message_dict) == {"new_due_at", "message"}
    clock.refresh_from_db()
    assert clock.due_at == DUE and clock.acknowledged_at is None
    assert mail.outbox == []


def test_only_the_owner_or_a_campaign_manager_may_acknowledge(
    collaboration: Collaboration, member: Any
) -> None:
    reviewer, other_reviewer = member(Role.REVIEWER), member(Role.REVIEWER)
    clock = question_clock(collaboration, owner=reviewer.user)
    later = DUE + dt.timedelta(hours=2)
    with pytest.raises(PermissionDenied):
        sla.acknowledge_breach(
            workspace=collaboration.workspace, actor=other_reviewer.user, clock=clock,
            new_due_at=later + dt.timedelta(days=1), message="Sorry", now=later,
        )  # fmt: skip
    sla.acknowledge_breach(
        workspace=collaboration.workspace, actor=reviewer.user, clock=clock,
        new_due_at=later + dt.timedelta(days=1), message="Sorry", now=later,
    )  # fmt: skip
    assert SlaClock.objects.get().acknowledged_by == reviewer.user


def test_the_acknowledge_page_prefills_the_message_and_sends_it(
    collaboration: Collaboration, manager: Membership, client_for: Any, monkeypatch: Any
) -> None:
    clock = question_clock(collaboration)
    now = DUE + dt.timedelta(hours=5)
    monkeypatch.setattr("rapport.campaigns.views.sla.now", lambda: now)
    manager.user.time_zone = "America/New_York"
    manager.user.save()
    client = client_for(manager)
    url = reverse("campaigns:sla_acknowledge", kwargs={"ws": "lumen", "pk": clock.pk})
    page = client.get(url).content.decode()
    assert "Breached" in page and "Hi Ana Lima," in page
    # The suggested deadline is one business day from now (Wednesday 15:00 New York).
    assert 'value="2026-03-04T15:00"' in page

    # The member picks another deadline and asks for the message again.
    redrafted = client.post(url, {"new_due_at": "2026-03-05T09:00", "message": "x", "redraft": "1"})
    assert "Friday 6 March 2026, 03:00 NZDT" in redrafted.content.decode()

    response = client.post(
        url, {"new_due_at": "2026-03-05T09:00", "message": "Sorry Ana, by Thursday."}, follow=True
    )
    assert "the message was e-mailed to ana@example.test" in response.content.decode()
    clock.refresh_from_db()
    assert clock.due_at == dt.datetime(2026, 3, 5, 9, tzinfo=NY)
    assert clock.original_due_at == DUE
    assert mail.outbox[0].body == "Sorry Ana, by Thursday."


def _prefilled(page: str) -> tuple[str, str]:
    """The message and the hidden deadline it was drafted for, as a browser would send them."""
    found = re.search(r'<textarea[^>]*name="message"[^>]*>\n?(.*?)</textarea>', page, re.S)
    drafted = re.search(r'name="drafted_for" value="([^"]+)"', page)
    assert found and drafted
    return html.unescape(found.group(1)).replace("\n", "\r\n"), drafted.group(1)


@pytest.fixture
def acknowledging(
    collaboration: Collaboration, manager: Membership, client_for: Any, monkeypatch: Any
) -> tuple[Any, str, SlaClock]:
    clock = question_clock(collaboration)
    monkeypatch.setattr("rapport.campaigns.views.sla.now", lambda: DUE + dt.timedelta(hours=5))
    manager.user.time_zone = "America/New_York"
    manager.user.save()
    url = reverse("campaigns:sla_acknowledge", kwargs={"ws": "lumen", "pk": clock.pk})
    return client_for(manager), url, clock


def test_a_draft_sent_unchanged_after_changing_the_deadline_names_the_new_deadline(
    acknowledging: tuple[Any, str, SlaClock],
) -> None:
    client, url, clock = acknowledging
    message, drafted_for = _prefilled(client.get(url).content.decode())
    # Drafted for Wednesday 15:00 New York, Thursday 09:00 in Auckland.
    assert drafted_for == "2026-03-04T15:00"
    assert "Thursday 5 March 2026, 09:00 NZDT" in message
    # The member moves the deadline a day and sends without rewriting the message.
    client.post(
        url, {"new_due_at": "2026-03-05T09:00", "message": message, "drafted_for": drafted_for}
    )
    clock.refresh_from_db()
    assert clock.due_at == dt.datetime(2026, 3, 5, 9, tzinfo=NY)
    [email] = mail.outbox
    assert "Friday 6 March 2026, 03:00 NZDT" in email.body
    assert "Thursday 5 March 2026" not in email.body
    assert clock.acknowledgement == email.body


def test_a_message_the_member_edited_is_sent_as_written(
    acknowledging: tuple[Any, str, SlaClock],
) -> None:
    client, url, _ = acknowledging
    message, drafted_for = _prefilled(client.get(url).content.decode())
    edited = message.replace("Sorry for the wait", "Apologies")
    client.post(
        url, {"new_due_at": "2026-03-05T09:00", "message": edited, "drafted_for": drafted_for}
    )
    [email] = mail.outbox
    # Their wording, old time included: Rapport does not guess what they meant.
    assert "Apologies" in email.body and "Thursday 5 March 2026, 09:00 NZDT" in email.body
    assert "Friday 6 March" not in email.body


def test_the_acknowledgement_reads_well_on_the_collaboration_timeline(
    acknowledging: tuple[Any, str, SlaClock], collaboration: Collaboration
) -> None:
    client, url, _ = acknowledging
    client.post(url, {"new_due_at": "2026-03-05T09:00", "message": "Sorry Ana, by Friday."})
    page = client.get(
        reverse("campaigns:collaboration", kwargs={"ws": "lumen", "pk": collaboration.pk})
    ).content.decode()
    timeline = page.split('class="timeline"')[1]
    assert "Deadline" in timeline
    assert "Tue 3 Mar 2026, 10:00 EST" in timeline and "Thu 5 Mar 2026, 09:00 EST" in timeline
    assert "Message to the creator" in timeline and "Sorry Ana, by Friday." in timeline
    assert "New deadline given to the creator." in timeline
    assert "+00:00" not in timeline


def test_the_acknowledge_page_shows_field_errors_and_refuses_other_roles(
    collaboration: Collaboration, manager: Membership, member: Any, client_for: Any,
    monkeypatch: Any,
) -> None:  # fmt: skip
    clock = question_clock(collaboration)
    monkeypatch.setattr("rapport.campaigns.views.sla.now", lambda: DUE + dt.timedelta(hours=1))
    url = reverse("campaigns:sla_acknowledge", kwargs={"ws": "lumen", "pk": clock.pk})
    page = client_for(manager).post(url, {"new_due_at": "2026-03-01T09:00", "message": "Sorry"})
    assert "The new deadline must be in the future." in page.content.decode()
    assert client_for(member(Role.VIEWER)).get(url).status_code == 403
    assert mail.outbox == []


def test_the_collaboration_section_shows_states_and_both_deadlines(
    collaboration: Collaboration, manager: Membership, member: Any, monkeypatch: Any
) -> None:
    clock = question_clock(collaboration)
    now = DUE + dt.timedelta(hours=2)
    monkeypatch.setattr("rapport.campaigns.views.sla.now", lambda: now)

    def section(membership: Membership) -> str:
        request = RequestFactory().get("/")
        request.workspace = collaboration.workspace  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        context = collaboration_section(request, collaboration)
        return render_to_string(
            "campaigns/_sla_section.html", {**context, "workspace": collaboration.workspace}
        )

    html = section(manager)
    assert "Breached" in html and "Acknowledge" in html
    assert "Tue 3 Mar 2026, 15:00 UTC" in html  # the viewer's time zone (UTC here)
    assert "Wed 4 Mar, 04:00 NZDT for the creator" in html
    assert "Acknowledge" not in section(member(Role.VIEWER)).split("</thead>")[1]

    sla.acknowledge_breach(
        workspace=collaboration.workspace, actor=manager.user, clock=clock,
        new_due_at=now + dt.timedelta(days=1), message="Sorry", now=now,
    )  # fmt: skip
    html = section(manager)
    assert "<del" in html and "Tue 3 Mar 2026, 15:00 UTC" in html  # the original, crossed out
    assert "Wed 4 Mar 2026, 17:00 UTC" in html  # the new one
    assert "On track" in html and "Delay acknowledged by" in html


def test_the_collaboration_page_carries_the_section(
    collaboration: Collaboration, manager: Membership, client_for: Any, monkeypatch: Any
) -> None:
    clock = question_clock(collaboration)
    monkeypatch.setattr("rapport.campaigns.views.sla.now", lambda: DUE + dt.timedelta(hours=1))
    url = reverse("campaigns:collaboration", kwargs={"ws": "lumen", "pk": collaboration.pk})
    page = client_for(manager).get(url).content.decode()
    assert 'id="sla-heading"' in page and "Breached" in page
    assert reverse("campaigns:sla_acknowledge", kwargs={"ws": "lumen", "pk": clock.pk}) in page
