"""Reviews: drafts submitted at each approval stage, and the one decision on each.

A concept, script or rough cut starts the concept-approval clock (they share its allowance); a
final starts the final-approval clock. Each submission's clock is owned by the campaign's
decision-maker and stops with the decision. Only the decision-maker or a named delegate (with a
role that may review) decides; of two people deciding at once, the database keeps exactly one
decision and the other person is told who decided, when and what.
"""

from __future__ import annotations

import datetime as dt
import mimetypes

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from rapport.campaigns.models import (
    ApprovalStage,
    Campaign,
    Collaboration,
    CollabStage,
    Deliverable,
    Moment,
    ReviewDecision,
    SlaClock,
    Submission,
    Verdict,
)
from rapport.campaigns.queries.deliverables import APPROVED, final_approved
from rapport.campaigns.queries.reviews import can_decide, is_superseded
from rapport.campaigns.services import sla
from rapport.campaigns.services.collaborations import advance_if_allowed, record_on_timelines
from rapport.campaigns.services.deliverables import http_url
from rapport.workspaces.models import Membership, User
from rapport.workspaces.services import PermissionDenied, notify, record

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # 200 MB: a few minutes of phone video
# Besides any image or video: PDFs, office documents and plain text (scripts, decks).
DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "text/plain",
        "application/rtf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.presentation",
    }
)


class DecisionConflict(Exception):
    """Someone else decided this submission first; ``decision`` is theirs."""

    def __init__(self, decision: ReviewDecision) -> None:
        self.decision = decision
        when = formats.date_format(timezone.localtime(decision.decided_at), "DATETIME_FORMAT")
        super().__init__(
            _(
                "%(who)s already decided this submission on %(when)s: %(verdict)s. Your decision "
                "was not saved; read theirs below."
            )
            % {
                "who": decision.decided_by or _("Someone"),
                "when": when,
                "verdict": decision.get_verdict_display(),
            }
        )


def clock_moment(stage: str) -> str:
    """The service moment whose clock a submission at ``stage`` runs: the final has its own; the
    concept, script and rough cut share the concept-approval allowance."""
    return Moment.FINAL_APPROVAL if stage == ApprovalStage.FINAL else Moment.CONCEPT_APPROVAL


def content_type_of(upload: UploadedFile) -> str:
    """The upload's declared type, or the one its file name suggests when it declares none."""
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    if declared and declared != "application/octet-stream":
        return declared
    return (mimetypes.guess_type(upload.name or "")[0] or declared or "").lower()


def check_upload(upload: UploadedFile) -> None:
    """Refuse a file over the size limit or of a type reviewers cannot open."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {
                "file": _(
                    "This file is %(size)s MB; the limit is %(limit)s MB. Share a link to "
                    "it instead."
                )
                % {"size": round(upload.size / 1024 / 1024), "limit": MAX_UPLOAD_BYTES // 2**20}
            }
        )
    kind = content_type_of(upload)
    if not (kind.startswith(("image/", "video/")) or kind in DOCUMENT_TYPES):
        raise ValidationError(
            {
                "file": _(
                    "Files of type “%(type)s” cannot be reviewed here: send an image, a video, a "
                    "PDF or a document (Word, PowerPoint, OpenDocument, text)."
                )
                % {"type": kind or _("unknown")}
            }
        )


@transaction.atomic
def submit(
    *,
    deliverable: Deliverable,
    stage: str,
    actor: User | None,
    file: UploadedFile | None = None,
    link: str = "",
    note: str = "",
    submitted_at: dt.datetime | None = None,
) -> Submission:
    """Send a draft for review at ``stage``: a file or a link, with a note.

    Versions are numbered per stage (v1, v2...). Starts the stage's approval clock, owned by the
    campaign's decision-maker, who is notified. ``actor`` is None when the creator submitted
    through the hub. A collaboration in production moves to in review.
    """
    link = (link or "").strip()
    errors: dict[str, str] = {}
    if stage not in deliverable.approval_stages:
        needed = ", ".join(str(ApprovalStage(s).label) for s in deliverable.approval_stages)
        errors["stage"] = _("This deliverable needs review at: %(stages)s.") % {
            "stages": needed or _("no stage")
        }
    if file and link:
        errors["link"] = _("Send either a file or a link, not both.")
    elif not file and not link:
        errors["file"] = _("Attach the draft or give a link to it.")
    elif link:
        try:
            http_url(link)
        except ValidationError:
            errors["link"] = _("Give the full address of the draft, starting with https://.")
    if file and "file" not in errors:
        try:
            check_upload(file)
        except ValidationError as exc:
            errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    # Lock the deliverable so that two submissions at once do not take the same number.
    deliverable = (
        Deliverable.objects.select_for_update()
        .select_related("collaboration__campaign", "collaboration__creator", "workspace")
        .get(pk=deliverable.pk)
    )
    collaboration = deliverable.collaboration
    campaign = collaboration.campaign
    now = submitted_at or timezone.now()
    latest = Submission.objects.filter(deliverable=deliverable, stage=stage).aggregate(
        n=Max("version")
    )["n"]
    submission = Submission(
        workspace=deliverable.workspace,
        deliverable=deliverable,
        stage=stage,
        version=(latest or 0) + 1,
        link=link,
        note=(note or "").strip(),
        submitted_at=now,
        submitted_by=actor,
    )
    if file:
        submission.file.save(file.name or "draft", file, save=False)
    submission.save()
    moment = clock_moment(stage)
    # An earlier version nobody decided is replaced: its clock has nothing left to wait for.
    SlaClock.objects.filter(
        workspace=deliverable.workspace,
        moment=moment,
        subject_type=Submission._meta.model_name,
        subject_id__in=Submission.objects.filter(
            deliverable=deliverable, stage=stage, version__lt=submission.version
        ).values("pk"),
        stopped_at__isnull=True,
    ).update(stopped_at=now)
    sla.start_clock(
        workspace=deliverable.workspace,
        moment=moment,
        subject=sla.Subject.of(submission),
        started_at=now,
        collaboration=collaboration,
        owner=campaign.decision_maker,
    )
    summary = _("%(creator)s submitted %(what)s: %(stage)s v%(v)s") % {
        "creator": collaboration.creator.name,
        "what": deliverable,
        "stage": submission.get_stage_display(),
        "v": submission.version,
    }
    record(
        workspace=deliverable.workspace,
        actor=actor,
        kind="submission.created",
        summary=summary,
        obj=submission,
        creator=collaboration.creator,
        campaign=campaign,
        changes={"version": (None, f"{stage} v{submission.version}")},
    )
    if campaign.decision_maker is not None and campaign.decision_maker != actor:
        notify(
            workspace=deliverable.workspace,
            recipients=[campaign.decision_maker],
            text=_("To review: %(summary)s") % {"summary": summary},
            url=reverse(
                "campaigns:submission",
                kwargs={"ws": deliverable.workspace.slug, "pk": submission.pk},
            ),
        )
    advance_if_allowed(
        collaboration=collaboration,
        stage=CollabStage.IN_REVIEW,
        actor=actor,
        reason=_("Content submitted for review."),
    )
    return submission


def _role_of(campaign: Campaign, user: User) -> str:
    membership = Membership.objects.filter(workspace_id=campaign.workspace_id, user=user).first()
    return membership.role if membership else ""


def decide(
    *,
    submission: Submission,
    actor: User,
    verdict: str,
    note: str = "",
    rating: int | None = None,
    role: str | None = None,
    now: dt.datetime | None = None,
) -> ReviewDecision:
    """Decide on a submission: approved, approved with edits, or changes requested.

    ``role`` is the role acting (an API token's); by default the actor's membership's. Raises
    ``PermissionDenied`` unless the actor is the campaign's decision-maker or a named delegate
    with a role that may review, and :class:`DecisionConflict` when someone decided first (the
    database's one-decision-per-submission rule decides who was first).
    """
    deliverable = submission.deliverable
    collaboration = deliverable.collaboration
    campaign = collaboration.campaign
    if not can_decide(campaign, actor, role if role is not None else _role_of(campaign, actor)):
        raise PermissionDenied(
            _(
                "Only the campaign's decision-maker (%(who)s) or a named delegate may decide on "
                "its content."
            )
            % {"who": campaign.decision_maker or _("nobody named yet")}
        )
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if verdict not in Verdict.values:
        errors["verdict"] = _("Choose approved, approved with edits or changes requested.")
    elif verdict == Verdict.CHANGES_REQUESTED and not note:
        errors["note"] = _("Tell the creator what to change: a note is needed.")
    if rating is not None and (isinstance(rating, bool) or not 1 <= int(rating) <= 5):
        errors["rating"] = _("Rate the content from 1 (poor) to 5 (excellent).")
    if errors:
        raise ValidationError(errors)
    if is_superseded(submission):
        raise ValidationError(
            {"submission": _("A newer version of this stage was submitted: decide on that one.")}
        )
    now = now or timezone.now()
    with transaction.atomic():
        try:
            # No "already decided?" check first: two of them at once would both pass it. The
            # one-to-one constraint lets exactly one insert through.
            with transaction.atomic():
                decision = ReviewDecision.objects.create(
                    workspace=submission.workspace,
                    submission=submission,
                    verdict=verdict,
                    note=note,
                    rating=rating,
                    decided_by=actor,
                    decided_at=now,
                )
        except IntegrityError:
            decision = None
        if decision is None:
            existing = ReviewDecision.objects.select_related("decided_by").get(
                submission=submission
            )
            raise DecisionConflict(existing)
        _after_decision(decision, actor, now)
    return decision


def _after_decision(decision: ReviewDecision, actor: User, now: dt.datetime) -> None:
    """Stop the clock, record, notify the collaboration's owner and follow on the stage."""
    submission = decision.submission
    deliverable = submission.deliverable
    # Read the stage afresh: the caller's copy may predate the submission that moved it.
    collaboration = Collaboration.objects.select_related("creator", "campaign", "owner").get(
        pk=deliverable.collaboration_id
    )
    sla.stop_clock(
        workspace=submission.workspace,
        moment=clock_moment(submission.stage),
        subject=sla.Subject.of(submission),
        stopped_at=now,
    )
    summary = _("%(stage)s v%(v)s of %(what)s by %(creator)s: %(verdict)s") % {
        "stage": submission.get_stage_display(),
        "v": submission.version,
        "what": deliverable,
        "creator": collaboration.creator.name,
        "verdict": decision.get_verdict_display(),
    }
    changes: dict[str, tuple[object, object]] = {"verdict": (None, decision.verdict)}
    if decision.rating is not None:
        changes["rating"] = (None, decision.rating)
    record_on_timelines(
        collaboration,
        actor=actor,
        kind="review.decided",
        summary=summary,
        obj=decision,
        changes=changes,
        reason=decision.note,
    )
    if collaboration.owner is not None and collaboration.owner != actor:
        notify(
            workspace=submission.workspace,
            recipients=[collaboration.owner],
            text=summary,
            url=reverse(
                "campaigns:submission",
                kwargs={"ws": submission.workspace.slug, "pk": submission.pk},
            ),
        )
    if decision.verdict == Verdict.CHANGES_REQUESTED:
        advance_if_allowed(
            collaboration=collaboration,
            stage=CollabStage.IN_PRODUCTION,
            actor=actor,
            reason=_("Changes requested on %(what)s.") % {"what": deliverable},
        )
    elif submission.stage == ApprovalStage.FINAL and decision.verdict in APPROVED:
        deliverables = Deliverable.objects.filter(collaboration=collaboration)
        needing_final = [d for d in deliverables if ApprovalStage.FINAL in d.approval_stages]
        if all(final_approved(d) for d in needing_final):
            advance_if_allowed(
                collaboration=collaboration,
                stage=CollabStage.APPROVED,
                actor=actor,
                reason=_("Every deliverable's final is approved."),
            )
