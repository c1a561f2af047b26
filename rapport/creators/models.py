"""Creators: profiles, e-mails, social accounts, tags, custom fields, notes and saved views.

A creator belongs to one workspace. Figures used by the list's filters (largest following, tier,
engagement rate, primary e-mail, the search text) are kept on the creator row by
``services.refresh_derived`` so that every filter is one indexed column.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.workspaces.models import Workspace


class Stage(models.TextChoices):
    """The relationship stage of a creator in a workspace (PRODUCT.md "Lifecycles")."""

    DISCOVERED = "discovered", _("Discovered")
    QUALIFIED = "qualified", _("Qualified")
    CONTACTED = "contacted", _("Contacted")
    NEGOTIATING = "negotiating", _("Negotiating")
    ACTIVE = "active", _("Active")
    ADVOCATE = "advocate", _("Advocate")
    PAUSED = "paused", _("Paused")
    DECLINED = "declined", _("Declined")
    DO_NOT_CONTACT = "do_not_contact", _("Do not contact")


class Tier(models.TextChoices):
    """Size tier from the largest following and the workspace's thresholds."""

    NANO = "nano", _("Nano")
    MICRO = "micro", _("Micro")
    MID = "mid", _("Mid")
    MACRO = "macro", _("Macro")
    MEGA = "mega", _("Mega")


class Platform(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    TWITCH = "twitch", "Twitch"
    X = "x", "X"
    PINTEREST = "pinterest", "Pinterest"
    LINKEDIN = "linkedin", "LinkedIn"
    FACEBOOK = "facebook", "Facebook"
    SNAPCHAT = "snapchat", "Snapchat"
    BLOG = "blog", _("Blog")
    PODCAST = "podcast", _("Podcast")
    OTHER = "other", _("Other")


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    DM = "dm", _("Direct message")
    AGENT = "agent", _("Through their agent")


ALIVE = models.Q(deleted_at__isnull=True)


class PayoutMethod(models.TextChoices):
    """How a creator is paid; the details beside it are private (finance and ops only)."""

    PAYPAL = "paypal", _("PayPal")
    BANK = "bank", _("Bank transfer")


class CreatorQuerySet(models.QuerySet["Creator"]):
    def alive(self) -> CreatorQuerySet:
        return self.filter(deleted_at__isnull=True)


class Creator(models.Model):
    """A person the brand works with, as this workspace knows them."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="creators")
    name = models.CharField(_("name"), max_length=200)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO code"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    niches = models.JSONField(_("niches"), default=list, blank=True)
    values_notes = models.TextField(_("values and tone"), blank=True)
    audience = models.JSONField(
        _("audience"),
        default=dict,
        blank=True,
        help_text=_(
            '{"age_bands": {"18-24": 40}, "gender": {"female": 70}, "countries": {"US": 50}}'
        ),
    )
    preferences = models.JSONField(
        _("preferences"),
        default=dict,
        blank=True,
        help_text=_('{"contact_channel": "email", "formats": ["reel"], "sizes": {"shirt": "M"}}'),
    )
    rate_card = models.JSONField(
        _("rate card"),
        default=list,
        blank=True,
        help_text=_(
            '[{"platform": "instagram", "deliverable": "reel", "amount": "800", "currency": "USD"}]'
        ),
    )
    shipping_address = models.TextField(_("shipping address"), blank=True)
    tax_details = models.TextField(_("tax details"), blank=True)
    payout_method = models.CharField(
        _("paid by"), max_length=8, choices=PayoutMethod.choices, blank=True
    )
    payout_email = models.EmailField(_("PayPal e-mail"), blank=True)
    bank_account_name = models.CharField(_("account holder"), max_length=200, blank=True)
    bank_account_number = models.CharField(_("account number or IBAN"), max_length=64, blank=True)
    bank_code = models.CharField(
        _("bank code"), max_length=40, blank=True, help_text=_("BIC/SWIFT, routing or sort code")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_creators",
        verbose_name=_("owner"),
    )
    tags: models.ManyToManyField[Tag, CreatorTag] = models.ManyToManyField(
        "Tag", blank=True, related_name="creators", through="CreatorTag"
    )
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.DISCOVERED
    )
    do_not_contact_reason = models.CharField(_("do-not-contact reason"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    # Derived, kept by services.refresh_derived so that each filter is one indexed column.
    primary_email = models.CharField(max_length=254, blank=True)
    followers_max = models.BigIntegerField(default=0)
    tier = models.CharField(max_length=8, choices=Tier.choices, default=Tier.NANO)
    engagement_rate = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    search_text = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = CreatorQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        # Live creators are what the list shows: partial indexes that also give its name order,
        # so a filtered page walks one index (docs/operations/performance.md).
        indexes = [
            models.Index(fields=["workspace", "deleted_at", "name", "id"]),  # the bin
            models.Index(
                fields=["workspace", "name", "id"], condition=ALIVE, name="creator_live_name"
            ),
            *[
                models.Index(
                    fields=["workspace", column, "name", "id"],
                    condition=ALIVE,
                    name=f"creator_live_{column}"[:30],
                )
                for column in ("stage", "tier", "owner", "country", "primary_email")
            ],
            models.Index(
                fields=["workspace", "followers_max", "engagement_rate"],
                condition=ALIVE,
                name="creator_live_reach",
            ),
            models.Index(fields=["workspace", "followers_max"]),
            models.Index(fields=["workspace", "engagement_rate"]),
            models.Index(fields=["workspace", "created_at"]),
            models.Index(fields=["workspace", "updated_at"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_do_not_contact(self) -> bool:
        return self.stage == Stage.DO_NOT_CONTACT

    @property
    def message_language(self) -> str:
        """The language Rapport writes to this creator in: the first of their languages that
        Rapport speaks, else the site's default."""
        spoken = {code for code, _name in settings.LANGUAGES}
        for language in self.languages or []:
            code = str(language).lower().split("-")[0]
            if code in spoken:
                return code
        return str(settings.LANGUAGE_CODE)


class CreatorEmail(models.Model):
    """One of a creator's e-mail addresses; exactly one is primary."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="emails")
    email = models.EmailField(_("e-mail"))
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        ordering = ["-is_primary", "email"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "email"], name="email_unique_in_workspace")
        ]

    def __str__(self) -> str:
        return self.email


class SocialAccount(models.Model):
    """A creator's presence on one platform, with its latest figures."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="social_accounts")
    platform = models.CharField(_("platform"), max_length=12, choices=Platform.choices)
    handle = models.CharField(_("handle"), max_length=200, blank=True)
    url = models.CharField(_("URL"), max_length=500, blank=True)
    followers = models.BigIntegerField(_("followers"), null=True, blank=True)
    average_views = models.BigIntegerField(_("average views"), null=True, blank=True)
    engagement_rate = models.DecimalField(
        _("engagement rate (%)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    last_updated = models.DateTimeField(_("figures last updated"), null=True, blank=True)

    class Meta:
        ordering = ["-followers", "platform"]
        indexes = [
            models.Index(fields=["platform", "creator"]),
            models.Index(fields=["workspace", "url"]),
            # Duplicate checks look handles up; the unique constraint's index is partial.
            models.Index(fields=["workspace", "platform", "handle"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "platform", "handle"],
                condition=~models.Q(handle=""),
                name="handle_unique_per_platform",
            )
        ]

    def __str__(self) -> str:
        if self.handle:
            return f"{self.get_platform_display()} @{self.handle}"
        return f"{self.get_platform_display()} {self.url}"


class Tag(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="tag_unique_in_workspace")
        ]

    def __str__(self) -> str:
        return self.name


class CreatorTag(models.Model):
    """A tag on a creator (the explicit through table, so both directions are indexed)."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["creator", "tag"], name="tag_once")]
        indexes = [models.Index(fields=["tag", "creator"])]

    def __str__(self) -> str:
        return f"{self.tag_id} on {self.creator_id}"


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    MULTI_CHOICE = "multi_choice", _("Multiple choice")
    URL = "url", _("URL")


class CustomField(models.Model):
    """A field the workspace adds to every creator; values live in ``Creator.custom_fields``."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="custom_fields")
    key = models.SlugField(_("key"), max_length=50)
    label = models.CharField(_("label"), max_length=100)
    field_type = models.CharField(_("type"), max_length=14, choices=FieldType.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="custom_field_key_unique")
        ]

    def __str__(self) -> str:
        return self.label


class Note(models.Model):
    """A dated note on a creator; @mentions notify the teammates named."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="note_entries")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("note"))
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.body[:50]


class SavedView(models.Model):
    """A named filter state of the creator list: personal, or shared with the workspace."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="saved_views")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("filters"), max_length=2000, help_text=_("The list's query string."))
    shared = models.BooleanField(_("shared with the workspace"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# --- Imports ---


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Choose columns")
    CHECKING = "checking", _("Checking rows")
    CHECKED = "checked", _("Ready to import")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class OnDuplicate(models.TextChoices):
    """What an import does with a row that matches an existing creator."""

    SKIP = "skip", _("Skip the row")
    UPDATE = "update", _("Update the existing creator")
    CREATE = "create", _("Add a new creator anyway")


class ImportJob(models.Model):
    """A spreadsheet of creators being imported: the file, its column mapping, and the outcome.

    The counters hold what the rows would do after the check and what they did after the commit.
    ``issues`` lists every row that is not imported, as ``{"row", "column", "message", "kind"}``
    with kind ``error`` or ``skip``.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file"), max_length=255)
    file_format = models.CharField(max_length=4)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    headers = models.JSONField(default=list)
    sample = models.JSONField(default=list, help_text=_("The first rows, to help map columns."))
    mapping = models.JSONField(default=list, help_text=_("The field for each column, or ''."))
    on_duplicate = models.CharField(
        _("duplicates"), max_length=8, choices=OnDuplicate.choices, default=OnDuplicate.SKIP
    )
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default="mapping")
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    issues = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=list, blank=True)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-created_at"])]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING)
