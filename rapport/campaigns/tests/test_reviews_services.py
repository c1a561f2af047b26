"""Reviews: versions and rounds, the approval clocks, who may decide, the stage that follows,
uploads, and two reviewers deciding the same submission at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection

from rapport.campaigns.models import (
    CollabStage,
    Moment,
    ReviewDecision,
    SlaClock,
    Submission,
)
from rapport.campaigns.queries.reviews import review_queue, submission_for
from rapport.campaigns.services import reviews
from rapport.campaigns.services.reviews import DecisionConflict, decide, submit
from rapport.testing.factories import (
    CampaignFactory,
    CollaborationFactory,
    DeliverableFactory,
    MembershipFactory,
    UserFactory,
)
from rapport.workspaces.models import AuditEvent, Membership, Notification, Workspace
from rapport.workspaces.roles import Role
from rapport.workspaces.services import PermissionDenied


@pytest.fixture
def people(workspace: Workspace, member: Callable[..., Membership]) -> dict[str, Membership]:
    return {
        "decider": member(Role.REVIEWER, name="Dana Decider"),
        "delegate": member(Role.REVIEWER, name="Del Egate"),
        "manager": member(Role.MANAGER, name="Max Manager"),
        "owner": member(Role.MANAGER, name="Olly Owner"),
    }


@pytest.fixture
def deliverable(workspace: Workspace, people: dict[str, Membership]) -> Any:
    campaign = CampaignFactory.create(
        workspace=workspace, decision_maker=people["decider"].user, name="Glow"
    )
    campaign.delegates.add(people["delegate"].user)
    collab = CollaborationFactory.create(
        campaign=campaign, stage=CollabStage.IN_PRODUCTION, owner=people["owner"].user
    )
    return DeliverableFactory.create(collaboration=collab, approval_stages=["concept", "final"])


def _link(deliverable: Any, stage: str, actor: Any, n: int = 1) -> Submission:
    return submit(
        deliverable=deliverable, stage=stage, actor=actor, link=f"https://drive.test/{stage}/{n}"
    )


def test_versions_are_numbered_per_stage_and_rounds_count_review_cycles(
    deliverable: Any, people: dict[str, Membership]
) -> None:
    actor, decider = people["manager"].user, people["decider"].user
    c1 = _link(deliverable, "concept", actor)
    decide(submission=c1, actor=decider, verdict="changes_requested", note="Brighter light")
    c2 = _link(deliverable, "concept", actor, 2)
    c3 = _link(deliverable, "concept", actor, 3)  # replaces v2 before anyone decided
    f1 = _link(deliverable, "final", actor)
    assert [c1.version, c2.version, c3.version, f1.version] == [1, 2, 3, 1]
    ws = deliverable.workspace
    rounds = [getattr(submission_for(ws, s.pk), "review_round") for s in (c1, c2, c3, f1)]
    assert rounds == [1, 2, 2, 1]


def test_a_concept_starts_the_concept_clock_owned_by_the_decision_maker_and_the_decision_stops_it(
    deliverable: Any, people: dict[str, Membership]
) -> None:
    concept = _link(deliverable, "concept", people["manager"].user)
    clock = SlaClock.objects.get(subject_type="submission", subject_id=concept.pk)
    assert clock.moment == Moment.CONCEPT_APPROVAL
    assert clock.owner == people["decider"].user and clock.stopped_at is None
    decide(submission=concept, actor=people["decider"].user, verdict="approved", rating=4)
    clock.refresh_from_db()
    assert clock.stopped_at is not None
    final = _link(deliverable, "final", people["manager"].user)
    assert SlaClock.objects.get(subject_id=final.pk).moment == Moment.FINAL_APPROVAL


def test_a_new_version_takes_over_the_clock_of_the_one_it_replaces(
    deliverable: Any, people: dict[str, Membership]
) -> None:
    v1 = _link(deliverable, "concept", people["manager"].user)
    clock = SlaClock.objects.get(subject_id=v1.pk)
    v2 = _link(deliverable, "concept", people["manager"].user, 2)
    assert not SlaClock.objects.filter(subject_id=v1.pk).exists()
    carried = SlaClock.objects.get(subject_id=v2.pk)
    assert carried.pk == clock.pk and carried.stopped_at is None
    with pytest.raises(ValidationError) as exc:
        decide(submission=v1, actor=people["decider"].user, verdict="approved")
    assert "newer version" in str(exc.value)


def test_submitting_moves_production_to_review_and_notifies_the_decision_maker(
    deliverable: Any, people: dict[str, Membership]
) -> None:
    _link(deliverable, "concept", people["manager"].user)
    deliverable.collaboration.refresh_from_db()
    assert deliverable.collaboration.stage == CollabStage.IN_REVIEW
    assert Notification.objects.filter(recipient=people["decider"].user).count() == 1
    event = AuditEvent.objects.get(kind="submission.created")
    assert event.creator == deliverable.collaboration.creator
    assert event.campaign == deliverable.collaboration.campaign


def test_only_the_decision_maker_or_a_delegate_may_decide(
    deliverable: Any, people: dict[str, Membership], member: Callable[..., Membership]
) -> None:
    s = _link(deliverable, "concept", people["manager"].user)
    # A manager may run production but is not named on the campaign.
    with pytest.raises(PermissionDenied, match="decision-maker"):
        decide(submission=s, actor=people["manager"].user, verdict="approved")
    # A delegate whose role cannot review (a viewer) is refused too.
    viewer = member(Role.VIEWER)
    deliverable.collaboration.campaign.delegates.add(viewer.user)
    with pytest.raises(PermissionDenied):
        decide(submission=s, actor=viewer.user, verdict="approved")
    decision = decide(submission=s, actor=people["delegate"].user, verdict="approved")
    assert decision.decided_by == people["delegate"].user


def test_a_decision_needs_a_note_for_changes_and_a_rating_from_1_to_5(
    deliverable: Any, people: dict[str, Membership]
) -> None:
    s = _link(deliverable, "concept", people["manager"].user)
    with pytest.raises(ValidationError) as exc:
        decide(submission=s, actor=people["decider"].user, verdict="changes_requested", rating=6)
    assert set(exc.value.message_dict) == {"note", "rating"}
    assert not ReviewDecision.objects.exists()


def test_changes_requested_goes_back_to_production_and_finals_approved_move_to_approved(
    deliverable: Any, people: dict[str, Membership]
) -> None:
    manager, decider = people["manager"].user, people["decider"].user
    collab = deliverable.collaboration
    other = DeliverableFactory.create(collaboration=collab, approval_stages=["final"])
    concept_only = DeliverableFactory.create(collaboration=collab, approval_stages=["concept"])
    s = _link(deliverable, "final", manager)
    decide(submission=s, actor=decider, verdict="changes_requested", note="Shorter intro")
    collab.refresh_from_db()
    assert collab.stage == CollabStage.IN_PRODUCTION
    owner_note = Notification.objects.get(recipient=people["owner"].user)
    assert "Changes requested" in owner_note.text
    s2 = _link(deliverable, "final", manager, 2)
    decide(submission=s2, actor=decider, verdict="approved_with_edits", note="Cut 2s")
    collab.refresh_from_db()
    assert collab.stage == CollabStage.IN_REVIEW  # the other deliverable's final is not in
    decide(submission=_link(other, "final", manager), actor=decider, verdict="approved")
    collab.refresh_from_db()
    assert collab.stage == CollabStage.APPROVED
    assert concept_only.submissions.count() == 0  # needs no final: it does not hold things up
    decided = AuditEvent.objects.filter(kind="review.decided", campaign=collab.campaign)
    assert decided.count() == 3
    assert decided.filter(creator=collab.creator).count() == 3


def test_a_stale_second_decision_is_refused_by_the_database_with_who_when_and_what(
    deliverable: Any, people: dict[str, Membership]
) -> None:
    s = _link(deliverable, "concept", people["manager"].user)
    # Both reviewers opened the page while it was undecided.
    seen_by_delegate = Submission.objects.get(pk=s.pk)
    decide(submission=s, actor=people["decider"].user, verdict="approved", rating=5)
    with pytest.raises(DecisionConflict) as exc:
        decide(
            submission=seen_by_delegate,
            actor=people["delegate"].user,
            verdict="changes_requested",
            note="Redo it",
        )
    message = str(exc.value)
    assert "Dana Decider" in message and "Approved" in message
    assert exc.value.decision.decided_by == people["decider"].user
    assert ReviewDecision.objects.get().verdict == "approved"
    assert AuditEvent.objects.filter(kind="review.decided").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_the_same_moment_store_exactly_one_decision() -> None:
    ws = Workspace.objects.create(name="Race", slug="race")
    decider = MembershipFactory.create(workspace=ws, role=Role.REVIEWER, user=UserFactory.create())
    delegate = MembershipFactory.create(workspace=ws, role=Role.REVIEWER, user=UserFactory.create())
    campaign = CampaignFactory.create(workspace=ws, decision_maker=decider.user)
    campaign.delegates.add(delegate.user)
    collab = CollaborationFactory.create(campaign=campaign, stage=CollabStage.IN_PRODUCTION)
    deliverable = DeliverableFactory.create(collaboration=collab, approval_stages=["final"])
    s = submit(deliverable=deliverable, stage="final", actor=None, link="https://drive.test/f")

    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def decide_as(key: str, membership: Membership, verdict: str) -> None:
        submission = Submission.objects.get(pk=s.pk)  # each reads it undecided
        barrier.wait()
        try:
            for _attempt in range(200):
                try:
                    outcomes[key] = decide(
                        submission=submission, actor=membership.user, verdict=verdict, note="n"
                    )
                    return
                except DecisionConflict as exc:
                    outcomes[key] = exc
                    return
                except OperationalError as exc:
                    # The in-memory test database answers "locked" at once where a database
                    # file waits (busy_timeout): wait here instead, as the file would.
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide_as, args=("decider", decider, "approved")),
        threading.Thread(target=decide_as, args=("delegate", delegate, "changes_requested")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    conflicts = [o for o in outcomes.values() if isinstance(o, DecisionConflict)]
    wins = [o for o in outcomes.values() if isinstance(o, ReviewDecision)]
    assert len(wins) == 1 and len(conflicts) == 1, outcomes
    stored = ReviewDecision.objects.get(submission=s)
    assert stored.pk == wins[0].pk
    assert str(stored.decided_by) in str(conflicts[0])
    assert stored.get_verdict_display() in str(conflicts[0])
    assert AuditEvent.objects.filter(kind="review.decided").count() == 1


def test_the_database_constraint_not_a_check_decides_the_race(
    deliverable: Any, people: dict[str, Membership], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a decide that believes the submission is undecided at every read it makes is stopped:
    the refusal comes from the one-to-one constraint."""
    s = _link(deliverable, "concept", people["manager"].user)
    ReviewDecision.objects.create(
        workspace=s.workspace,
        submission=s,
        verdict="approved",
        decided_by=people["decider"].user,
        decided_at=s.submitted_at,
    )
    monkeypatch.setattr(reviews, "is_superseded", lambda submission: False)
    with pytest.raises(DecisionConflict):
        decide(submission=s, actor=people["delegate"].user, verdict="approved")


def test_the_queue_lists_what_i_may_decide_soonest_due_first(
    deliverable: Any, people: dict[str, Membership], workspace: Workspace
) -> None:
    manager = people["manager"].user
    final = _link(deliverable, "final", manager)
    concept = _link(deliverable, "concept", manager)
    SlaClock.objects.filter(subject_id=concept.pk).update(
        due_at=SlaClock.objects.get(subject_id=final.pk).due_at.replace(year=2000)
    )
    not_mine = DeliverableFactory.create(
        collaboration__campaign__workspace=workspace, approval_stages=["final"]
    )
    other = _link(not_mine, "final", manager)
    rows = review_queue(workspace, people["decider"].user, Role.REVIEWER)
    assert [r.submission.pk for r in rows] == [concept.pk, final.pk]
    assert rows[0].state is not None and rows[0].state.value == "breached"
    everything = review_queue(workspace, manager, Role.MANAGER, everyone=True)
    assert {r.submission.pk for r in everything} == {concept.pk, final.pk, other.pk}
    assert review_queue(workspace, manager, Role.MANAGER) == []
    decide(submission=concept, actor=people["decider"].user, verdict="approved")
    rows = review_queue(workspace, people["decider"].user, Role.REVIEWER)
    assert [r.submission.pk for r in rows] == [final.pk]


def _upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_uploads_are_stored_apart_per_workspace_under_an_unguessable_folder(
    deliverable: Any, people: dict[str, Membership]
) -> None:
    content = b"%PDF-1.7\n" + b"x" * 10
    first, second = (
        submit(
            deliverable=deliverable,
            stage="concept",
            actor=people["manager"].user,
            file=_upload("../../Mon script (v2)?.PDF", content),
        )
        for _ in range(2)
    )
    prefix, ws, token, name = str(first.file.name).split("/")
    assert (prefix, ws, name) == ("submissions", str(deliverable.workspace_id), "Mon_script_v2.pdf")
    assert len(token) >= 20 and token not in str(second.file.name)
    assert first.file.read() == content


def test_a_long_name_is_shortened_to_fit_keeping_its_extension(
    deliverable: Any, people: dict[str, Membership]
) -> None:
    s = submit(
        deliverable=deliverable,
        stage="concept",
        actor=people["manager"].user,
        file=_upload("a" * 300 + ".txt", b"My script"),
    )
    assert len(str(s.file.name)) <= 100 and str(s.file.name).endswith("aaa.txt")


def test_other_file_types_and_files_over_the_limit_are_refused(
    deliverable: Any, people: dict[str, Membership], monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = people["manager"].user
    with pytest.raises(ValidationError) as exc:
        submit(
            deliverable=deliverable,
            stage="concept",
            actor=actor,
            file=_upload("tool.exe", b"MZ\x90\x00", "application/x-msdownload"),
        )
    assert "cannot be reviewed here" in exc.value.message_dict["file"][0]
    monkeypatch.setattr(reviews, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(ValidationError) as exc:
        submit(
            deliverable=deliverable,
            stage="concept",
            actor=actor,
            file=_upload("cut.pdf", b"%PDF-" + b"x" * 96, "application/pdf"),
        )
    assert "the limit is" in exc.value.message_dict["file"][0]
    assert not Submission.objects.exists()


def test_a_submission_needs_one_of_file_or_link_and_a_stage_the_deliverable_needs(
    deliverable: Any, people: dict[str, Membership]
) -> None:
    actor = people["manager"].user
    with pytest.raises(ValidationError) as exc:
        submit(deliverable=deliverable, stage="script", actor=actor, link="javascript:alert(1)")
    assert set(exc.value.message_dict) == {"stage", "link"}
    with pytest.raises(ValidationError) as exc:
        submit(deliverable=deliverable, stage="concept", actor=actor)
    assert "file" in exc.value.message_dict
