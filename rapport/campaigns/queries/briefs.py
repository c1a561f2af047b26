"""Reads of briefs: the current version, its rules, and what changed."""

from __future__ import annotations

from rapport.campaigns.models import ApprovalStage, Brief, BriefVersion, Campaign

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
