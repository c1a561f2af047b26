"""Workspaces, the people in them, their roles, API tokens and the audit-and-activity log."""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.workspaces.roles import Role, role_allows

# For forms only: the list depends on the machine's time zone database, so no model field uses it
# as choices (a migration would differ from one machine to the next); services validate instead.
TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]

DEFAULT_TIER_THRESHOLDS = {"micro": 10_000, "mid": 100_000, "macro": 500_000, "mega": 1_000_000}

DEFAULT_SLA_POLICY = {
    "first_response_business_days": 1,
    "concept_approval_business_days": 2,
    "final_approval_business_days": 2,
    "payment_net_days": 15,
    "shipping_confirmation_hours": 24,
    "final_approval_buffer_business_days": 2,
}


def default_tier_thresholds() -> dict[str, int]:
    return dict(DEFAULT_TIER_THRESHOLDS)


def default_sla_policy() -> dict[str, int]:
    return dict(DEFAULT_SLA_POLICY)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a member of one or more workspaces, identified by e-mail."""

    email = models.EmailField(_("e-mail"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    language = models.CharField(
        _("language"), max_length=8, default="en", choices=settings.LANGUAGES
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]


class ErDenominator(models.TextChoices):
    REACH = "reach", _("Reach")
    IMPRESSIONS = "impressions", _("Impressions")


class Workspace(models.Model):
    """One brand's creator program, with its own members, settings and data."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    country = models.CharField(
        _("country"),
        max_length=2,
        default="US",
        help_text=_("Two-letter code; business days follow this country's public holidays."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        help_text=_("Business days start and end on this clock."),
    )
    default_currency = models.CharField(_("default currency"), max_length=3, default="USD")
    er_denominator = models.CharField(
        _("engagement-rate denominator"),
        max_length=12,
        choices=ErDenominator.choices,
        default=ErDenominator.REACH,
    )
    tier_thresholds = models.JSONField(_("tier thresholds"), default=default_tier_thresholds)
    sla_policy = models.JSONField(_("service levels"), default=default_sla_policy)
    hub_days_after_close = models.PositiveIntegerField(
        _("hub links stay open after a collaboration ends (days)"),
        default=90,
        help_text=_("After this many days, an ended collaboration's hub link stops working."),
    )
    tracking_domains = models.JSONField(
        _("tracking link destinations"),
        default=list,
        blank=True,
        help_text=_(
            "The domains tracking links may send people to (for example shop.example.com); "
            "their subdomains are allowed too."
        ),
    )
    attribution_days = models.PositiveSmallIntegerField(
        _("attribution window (days)"),
        default=30,
        help_text=_("An order without a code counts for the last tracked click this recent."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's place in a workspace, with the role that decides what they see and change."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)
    # The member's local date of the last daily digest, so that each day gets one at most.
    last_digest_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"

    def can(self, perm: str) -> bool:
        return role_allows(self.role, perm)


class Invitation(models.Model):
    """An e-mailed link that lets a person join a workspace with a given role."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.VIEWER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.email} to {self.workspace}"

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


def hash_secret(raw: str) -> str:
    """The SHA-256 digest under which tokens and invitation secrets are stored."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_secret(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


class ApiToken(models.Model):
    """A bearer token for the API, bound to one workspace, one member and a role; hashed at rest."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_tokens")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12, help_text=_("The first characters, to recognise it."))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.workspace}, {self.role})"


class AuditEvent(models.Model):
    """One entry of the audit-and-activity log: who did what, with before and after values.

    Field changes carry ``changes`` as ``{field: [before, after]}``; domain events (a note, an
    import, a merge) carry a ``kind`` and a readable ``summary``. Events about a creator point at
    it, so its page shows them as a timeline.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60)
    object_id = models.BigIntegerField(null=True)
    creator = models.ForeignKey(
        "creators.Creator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    summary = models.CharField(max_length=500)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "creator", "-created_at"]),
            models.Index(fields=["workspace", "campaign", "-created_at"]),
            models.Index(fields=["workspace", "object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return self.summary


class Notification(models.Model):
    """Something a member should see: a mention in a note, an invitation accepted."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text
