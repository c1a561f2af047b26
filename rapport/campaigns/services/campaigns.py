"""Campaigns: planning one (dates, budget, people, KPIs), moving it through its statuses, and its
experiment log. Every write is audited on the campaign's timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rapport.campaigns.models import (
    Campaign,
    CampaignKpi,
    CampaignStatus,
    Experiment,
    KpiMetric,
    Objective,
)
from rapport.workspaces.models import ErDenominator, Membership, User, Workspace
from rapport.workspaces.roles import Perm, role_allows
from rapport.workspaces.services import is_currency, record

St = CampaignStatus

# The moves a campaign's status may make. A draft is launched (or dropped); an active campaign
# winds down, or stops at once; winding down may resume or finish; a closed campaign may be
# reopened to wrap up what was left, with a reason.
STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    St.DRAFT: (St.ACTIVE, St.CLOSED),
    St.ACTIVE: (St.WRAPPING_UP, St.CLOSED),
    St.WRAPPING_UP: (St.ACTIVE, St.CLOSED),
    St.CLOSED: (St.WRAPPING_UP,),
}
REOPENING = (St.CLOSED, St.WRAPPING_UP)

# The fields of a campaign a person sets directly (status has its own rules, KPIs and delegates
# their own storage).
PLAIN_FIELDS = (
    "name",
    "slug",
    "objective",
    "description",
    "starts_on",
    "ends_on",
    "budget",
    "currency",
    "owner",
    "decision_maker",
    "er_denominator",
)


@dataclass(frozen=True)
class KpiTarget:
    """A KPI the campaign is judged on, and the figure it aims for."""

    metric: str
    target: Decimal


def allowed_statuses(status: str) -> tuple[str, ...]:
    """The statuses a campaign in ``status`` may move to."""
    return STATUS_TRANSITIONS.get(status, ())


def can_review(workspace: Workspace, user: User | None) -> bool:
    """Whether ``user`` is a member of ``workspace`` whose role may decide on content."""
    if user is None:
        return False
    membership = Membership.objects.filter(workspace=workspace, user=user).first()
    return membership is not None and role_allows(membership.role, Perm.REVIEW)


def unique_campaign_slug(workspace: Workspace, name: str, *, exclude: int | None = None) -> str:
    """A slug from ``name`` not yet used by another campaign of the workspace."""
    base = slugify(name)[:70] or "campaign"
    taken = Campaign.objects.filter(workspace=workspace, slug__startswith=base)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    used = set(taken.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    return slug


def clean_kpis(given: Any) -> list[KpiTarget]:
    """KPIs as ``[{"metric": ..., "target": ...}]`` (or KpiTarget), one target per metric."""
    if not isinstance(given, list | tuple):
        raise ValidationError({"kpis": _("Give the KPIs as a list of metric and target.")})
    cleaned: list[KpiTarget] = []
    errors: list[str] = []
    for number, row in enumerate(given, start=1):
        metric, target = (
            (row.metric, row.target)
            if isinstance(row, KpiTarget)
            else (row.get("metric"), row.get("target"))
            if isinstance(row, dict)
            else (None, None)
        )
        if metric not in KpiMetric.values:
            errors.append(
                _("KPI %(n)s: “%(m)s” is not a metric Rapport measures.")
                % {"n": number, "m": metric}
            )
            continue
        try:
            value = Decimal(str(target).strip())
        except (InvalidOperation, ValueError):
            value = Decimal(-1)
        if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
            errors.append(
                _("KPI %(n)s (%(m)s): the target must be a number of 0 or more, not “%(t)s”.")
                % {"n": number, "m": KpiMetric(metric).label, "t": target}
            )
            continue
        if any(kpi.metric == metric for kpi in cleaned):
            errors.append(
                _("%(m)s is listed twice: give each metric one target.")
                % {"m": KpiMetric(metric).label}
            )
            continue
        cleaned.append(KpiTarget(metric=metric, target=value.quantize(Decimal("0.0001"))))
    if errors:
        raise ValidationError({"kpis": errors})
    return cleaned


def _readable_kpis(kpis: list[KpiTarget]) -> list[str]:
    return [f"{KpiMetric(k.metric).label}: {k.target.normalize():f}" for k in kpis]


def _slug_taken(workspace: Workspace, slug: str, pk: int | None) -> bool:
    others = Campaign.objects.filter(workspace=workspace, slug=slug)
    return (others.exclude(pk=pk) if pk is not None else others).exists()


def _clean(workspace: Workspace, values: dict[str, Any], *, pk: int | None) -> dict[str, Any]:
    """Check a campaign's fields (all of them on creation, those given on a change)."""
    errors: dict[str, Any] = {}
    cleaned = dict(values)
    if "name" in values:
        name = str(values["name"] or "").strip()
        if not name:
            errors["name"] = _("Give the campaign a name.")
        elif len(name) > 200:
            errors["name"] = _("Keep the name under 200 characters.")
        cleaned["name"] = name
    if "slug" in values:
        slug = str(values["slug"] or "").strip().lower()
        if not slug:
            slug = unique_campaign_slug(workspace, cleaned.get("name", ""), exclude=pk)
        if slug != slugify(slug) or len(slug) > 80:
            errors["slug"] = _(
                "Use lower-case letters, digits and hyphens only (up to 80), such as “spring-glow”."
            )
        elif _slug_taken(workspace, slug, pk):
            errors["slug"] = _(
                "Another campaign of this workspace already uses the slug “%(s)s”: tracking "
                "links would mix them up. Choose another."
            ) % {"s": slug}
        cleaned["slug"] = slug
    if "objective" in values and values["objective"] not in Objective.values:
        errors["objective"] = _("Choose one of the objectives.")
    if "description" in values:
        cleaned["description"] = str(values["description"] or "").strip()
    for name in ("starts_on", "ends_on"):
        if name in values and not isinstance(values[name], dt.date | None):
            errors[name] = _("Give a date such as 2025-03-31.")
    if "budget" in values and values["budget"] is not None:
        try:
            budget = Decimal(str(values["budget"]).strip())
        except (InvalidOperation, ValueError):
            budget = Decimal(-1)
        if not budget.is_finite() or budget < 0 or budget >= Decimal("1e10"):
            errors["budget"] = _("The budget is an amount of 0 or more, such as 25000.")
        else:
            cleaned["budget"] = budget.quantize(Decimal("0.01"))
    if "currency" in values:
        currency = str(values["currency"] or "").strip().upper() or workspace.default_currency
        if not is_currency(currency):
            errors["currency"] = _(
                "“%(c)s” is not a currency code: use an ISO code such as USD, EUR or GBP."
            ) % {"c": currency}
        cleaned["currency"] = currency
    if "er_denominator" in values:
        cleaned["er_denominator"] = values["er_denominator"] or workspace.er_denominator
        if cleaned["er_denominator"] not in ErDenominator.values:
            errors["er_denominator"] = _("Choose reach or impressions.")
    members = set(Membership.objects.filter(workspace=workspace).values_list("user_id", "role"))
    member_roles = dict(members)
    if values.get("owner") is not None and values["owner"].pk not in member_roles:
        errors["owner"] = _("The owner must be a member of this workspace.")
    for name in ("decision_maker",):
        person = values.get(name)
        if person is not None and not role_allows(member_roles.get(person.pk, ""), Perm.REVIEW):
            errors[name] = _(
                "%(p)s cannot decide on content: the decision-maker must be a member whose role "
                "reviews (owner, manager or reviewer)."
            ) % {"p": person}
    if "delegates" in values:
        delegates = list(dict.fromkeys(values["delegates"] or []))
        unfit = [
            str(p) for p in delegates if not role_allows(member_roles.get(p.pk, ""), Perm.REVIEW)
        ]
        if unfit:
            errors["delegates"] = _(
                "Review delegates must be members whose role reviews (owner, manager or "
                "reviewer); not %(p)s."
            ) % {"p": ", ".join(unfit)}
        cleaned["delegates"] = delegates
    if "kpis" in values:
        try:
            cleaned["kpis"] = clean_kpis(values["kpis"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_dates(starts_on: dt.date | None, ends_on: dt.date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError(
            {
                "ends_on": _("The campaign cannot end (%(end)s) before it starts (%(start)s).")
                % {"end": ends_on.isoformat(), "start": starts_on.isoformat()}
            }
        )


def _save_kpis(campaign: Campaign, kpis: list[KpiTarget]) -> None:
    campaign.kpis.all().delete()
    CampaignKpi.objects.bulk_create(
        CampaignKpi(
            workspace=campaign.workspace, campaign=campaign, metric=k.metric, target=k.target
        )
        for k in kpis
    )


def kpis_of(campaign: Campaign) -> list[KpiTarget]:
    """The campaign's KPIs with their targets, in the order they were given."""
    return [KpiTarget(metric=k.metric, target=k.target) for k in campaign.kpis.all()]


@transaction.atomic
def create_campaign(
    *,
    workspace: Workspace,
    actor: User | None,
    name: str,
    slug: str = "",
    objective: str = Objective.AWARENESS,
    description: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    budget: Decimal | str | None = None,
    currency: str = "",
    owner: User | None = None,
    decision_maker: User | None = None,
    delegates: list[User] | None = None,
    kpis: list[Any] | None = None,
    er_denominator: str = "",
) -> Campaign:
    """Plan a new campaign, as a draft. The slug comes from the name unless given; the currency
    and the engagement-rate denominator default to the workspace's."""
    cleaned = _clean(
        workspace,
        {
            "name": name,
            "slug": slug,
            "objective": objective,
            "description": description,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "budget": budget,
            "currency": currency,
            "owner": owner,
            "decision_maker": decision_maker,
            "delegates": delegates or [],
            "kpis": kpis or [],
            "er_denominator": er_denominator,
        },
        pk=None,
    )
    _check_dates(cleaned["starts_on"], cleaned["ends_on"])
    campaign = Campaign.objects.create(
        workspace=workspace, status=St.DRAFT, **{k: cleaned[k] for k in PLAIN_FIELDS}
    )
    campaign.delegates.set(cleaned["delegates"])
    _save_kpis(campaign, cleaned["kpis"])
    record(
        workspace=workspace,
        actor=actor,
        kind="campaign.created",
        summary=_("Campaign %(name)s planned") % {"name": campaign.name},
        obj=campaign,
        campaign=campaign,
    )
    return campaign


@transaction.atomic
def update_campaign(
    *, campaign: Campaign, actor: User | None, reason: str = "", **values: Any
) -> Campaign:
    """Change the fields given (any of ``PLAIN_FIELDS``, ``delegates``, ``kpis``, ``status``), all
    or nothing; the changes are audited with their before and after values."""
    unknown = set(values) - {*PLAIN_FIELDS, "delegates", "kpis", "status"}
    if unknown:
        raise ValidationError({name: _("Not a field of a campaign.") for name in unknown})
    status = values.pop("status", None)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    cleaned = _clean(campaign.workspace, values, pk=campaign.pk)
    _check_dates(
        cleaned.get("starts_on", campaign.starts_on), cleaned.get("ends_on", campaign.ends_on)
    )
    changes: dict[str, tuple[Any, Any]] = {}
    for name in PLAIN_FIELDS:
        if name in cleaned and getattr(campaign, name) != cleaned[name]:
            changes[name] = (getattr(campaign, name), cleaned[name])
            setattr(campaign, name, cleaned[name])
    if "delegates" in cleaned:
        before = sorted(str(u) for u in campaign.delegates.all())
        after = sorted(str(u) for u in cleaned["delegates"])
        if before != after:
            changes["delegates"] = (before, after)
            campaign.delegates.set(cleaned["delegates"])
    if "kpis" in cleaned:
        before_kpis, after_kpis = kpis_of(campaign), cleaned["kpis"]
        if before_kpis != after_kpis:
            changes["kpis"] = (_readable_kpis(before_kpis), _readable_kpis(after_kpis))
            _save_kpis(campaign, after_kpis)
    if changes:
        campaign.save()
        record(
            workspace=campaign.workspace,
            actor=actor,
            kind="campaign.updated",
            summary=_("Campaign %(name)s changed: %(fields)s")
            % {"name": campaign.name, "fields": ", ".join(changes)},
            obj=campaign,
            campaign=campaign,
            changes=changes,
            reason=reason.strip(),
        )
    if status is not None:
        campaign = change_status(campaign=campaign, status=status, actor=actor, reason=reason)
    return campaign


@transaction.atomic
def change_status(
    *, campaign: Campaign, status: str, actor: User | None, reason: str = ""
) -> Campaign:
    """Move the campaign to ``status`` if ``STATUS_TRANSITIONS`` allows it; reopening a closed
    campaign needs a reason. Audited with who, when, before, after and why."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = campaign.status
    if status not in St.values:
        raise ValidationError({"status": _("“%(s)s” is not a campaign status.") % {"s": status}})
    if status == before:
        return campaign
    if status not in allowed_statuses(before):
        allowed = ", ".join(str(St(s).label) for s in allowed_statuses(before))
        raise ValidationError(
            {
                "status": _(
                    "A campaign cannot go from %(before)s to %(after)s. From %(before)s it can go "
                    "to: %(allowed)s."
                )
                % {"before": St(before).label, "after": St(status).label, "allowed": allowed}
            }
        )
    if (before, status) == REOPENING and not reason.strip():
        raise ValidationError({"reason": _("Say why the campaign is reopened.")})
    campaign.status = status
    campaign.save(update_fields=["status", "updated_at"])
    record(
        workspace=campaign.workspace,
        actor=actor,
        kind="campaign.status",
        summary=_("Campaign %(name)s: %(before)s → %(after)s")
        % {"name": campaign.name, "before": St(before).label, "after": St(status).label},
        obj=campaign,
        campaign=campaign,
        changes={"status": (before, status)},
        reason=reason.strip(),
    )
    return campaign


# ---------------------------------------------------------------------------------------------
# The experiment log

EXPERIMENT_FIELDS = ("hypothesis", "varied", "result", "decision")


def _clean_experiment(values: dict[str, Any]) -> dict[str, str]:
    unknown = set(values) - set(EXPERIMENT_FIELDS)
    if unknown:
        raise ValidationError({name: _("Not a field of an experiment.") for name in unknown})
    cleaned = {name: str(value or "").strip() for name, value in values.items()}
    if "hypothesis" in cleaned and not cleaned["hypothesis"]:
        raise ValidationError({"hypothesis": _("Write what you expect to happen, and why.")})
    return cleaned


@transaction.atomic
def add_experiment(
    *,
    campaign: Campaign,
    actor: User | None,
    hypothesis: str,
    varied: str = "",
    result: str = "",
    decision: str = "",
) -> Experiment:
    """Log an experiment: the hypothesis, what was varied, and (when known) result and decision."""
    cleaned = _clean_experiment(
        {"hypothesis": hypothesis, "varied": varied, "result": result, "decision": decision}
    )
    experiment = Experiment.objects.create(
        workspace=campaign.workspace, campaign=campaign, created_by=actor, **cleaned
    )
    record(
        workspace=campaign.workspace,
        actor=actor,
        kind="experiment.added",
        summary=_("Experiment logged: %(h)s") % {"h": experiment.hypothesis[:200]},
        obj=experiment,
        campaign=campaign,
    )
    return experiment


@transaction.atomic
def update_experiment(*, experiment: Experiment, actor: User | None, **values: Any) -> Experiment:
    """Change an experiment's entries (typically its result and decision); audited."""
    cleaned = _clean_experiment(values)
    changes = {
        name: (getattr(experiment, name), value)
        for name, value in cleaned.items()
        if getattr(experiment, name) != value
    }
    if not changes:
        return experiment
    for name, value in cleaned.items():
        setattr(experiment, name, value)
    experiment.save()
    record(
        workspace=experiment.workspace,
        actor=actor,
        kind="experiment.updated",
        summary=_("Experiment updated: %(h)s") % {"h": experiment.hypothesis[:200]},
        obj=experiment,
        campaign=experiment.campaign,
        changes=changes,
    )
    return experiment


@transaction.atomic
def delete_experiment(*, experiment: Experiment, actor: User | None) -> None:
    """Remove an experiment from the log; the timeline keeps what it said."""
    record(
        workspace=experiment.workspace,
        actor=actor,
        kind="experiment.deleted",
        summary=_("Experiment removed: %(h)s") % {"h": experiment.hypothesis[:200]},
        obj=experiment,
        campaign=experiment.campaign,
        changes={
            name: (getattr(experiment, name), "")
            for name in EXPERIMENT_FIELDS
            if getattr(experiment, name)
        },
    )
    experiment.delete()
