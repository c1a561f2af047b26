"""Reads of campaigns: the list, one campaign, its budget against what is committed, its
collaborations per stage, its experiments and its timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from rapport.campaigns.models import (
    Campaign,
    CampaignStatus,
    Collaboration,
    CollabStage,
    Experiment,
)
from rapport.workspaces.models import AuditEvent, Membership, User, Workspace
from rapport.workspaces.roles import Perm, Role, role_allows

# Collaborations that fell through commit no money.
NOT_COMMITTED = (CollabStage.DECLINED, CollabStage.CANCELLED)


def campaigns_for(workspace: Workspace) -> QuerySet[Campaign]:
    """The workspace's campaigns, with the people a list or a header shows."""
    return Campaign.objects.filter(workspace=workspace).select_related("owner", "decision_maker")


def filtered_campaigns(
    workspace: Workspace, *, status: list[str] | None = None, owner: str = ""
) -> QuerySet[Campaign]:
    """The campaign list: narrowed to some statuses and to one owner (a member id, or "none"),
    with the number of creators in each, newest start first."""
    status = [s for s in status or [] if s]
    unknown = [s for s in status if s not in CampaignStatus.values]
    if unknown:
        raise ValidationError(
            {"status": _("“%(s)s” is not a campaign status.") % {"s": ", ".join(unknown)}}
        )
    qs = campaigns_for(workspace)
    if status:
        qs = qs.filter(status__in=status)
    if owner == "none":
        qs = qs.filter(owner__isnull=True)
    elif owner:
        if not owner.isdigit():
            raise ValidationError({"owner": _("Give the owner as a member id, or none.")})
        qs = qs.filter(owner_id=int(owner))
    return qs.annotate(
        creator_count=Count("collaborations", filter=~Q(collaborations__stage__in=NOT_COMMITTED))
    ).order_by("-starts_on", "name", "id")


def campaign_for(workspace: Workspace, pk: int) -> Campaign:
    """One campaign of the workspace, or 404."""
    return get_object_or_404(campaigns_for(workspace), pk=pk)


def reviewers(workspace: Workspace) -> QuerySet[User]:
    """Members whose role may decide on content: who can be a decision-maker or a delegate."""
    roles = [role for role in Role.values if role_allows(role, Perm.REVIEW)]
    return User.objects.filter(
        memberships__workspace=workspace, memberships__role__in=roles
    ).order_by("name", "email")


def is_member(workspace: Workspace, user: User) -> bool:
    return Membership.objects.filter(workspace=workspace, user=user).exists()


@dataclass
class Budget:
    """A campaign's budget against the cost committed to its collaborations, in its currency.

    ``other_currencies`` lists collaborations agreed in another currency: they are not added in.
    """

    budget: Decimal | None
    currency: str
    committed: Decimal
    other_currencies: list[Collaboration] = field(default_factory=list)

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.committed

    @property
    def used_percent(self) -> int | None:
        if not self.budget:
            return None
        return int(self.committed * 100 / self.budget)


def budget_of(campaign: Campaign) -> Budget:
    """Budget vs committed cost (collaborations with a committed cost, declined and cancelled
    ones left out). A collaboration without a currency counts in the campaign's."""
    committed = Collaboration.objects.filter(
        workspace_id=campaign.workspace_id, campaign=campaign, committed_cost__isnull=False
    ).exclude(stage__in=NOT_COMMITTED)
    same = Q(currency=campaign.currency) | Q(currency="")
    total = committed.filter(same).aggregate(total=Sum("committed_cost"))["total"]
    others = list(
        committed.exclude(same).select_related("creator").order_by("currency", "creator__name")
    )
    return Budget(
        budget=campaign.budget,
        currency=campaign.currency,
        committed=(total or Decimal(0)).quantize(Decimal("0.01")),
        other_currencies=others,
    )


def stage_counts(campaign: Campaign) -> list[tuple[str, str, int]]:
    """How many collaborations are at each stage: (stage, label, count), in lifecycle order,
    every stage listed."""
    counts = dict(
        Collaboration.objects.filter(workspace_id=campaign.workspace_id, campaign=campaign)
        .values_list("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    return [(value, str(label), counts.get(value, 0)) for value, label in CollabStage.choices]


def experiments_of(campaign: Campaign) -> QuerySet[Experiment]:
    """The campaign's experiment log, newest first."""
    return Experiment.objects.filter(
        workspace_id=campaign.workspace_id, campaign=campaign
    ).select_related("created_by")


def experiment_for(campaign: Campaign, pk: int) -> Experiment:
    """One experiment of the campaign, or 404."""
    return get_object_or_404(experiments_of(campaign), pk=pk)


def campaign_timeline(campaign: Campaign) -> QuerySet[AuditEvent]:
    """Everything recorded about the campaign (its own changes, its brief, its collaborations),
    newest first."""
    return (
        AuditEvent.objects.filter(workspace_id=campaign.workspace_id, campaign=campaign)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def readable_change(value: Any) -> str:
    """An audit entry's before or after value as a person reads it."""
    if value in (None, "", [], {}):
        return _("(empty)")
    if isinstance(value, list):
        return ", ".join(readable_change(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {readable_change(item)}" for key, item in value.items())
    return str(value)
