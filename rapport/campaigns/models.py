"""Campaigns and what runs inside them: briefs, collaborations, offers, deliverables, reviews,
product seeding, and the service-level clocks that keep every promise to a creator.

Every row belongs to a workspace (the isolation rule); child rows repeat the workspace so that each
lookup is scoped by one indexed column. Money is a ``Decimal`` beside its ISO currency.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from rapport.creators.models import Creator, Platform
from rapport.workspaces.models import ErDenominator, User, Workspace

USER = settings.AUTH_USER_MODEL


# ---------------------------------------------------------------------------------------------
# Campaigns


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("campaign status", "Draft")
    ACTIVE = "active", pgettext_lazy("campaign status", "Active")
    WRAPPING_UP = "wrapping_up", _("Wrapping up")
    CLOSED = "closed", pgettext_lazy("campaign status", "Closed")


class Objective(models.TextChoices):
    """What a campaign (and its brief) is for (PRODUCT.md "Briefs")."""

    AWARENESS = "awareness", _("Awareness")
    CONSIDERATION = "consideration", _("Consideration")
    TRAFFIC = "traffic", _("Traffic")
    CONVERSION = "conversion", _("Conversion")
    CONTENT = "content", _("Content production")
    TRUST = "trust", _("Trust")


class KpiMetric(models.TextChoices):
    REACH = "reach", _("Reach")
    IMPRESSIONS = "impressions", _("Impressions")
    VIEWS = "views", _("Views")
    ENGAGEMENTS = "engagements", _("Engagements")
    ENGAGEMENT_RATE = "engagement_rate", _("Engagement rate (%)")
    CLICKS = "clicks", _("Clicks")
    CONVERSIONS = "conversions", _("Conversions")
    REVENUE = "revenue", _("Attributed revenue")
    CPM = "cpm", _("CPM")
    CPV = "cpv", _("CPV")
    CPA = "cpa", _("CPA")
    CPE = "cpe", _("CPE")
    ROAS = "roas", _("ROAS")
    POSTS = "posts", _("Pieces of content")


class Campaign(models.Model):
    """A planned push with an objective, dates, a budget, an owner and one approvals decider."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=80, help_text=_("Used in tracking links (utm_campaign).")
    )
    objective = models.CharField(
        _("objective"), max_length=16, choices=Objective.choices, default=Objective.AWARENESS
    )
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    currency = models.CharField(_("currency"), max_length=3)
    owner = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("owner"),
    )  # fmt: skip
    decision_maker = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("decision-maker"),
        help_text=_("The one person who approves or rejects content for this campaign."),
    )  # fmt: skip
    delegates: models.ManyToManyField[User, Any] = models.ManyToManyField(
        USER, blank=True, related_name="+", verbose_name=_("review delegates"),
        help_text=_("People who may decide in the decision-maker's place."),
    )  # fmt: skip
    er_denominator = models.CharField(
        _("engagement-rate denominator"), max_length=12, choices=ErDenominator.choices
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    spend_includes_product = models.BooleanField(
        _("count seeded product in spend"),
        default=False,
        help_text=_(
            "When on, the value of the product sent to creators is part of the spend that CPM, "
            "CPA and ROAS divide."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="campaign_slug_unique")
        ]
        indexes = [models.Index(fields=["workspace", "status", "starts_on"])]

    def __str__(self) -> str:
        return self.name


class CampaignKpi(models.Model):
    """A KPI the campaign is judged on, with its target."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="kpis")
    metric = models.CharField(_("metric"), max_length=20, choices=KpiMetric.choices)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=4)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "metric"], name="one_target_per_metric")
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()}: {self.target}"


class Experiment(models.Model):
    """One entry of a campaign's experiment log: what was tried, and what was decided."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="experiments")
    hypothesis = models.TextField(_("hypothesis"))
    varied = models.TextField(_("what was varied"), blank=True)
    result = models.TextField(_("result"), blank=True)
    decision = models.TextField(_("decision"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.hypothesis[:80]


# ---------------------------------------------------------------------------------------------
# Briefs


class ApprovalStage(models.TextChoices):
    """The review steps a deliverable may need, in the order they happen."""

    CONCEPT = "concept", _("Concept")
    SCRIPT = "script", _("Script")
    ROUGH_CUT = "rough_cut", _("Rough cut")
    FINAL = "final", _("Final")


# The brief's content, field by field; templates, drafts and published versions all carry these.
BRIEF_FIELDS = (
    "objective",
    "audience_insight",
    "brand_voice",
    "non_negotiables",
    "creative_freedoms",
    "talking_points",
    "do_examples",
    "dont_examples",
    "disclosure",
    "deliverables_timeline",
    "approval_stages",
    "kpis",
    "tracking_instructions",
    "inspiration_links",
)


class BriefContent(models.Model):
    """The fields of a brief (PRODUCT.md "Briefs"); lists are JSON lists of strings.

    ``kpis`` is a list of ``{"metric": ..., "target": ...}``; ``approval_stages`` a list of
    :class:`ApprovalStage` values.
    """

    objective = models.CharField(
        _("objective"), max_length=16, choices=Objective.choices, blank=True
    )
    audience_insight = models.TextField(_("audience insight"), blank=True)
    brand_voice = models.TextField(_("brand voice"), blank=True)
    non_negotiables = models.JSONField(_("non-negotiables"), default=list, blank=True)
    creative_freedoms = models.TextField(_("creative freedoms"), blank=True)
    talking_points = models.JSONField(_("talking points"), default=list, blank=True)
    do_examples = models.JSONField(_("do"), default=list, blank=True)
    dont_examples = models.JSONField(_("don't"), default=list, blank=True)
    disclosure = models.CharField(_("required disclosure"), max_length=300, blank=True)
    deliverables_timeline = models.TextField(_("deliverables and timeline"), blank=True)
    approval_stages = models.JSONField(_("approval rules"), default=list, blank=True)
    kpis = models.JSONField(_("KPIs and targets"), default=list, blank=True)
    tracking_instructions = models.TextField(_("tracking instructions"), blank=True)
    inspiration_links = models.JSONField(_("inspiration links"), default=list, blank=True)

    class Meta:
        abstract = True


class BriefTemplate(BriefContent):
    """A workspace's starting point for new briefs."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Brief(BriefContent):
    """A campaign's brief as being edited; publishing snapshots it as a :class:`BriefVersion`."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="brief")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    def __str__(self) -> str:
        return f"Brief of {self.campaign}"


class BriefVersion(models.Model):
    """A published brief: the content as it was, its date, and what changed from the previous.

    ``changes`` is a list of ``{"field": ..., "label": ..., "before": ..., "after": ...}``.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(default=dict)
    changes = models.JSONField(default=list, blank=True)
    summary = models.CharField(_("what changed, in a sentence"), max_length=300, blank=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["brief", "number"], name="brief_version_unique")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


# ---------------------------------------------------------------------------------------------
# Collaborations


class CollabStage(models.TextChoices):
    """A creator's stage in one campaign (PRODUCT.md "Lifecycles"), in lifecycle order."""

    INVITED = "invited", _("Invited")
    NEGOTIATING = "negotiating", _("Negotiating")
    CONTRACTED = "contracted", _("Contracted")
    BRIEFED = "briefed", _("Briefed")
    PRODUCT_SHIPPED = "product_shipped", _("Product shipped")
    IN_PRODUCTION = "in_production", _("In production")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    LIVE = "live", _("Live")
    REPORTED = "reported", _("Reported")
    PAID = "paid", _("Paid")
    CLOSED = "closed", pgettext_lazy("collaboration stage", "Closed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class Collaboration(models.Model):
    """A creator in a campaign: stage, owner, agreed terms and the committed cost.

    ``terms`` is the accepted package as it was agreed (a snapshot, so later edits of the offer
    never change what was promised); ``committed_cost`` its fixed cost in ``currency``.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="collaborations")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="collaborations")
    stage = models.CharField(
        _("stage"), max_length=16, choices=CollabStage.choices, default=CollabStage.INVITED
    )
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    owner = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("owner"),
    )  # fmt: skip
    note = models.TextField(
        _("note for this creator"),
        blank=True,
        help_text=_("Shown with the brief to this creator only; the brief itself is shared."),
    )
    invite_reason = models.CharField(
        _("reason to invite despite a warning"), max_length=300, blank=True
    )
    accepted_package = models.ForeignKey(
        "OfferPackage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    terms = models.JSONField(_("agreed terms"), default=dict, blank=True)
    committed_cost = models.DecimalField(
        _("committed cost"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    # The seeded product's share of the committed cost (reports count it only where chosen).
    product_value = models.DecimalField(
        _("product value"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    # The team's word to the creator in the hub's recap: what was learned and what comes next.
    recap_note = models.TextField(_("recap for the creator"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["creator__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "creator"], name="creator_once_per_campaign"
            )
        ]
        indexes = [
            models.Index(fields=["workspace", "campaign", "stage"]),
            models.Index(fields=["workspace", "owner", "stage"]),
            models.Index(fields=["workspace", "creator"]),
        ]

    def __str__(self) -> str:
        return gettext("%(creator)s in %(campaign)s") % {
            "creator": self.creator,
            "campaign": self.campaign,
        }


class Question(models.Model):
    """A question a creator asked; it starts the first-response clock until someone answers."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="questions"
    )
    body = models.TextField(_("question"))
    is_clarification = models.BooleanField(
        _("asks to clarify the brief"), default=False,
        help_text=_("Counted in the clarification rate."),
    )  # fmt: skip
    received_at = models.DateTimeField(_("received at"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.body[:80]


# ---------------------------------------------------------------------------------------------
# Offers


class OfferStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("offer status", "Draft")
    SENT = "sent", _("Sent")
    COUNTERED = "countered", _("Countered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", pgettext_lazy("offer status", "Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OfferParty(models.TextChoices):
    BRAND = "brand", _("Brand")
    CREATOR = "creator", _("Creator")


class Offer(models.Model):
    """One round of the negotiation: the brand's offer or the creator's counter-offer.

    Every round is kept; a new round marks the previous one countered. The packages inside are the
    alternatives the creator may choose from.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="offers"
    )
    number = models.PositiveIntegerField(_("round"))
    party = models.CharField(
        _("from"), max_length=8, choices=OfferParty.choices, default=OfferParty.BRAND
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.DRAFT
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["collaboration", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "number"], name="offer_round_unique")
        ]

    def __str__(self) -> str:
        return gettext("Offer %(n)s to %(collaboration)s") % {
            "n": self.number,
            "collaboration": self.collaboration,
        }


class OfferPackage(models.Model):
    """One package of an offer: base fee for the deliverables, add-ons, seeding, a bonus."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="packages")
    label = models.CharField(_("package"), max_length=120, blank=True)
    base_fee = models.DecimalField(_("base fee"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    deliverables = models.TextField(
        _("deliverables covered"), blank=True, help_text=_("One video and two story frames.")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["offer", "position", "id"]

    def __str__(self) -> str:
        return self.label or f"{self.base_fee} {self.currency}"


class AddOnKind(models.TextChoices):
    USAGE_RIGHTS = "usage_rights", _("Usage rights on owned channels")
    PAID_USAGE = "paid_usage", _("Paid usage in ads")
    WHITELISTING = "whitelisting", _("Whitelisting (ads from the creator's handle)")
    EXCLUSIVITY = "exclusivity", _("Exclusivity")
    RUSH = "rush", _("Rush fee")


class AddOn(models.Model):
    """What the brand may do with the content or the relationship, for a fee and on terms.

    ``channels`` holds owned channels (usage rights) or ad platforms (paid usage, whitelisting);
    exclusivity has a ``category`` and named ``competitors``; each has a window in days.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    package = models.ForeignKey(OfferPackage, on_delete=models.CASCADE, related_name="add_ons")
    kind = models.CharField(_("add-on"), max_length=14, choices=AddOnKind.choices)
    fee = models.DecimalField(_("fee"), max_digits=12, decimal_places=2)
    channels = models.JSONField(_("channels or platforms"), default=list, blank=True)
    window_days = models.PositiveIntegerField(_("window (days)"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=120, blank=True)
    competitors = models.JSONField(_("competitors"), default=list, blank=True)

    class Meta:
        ordering = ["package", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class SeedingItem(models.Model):
    """Product sent as part of a package, with its value (a cost the brand carries)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    package = models.ForeignKey(OfferPackage, on_delete=models.CASCADE, related_name="seeding")
    product = models.ForeignKey(
        "Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("item"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_value = models.DecimalField(_("value each"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["package", "id"]

    def __str__(self) -> str:
        return self.description


class BonusKind(models.TextChoices):
    LADDER = "ladder", _("Bonus ladder")
    COMMISSION = "commission", _("Commission")


class BonusMetric(models.TextChoices):
    CPA = "cpa", _("CPA (lower is better)")
    REVENUE = "revenue", _("Attributed revenue")
    CONVERSIONS = "conversions", _("Conversions")


class BonusMode(models.TextChoices):
    HIGHEST = "highest", _("Highest rung reached")
    CUMULATIVE = "cumulative", _("Cumulative")


class BonusLadder(models.Model):
    """A package's performance bonus: rungs on a metric, or a commission percentage."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    package = models.OneToOneField(OfferPackage, on_delete=models.CASCADE, related_name="bonus")
    kind = models.CharField(
        _("bonus"), max_length=10, choices=BonusKind.choices, default=BonusKind.LADDER
    )
    metric = models.CharField(
        _("metric"), max_length=12, choices=BonusMetric.choices, default=BonusMetric.CPA
    )
    mode = models.CharField(
        _("mode"), max_length=10, choices=BonusMode.choices, default=BonusMode.HIGHEST
    )
    commission_percent = models.DecimalField(
        _("commission (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    window_days = models.PositiveIntegerField(_("measured over (days)"), null=True, blank=True)

    def __str__(self) -> str:
        return self.get_kind_display()


class BonusRung(models.Model):
    """One rung: reach ``threshold`` on the ladder's metric, earn ``amount``."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    ladder = models.ForeignKey(BonusLadder, on_delete=models.CASCADE, related_name="rungs")
    threshold = models.DecimalField(_("threshold"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("bonus"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["ladder", "id"]

    def __str__(self) -> str:
        return f"{self.threshold}: +{self.amount}"


# ---------------------------------------------------------------------------------------------
# Deliverables and reviews


class DeliverableKind(models.TextChoices):
    VIDEO = "video", _("Video")
    REEL = "reel", _("Reel")
    SHORT = "short", _("Short video")
    STORY = "story", _("Story frame")
    POST = "post", _("Feed post")
    CAROUSEL = "carousel", _("Carousel")
    LIVE = "live", _("Live stream")
    ARTICLE = "article", _("Blog article")
    PODCAST = "podcast", _("Podcast mention")
    OTHER = "other", _("Other")


class Deliverable(models.Model):
    """A piece of content a creator owes: when it posts, the reviews it needs, where it went live.

    ``post_at`` (UTC) is the posting date or the start of the window ``post_until`` closes;
    ``final_approval_due`` is computed from it with the workspace's buffer, in the creator's time
    zone on the workspace's business calendar.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="deliverables"
    )
    kind = models.CharField(_("type"), max_length=10, choices=DeliverableKind.choices)
    platform = models.CharField(_("platform"), max_length=12, choices=Platform.choices)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    description = models.TextField(_("description"), blank=True)
    approval_stages = models.JSONField(_("approval stages"), default=list, blank=True)
    post_at = models.DateTimeField(_("posting date"), null=True, blank=True)
    post_until = models.DateTimeField(_("posting window ends"), null=True, blank=True)
    final_approval_due = models.DateTimeField(_("final approval due"), null=True, blank=True)
    disclosure = models.CharField(_("required disclosure"), max_length=300, blank=True)
    live_url = models.URLField(_("live URL"), max_length=500, blank=True)
    went_live_at = models.DateTimeField(_("went live"), null=True, blank=True)
    disclosure_checked = models.BooleanField(
        _("disclosure checked on the live post"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["post_at", "id"]
        indexes = [
            models.Index(fields=["workspace", "post_at"]),
            models.Index(fields=["workspace", "went_live_at"]),
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s on %(platform)s") % {
            "kind": self.get_kind_display(),
            "platform": self.get_platform_display(),
        }


class Submission(models.Model):
    """A draft sent for review at one approval stage: a file or a link, numbered per stage."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, related_name="submissions"
    )
    stage = models.CharField(_("stage"), max_length=10, choices=ApprovalStage.choices)
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to="submissions/%Y/%m/", blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text=_("Empty when the creator submitted through the hub."),
    )  # fmt: skip

    class Meta:
        ordering = ["deliverable", "stage", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "stage", "version"], name="submission_version_unique"
            )
        ]
        indexes = [models.Index(fields=["workspace", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} v{self.version}"


class Verdict(models.TextChoices):
    APPROVED = "approved", _("Approved")
    APPROVED_WITH_EDITS = "approved_with_edits", _("Approved with edits")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")


class ReviewDecision(models.Model):
    """The one decision on a submission. One per submission, enforced by the database, so that
    of two people deciding at once exactly one wins."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="decision")
    verdict = models.CharField(_("decision"), max_length=20, choices=Verdict.choices)
    note = models.TextField(_("notes for the creator"), blank=True)
    rating = models.PositiveSmallIntegerField(_("content quality (1 to 5)"), null=True, blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.get_verdict_display()


# ---------------------------------------------------------------------------------------------
# Product seeding and shipping


class Product(models.Model):
    """Something the brand sends to creators."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("name"), max_length=200)
    sku = models.CharField(_("SKU"), max_length=64)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    variants = models.JSONField(
        _("sizes or variants"), default=list, blank=True, help_text=_("S, M, L")
    )
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["workspace", "sku"], name="sku_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"


class Carrier(models.TextChoices):
    UPS = "ups", "UPS"
    USPS = "usps", "USPS"
    FEDEX = "fedex", "FedEx"
    DHL = "dhl", "DHL Express"
    ROYAL_MAIL = "royal_mail", "Royal Mail"
    LA_POSTE = "la_poste", "La Poste / Colissimo"
    OTHER = "other", _("Other")


class ShipmentStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("shipment status", "Draft")
    LABEL_CREATED = "label_created", _("Label created")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    RECEIVED = "received", _("Receipt confirmed")


class Shipment(models.Model):
    """Product on its way to a creator, with the address as it was when it left."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="shipments"
    )
    address = models.TextField(_("shipping address"))
    carrier = models.CharField(_("carrier"), max_length=12, choices=Carrier.choices, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=ShipmentStatus.choices, default=ShipmentStatus.DRAFT
    )
    expected_on = models.DateField(_("expected delivery"), null=True, blank=True)
    label_created_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the creator confirmed receipt.")
    )
    creator_told_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the creator was sent the tracking link.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "status"])]

    def __str__(self) -> str:
        return gettext("Shipment to %(creator)s") % {"creator": self.collaboration.creator}


class ShipmentItem(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    variant = models.CharField(_("size or variant"), max_length=60, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)

    class Meta:
        ordering = ["shipment", "id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product}"


# ---------------------------------------------------------------------------------------------
# Service levels


class Moment(models.TextChoices):
    """The service moments of PRODUCT.md "Service levels", each with its clock."""

    FIRST_RESPONSE = "first_response", _("First response to a creator's question")
    CONCEPT_APPROVAL = "concept_approval", _("Concept approval")
    FINAL_APPROVAL = "final_approval", _("Final content approval")
    PAYMENT = "payment", _("Payment after invoice received")
    SHIPPING = "shipping", _("Shipping confirmation after label created")


class SlaClock(models.Model):
    """One promise with a deadline: started by an event, stopped by the event that resolves it.

    ``subject_type``/``subject_id`` name what it is about (a question, a submission, a shipment,
    an invoice). ``original_due_at`` is the promise as first made; acknowledging a breach sets a
    new ``due_at`` and keeps the original, and attainment is always judged on the original.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    moment = models.CharField(_("service moment"), max_length=16, choices=Moment.choices)
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, null=True, blank=True, related_name="clocks"
    )
    owner = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_type = models.CharField(max_length=30)
    subject_id = models.BigIntegerField()
    started_at = models.DateTimeField()
    original_due_at = models.DateTimeField()
    due_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledgement = models.TextField(_("message to the creator"), blank=True)
    due_soon_sent_at = models.DateTimeField(null=True, blank=True)
    breach_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["moment", "subject_type", "subject_id"],
                condition=models.Q(stopped_at__isnull=True),
                name="one_running_clock_per_subject",
            )
        ]
        indexes = [
            models.Index(
                fields=["workspace", "due_at"],
                condition=models.Q(stopped_at__isnull=True),
                name="clock_running_due",
            ),
            models.Index(fields=["workspace", "moment", "started_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_moment_display()} due {self.due_at:%Y-%m-%d %H:%M}"
