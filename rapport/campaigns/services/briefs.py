"""Briefs: the one brief of a campaign (a draft that is edited, and versions that are published),
and the workspace's brief templates to start from."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.campaigns.models import (
    BRIEF_FIELDS,
    ApprovalStage,
    Brief,
    BriefTemplate,
    BriefVersion,
    Campaign,
    Objective,
)
from rapport.campaigns.queries.briefs import (
    LIST_FIELDS,
    brief_label,
    content_changes,
    content_of,
    current_version,
)
from rapport.campaigns.services.campaigns import clean_kpis
from rapport.campaigns.services.deliverables import http_url
from rapport.workspaces.models import User, Workspace
from rapport.workspaces.services import record

NON_NEGOTIABLES = (3, 5)  # as many as a brief must list when it is published
TEXT_LIMITS = {"disclosure": 300}


def _text_list(name: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationError(
            {name: _("Give %(f)s as a list of texts.") % {"f": brief_label(name)}}
        )
    return [item.strip() for item in value if item.strip()]


def _clean_kpis(value: Any) -> list[dict[str, str]]:
    """The brief's KPIs, checked like the campaign's, kept as ``{"metric", "target"}`` text."""
    return [
        {"metric": kpi.metric, "target": f"{kpi.target.normalize():f}"} for kpi in clean_kpis(value)
    ]


def clean_content(values: dict[str, Any]) -> dict[str, Any]:
    """Check brief fields (any of ``BRIEF_FIELDS``) and return them as stored; lists may be
    given as text, one item per line."""
    errors: dict[str, Any] = {}
    cleaned: dict[str, Any] = {}
    for name in set(values) - set(BRIEF_FIELDS):
        errors[name] = _("Not a field of a brief.")
    for name, value in values.items():
        if name not in BRIEF_FIELDS:
            continue
        try:
            if name == "objective":
                cleaned[name] = value or ""
                if cleaned[name] and cleaned[name] not in Objective.values:
                    raise ValidationError({name: _("Choose one of the objectives.")})
            elif name == "approval_stages":
                given = value or []
                unknown = [s for s in given if s not in ApprovalStage.values]
                if not isinstance(given, list | tuple) or unknown:
                    raise ValidationError(
                        {name: _("Approval stages are any of: concept, script, rough_cut, final.")}
                    )
                cleaned[name] = [s for s in ApprovalStage.values if s in given]
            elif name == "kpis":
                cleaned[name] = _clean_kpis(value or [])
            elif name in LIST_FIELDS:
                cleaned[name] = _text_list(name, value or [])
            else:
                if not isinstance(value or "", str):
                    raise ValidationError({name: _("Give this field as text.")})
                cleaned[name] = (value or "").strip()
                limit = TEXT_LIMITS.get(name)
                if limit and len(cleaned[name]) > limit:
                    raise ValidationError(
                        {name: _("Keep this under %(n)s characters.") % {"n": limit}}
                    )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    bad_links = []
    for link in cleaned.get("inspiration_links", []):
        try:
            http_url(link)
        except ValidationError:
            bad_links.append(link)
    if bad_links:
        errors["inspiration_links"] = _(
            "Inspiration links must be web addresses starting with http:// or https://; "
            "not: %(links)s"
        ) % {"links": ", ".join(bad_links)}
    if errors:
        raise ValidationError(errors)
    return cleaned


def starting_content(campaign: Campaign, template: BriefTemplate | None) -> dict[str, Any]:
    """A new brief's content: the template's, else the campaign's objective and KPIs."""
    if template is not None:
        if template.workspace_id != campaign.workspace_id:
            raise ValidationError({"template": _("This template is not in the workspace.")})
        return content_of(template)
    return {
        **content_of(None),
        "objective": campaign.objective,
        "kpis": [
            {"metric": k.metric, "target": f"{k.target.normalize():f}"} for k in campaign.kpis.all()
        ],
    }


@transaction.atomic
def start_brief(
    *, campaign: Campaign, actor: User | None, template: BriefTemplate | None = None
) -> Brief:
    """The campaign's brief, created on first use from ``template`` (or from the campaign's
    objective and KPIs). An existing brief is returned as it is."""
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    brief = Brief.objects.filter(campaign=campaign).first()
    if brief is not None:
        return brief
    brief = Brief.objects.create(
        workspace=campaign.workspace,
        campaign=campaign,
        updated_by=actor,
        **starting_content(campaign, template),
    )
    record(
        workspace=campaign.workspace,
        actor=actor,
        kind="brief.started",
        summary=(
            _("Brief started from the template %(t)s") % {"t": template.name}
            if template
            else _("Brief started")
        ),
        obj=brief,
        campaign=campaign,
    )
    return brief


@transaction.atomic
def save_brief(
    *,
    campaign: Campaign,
    actor: User | None,
    template: BriefTemplate | None = None,
    **values: Any,
) -> Brief:
    """Save the draft's fields given (the brief is created first if needed); creators see
    nothing of it until it is published. Audited field by field."""
    cleaned = clean_content(values)
    brief = start_brief(campaign=campaign, actor=actor, template=template)
    brief = Brief.objects.select_for_update().get(pk=brief.pk)
    before = content_of(brief)
    changes = content_changes(before, {**before, **cleaned})
    if not changes:
        return brief
    for name, value in cleaned.items():
        setattr(brief, name, value)
    brief.updated_by = actor
    brief.save()
    record(
        workspace=campaign.workspace,
        actor=actor,
        kind="brief.saved",
        summary=_("Brief draft saved: %(fields)s")
        % {"fields": ", ".join(c["label"] for c in changes)},
        obj=brief,
        campaign=campaign,
        changes={c["field"]: (before[c["field"]], cleaned[c["field"]]) for c in changes},
    )
    return brief


@transaction.atomic
def publish_brief(*, campaign: Campaign, actor: User | None, summary: str = "") -> BriefVersion:
    """Publish the draft as the next version: creators see it from now on, with its date and the
    list of what changed since the previous version. An unchanged brief is not published."""
    brief = Brief.objects.select_for_update().filter(campaign=campaign).first()
    if brief is None:
        raise ValidationError({"brief": _("Write the brief before publishing it.")})
    content = content_of(brief)
    count = len(content["non_negotiables"])
    low, high = NON_NEGOTIABLES
    if not low <= count <= high:
        raise ValidationError(
            {
                "non_negotiables": _(
                    "A published brief lists %(low)s to %(high)s non-negotiables (this one has "
                    "%(n)s): few enough that creators remember them all."
                )
                % {"low": low, "high": high, "n": count}
            }
        )
    summary = summary.strip()
    if len(summary) > 300:
        raise ValidationError({"summary": _("Keep the summary to one line (300 characters).")})
    previous = current_version(campaign)
    changes = content_changes(content_of(previous), content)
    if previous is not None and not changes:
        raise ValidationError(
            {
                "brief": _(
                    "Nothing changed since version %(n)s: edit the brief before publishing a "
                    "new version."
                )
                % {"n": previous.number}
            }
        )
    number = (brief.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = BriefVersion.objects.create(
        workspace=campaign.workspace,
        brief=brief,
        number=number,
        content=content,
        changes=changes,
        summary=summary,
        published_at=timezone.now(),
        published_by=actor,
    )
    record(
        workspace=campaign.workspace,
        actor=actor,
        kind="brief.published",
        summary=_("Brief version %(n)s published") % {"n": number}
        + (f": {summary}" if summary else ""),
        obj=version,
        campaign=campaign,
        changes={c["field"]: (c["before"], c["after"]) for c in changes},
    )
    return version


# ---------------------------------------------------------------------------------------------
# Templates


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the template a name.")})
    if len(name) > 120:
        raise ValidationError({"name": _("Keep the name under 120 characters.")})
    return name


@transaction.atomic
def create_template(
    *, workspace: Workspace, actor: User | None, name: str, **values: Any
) -> BriefTemplate:
    """A new brief template with the fields given (the others empty)."""
    name = _clean_name(name)
    cleaned = clean_content(values)
    template = BriefTemplate.objects.create(
        workspace=workspace, name=name, **{**content_of(None), **cleaned}
    )
    record(
        workspace=workspace,
        actor=actor,
        kind="brief_template.created",
        summary=_("Brief template %(name)s created") % {"name": name},
        obj=template,
    )
    return template


@transaction.atomic
def update_template(*, template: BriefTemplate, actor: User | None, **values: Any) -> BriefTemplate:
    """Change a template's name or fields; briefs already started from it stay as they are."""
    changes: dict[str, tuple[Any, Any]] = {}
    if "name" in values:
        name = _clean_name(values.pop("name"))
        if name != template.name:
            changes["name"] = (template.name, name)
            template.name = name
    cleaned = clean_content(values)
    before = content_of(template)
    for name, value in cleaned.items():
        if before[name] != value:
            changes[name] = (before[name], value)
            setattr(template, name, value)
    if changes:
        template.save()
        record(
            workspace=template.workspace,
            actor=actor,
            kind="brief_template.updated",
            summary=_("Brief template %(name)s changed") % {"name": template.name},
            obj=template,
            changes=changes,
        )
    return template


def delete_template(*, template: BriefTemplate, actor: User | None) -> None:
    """Remove a template; briefs started from it keep their content."""
    record(
        workspace=template.workspace,
        actor=actor,
        kind="brief_template.deleted",
        summary=_("Brief template %(name)s deleted") % {"name": template.name},
        obj=template,
    )
    template.delete()


def template_from_brief(*, campaign: Campaign, actor: User | None, name: str) -> BriefTemplate:
    """Save the campaign's brief (its draft) as a new workspace template."""
    brief = Brief.objects.filter(campaign=campaign).first()
    if brief is None:
        raise ValidationError({"brief": _("Write the brief before saving it as a template.")})
    return create_template(
        workspace=campaign.workspace, actor=actor, name=name, **content_of(brief)
    )
