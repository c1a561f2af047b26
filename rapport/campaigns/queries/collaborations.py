"""Reads of collaborations shared by the board, the table, the collaboration page, the creator's
page and the API: one filter for all, a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from rapport.campaigns.models import Campaign, Collaboration, CollabStage, Question
from rapport.creators.models import Creator, Platform, SocialAccount, Tier
from rapport.workspaces.models import AuditEvent, Workspace


@dataclass
class CollabFilters:
    """The board's and table's filters (they live in the URL, so a filtered board can be shared).

    ``owner`` holds member ids or ``none``.
    """

    stage: list[str] = field(default_factory=list)
    owner: list[str] = field(default_factory=list)
    tier: list[str] = field(default_factory=list)
    platform: list[str] = field(default_factory=list)

    @classmethod
    def from_params(cls, params: Any) -> CollabFilters:
        """Read filters from a QueryDict or a dict of lists; an unknown value raises
        ValidationError naming the filter."""
        get_list = params.getlist if hasattr(params, "getlist") else (lambda k: params.get(k) or [])
        result = cls()
        errors: dict[str, str] = {}
        for name, allowed in (
            ("stage", CollabStage.values),
            ("owner", None),
            ("tier", Tier.values),
            ("platform", Platform.values),
        ):
            values = [p for v in get_list(name) for p in str(v).split(",") if p.strip()]
            values = [v.strip() for v in values]
            if allowed is None:
                bad = [v for v in values if v != "none" and not v.isdigit()]
            else:
                bad = [v for v in values if v not in allowed]
            if bad:
                errors[name] = _("Unknown value: %(v)s.") % {"v": ", ".join(bad)}
            setattr(result, name, values)
        if errors:
            raise ValidationError(errors)
        return result

    def as_query(self) -> str:
        pairs = [
            (name, v)
            for name in ("stage", "owner", "tier", "platform")
            for v in getattr(self, name)
        ]
        return urlencode(pairs)

    def for_stage(self, stage: str) -> str:
        """The query string of these filters narrowed to one stage (a board column's link to
        the table)."""
        return replace(self, stage=[stage]).as_query()

    def is_filtered(self) -> bool:
        return bool(self.stage or self.owner or self.tier or self.platform)


def filter_collaborations(
    qs: QuerySet[Collaboration], filters: CollabFilters
) -> QuerySet[Collaboration]:
    """``qs`` narrowed to the filters (each is an indexed column or an indexed EXISTS)."""
    if filters.stage:
        qs = qs.filter(stage__in=filters.stage)
    if filters.owner:
        cond = Q(owner_id__in=[int(o) for o in filters.owner if o.isdigit()])
        if "none" in filters.owner:
            cond |= Q(owner__isnull=True)
        qs = qs.filter(cond)
    if filters.tier:
        qs = qs.filter(creator__tier__in=filters.tier)
    if filters.platform:
        qs = qs.filter(
            Exists(
                SocialAccount.objects.filter(
                    creator=OuterRef("creator_id"), platform__in=filters.platform
                )
            )
        )
    return qs


def with_card_relations(qs: QuerySet[Collaboration]) -> QuerySet[Collaboration]:
    """What a card or a table row shows (creator, tier, platforms, owner) in two queries."""
    return qs.select_related("creator", "owner").prefetch_related(
        Prefetch(
            "creator__social_accounts",
            queryset=SocialAccount.objects.only("id", "creator_id", "platform", "followers"),
        )
    )


def campaign_collaborations(
    campaign: Campaign, filters: CollabFilters | None = None
) -> QuerySet[Collaboration]:
    """The campaign's collaborations, filtered, by creator name (no related rows loaded)."""
    qs = Collaboration.objects.filter(workspace_id=campaign.workspace_id, campaign=campaign)
    if filters is not None:
        qs = filter_collaborations(qs, filters)
    return qs.order_by("creator__name", "id")


BOARD_CARDS = 20  # the most cards a board column draws


@dataclass
class Column:
    """A board column: the first cards of a stage (in the board's order) and how many there are."""

    stage: str
    label: str
    cards: list[Collaboration]
    count: int = 0
    query: str = ""  # the filters narrowed to this stage, for the table's link

    @property
    def more(self) -> int:
        """Cards of the stage that are not drawn."""
        return self.count - len(self.cards)


def board_columns(
    campaign: Campaign, filters: CollabFilters | None = None, *, cap: int = BOARD_CARDS
) -> list[Column]:
    """A column per stage, in lifecycle order, with its first ``cap`` cards (by creator name)
    and the stage's true count. One query for the cards and their counts (window functions),
    one for the cards' social accounts, whatever the number of rows."""
    drawn = (
        campaign_collaborations(campaign, filters)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=F("stage"),
                order_by=[F("creator__name").asc(), F("id").asc()],
            ),
            stage_count=Window(Count("id"), partition_by=F("stage")),
        )
        .filter(position__lte=cap)
    )
    filters = filters or CollabFilters()
    columns = {
        stage: Column(stage, str(label), [], query=filters.for_stage(stage))
        for stage, label in CollabStage.choices
    }
    for collaboration in with_card_relations(drawn):
        column = columns[collaboration.stage]
        column.cards.append(collaboration)
        column.count = collaboration.stage_count  # type: ignore[attr-defined]
    return list(columns.values())


def collaboration_for(workspace: Workspace, pk: int) -> Collaboration:
    """One collaboration of the workspace with its creator, campaign and owner, or 404."""
    return get_object_or_404(
        Collaboration.objects.filter(workspace=workspace).select_related(
            "creator", "creator__owner", "campaign", "owner", "workspace"
        ),
        pk=pk,
    )


def question_for(workspace: Workspace, pk: int) -> Question:
    """One question of the workspace, or 404."""
    return get_object_or_404(
        Question.objects.filter(workspace=workspace).select_related(
            "collaboration", "collaboration__creator", "collaboration__campaign", "workspace"
        ),
        pk=pk,
    )


def questions_of(collaboration: Collaboration) -> QuerySet[Question]:
    """The collaboration's questions, newest first, with who answered."""
    return Question.objects.filter(
        workspace_id=collaboration.workspace_id, collaboration=collaboration
    ).select_related("answered_by")


def collaboration_timeline(collaboration: Collaboration) -> QuerySet[AuditEvent]:
    """Everything recorded about this creator in this campaign, newest first."""
    return AuditEvent.objects.filter(
        workspace_id=collaboration.workspace_id,
        creator_id=collaboration.creator_id,
        campaign_id=collaboration.campaign_id,
    ).select_related("actor")


def creator_collaborations(creator: Creator) -> QuerySet[Collaboration]:
    """A creator's collaborations across campaigns, newest campaign first (one query)."""
    return (
        Collaboration.objects.filter(workspace_id=creator.workspace_id, creator=creator)
        .select_related("campaign", "owner")
        .order_by("-campaign__starts_on", "-created_at", "-id")
    )
