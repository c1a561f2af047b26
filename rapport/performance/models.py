"""Performance data (PRODUCT.md "Definitions and formulas", "Relationship health").

A live :class:`~rapport.campaigns.models.Deliverable` has its :class:`Post` rows, one per
published piece of content. Each post gathers :class:`MetricSnapshot` rows over time: what the
platform showed on a collection date, entered by the team or the creator (with screenshots as
:class:`MetricEvidence`), imported from a file, or pulled from the platform's API through a
:class:`PlatformConnection`. Reports always read each post's latest snapshot by collection date,
so a post is never counted twice.

A :class:`SurveyResponse` is the creator's word on a finished collaboration; a
:class:`ReportShare` is a read-only link to a campaign's wrap report.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.campaigns.models import Campaign, Collaboration, Deliverable
from rapport.creators.models import Creator, Platform
from rapport.workspaces.models import Workspace
from rapport.workspaces.secrets import EncryptedTextField

USER = settings.AUTH_USER_MODEL

# The metrics a snapshot can hold, in the order forms, files and reports show them.
METRICS = (
    "reach",
    "impressions",
    "views",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "watch_time_seconds",
)
# Engagements = likes + comments + shares + saves (PRODUCT.md).
ENGAGEMENT_PARTS = ("likes", "comments", "shares", "saves")


class MetricSource(models.TextChoices):
    """Where a snapshot's figures came from."""

    ENTERED = "entered", _("Entered by the team")
    CREATOR = "creator", _("Entered by the creator")
    IMPORTED = "imported", _("Imported from a file")
    API = "api", _("Platform API")


class Post(models.Model):
    """One published piece of content for a deliverable, identified by its address.

    ``external_id`` is the platform's own id (a YouTube video id, an Instagram media id), which
    the connectors read from the address or are given. ``collect_on`` is the agreed collection
    date for the standard form. ``fetch_error`` keeps the last connector error, shown on the post
    until a refresh succeeds.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="posts")
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="posts")
    platform = models.CharField(_("platform"), max_length=12, choices=Platform.choices)
    url = models.URLField(_("post address"), max_length=500)
    external_id = models.CharField(_("platform id"), max_length=100, blank=True)
    posted_at = models.DateTimeField(_("posted"), null=True, blank=True)
    collect_on = models.DateField(_("collect metrics on"), null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    fetch_error = models.TextField(blank=True)
    fetch_error_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["posted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "url"], name="one_post_per_address")
        ]
        indexes = [models.Index(fields=["workspace", "platform", "external_id"])]

    def __str__(self) -> str:
        return self.url


class MetricSnapshot(models.Model):
    """What a post showed on one collection date, from one source.

    A figure the source did not give is carried over from the post's reading before it (and
    named in ``carried``), so a partial reading never hides what was known; a figure nobody ever
    gave is ``None`` (unknown), never 0. One snapshot per post, date and source: entering or
    importing the same date again updates it. The latest snapshot of a post is the one with the
    latest ``collected_on``, then the latest ``recorded_at``.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="snapshots")
    collected_on = models.DateField(_("collection date"))
    source = models.CharField(_("source"), max_length=10, choices=MetricSource.choices)
    reach = models.BigIntegerField(_("reach"), null=True, blank=True)
    impressions = models.BigIntegerField(_("impressions"), null=True, blank=True)
    views = models.BigIntegerField(_("views"), null=True, blank=True)
    likes = models.BigIntegerField(_("likes"), null=True, blank=True)
    comments = models.BigIntegerField(_("comments"), null=True, blank=True)
    shares = models.BigIntegerField(_("shares"), null=True, blank=True)
    saves = models.BigIntegerField(_("saves"), null=True, blank=True)
    clicks = models.BigIntegerField(_("link clicks"), null=True, blank=True)
    watch_time_seconds = models.BigIntegerField(_("watch time (seconds)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The figures this reading left blank, carried over from the post's reading before it.
    carried = models.JSONField(default=list, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-collected_on", "-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "collected_on", "source"], name="one_snapshot_per_day_and_source"
            )
        ]
        indexes = [
            models.Index(
                fields=["post", "-collected_on", "-recorded_at", "-id"], name="snapshot_latest"
            )
        ]

    def __str__(self) -> str:
        return f"{self.post} on {self.collected_on}"


class MetricEvidence(models.Model):
    """A screenshot that shows a snapshot's figures (the platform's own insights screen)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    snapshot = models.ForeignKey(MetricSnapshot, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("screenshot"), upload_to="metrics/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name or str(self.file.name)


class Provider(models.TextChoices):
    YOUTUBE = "youtube", "YouTube Data API v3"
    INSTAGRAM = "instagram", "Instagram Graph API"


class PlatformConnection(models.Model):
    """Credentials to pull metrics from a platform: a YouTube API key, or an Instagram Graph
    API access token with the Instagram business account id it belongs to.

    A connection without ``creator`` is the brand's own; one with ``creator`` is a token the
    creator granted for their own account's media insights. ``credential`` is encrypted at rest
    and never shown again once saved.
    """

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="platform_connections"
    )
    provider = models.CharField(_("platform"), max_length=10, choices=Provider.choices)
    creator = models.ForeignKey(
        Creator, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    label = models.CharField(_("name"), max_length=120, blank=True)
    credential = EncryptedTextField(_("API key or access token"), blank=True)
    account_id = models.CharField(_("business account id"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    # While a platform asks us to slow down, nothing is sent before this moment.
    paused_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["provider", "id"]

    def __str__(self) -> str:
        return self.label or self.get_provider_display()


class SurveyResponse(models.Model):
    """The creator's short survey after a collaboration, answered once on the hub."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    collaboration = models.OneToOneField(
        Collaboration, on_delete=models.CASCADE, related_name="survey"
    )
    satisfaction = models.PositiveSmallIntegerField(_("how was working with us (1 to 5)"))
    would_work_again = models.BooleanField(_("would work with us again"), null=True)
    open_to_new_formats = models.BooleanField(_("open to trying new formats"), null=True)
    comment = models.TextField(_("anything we should do better"), blank=True)
    answered_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.collaboration}: {self.satisfaction}/5"


class ReportShare(models.Model):
    """A read-only link to a campaign's wrap report, for people without an account.

    Only the token's hash is stored; the link can be revoked and expires."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="report_shares")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.campaign} report link"
