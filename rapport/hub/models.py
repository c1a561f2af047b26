"""The creator hub: one personal link per collaboration, and what the hub remembers about it.

A creator has no account. A :class:`HubLink` carries a long random token that opens exactly one
collaboration; the database keeps only the link's ``lookup`` half, and the other half is an HMAC of
it under the site's secret key, so the full link can be shown to the team again without being
stored, and a copy of the database alone opens nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rapport.campaigns.models import BriefVersion, Collaboration
from rapport.workspaces.models import Workspace

USER = settings.AUTH_USER_MODEL


class HubLink(models.Model):
    """A creator's personal link to one collaboration. At most one is active per collaboration;
    rotating revokes the current one and issues another, revoking just stops it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="hub_links"
    )
    lookup = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    last_opened_at = models.DateTimeField(_("last opened"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_hub_link_per_collaboration",
            )
        ]

    def __str__(self) -> str:
        return f"hub link {self.pk} of collaboration {self.collaboration_id}"


class HubState(models.Model):
    """What the hub remembers of the creator's visits to one collaboration: when the current
    visit began, and which brief version the creator had seen before it (the baseline for the
    "changed since your last visit" highlight)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    collaboration = models.OneToOneField(
        Collaboration, on_delete=models.CASCADE, related_name="hub_state"
    )
    visit_started_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    baseline_brief_version = models.PositiveIntegerField(null=True, blank=True)
    seen_brief_version = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"hub state of collaboration {self.collaboration_id}"


class BriefAcknowledgement(models.Model):
    """The creator confirmed reading one published version of the brief."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="brief_acknowledgements"
    )
    version = models.ForeignKey(BriefVersion, on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField()

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "version"], name="one_acknowledgement_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"brief v{self.version_id} acknowledged for collaboration {self.collaboration_id}"


class FaqTopic(models.TextChoices):
    SHIPPING = "shipping", _("Shipping")
    PAYMENT = "payment", _("Payment")
    USAGE = "usage", _("Usage of your content")
    DISCLOSURE = "disclosure", _("Disclosure")
    OTHER = "other", _("Other")


class FaqEntry(models.Model):
    """One question and answer of the workspace's hub FAQ. A workspace without entries shows the
    built-in defaults."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="faq_entries")
    topic = models.CharField(_("topic"), max_length=12, choices=FaqTopic.choices)
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))
    position = models.PositiveIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "FAQ entries"

    def __str__(self) -> str:
        return self.question
