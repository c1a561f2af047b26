"""Reads of creators shared by the list page, the API and exports: one filter engine for all.

``CreatorFilters.from_params`` reads the list's query string (the URL carries the filter state, so
a view can be shared) and ``filtered_creators`` applies it. Each filter is one indexed column or an
indexed ``EXISTS`` sub-query, so the list stays fast at 100,000 creators.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.creators.models import (
    Creator,
    CreatorTag,
    CustomField,
    FieldType,
    Platform,
    SavedView,
    SocialAccount,
    Stage,
    Tier,
)
from rapport.creators.search import matching_text
from rapport.workspaces.models import AuditEvent, User, Workspace

# Columns the list can show and sort by: key -> (label, order_by field).
COLUMNS: dict[str, tuple[Any, str]] = {
    "name": (gettext_lazy("Name"), "name"),
    "stage": (gettext_lazy("Stage"), "stage"),
    "tier": (gettext_lazy("Tier"), "followers_max"),
    "followers": (gettext_lazy("Followers"), "followers_max"),
    "engagement_rate": (gettext_lazy("ER"), "engagement_rate"),
    "platforms": (gettext_lazy("Channels"), ""),
    "email": (gettext_lazy("E-mail"), "primary_email"),
    "owner": (gettext_lazy("Owner"), "owner__name"),
    "country": (gettext_lazy("Country"), "country"),
    "city": (gettext_lazy("City"), "city"),
    "tags": (gettext_lazy("Tags"), ""),
    "created": (gettext_lazy("Added"), "created_at"),
    "updated": (gettext_lazy("Updated"), "updated_at"),
}
DEFAULT_COLUMNS = [
    "name",
    "stage",
    "tier",
    "followers",
    "engagement_rate",
    "platforms",
    "owner",
    "tags",
]
MULTI = ("stage", "tier", "tag", "platform", "owner", "country", "language", "col")


@dataclass
class CreatorFilters:
    """The filter, sort and column state of a creator list."""

    q: str = ""
    stage: list[str] = field(default_factory=list)
    tier: list[str] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    tag_mode: str = "any"
    platform: list[str] = field(default_factory=list)
    owner: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    language: list[str] = field(default_factory=list)
    followers_min: int | None = None
    followers_max: int | None = None
    er_min: Decimal | None = None
    er_max: Decimal | None = None
    has_email: bool | None = None
    dnc: bool | None = None
    custom: dict[str, str] = field(default_factory=dict)
    sort: str = "name"
    col: list[str] = field(default_factory=list)
    bin: bool = False

    @classmethod
    def from_params(cls, params: Any) -> CreatorFilters:
        """Read filters from a QueryDict or a plain dict; a bad value raises ValidationError."""
        get_list = (
            params.getlist
            if hasattr(params, "getlist")
            else (lambda k: v if isinstance(v := params.get(k, []), list) else [v])
        )
        errors: dict[str, str] = {}
        result = cls()
        for name in MULTI:
            values = [str(v).strip() for v in get_list(name) if str(v).strip()]
            values = [part for v in values for part in v.split(",") if part]
            setattr(result, name, values)
        for name, allowed in (
            ("stage", Stage.values),
            ("tier", Tier.values),
            ("platform", Platform.values),
        ):
            bad = [v for v in getattr(result, name) if v not in allowed]
            if bad:
                errors[name] = _("Unknown value: %(v)s.") % {"v": ", ".join(bad)}
        result.col = [c for c in result.col if c in COLUMNS]
        result.country = [c.upper() for c in result.country]
        result.q = str(params.get("q", "") or "").strip()[:200]
        result.tag_mode = "all" if params.get("tag_mode") == "all" else "any"
        for name in ("followers_min", "followers_max"):
            raw = str(params.get(name, "") or "").strip()
            if raw:
                try:
                    from rapport.creators.social import parse_count

                    setattr(result, name, parse_count(raw))
                except ValueError:
                    errors[name] = _("“%(v)s” is not a number of followers.") % {"v": raw}
        for name in ("er_min", "er_max"):
            raw = str(params.get(name, "") or "").strip()
            if raw:
                try:
                    setattr(result, name, Decimal(raw.replace(",", ".").rstrip("%")))
                except InvalidOperation:
                    errors[name] = _("“%(v)s” is not a percentage.") % {"v": raw}
        for name in ("has_email", "dnc"):
            raw = str(params.get(name, "") or "").strip().lower()
            if raw in ("yes", "true", "1"):
                setattr(result, name, True)
            elif raw in ("no", "false", "0"):
                setattr(result, name, False)
            elif raw:
                errors[name] = _("Use yes or no.")
        result.custom = {
            key[3:]: str(params.get(key)).strip()
            for key in params
            if key.startswith("cf.") and str(params.get(key) or "").strip()
        }
        sort = str(params.get("sort", "") or "name")
        if sort.lstrip("-") not in COLUMNS or not COLUMNS[sort.lstrip("-")][1]:
            errors["sort"] = _("Cannot sort by “%(v)s”.") % {"v": sort}
        else:
            result.sort = sort
        result.bin = str(params.get("bin", "")).lower() in ("1", "yes", "true")
        if errors:
            raise ValidationError(errors)
        return result

    def columns(self) -> list[str]:
        return self.col or DEFAULT_COLUMNS

    def as_query(self, **overrides: Any) -> str:
        """The query string for this state, with some values replaced (for links and sorting)."""
        pairs: list[tuple[str, Any]] = []
        state = {f.name: getattr(self, f.name) for f in fields(self)} | overrides
        defaults = CreatorFilters()
        for name, value in state.items():
            if name == "custom":
                pairs += [(f"cf.{k}", v) for k, v in value.items()]
            elif value == getattr(defaults, name, None) or value is None:
                continue
            elif isinstance(value, list):
                pairs += [(name, v) for v in value]
            elif isinstance(value, bool):
                pairs.append((name, "yes" if value else "no"))
            else:
                pairs.append((name, value))
        return urlencode(pairs)

    def is_filtered(self) -> bool:
        """Whether any filter narrows the list (sorting, columns and the bin are not filters)."""
        return self.as_query(sort="name", col=[], bin=False) != ""


def filtered_creators(workspace: Workspace, filters: CreatorFilters) -> QuerySet[Creator]:
    """The workspace's creators matching ``filters``, sorted, without related rows loaded."""
    qs = Creator.objects.filter(workspace=workspace, deleted_at__isnull=not filters.bin)
    # PostgreSQL's jsonb containment uses the GIN indexes; SQLite has no JSON containment.
    json_containment = connections[qs.db].vendor == "postgresql"
    if filters.q:
        qs = matching_text(qs, filters.q.lower().split()[:5])
    if filters.stage:
        qs = qs.filter(stage__in=filters.stage)
    if filters.tier:
        qs = qs.filter(tier__in=filters.tier)
    if filters.owner:
        ids = [int(o) for o in filters.owner if o.isdigit()]
        cond = Q(owner_id__in=ids)
        if "none" in filters.owner:
            cond |= Q(owner__isnull=True)
        qs = qs.filter(cond)
    if filters.country:
        qs = qs.filter(country__in=filters.country)
    if filters.language:
        language_q = Q()
        for language in filters.language:
            language_q |= (
                Q(languages__contains=[language])
                if json_containment
                else Q(languages__icontains=f'"{language}"')
            )
        qs = qs.filter(language_q)
    if filters.followers_min is not None:
        qs = qs.filter(followers_max__gte=filters.followers_min)
    if filters.followers_max is not None:
        qs = qs.filter(followers_max__lte=filters.followers_max)
    if filters.er_min is not None:
        qs = qs.filter(engagement_rate__gte=filters.er_min)
    if filters.er_max is not None:
        qs = qs.filter(engagement_rate__lte=filters.er_max)
    if filters.has_email is not None:
        qs = qs.exclude(primary_email="") if filters.has_email else qs.filter(primary_email="")
    if filters.dnc is not None:
        dnc = Q(stage=Stage.DO_NOT_CONTACT)
        qs = qs.filter(dnc) if filters.dnc else qs.exclude(dnc)
    if filters.platform:
        qs = qs.filter(
            Exists(
                SocialAccount.objects.filter(creator=OuterRef("pk"), platform__in=filters.platform)
            )
        )
    if filters.tag:
        tag_ids = [int(t) for t in filters.tag if t.isdigit()]
        if filters.tag_mode == "all":
            for tag_id in tag_ids:
                qs = qs.filter(
                    Exists(CreatorTag.objects.filter(creator=OuterRef("pk"), tag_id=tag_id))
                )
        else:
            qs = qs.filter(
                Exists(CreatorTag.objects.filter(creator=OuterRef("pk"), tag_id__in=tag_ids))
            )
    if filters.custom:
        definitions = {
            f.key: f
            for f in CustomField.objects.filter(workspace=workspace, key__in=filters.custom)
        }
        for key, value in filters.custom.items():
            definition = definitions.get(key)
            if definition is None:
                raise ValidationError(
                    {f"cf.{key}": _("There is no custom field “%(k)s”.") % {"k": key}}
                )
            wanted: Any = value
            if definition.field_type == FieldType.NUMBER:
                try:
                    wanted = float(value)
                except ValueError:
                    raise ValidationError({f"cf.{key}": _("Give a number.")}) from None
            if json_containment:
                # jsonb containment, served by the GIN index on custom_fields.
                is_multi = definition.field_type == FieldType.MULTI_CHOICE
                qs = qs.filter(custom_fields__contains={key: [wanted] if is_multi else wanted})
            elif definition.field_type == FieldType.MULTI_CHOICE:
                qs = qs.filter(**{f"custom_fields__{key}__icontains": f'"{value}"'})
            else:
                qs = qs.filter(**{f"custom_fields__{key}": wanted})
    order = COLUMNS[filters.sort.lstrip("-")][1]
    direction = "-" if filters.sort.startswith("-") else ""
    return qs.order_by(f"{direction}{order}", f"{direction}id")


def with_list_relations(qs: QuerySet[Creator]) -> QuerySet[Creator]:
    """What a list row shows besides the creator's own columns, in a fixed number of queries."""
    return qs.select_related("owner").prefetch_related(
        Prefetch(
            "social_accounts",
            queryset=SocialAccount.objects.only(
                "id", "creator_id", "platform", "handle", "url", "followers"
            ),
        ),
        "tags",
    )


def creator_for(workspace: Workspace, pk: int, *, include_deleted: bool = False) -> Creator:
    """One creator of the workspace, or 404."""
    from django.shortcuts import get_object_or_404

    qs = Creator.objects.filter(workspace=workspace)
    if not include_deleted:
        qs = qs.filter(deleted_at__isnull=True)
    return get_object_or_404(qs.select_related("owner", "workspace"), pk=pk)


def possible_owners(workspace: Workspace) -> QuerySet[User]:
    """The members of the workspace, who may own creators."""
    return User.objects.filter(memberships__workspace=workspace).order_by("name", "email")


# A loose index scan: one probe of the (workspace, country, ...) index per distinct country,
# instead of reading every creator (PostgreSQL has no skip scan of its own).
_COUNTRIES_SQL = """
WITH RECURSIVE found(country) AS (
    SELECT (SELECT country FROM creators_creator
            WHERE workspace_id = %s AND deleted_at IS NULL AND country > ''
            ORDER BY country LIMIT 1)
    UNION ALL
    SELECT (SELECT country FROM creators_creator
            WHERE workspace_id = %s AND deleted_at IS NULL AND country > found.country
            ORDER BY country LIMIT 1)
    FROM found WHERE found.country IS NOT NULL
)
SELECT country FROM found WHERE country IS NOT NULL
"""


def countries_in_use(workspace: Workspace) -> list[str]:
    """The distinct countries of the workspace's live creators, in order."""
    with connections[Creator.objects.db].cursor() as cursor:
        cursor.execute(_COUNTRIES_SQL, [workspace.pk, workspace.pk])
        return [row[0] for row in cursor.fetchall()]


def saved_views_for(workspace: Workspace, user: User) -> QuerySet[SavedView]:
    """The member's own saved views and those shared with the workspace."""
    return (
        SavedView.objects.filter(workspace=workspace)
        .filter(Q(owner=user) | Q(shared=True))
        .select_related("owner")
    )


# Groups of audit kinds a creator's timeline can be narrowed to.
TIMELINE_KINDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "stage": (gettext_lazy("Stage changes"), ("creator.stage_changed",)),
    "notes": (gettext_lazy("Notes"), ("note.added",)),
    "changes": (
        gettext_lazy("Profile changes"),
        ("creator.updated", "creator.tags_changed", "account.saved", "account.deleted"),
    ),
}


def creator_timeline(creator: Creator, kind: str = "") -> QuerySet[AuditEvent]:
    """The creator's audit events, newest first, optionally one group of ``TIMELINE_KINDS``."""
    events = AuditEvent.objects.filter(workspace_id=creator.workspace_id, creator=creator)
    if kind in TIMELINE_KINDS:
        events = events.filter(kind__in=TIMELINE_KINDS[kind][1])
    return events.select_related("actor")
