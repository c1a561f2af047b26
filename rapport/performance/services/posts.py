"""Posts and what they showed: adding, changing and removing a deliverable's posts, and the
standard collection form (figures, a note and screenshots) filled by the team or the creator.

Rules:

- A post is an address on a platform (the deliverable's unless told otherwise); one address once
  per collaboration. The platform's own id is read from the address for YouTube (``watch?v=``,
  ``youtu.be/``, ``/shorts/``) and Instagram (``/p/<shortcode>/``, ``/reel/<shortcode>/``: the
  shortcode is kept; the connectors map it to a media id).
- The collection date (``collect_on``) is the agreed day to read the figures: by default seven
  days after the post went live, in the workspace's time zone.
- Recording a deliverable live creates the post of its live address when it has none
  (:func:`ensure_post_for_live`).
- Figures always go through :func:`~rapport.performance.services.snapshots.record_snapshot`;
  screenshots (images or PDFs, at most :data:`MAX_EVIDENCE_BYTES` each) are stored with the
  snapshot in the same transaction and served only to the workspace's members.
- Every change is on the collaboration's timelines; a creator's figures notify their contact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.campaigns.models import Collaboration, Deliverable
from rapport.campaigns.services import reviews
from rapport.campaigns.services.collaborations import record_on_timelines
from rapport.campaigns.services.deliverables import http_url
from rapport.creators.models import Platform
from rapport.hub.services.team import for_the_team, tell_owner
from rapport.performance.connectors import instagram, youtube
from rapport.performance.models import MetricEvidence, MetricSnapshot, MetricSource, Post
from rapport.performance.services.snapshots import record_snapshot
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import User
from rapport.workspaces.services import diff

COLLECT_AFTER_DAYS = 7
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024  # a phone screenshot is well under this
MAX_EVIDENCE_FILES = 10
EVIDENCE_KINDS = (reviews.JPEG, reviews.PNG, reviews.GIF, reviews.WEBP, reviews.HEIF, reviews.PDF)
EVIDENCE_EXTENSIONS = tuple(ext for kind in EVIDENCE_KINDS for ext in kind.types)


def external_id_from(platform: str, url: str) -> str:
    """The platform's id of the content at ``url``: a YouTube video id, an Instagram shortcode;
    empty when the address does not say (another platform, a profile page). The connectors read
    addresses the same way (their ``video_id`` and ``shortcode``)."""
    if platform == Platform.YOUTUBE:
        return youtube.video_id(url)
    if platform == Platform.INSTAGRAM:
        return instagram.shortcode(url)
    return youtube.video_id(url) or instagram.shortcode(url)


def default_collect_on(collaboration: Collaboration, posted_at: dt.datetime | None) -> dt.date:
    """The agreed collection date: seven days after the post went live (today when unknown), as
    a date in the workspace's time zone."""
    moment = posted_at or timezone.now()
    day = timezone.localtime(moment, zone(collaboration.workspace.time_zone)).date()
    return day + dt.timedelta(days=COLLECT_AFTER_DAYS)


def _clean(collaboration: Collaboration, values: dict[str, Any], post: Post | None) -> None:
    """Check a post's fields in place (``url``, ``platform``, ``posted_at``, ``external_id``)."""
    errors: dict[str, str] = {}
    url = (values.get("url") or "").strip()
    values["url"] = url
    try:
        http_url(url)
    except ValidationError:
        errors["url"] = _("Give the post's full address, starting with https://.")
    else:
        if len(url) > Post._meta.get_field("url").max_length:  # type: ignore[operator]
            errors["url"] = _("This address is longer than 500 characters.")
        taken = Post.objects.filter(collaboration=collaboration, url=url)
        if post is not None:
            taken = taken.exclude(pk=post.pk)
        if taken.exists():
            errors["url"] = _("This collaboration already has a post at this address.")
    if values.get("platform") not in Platform.values:
        errors["platform"] = _("Choose the platform it is posted on.")
    posted_at = values.get("posted_at")
    if posted_at is not None:
        if timezone.is_naive(posted_at):
            posted_at = timezone.make_aware(posted_at, zone(collaboration.workspace.time_zone))
            values["posted_at"] = posted_at
        if posted_at > timezone.now() + dt.timedelta(minutes=5):
            errors["posted_at"] = _("A post cannot have gone live in the future.")
    values["external_id"] = (values.get("external_id") or "").strip()[:100] or external_id_from(
        values.get("platform") or "", url
    )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_post(
    *,
    deliverable: Deliverable,
    url: str,
    actor: User | None,
    platform: str = "",
    posted_at: dt.datetime | None = None,
    collect_on: dt.date | None = None,
    external_id: str = "",
) -> Post:
    """Add a post for ``deliverable``: its address, platform (the deliverable's by default), when
    it went live, and the day to collect its figures (seven days later by default)."""
    collaboration = deliverable.collaboration
    values: dict[str, Any] = {
        "url": url,
        "platform": platform or deliverable.platform,
        "posted_at": posted_at,
        "external_id": external_id,
    }
    _clean(collaboration, values, None)
    post = Post(
        workspace_id=deliverable.workspace_id,
        collaboration=collaboration,
        deliverable=deliverable,
        collect_on=collect_on or default_collect_on(collaboration, values["posted_at"]),
        **values,
    )
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError:
        raise ValidationError(
            {"url": _("This collaboration already has a post at this address.")}
        ) from None
    record_on_timelines(
        collaboration,
        actor=actor,
        kind="post.added",
        summary=_("Post of %(what)s added: %(url)s") % {"what": deliverable, "url": post.url},
        obj=post,
    )
    return post


EDITABLE = ("url", "platform", "posted_at", "collect_on", "external_id")


@transaction.atomic
def update_post(*, post: Post, actor: User | None, **changes: Any) -> Post:
    """Change a post's ``url``, ``platform``, ``posted_at``, ``collect_on`` or ``external_id``
    (keys left out keep their value). A new address reads its platform id again unless one is
    given."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    values = {name: getattr(post, name) for name in EDITABLE} | changes
    if "url" in changes and "external_id" not in changes:
        values["external_id"] = ""
    _clean(post.collaboration, values, post)
    changed = diff(post, values)
    if not changed:
        return post
    for name, value in values.items():
        setattr(post, name, value)
    post.save(update_fields=list(values))
    record_on_timelines(
        post.collaboration,
        actor=actor,
        kind="post.changed",
        summary=_("Post %(url)s changed") % {"url": post.url},
        obj=post,
        changes=changed,
    )
    return post


@transaction.atomic
def delete_post(*, post: Post, actor: User | None) -> None:
    """Remove a post with its figures and screenshots (recorded on the timelines)."""
    files = [e.file for e in MetricEvidence.objects.filter(snapshot__post=post)]
    record_on_timelines(
        post.collaboration,
        actor=actor,
        kind="post.removed",
        summary=_("Post %(url)s removed with its figures") % {"url": post.url},
        obj=post.collaboration,
    )
    post.delete()

    def remove_files() -> None:
        for f in files:
            f.delete(save=False)

    transaction.on_commit(remove_files)


def ensure_post_for_live(deliverable: Deliverable, *, actor: User | None = None) -> Post | None:
    """The post of ``deliverable``'s live address, created when the collaboration has none at
    that address (collected seven days after it went live); None when it is not live."""
    if not deliverable.live_url:
        return None
    existing = Post.objects.filter(
        collaboration_id=deliverable.collaboration_id, url=deliverable.live_url
    ).first()
    if existing is not None:
        return existing
    return create_post(
        deliverable=deliverable,
        url=deliverable.live_url,
        actor=actor,
        posted_at=deliverable.went_live_at,
    )


# ---------------------------------------------------------------------------------------------
# The collection form


def check_evidence(files: Sequence[UploadedFile]) -> None:
    """Screenshots must be images or PDFs (judged from their content), each at most 20 MB, and
    at most ten at once; raises ``ValidationError`` on ``evidence`` saying which and why."""
    if len(files) > MAX_EVIDENCE_FILES:
        raise ValidationError(
            {"evidence": _("Attach at most %(n)s screenshots at once.") % {"n": MAX_EVIDENCE_FILES}}
        )
    for upload in files:
        name = upload.name or ""
        if upload.size is not None and upload.size > MAX_EVIDENCE_BYTES:
            raise ValidationError(
                {
                    "evidence": _("“%(name)s” is larger than %(limit)s MB.")
                    % {"name": name, "limit": MAX_EVIDENCE_BYTES // 2**20}
                }
            )
        # A file of no known kind: say what a screenshot may be, not every kind a draft may be.
        unknown, received = reviews.sniff(upload)
        if unknown is None:
            raise ValidationError({"evidence": _not_a_screenshot(name, received)})
        try:
            kind = reviews.check_upload(upload)
        except ValidationError as exc:
            raise ValidationError({"evidence": exc.messages}) from None
        if kind not in EVIDENCE_KINDS:
            raise ValidationError({"evidence": _not_a_screenshot(name, kind.label)})


def _not_a_screenshot(name: str, kind: Any) -> str:
    return _(
        "“%(name)s” is %(kind)s: a screenshot is an image (JPEG, PNG, GIF, WebP, HEIC) or a PDF."
    ) % {"name": name, "kind": kind}


def _store_evidence(snapshot: MetricSnapshot, files: Sequence[UploadedFile]) -> None:
    room = MetricEvidence._meta.get_field("file").max_length or 100
    for upload in files:
        evidence = MetricEvidence(
            workspace_id=snapshot.workspace_id,
            snapshot=snapshot,
            original_name=(upload.name or "")[:200],
        )
        evidence.file.name = evidence.file.storage.save(
            reviews.storage_name(
                snapshot.workspace_id, upload.name or "screenshot", room, area="metrics"
            ),
            upload,
            max_length=room,
        )
        evidence.save()


@transaction.atomic
def record_collection(
    *,
    post: Post,
    collected_on: dt.date | None,
    values: dict[str, Any],
    actor: User | None,
    note: str = "",
    evidence: Sequence[UploadedFile] = (),
    source: str = MetricSource.ENTERED,
) -> tuple[MetricSnapshot, bool]:
    """The standard collection form: what ``post`` showed on ``collected_on`` (every metric,
    blank = unknown), a note and screenshots, stored together or not at all. Returns the snapshot
    and whether it is new (the same date and source again updates it)."""
    check_evidence(evidence)
    snapshot, created = record_snapshot(
        post=post,
        collected_on=collected_on,
        source=source,
        values=values,
        actor=actor,
        note=note,
    )
    _store_evidence(snapshot, evidence)
    record_on_timelines(
        post.collaboration,
        actor=actor,
        kind="metrics.recorded",
        summary=_("Figures of %(url)s on %(day)s recorded (%(source)s)")
        % {
            "url": post.url,
            "day": snapshot.collected_on.isoformat(),
            "source": snapshot.get_source_display(),
        },
        obj=post,
    )
    return snapshot, created


def collection_open(post: Post, today: dt.date) -> bool:
    """Whether the creator may fill in the form for ``post`` on ``today`` (their date): on or
    after the agreed collection date."""
    return post.collect_on is None or today >= post.collect_on


@for_the_team
@transaction.atomic
def record_from_creator(
    *,
    collaboration: Collaboration,
    position: int,
    post: Post,
    collected_on: dt.date | None,
    values: dict[str, Any],
    note: str = "",
    evidence: Sequence[UploadedFile] = (),
) -> tuple[MetricSnapshot, bool]:
    """The creator's figures for their post number ``position`` (on the hub), from the agreed
    collection date on; their contact is told."""
    today = timezone.localdate()  # the hub runs in the creator's time zone
    if not collection_open(post, today):
        assert post.collect_on is not None
        raise ValidationError(
            {
                "collected_on": _("Your figures are due on %(day)s: come back then.")
                % {"day": post.collect_on.isoformat()}
            }
        )
    snapshot, created = record_collection(
        post=post,
        collected_on=collected_on,
        values=values,
        actor=None,
        note=note,
        evidence=evidence,
        source=MetricSource.CREATOR,
    )
    tell_owner(
        collaboration,
        lambda: (
            _("%(creator)s sent the figures of post %(n)s (%(url)s) for %(day)s.")
            % {
                "creator": collaboration.creator.name,
                "n": position,
                "url": post.url,
                "day": snapshot.collected_on.isoformat(),
            }
        ),
        url=reverse("performance:post", kwargs={"ws": collaboration.workspace.slug, "pk": post.pk}),
    )
    return snapshot, created


def evidence_download(evidence: MetricEvidence) -> FileResponse:
    """A screenshot as an attachment; raises ``reviews.FileGone`` when it is no longer stored."""
    name = evidence.original_name or str(evidence.file.name).rsplit("/", 1)[-1]
    return reviews.attachment(
        evidence.file,
        name,
        gone=_("This screenshot is no longer stored; attach it again."),
    )
