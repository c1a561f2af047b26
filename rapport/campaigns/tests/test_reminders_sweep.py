"""The background sweep: due-soon and breach notices go to the owner once each, in the app and by
e-mail; the daily digest goes out once per day in each member's morning; the commands run it."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from rapport.campaigns.models import Collaboration, Moment, SlaClock, Submission
from rapport.campaigns.services import reminders
from rapport.campaigns.services.sla import Subject, acknowledge_breach, start_clock
from rapport.testing.factories import CampaignFactory, CollaborationFactory, DeliverableFactory
from rapport.workspaces.management.commands.worker import schedule_sweeps
from rapport.workspaces.models import Membership, Notification, Workspace
from rapport.workspaces.roles import Role

UTC = dt.UTC
START = dt.datetime(2026, 3, 2, 14, tzinfo=UTC)  # Monday; first response due Tuesday 14:00 UTC
DUE = dt.datetime(2026, 3, 3, 14, tzinfo=UTC)


@pytest.fixture
def owned(workspace: Workspace, manager: Membership) -> tuple[Collaboration, SlaClock]:
    collaboration = CollaborationFactory.create(
        workspace=workspace, campaign__workspace=workspace, creator__name="Noor"
    )
    clock = start_clock(
        workspace=workspace, moment=Moment.FIRST_RESPONSE, subject=Subject("question", 1),
        started_at=START, collaboration=collaboration, owner=manager.user,
    )  # fmt: skip
    return collaboration, clock


def test_due_soon_then_breach_each_once(owned: Any, manager: Membership) -> None:
    _collaboration, clock = owned
    assert reminders.sweep_clocks(START + dt.timedelta(hours=1)).due_soon == 0
    soon = DUE - dt.timedelta(hours=3)
    assert reminders.sweep_clocks(soon).due_soon == 1
    assert reminders.sweep_clocks(soon + dt.timedelta(minutes=5)).due_soon == 0
    [note] = Notification.objects.filter(recipient=manager.user)
    assert note.text.startswith("Due soon: First response to a creator's question for Noor")
    assert note.url == f"/w/lumen/campaigns/collaborations/{clock.collaboration_id}/"
    [email] = mail.outbox
    assert email.to == [manager.user.email] and "Due soon" in email.subject
    assert "http://127.0.0.1:8000/w/lumen/campaigns/collaborations/" in email.body

    late = DUE + dt.timedelta(minutes=1)
    assert reminders.sweep_clocks(late).breached == 1
    assert reminders.sweep_clocks(late + dt.timedelta(hours=1)).breached == 0
    assert Notification.objects.filter(recipient=manager.user).count() == 2
    assert len(mail.outbox) == 2 and "Breached" in mail.outbox[1].subject
    assert "acknowledge the delay" in mail.outbox[1].body
    clock.refresh_from_db()
    assert clock.breach_sent_at == late and clock.due_soon_sent_at == soon


def test_a_clock_found_already_breached_gets_only_the_breach_notice(owned: Any) -> None:
    result = reminders.sweep_clocks(DUE + dt.timedelta(days=2))
    assert (result.due_soon, result.breached) == (0, 1)
    assert reminders.sweep_clocks(DUE + dt.timedelta(days=3)).due_soon == 0
    assert len(mail.outbox) == 1


def test_an_acknowledged_breach_is_watched_again_towards_its_new_deadline(
    owned: Any, manager: Membership, workspace: Workspace
) -> None:
    _collaboration, clock = owned
    reminders.sweep_clocks(DUE + dt.timedelta(hours=1))
    new_due = DUE + dt.timedelta(days=2)
    acknowledge_breach(
        workspace=workspace, actor=manager.user, clock=clock, new_due_at=new_due,
        message="Sorry", now=DUE + dt.timedelta(hours=2),
    )  # fmt: skip
    assert reminders.sweep_clocks(new_due - dt.timedelta(hours=1)).due_soon == 1
    assert reminders.sweep_clocks(new_due + dt.timedelta(hours=1)).breached == 1


def test_stopped_clocks_and_other_workspaces_clocks_stay_quiet(owned: Any) -> None:
    _collaboration, clock = owned
    clock.stopped_at = START + dt.timedelta(hours=2)
    clock.save()
    assert reminders.sweep_clocks(DUE + dt.timedelta(days=1)).breached == 0
    assert mail.outbox == [] and not Notification.objects.exists()


def test_the_digest_goes_out_once_a_day_in_the_members_morning(
    owned: Any, manager: Membership, member: Any, workspace: Workspace
) -> None:
    collaboration, _clock = owned
    manager.user.time_zone = "Asia/Tokyo"
    manager.user.save()
    campaign = collaboration.campaign
    campaign.decision_maker = manager.user
    campaign.save()
    deliverable = DeliverableFactory.create(
        workspace=workspace, collaboration=collaboration, post_at=START
    )
    Submission.objects.create(
        workspace=workspace, deliverable=deliverable, stage="concept", version=2,
        submitted_at=START,
    )  # fmt: skip
    quiet = member(Role.VIEWER)  # nothing to report: no e-mail, but the day is done
    tokyo = ZoneInfo("Asia/Tokyo")
    # 06:30 in Tokyo on Wednesday: too early.
    assert reminders.send_digests(dt.datetime(2026, 3, 4, 6, 30, tzinfo=tokyo)) == 0
    morning = dt.datetime(2026, 3, 4, 7, 5, tzinfo=tokyo)
    assert reminders.send_digests(morning) == 1
    assert reminders.send_digests(morning + dt.timedelta(hours=3)) == 0
    [email] = mail.outbox
    assert email.to == [manager.user.email]
    assert email.subject == "Lumen Skincare: your day on Rapport"
    assert "Overdue" in email.body and "First response to a creator's question, Noor" in email.body
    assert "Waiting for your decision" in email.body and "Concept v2, Noor" in email.body
    assert "http://127.0.0.1:8000/w/lumen/campaigns/this-week/" in email.body
    manager.refresh_from_db()
    quiet.refresh_from_db()
    assert manager.last_digest_on == dt.date(2026, 3, 4)
    assert quiet.last_digest_on == dt.date(2026, 3, 3)  # 22:05 on Tuesday on their UTC clock
    # The next morning, another one.
    assert reminders.send_digests(morning + dt.timedelta(days=1)) == 1


def test_rapport_sweep_runs_one_sweep(owned: Any) -> None:
    _collaboration, clock = owned
    out = StringIO()
    call_command("sweep", stdout=out)
    clock.refresh_from_db()
    breached = timezone.now() > DUE
    assert f"{int(breached)} breach notices" in out.getvalue()
    assert (clock.breach_sent_at is not None) == breached


def test_the_worker_schedule_enqueues_the_sweep_task(owned: Any, monkeypatch: Any) -> None:
    runs: list[int] = []
    stop = threading.Event()

    def fake_sweep(now: Any = None) -> reminders.SweepResult:
        runs.append(1)
        stop.set()  # one round is enough
        return reminders.SweepResult()

    monkeypatch.setattr(reminders, "sweep", fake_sweep)
    monkeypatch.setattr(
        "rapport.workspaces.management.commands.worker.connection.close", lambda: None
    )
    schedule_sweeps(0.01, stop)  # the immediate backend runs the enqueued task at once
    assert runs == [1]


def test_every_member_who_runs_no_campaign_still_gets_their_own_clocks(
    workspace: Workspace, member: Any
) -> None:
    ops = member(Role.OPS)
    collaboration = CollaborationFactory.create(
        workspace=workspace, campaign=CampaignFactory.create(workspace=workspace)
    )
    start_clock(
        workspace=workspace, moment=Moment.SHIPPING, subject=Subject("shipment", 9),
        started_at=START, collaboration=collaboration, owner=ops.user,
    )  # fmt: skip
    assert reminders.sweep_clocks(START + dt.timedelta(days=2)).breached == 1
    assert mail.outbox[0].to == [ops.user.email]
