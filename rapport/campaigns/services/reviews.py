"""Reviews: drafts submitted at each approval stage, and the one decision on each.

A concept, script or rough cut starts the concept-approval clock (they share its allowance); a
final starts the final-approval clock. Each submission's clock is owned by the campaign's
decision-maker and stops with the decision; a newer version sent before the decision takes over
the running clock of the one it replaces. Only the decision-maker or a named delegate (with a
role that may review) decides; of two people deciding at once, the database keeps exactly one
decision and the other person is told who decided, when and what.
"""

from __future__ import annotations

import codecs
import datetime as dt
import posixpath
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

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

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # 200 MB: a few minutes of phone video
SNIFF_BYTES = 512  # enough of the file's start to recognise every accepted kind


@dataclass(frozen=True)
class FileKind:
    """A kind of file reviewers may receive: its name and, per accepted extension, the content
    type it is downloaded with."""

    label: StrOrPromise
    types: dict[str, str]


JPEG = FileKind(_lazy("a JPEG image"), {".jpg": "image/jpeg", ".jpeg": "image/jpeg"})
PNG = FileKind(_lazy("a PNG image"), {".png": "image/png"})
GIF = FileKind(_lazy("a GIF image"), {".gif": "image/gif"})
WEBP = FileKind(_lazy("a WebP image"), {".webp": "image/webp"})
HEIF = FileKind(_lazy("a HEIC/HEIF image"), {".heic": "image/heic", ".heif": "image/heif"})
MP4 = FileKind(
    _lazy("an MP4 or MOV video"),
    {".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime"},
)
MATROSKA = FileKind(
    _lazy("a WebM or MKV video"), {".webm": "video/webm", ".mkv": "video/x-matroska"}
)
PDF = FileKind(_lazy("a PDF document"), {".pdf": "application/pdf"})
OFFICE = FileKind(
    _lazy("an Office document"),
    {
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    },
)
TEXT = FileKind(_lazy("a plain-text file"), {".txt": "text/plain; charset=utf-8"})
KINDS = (JPEG, PNG, GIF, WEBP, HEIF, MP4, MATROSKA, PDF, OFFICE, TEXT)
ACCEPTED_EXTENSIONS = tuple(ext for kind in KINDS for ext in kind.types)
HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})
MARKUP = re.compile(rb"^\s*<(\?xml|!doctype|html|svg|head|body|script|!--)", re.IGNORECASE)


def accepted_kinds() -> str:
    """What reviewers may receive, for messages and help texts."""
    return _(
        "JPEG, PNG, GIF, WebP or HEIC images; MP4, MOV, WebM or MKV videos; PDFs; Word, Excel or "
        "PowerPoint documents (.docx, .xlsx, .pptx); plain text (.txt)"
    )


def extension_of(name: str) -> str:
    """The file name's extension, lower-case with its dot ("" when it has none)."""
    return posixpath.splitext(name)[1].lower()


def _is_utf8_text(upload: UploadedFile) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in upload.chunks():
            if b"\0" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        upload.seek(0)
    return True


def sniff(upload: UploadedFile) -> tuple[FileKind | None, str]:
    """What the file really is, from its first bytes (never from the name or the declared type):
    the accepted kind, or None with a description of what was received."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    box, brand = head[4:8], head[8:12]
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG, ""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG, ""
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF, ""
    if head.startswith(b"RIFF") and brand == b"WEBP":
        return WEBP, ""
    if box == b"ftyp":
        return (HEIF if brand in HEIF_BRANDS else MP4), ""
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return MATROSKA, ""
    if head.startswith(b"%PDF-"):
        return PDF, ""
    if head.startswith(b"PK\x03\x04"):
        if extension_of(upload.name or "") in OFFICE.types:
            return OFFICE, ""
        return None, _("a ZIP archive")
    text = head.lstrip(b"\xef\xbb\xbf")
    if MARKUP.match(text):
        if re.search(rb"<svg", head, re.IGNORECASE):
            return None, _("an SVG image")
        return None, _("an HTML or XML page")
    if extension_of(upload.name or "") in TEXT.types and _is_utf8_text(upload):
        return TEXT, ""
    declared = (upload.content_type or "").split(";")[0].strip()
    return None, _("a file of an unknown kind (sent as “%(type)s”)") % {
        "type": declared or _("no type")
    }


def check_upload(upload: UploadedFile) -> FileKind:
    """The kind of an acceptable upload, judged from its content. Refuses a file over the size
    limit, of a kind reviewers cannot safely open (SVG and HTML among them), or whose extension
    does not match what it is."""
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
    kind, received = sniff(upload)
    name = posixpath.basename((upload.name or "").replace("\\", "/"))
    if kind is None:
        raise ValidationError(
            {
                "file": _(
                    "“%(name)s” is %(received)s, which cannot be reviewed here. Accepted: "
                    "%(accepted)s."
                )
                % {"name": name, "received": received, "accepted": accepted_kinds()}
            }
        )
    if extension_of(name) not in kind.types:
        raise ValidationError(
            {
                "file": _(
                    "“%(name)s” is %(kind)s, but its name does not end in %(extensions)s: "
                    "rename it, or send the file its name says."
                )
                % {"name": name, "kind": kind.label, "extensions": " / ".join(kind.types)}
            }
        )
    return kind


def storage_name(
    workspace_id: int, original: str, max_length: int, *, area: str = "submissions"
) -> str:
    """Where an upload is stored: ``<area>/<workspace>/<random token>/<sanitised name>``, so that
    workspaces are apart and no path can be guessed. The name is shortened (keeping its
    extension) to fit ``max_length``."""
    folder = f"{area}/{workspace_id}/{secrets.token_urlsafe(16)}/"
    base = posixpath.basename((original or "").replace("\\", "/"))
    stem, ext = posixpath.splitext(base)
    try:
        stem = get_valid_filename(stem)
    except SuspiciousFileOperation:
        stem = "draft"
    ext = ext.lower()
    room = max(max_length - len(folder) - len(ext), 1)
    return folder + stem[:room] + ext


def download_name(submission: Submission) -> str:
    """The name a submission's file is downloaded under: the sanitised original name."""
    return posixpath.basename(submission.file.name or "")


def download_type(name: str) -> str:
    """The content type a stored file is downloaded with: the accepted kind's, from its
    extension (checked against its content when it was uploaded); anything else is opaque."""
    ext = extension_of(name)
    for kind in KINDS:
        if ext in kind.types:
            return kind.types[ext]
    return "application/octet-stream"


class FileGone(Exception):
    """The submission's file is no longer in storage (or it was sent as a link)."""


def attachment(file: FieldFile, name: str, *, gone: str) -> FileResponse:
    """A stored upload as an attachment (never shown inline by the browser) called ``name``, with
    ``X-Content-Type-Options: nosniff`` and a sandboxing CSP. Raises :class:`FileGone` with the
    message ``gone`` when the file is no longer stored."""
    try:
        handle = file.storage.open(file.name or "", "rb")
    except FileNotFoundError as exc:
        raise FileGone(gone) from exc
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=download_type(name)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def file_download(submission: Submission) -> FileResponse:
    """The submission's file as an attachment under its sanitised original name. Raises
    :class:`FileGone` when it has no file or the file is no longer stored."""
    if not submission.file or not submission.file.name:
        raise FileGone(
            _("This draft was sent as a link, not a file: %(link)s") % {"link": submission.link}
        )
    return attachment(
        submission.file,
        download_name(submission),
        gone=_("The file of %(what)s is no longer stored; ask the creator to send it again.")
        % {"what": submission},
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

    A new version sent while an earlier one of the same stage is still undecided replaces it:
    the earlier one no longer waits for a decision, and its running clock carries over to the new
    version with its start and deadline unchanged (the review owed started when the first draft
    arrived). No clock of a replaced version is ever stopped as met.
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
        Deliverable.objects.select_for_update(of=("self",))
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
        room = Submission._meta.get_field("file").max_length or 100
        submission.file.name = submission.file.storage.save(
            storage_name(deliverable.workspace_id, file.name or "draft", room),
            file,
            max_length=room,
        )
    submission.save()
    moment = clock_moment(stage)
    # An earlier version nobody decided is replaced, not answered: the review owed since it
    # arrived carries over to this version (same clock, same start and deadline).
    carried = (
        SlaClock.objects.select_for_update()
        .filter(
            workspace=deliverable.workspace,
            moment=moment,
            subject_type=Submission._meta.model_name,
            subject_id__in=Submission.objects.filter(
                deliverable=deliverable,
                stage=stage,
                version__lt=submission.version,
                decision__isnull=True,
            ).values("pk"),
            stopped_at__isnull=True,
        )
        .order_by("started_at", "id")
        .first()
    )
    if carried is not None:
        carried.subject_id = submission.pk
        carried.save(update_fields=["subject_id"])
    else:
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
