"""Reads for the hub's brief: the published version's fields as the creator reads them, what
changed since their last visit, and their latest confirmation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapport.campaigns.models import BRIEF_FIELDS, BriefVersion, Collaboration
from rapport.campaigns.queries.briefs import LIST_FIELDS, brief_label, changes_since, readable
from rapport.hub.models import BriefAcknowledgement, HubState

# The brief's fields a creator needs, in reading order (KPI targets stay with the team).
CREATOR_FIELDS = tuple(name for name in BRIEF_FIELDS if name != "kpis")


@dataclass(frozen=True)
class BriefField:
    """One field of the brief as shown: a text, or a list of items (links for inspiration), and
    whether it changed since the creator's last visit."""

    name: str
    label: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    changed: bool = False

    @property
    def is_links(self) -> bool:
        return self.name == "inspiration_links"


def brief_fields(version: BriefVersion, changed: set[str]) -> list[BriefField]:
    """The version's filled fields for the creator, flagging those in ``changed``."""
    shown = []
    content: dict[str, Any] = version.content
    for name in CREATOR_FIELDS:
        value = content.get(name)
        if not value:
            continue
        if name in LIST_FIELDS:
            shown.append(
                BriefField(name, brief_label(name), items=list(value), changed=name in changed)
            )
        else:
            shown.append(
                BriefField(name, brief_label(name), readable(name, value), changed=name in changed)
            )
    return shown


def changes_for(
    collaboration: Collaboration, state: HubState, current: BriefVersion
) -> list[dict[str, str]]:
    """What changed in the brief since the version the creator had seen before this visit (none
    on a first visit, or when they had already seen the current version)."""
    baseline = state.baseline_brief_version
    if baseline is None or baseline >= current.number:
        return []
    return [
        change
        for change in changes_since(collaboration.campaign, baseline)
        if change["field"] in CREATOR_FIELDS
    ]


def latest_acknowledgement(collaboration: Collaboration) -> BriefAcknowledgement | None:
    """The creator's most recent confirmation of the brief, with its version."""
    return (
        BriefAcknowledgement.objects.filter(
            workspace_id=collaboration.workspace_id, collaboration=collaboration
        )
        .select_related("version")
        .order_by("-version__number")
        .first()
    )


def visit_state(collaboration: Collaboration) -> HubState:
    """The creator's visit record as it stands, without recording a visit (an empty one before
    their first)."""
    found = HubState.objects.filter(collaboration=collaboration).first()
    return found or HubState(workspace_id=collaboration.workspace_id, collaboration=collaboration)
