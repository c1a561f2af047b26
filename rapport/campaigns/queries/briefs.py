"""Reads of briefs: the current version, its rules, and what changed."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from rapport.campaigns.models import (
    BRIEF_FIELDS,
    ApprovalStage,
    Brief,
    BriefContent,
    BriefTemplate,
    BriefVersion,
    Campaign,
    KpiMetric,
    Objective,
)
from rapport.workspaces.models import Workspace

DEFAULT_APPROVAL_STAGES = [ApprovalStage.CONCEPT.value, ApprovalStage.FINAL.value]


def current_version(campaign: Campaign) -> BriefVersion | None:
    """The brief's latest published version (what creators see), or None before the first."""
    return BriefVersion.objects.filter(brief__campaign=campaign).order_by("-number").first()


def _content(campaign: Campaign) -> dict[str, object]:
    version = current_version(campaign)
    if version is not None:
        return version.content
    brief = Brief.objects.filter(campaign=campaign).first()
    return (
        {}
        if brief is None
        else {"approval_stages": brief.approval_stages, "disclosure": brief.disclosure}
    )


def approval_stages_for(campaign: Campaign) -> list[str]:
    """The approval stages a new deliverable of ``campaign`` needs, from the brief's approval rules
    (the published version, else the draft), else concept and final."""
    stages = _content(campaign).get("approval_stages") or DEFAULT_APPROVAL_STAGES
    return [s for s in ApprovalStage.values if s in stages]  # type: ignore[operator]


def disclosure_for(campaign: Campaign) -> str:
    """The disclosure the brief requires on every post ('' when the brief says none yet)."""
    return str(_content(campaign).get("disclosure") or "")


# ---------------------------------------------------------------------------------------------
# Content, versions and what changed

LIST_FIELDS = frozenset(
    {"non_negotiables", "talking_points", "do_examples", "dont_examples", "inspiration_links"}
)


EMPTY: dict[str, Any] = {
    "non_negotiables": [],
    "talking_points": [],
    "do_examples": [],
    "dont_examples": [],
    "approval_stages": [],
    "kpis": [],
    "inspiration_links": [],
}


def brief_label(name: str) -> str:
    """The field's label as a person reads it (``non_negotiables`` is "Non-negotiables")."""
    label = str(getattr(BriefContent._meta.get_field(name), "verbose_name", name))
    return label[:1].upper() + label[1:]


def content_of(source: BriefContent | BriefVersion | None) -> dict[str, Any]:
    """The brief fields of a draft, a template or a published version, as plain JSON values."""
    if source is None:
        return {name: EMPTY.get(name, "") for name in BRIEF_FIELDS}
    if isinstance(source, BriefVersion):
        return {name: source.content.get(name, EMPTY.get(name, "")) for name in BRIEF_FIELDS}
    return {name: getattr(source, name) for name in BRIEF_FIELDS}


def _metric_label(metric: Any) -> str:
    return str(KpiMetric(metric).label) if metric in KpiMetric.values else str(metric)


def readable(name: str, value: Any) -> str:
    """A brief field's value as text: lists one item per line, choices by their label."""
    if name == "objective":
        return str(Objective(value).label) if value in Objective.values else str(value or "")
    if name == "approval_stages":
        return ", ".join(
            str(ApprovalStage(s).label) for s in ApprovalStage.values if s in (value or [])
        )
    if name == "kpis":
        return "\n".join(
            f"{_metric_label(row.get('metric'))}: {row.get('target')}" for row in value or []
        )
    if name in LIST_FIELDS:
        return "\n".join(str(item) for item in value or [])
    return str(value or "")


def content_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    """What differs between two contents, field by field in the brief's order:
    ``[{"field", "label", "before", "after"}]`` with readable values."""
    changes = []
    for name in BRIEF_FIELDS:
        old, new = before.get(name, EMPTY.get(name, "")), after.get(name, EMPTY.get(name, ""))
        if (old or EMPTY.get(name, "")) == (new or EMPTY.get(name, "")):
            continue
        changes.append(
            {
                "field": name,
                "label": brief_label(name),
                "before": readable(name, old),
                "after": readable(name, new),
            }
        )
    return changes


def brief_of(campaign: Campaign) -> Brief | None:
    """The campaign's brief as being edited, or None before anyone started it."""
    return Brief.objects.filter(workspace_id=campaign.workspace_id, campaign=campaign).first()


def versions_of(campaign: Campaign) -> QuerySet[BriefVersion]:
    """The campaign's published brief versions, newest first."""
    return BriefVersion.objects.filter(
        workspace_id=campaign.workspace_id, brief__campaign=campaign
    ).select_related("published_by")


def version_for(campaign: Campaign, pk: int) -> BriefVersion:
    """One published version of the campaign's brief, or 404."""
    return get_object_or_404(versions_of(campaign), pk=pk)


def changes_since(campaign: Campaign, version_number: int) -> list[dict[str, str]]:
    """What changed in the brief between version ``version_number`` (what a creator last saw)
    and the current published version; every filled field when that version does not exist."""
    current = current_version(campaign)
    if current is None or current.number == version_number:
        return []
    seen = versions_of(campaign).filter(number=version_number).first()
    return content_changes(content_of(seen), content_of(current))


def templates_for(workspace: Workspace) -> QuerySet[BriefTemplate]:
    """The workspace's brief templates, by name."""
    return BriefTemplate.objects.filter(workspace=workspace).order_by("name", "id")


def template_for(workspace: Workspace, pk: int) -> BriefTemplate:
    """One brief template of the workspace, or 404."""
    return get_object_or_404(templates_for(workspace), pk=pk)
