"""Money owed to creators: their invoices, payments and performance bonuses.

An invoice belongs to one collaboration. Its payment date follows the workspace's payment terms
(Net N calendar days from the day it was received, PRODUCT.md "Service levels"), and receiving it
starts the payment clock.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.campaigns.models import Collaboration
from rapport.workspaces.models import Workspace

USER = settings.AUTH_USER_MODEL


class InvoiceStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Payment scheduled")
    PAID = "paid", _("Paid")
    DISPUTED = "disputed", _("Disputed")


class InvoiceSource(models.TextChoices):
    HUB = "hub", _("Sent by the creator on the hub")
    TEAM = "team", _("Entered by the team")


class Invoice(models.Model):
    """A creator's invoice for one collaboration: number, amount with its currency, when it was
    received, the payment date the terms give, its status and the file itself."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="invoices"
    )
    number = models.CharField(_("invoice number"), max_length=60)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    received_at = models.DateTimeField(_("received"))
    due_on = models.DateField(_("payment scheduled for"))
    status = models.CharField(
        _("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.RECEIVED
    )
    file = models.FileField(_("file"), upload_to="invoices/%Y/%m/", max_length=300, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=4, choices=InvoiceSource.choices)
    entered_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "number"], name="one_invoice_number_per_collaboration"
            )
        ]
        indexes = [models.Index(fields=["workspace", "status", "due_on"])]

    def __str__(self) -> str:
        return f"invoice {self.number}"


class BonusStatus(models.TextChoices):
    COMPUTED = "computed", _("Computed")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")


class BonusLine(models.Model):
    """The performance bonus a collaboration earned, worked out at wrap time.

    The agreed ladder (from the terms snapshot) is evaluated on the measured metric: CPA from the
    spend and the attributed conversions, attributed revenue, or conversions. ``calculation``
    keeps every input and each rung's outcome so finance and the creator can follow it. It is
    computed again while it is only ``computed``; approval fixes it.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    collaboration = models.OneToOneField(
        Collaboration, on_delete=models.CASCADE, related_name="bonus_line"
    )
    metric = models.CharField(_("metric"), max_length=12)
    measured = models.DecimalField(
        _("measured"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount = models.DecimalField(_("bonus"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    calculation = models.JSONField(default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=BonusStatus.choices, default=BonusStatus.COMPUTED
    )
    computed_at = models.DateTimeField()
    computed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    approved_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "status"])]

    def __str__(self) -> str:
        return f"bonus {self.amount} {self.currency}"
