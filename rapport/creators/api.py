"""API for creators and their social accounts, tags and custom field definitions.

Handlers are thin: they check the token's role, resolve ids within the token's workspace (another
workspace's creator is a 404) and call the same services and queries as the pages.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Q, QuerySet, prefetch_related_objects
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status
from pydantic import (
    BeforeValidator,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    WithJsonSchema,
    model_serializer,
)

from rapport.api.pagination import Page, PageParams, keyset_page
from rapport.api.permissions import actor_of, allows, require_perm, token_of, workspace_of
from rapport.api.schemas import DuplicatesOut, ErrorOut, FieldErrorsOut
from rapport.creators import exporting, importing, services, social
from rapport.creators.models import (
    Creator,
    CustomField,
    FieldType,
    ImportJob,
    ImportStatus,
    Note,
    OnDuplicate,
    PayoutMethod,
    Platform,
    SavedView,
    SocialAccount,
    Stage,
    Tag,
    Tier,
)
from rapport.creators.queries import (
    COLUMNS,
    TIMELINE_KINDS,
    CreatorFilters,
    creator_for,
    creator_timeline,
    filtered_creators,
    possible_owners,
    saved_views_for,
    with_list_relations,
)
from rapport.workspaces.models import Membership, User, Workspace
from rapport.workspaces.roles import Perm

router = Router(tags=["creators"])
catalog_router = Router(tags=["tags and custom fields"])

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 400: ErrorOut}
OwnerRef = int | str | None
OWNER_HELP = "A member of the workspace: their id (as in `owner.id`) or e-mail; null for nobody."


# --- Schemas ---------------------------------------------------------------------------------


def unset(**kwargs: Any) -> Any:
    """A body field that may be left out, but not sent as null (unless its type allows it)."""
    return Field(None, **kwargs)


def _choices(choices: type[models.TextChoices]) -> str:
    return "Any of: " + ", ".join(choices.values) + "."


class OwnerOut(Schema):
    id: int
    email: str
    name: str


class AccountSummaryOut(Schema):
    """A social account as the list shows it."""

    id: int
    platform: Platform
    handle: str
    url: str
    followers: int | None


class AccountOut(AccountSummaryOut):
    """A social account with all its figures."""

    average_views: int | None
    engagement_rate: Decimal | None = Field(description="Percent.")
    last_updated: dt.datetime | None


class PrivateFieldsGuard(Schema):
    """Leaves shipping address and tax details out unless the token's role may see them."""

    # No return annotation: pydantic would document the schema as that type instead of the fields.
    @model_serializer(mode="wrap")
    def _hide_private(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo):
        data: dict[str, Any] = handler(self)
        request = (info.context or {}).get("request")
        if request is None or not allows(request, Perm.VIEW_PRIVATE):
            for name in services.PRIVATE_FIELDS:
                data.pop(name, None)
        return data


class CreatorSummaryOut(PrivateFieldsGuard):
    """A creator as a list row: the whole profile, its channels' headline figures and tags."""

    id: int
    name: str
    pronouns: str
    phone: str
    country: str
    city: str
    time_zone: str
    languages: list[str]
    niches: list[str]
    values_notes: str
    audience: dict[str, Any]
    preferences: dict[str, Any]
    rate_card: list[dict[str, Any]]
    notes: str
    custom_fields: dict[str, Any]
    stage: Stage
    do_not_contact_reason: str
    owner: OwnerOut | None
    tags: list[str]
    primary_email: str
    followers_max: int = Field(description="The largest following across the channels.")
    tier: Tier
    engagement_rate: Decimal | None = Field(description="Of the largest channel, percent.")
    accounts: list[AccountSummaryOut]
    shipping_address: str | None = Field(
        None, description="Only for roles that see private details (finance, ops)."
    )
    tax_details: str | None = Field(
        None, description="Only for roles that see private details (finance, ops)."
    )
    payout_method: str | None = Field(
        None,
        description="paypal or bank (empty when not known). Only for roles that see private "
        "details (finance, ops).",
    )
    payout_email: str | None = Field(
        None, description="PayPal e-mail. Only for roles that see private details (finance, ops)."
    )
    bank_account_name: str | None = Field(
        None, description="Only for roles that see private details (finance, ops)."
    )
    bank_account_number: str | None = Field(
        None,
        description="Account number or IBAN. Only for roles that see private details "
        "(finance, ops).",
    )
    bank_code: str | None = Field(
        None,
        description="BIC/SWIFT, routing or sort code. Only for roles that see private details "
        "(finance, ops).",
    )
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = Field(description="Set while the creator is in the bin.")

    @staticmethod
    def resolve_tags(creator: Creator) -> list[str]:
        return [tag.name for tag in creator.tags.all()]

    @staticmethod
    def resolve_accounts(creator: Creator) -> list[SocialAccount]:
        return list(creator.social_accounts.all())


class CreatorOut(CreatorSummaryOut):
    """A creator with every e-mail (the primary first) and each channel's full figures."""

    emails: list[str]
    accounts: list[AccountOut]  # type: ignore[assignment]

    @staticmethod
    def resolve_emails(creator: Creator) -> list[str]:
        return [row.email for row in creator.emails.all()]


def _count(value: Any) -> int | None:
    """A followers or views figure: a number, or text as people write it ("12.5k")."""
    try:
        if isinstance(value, bool) or not isinstance(value, int | float | str | None):
            raise ValueError(value)
        return social.parse_count(value)
    except ValueError:
        raise ValueError(
            _("“%(v)s” is not a count: write 12500, “12.5k” or “1.2M”.") % {"v": value}
        ) from None


Figure = Annotated[
    int | None,
    BeforeValidator(_count),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string", "examples": ["12500", "12.5k", "1.2M"]},
                {"type": "null"},
            ],
            "description": "A number, or text such as 12.5k or 1.2M.",
        }
    ),
]


class AccountIn(Schema):
    """A social account: a pasted profile URL is enough (platform and handle are read from it)."""

    platform: Platform | None = Field(None, description="Guessed from the URL when left out.")
    handle: str = Field("", max_length=200)
    url: str = Field("", max_length=500, description="A profile URL; the handle is read from it.")
    followers: Figure = None
    average_views: Figure = None
    engagement_rate: Decimal | None = Field(None, ge=0, max_digits=7, decimal_places=4)

    def data(self) -> services.AccountData:
        return services.AccountData(
            platform=self.platform.value if self.platform else "",
            handle=self.handle,
            url=self.url,
            followers=self.followers,
            average_views=self.average_views,
            engagement_rate=self.engagement_rate,
        )


class AccountPatch(Schema):
    """Fields to change on a social account; a new URL alone re-reads the handle, and vice versa."""

    platform: Platform = unset()
    handle: str = unset(max_length=200)
    url: str = unset(max_length=500)
    followers: Figure = None
    average_views: Figure = None
    engagement_rate: Decimal | None = Field(None, ge=0, max_digits=7, decimal_places=4)


class ProfileIn(Schema):
    """Profile fields shared by creating and changing a creator."""

    pronouns: str = unset(max_length=40)
    phone: str = unset(max_length=40)
    country: str = unset(description="ISO 3166 code, such as FR, or the English name.")
    city: str = unset(max_length=120)
    time_zone: str = unset(max_length=64, description="Such as Europe/Paris.")
    languages: list[str] = unset(description="Language codes, such as en.")
    niches: list[str] = unset()
    values_notes: str = unset()
    audience: dict[str, Any] = unset()
    preferences: dict[str, Any] = unset()
    rate_card: list[dict[str, Any]] = unset()
    notes: str = unset()
    custom_fields: dict[str, Any] = unset(description="Values by custom field key.")
    shipping_address: str = unset(description="Needs a role that sees private details.")
    tax_details: str = unset(description="Needs a role that sees private details.")
    payout_method: PayoutMethod | Literal[""] = unset(
        description="paypal or bank; empty to clear. Needs a role that sees private details."
    )
    payout_email: str = unset(
        max_length=254,
        pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$",
        description="PayPal e-mail. Needs a role that sees private details.",
    )
    bank_account_name: str = unset(
        max_length=200, description="Needs a role that sees private details."
    )
    bank_account_number: str = unset(
        max_length=64, description="Account number or IBAN. Needs a role that sees private details."
    )
    bank_code: str = unset(
        max_length=40,
        description="BIC/SWIFT, routing or sort code. Needs a role that sees private details.",
    )
    owner: OwnerRef = unset(description=OWNER_HELP)
    emails: list[str] = unset(description="The first is the primary address.")
    tags: list[str] = unset(description="Tag names; new ones are created.")


class CreatorIn(ProfileIn):
    name: str = Field(min_length=1, max_length=200)
    accounts: list[AccountIn] = Field(default_factory=list)
    stage: Stage = Stage.DISCOVERED
    do_not_contact_reason: str = Field("", max_length=300)
    allow_duplicate: bool = Field(
        False, description="Create it even when an e-mail, handle or profile URL is known."
    )


class CreatorPatch(ProfileIn):
    """The fields to change; those left out keep their value. ``tags`` and ``emails`` replace."""

    name: str = unset(min_length=1, max_length=200)
    stage: Stage = unset()
    reason: str = Field("", description="Why the stage changes; needed for do_not_contact.")


class ListParams(PageParams):
    """The creator list's filters: the same query string as the list page's URL.

    Lists take repeated parameters or commas; custom fields filter as ``cf.<key>=<value>``.
    """

    q: str | None = Field(None, description="Words in names, handles, e-mails, notes, niches.")
    stage: list[str] = Field(default_factory=list, description=_choices(Stage))
    tier: list[str] = Field(default_factory=list, description=_choices(Tier))
    tag: list[str] = Field(default_factory=list, description="Tag ids.")
    tag_mode: str = Field("any", description="any or all of the tags.")
    platform: list[str] = Field(default_factory=list, description=_choices(Platform))
    owner: list[str] = Field(default_factory=list, description="Member ids, or none.")
    country: list[str] = Field(default_factory=list, description="ISO codes.")
    language: list[str] = Field(default_factory=list, description="Language codes.")
    followers_min: str | None = Field(None, description="Such as 10000 or 10k.")
    followers_max: str | None = None
    er_min: str | None = Field(None, description="Engagement rate, percent.")
    er_max: str | None = None
    has_email: str | None = Field(None, description="yes or no.")
    dnc: str | None = Field(None, description="Do not contact: yes or no.")
    sort: str = Field(
        "name",
        description="One of: "
        + ", ".join(key for key, (_label, column) in COLUMNS.items() if column)
        + "; a leading - reverses.",
    )
    bin: str | None = Field(None, description="yes: list the creators in the bin instead.")


class TimelineParams(PageParams):
    kind: str | None = Field(None, description=f"One of: {', '.join(TIMELINE_KINDS)}.")


class EventOut(Schema):
    """One entry of a creator's timeline."""

    id: int
    kind: str
    summary: str
    actor: str = Field(description="Who did it, as shown on the timeline.")
    actor_id: int | None
    changes: dict[str, Any] = Field(description="Changed fields as {field: [before, after]}.")
    reason: str
    created_at: dt.datetime

    @staticmethod
    def resolve_actor(event: Any) -> str:
        return str(event.actor_label)


class BulkIn(Schema):
    """One of the list's bulk actions on the selected creators."""

    action: Literal["tag", "untag", "stage", "owner", "delete", "restore"]
    ids: list[int] = Field(min_length=1, max_length=1000)
    tag: str = Field("", max_length=60, description="For tag and untag.")
    stage: Stage | None = Field(None, description="For stage.")
    reason: str = Field("", description="For stage; needed for do_not_contact.")
    owner: OwnerRef = Field(None, description=f"For owner. {OWNER_HELP}")


class BulkOut(Schema):
    action: str
    changed: int = Field(description="How many creators the action changed.")


class TagOut(Schema):
    id: int
    name: str
    creator_count: int = Field(description="Creators with this tag, outside the bin.")


class CustomFieldOut(Schema):
    key: str
    label: str
    field_type: FieldType
    choices: list[str]
    position: int


# --- Helpers ---------------------------------------------------------------------------------


def _member(workspace: Workspace, ref: OwnerRef) -> User | None:
    """The member a request names as owner, by id or e-mail; a field error when there is none."""
    if ref is None or ref == "":
        return None
    text = str(ref).strip()
    members = possible_owners(workspace)
    found = (
        members.filter(pk=int(text)) if text.isdigit() else members.filter(email__iexact=text)
    ).first()
    if found is None:
        raise ValidationError({"owner": _("No member of this workspace is “%(r)s”.") % {"r": ref}})
    return found


def _detail(workspace: Workspace, pk: int) -> Creator:
    """A creator with what its detail shows loaded, or 404."""
    creator = creator_for(workspace, pk)
    prefetch_related_objects([creator], "emails", "social_accounts", "tags")
    return creator


def _require_write(request: HttpRequest, fields: set[str]) -> None:
    """Private fields need the private-details permission; anything else needs creator editing."""
    private = fields & set(services.PRIVATE_FIELDS)
    if private:
        require_perm(request, Perm.VIEW_PRIVATE)
    if not private or fields - private:
        require_perm(request, Perm.EDIT_CREATORS)


def _actor(request: HttpRequest) -> User:
    """Who the audit log names for this request: the token's member."""
    return actor_of(request)


def _account_for(creator: Creator, account_id: int) -> SocialAccount:
    return get_object_or_404(
        SocialAccount.objects.filter(workspace_id=creator.workspace_id, creator=creator),
        pk=account_id,
    )


# --- Creators --------------------------------------------------------------------------------


@router.get("", response={200: Page[CreatorSummaryOut], **READ_ERRORS}, summary="List creators")
def list_creators(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    """The creator list with the list page's filters and sorts, a page at a time.

    The filters are read from the query string exactly as the list page reads its URL (they are
    declared here to document them), so a list page's query string works as is.
    """
    require_perm(request, Perm.VIEW)
    filters = CreatorFilters.from_params(request.GET)
    creators = with_list_relations(filtered_creators(workspace_of(request), filters))
    page = keyset_page(creators, cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


@router.post(
    "", response={201: CreatorOut, 409: DuplicatesOut, **WRITE_ERRORS}, summary="Add a creator"
)
def create_creator(request: HttpRequest, payload: CreatorIn) -> Status[Creator]:
    """Add a creator with e-mails, social accounts and tags.

    An e-mail, handle or profile URL already known answers 409 with the creators it matches,
    unless `allow_duplicate` is set.
    """
    values = payload.model_dump(exclude_none=True, exclude={"accounts"})
    require_perm(request, Perm.EDIT_CREATORS)
    _require_write(request, set(values))
    workspace = workspace_of(request)
    owner = _member(workspace, values.pop("owner", None))
    creator = services.create_creator(
        workspace=workspace,
        actor=_actor(request),
        owner=owner,
        accounts=[account.data() for account in payload.accounts],
        **values,
    )
    return Status(201, _detail(workspace, creator.pk))


@router.post("/bulk", response={200: BulkOut, **WRITE_ERRORS}, summary="Act on many creators")
def bulk_action(request: HttpRequest, payload: BulkIn) -> dict[str, Any]:
    """The list's bulk actions: tag, untag, stage, owner, delete (to the bin) and restore.

    Ids of creators that are not in the workspace (or not in the state the action needs) are
    passed over; `changed` says how many were changed.
    """
    require_perm(request, Perm.EDIT_CREATORS)
    workspace = workspace_of(request)
    common: dict[str, Any] = {"workspace": workspace, "actor": _actor(request), "ids": payload.ids}
    match payload.action:
        case "tag" | "untag":
            changed = services.bulk_tag(**common, tag=payload.tag, remove=payload.action == "untag")
        case "stage":
            if payload.stage is None:
                raise ValidationError({"stage": _("Choose the new stage.")})
            changed = services.bulk_change_stage(
                **common, stage=payload.stage, reason=payload.reason
            )
        case "owner":
            owner = _member(workspace, payload.owner)
            changed = services.bulk_assign_owner(**common, owner=owner)
        case "delete":
            changed = services.delete_creators(**common)
        case "restore":
            changed = services.restore_creators(**common)
    return {"action": payload.action, "changed": changed}


@router.get("/{int:creator_id}", response={200: CreatorOut, **READ_ERRORS}, summary="Get a creator")
def get_creator(request: HttpRequest, creator_id: int) -> Creator:
    require_perm(request, Perm.VIEW)
    return _detail(workspace_of(request), creator_id)


@router.patch(
    "/{int:creator_id}", response={200: CreatorOut, **WRITE_ERRORS}, summary="Change a creator"
)
def update_creator(request: HttpRequest, creator_id: int, payload: CreatorPatch) -> Creator:
    """Change the fields given, all or nothing. A stage change is recorded with `reason`."""
    values = payload.model_dump(exclude_unset=True)
    reason = values.pop("reason", "")
    _require_write(request, set(values))
    workspace, actor = workspace_of(request), _actor(request)
    creator = creator_for(workspace, creator_id)
    emails, tags = values.pop("emails", None), values.pop("tags", None)
    if "owner" in values:
        values["owner"] = _member(workspace, values["owner"])
    with transaction.atomic():
        if values:
            services.update_creator(creator=creator, actor=actor, reason=reason, **values)
        if emails is not None:
            services.set_emails(creator=creator, actor=actor, emails=emails)
        if tags is not None:
            services.set_tags(creator=creator, actor=actor, names=tags)
    return _detail(workspace, creator.pk)


@router.delete(
    "/{int:creator_id}", response={204: None, **WRITE_ERRORS}, summary="Move a creator to the bin"
)
def delete_creator(request: HttpRequest, creator_id: int) -> Status[None]:
    """Move the creator to the bin, with everything attached; `restore` brings it back."""
    require_perm(request, Perm.EDIT_CREATORS)
    workspace = workspace_of(request)
    creator = creator_for(workspace, creator_id)
    services.delete_creators(workspace=workspace, actor=_actor(request), ids=[creator.pk])
    return Status(204, None)


@router.post(
    "/{int:creator_id}/restore",
    response={200: CreatorOut, **WRITE_ERRORS},
    summary="Restore a creator from the bin",
)
def restore_creator(request: HttpRequest, creator_id: int) -> Creator:
    require_perm(request, Perm.EDIT_CREATORS)
    workspace = workspace_of(request)
    creator = creator_for(workspace, creator_id, include_deleted=True)
    services.restore_creators(workspace=workspace, actor=_actor(request), ids=[creator.pk])
    return _detail(workspace, creator.pk)


@router.get(
    "/{int:creator_id}/timeline",
    response={200: Page[EventOut], **READ_ERRORS},
    summary="A creator's timeline",
)
def creator_events(
    request: HttpRequest, creator_id: int, params: Query[TimelineParams]
) -> dict[str, Any]:
    """Who changed what and when, newest first, as on the creator's page."""
    require_perm(request, Perm.VIEW)
    creator = creator_for(workspace_of(request), creator_id)
    if params.kind and params.kind not in TIMELINE_KINDS:
        raise ValidationError(
            {"kind": _("Use one of: %(kinds)s.") % {"kinds": ", ".join(TIMELINE_KINDS)}}
        )
    events = creator_timeline(creator, params.kind or "")
    page = keyset_page(events, cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next": page.next}


# --- Notes ---------------------------------------------------------------------------------


class NoteOut(Schema):
    id: int
    body: str
    author: str | None = Field(description="Who wrote it.")
    mentions: list[str] = Field(description="E-mails of the teammates it @mentions.")
    created_at: dt.datetime

    @staticmethod
    def resolve_author(note: Note) -> str | None:
        return str(note.author) if note.author else None

    @staticmethod
    def resolve_mentions(note: Note) -> list[str]:
        return [user.email for user in note.mentions.all()]


class NoteIn(Schema):
    body: str = Field(description="The note; @name or @e-mail-name notifies that teammate.")


@router.get(
    "/{int:creator_id}/notes",
    response={200: list[NoteOut], **READ_ERRORS},
    summary="A creator's notes",
)
def list_notes(request: HttpRequest, creator_id: int) -> QuerySet[Note]:
    """The creator's notes, newest first."""
    require_perm(request, Perm.VIEW)
    creator = creator_for(workspace_of(request), creator_id)
    return creator.note_entries.select_related("author").prefetch_related("mentions")


@router.post(
    "/{int:creator_id}/notes",
    response={201: NoteOut, **WRITE_ERRORS},
    summary="Add a note to a creator",
)
def create_note(request: HttpRequest, creator_id: int, payload: NoteIn) -> Status[Note]:
    """Add a note; the teammates it @mentions are notified, as on the creator's page."""
    require_perm(request, Perm.ADD_NOTES)
    creator = creator_for(workspace_of(request), creator_id)
    note = services.add_note(creator=creator, author=_actor(request), body=payload.body)
    return Status(201, note)


# --- Social accounts -------------------------------------------------------------------------


@router.get(
    "/{int:creator_id}/accounts",
    response={200: list[AccountOut], **READ_ERRORS},
    summary="A creator's social accounts",
)
def list_accounts(request: HttpRequest, creator_id: int) -> QuerySet[SocialAccount]:
    require_perm(request, Perm.VIEW)
    return creator_for(workspace_of(request), creator_id).social_accounts.all()


@router.post(
    "/{int:creator_id}/accounts",
    response={201: AccountOut, 409: DuplicatesOut, **WRITE_ERRORS},
    summary="Add a social account",
)
def create_account(
    request: HttpRequest, creator_id: int, payload: AccountIn
) -> Status[SocialAccount]:
    """Add a channel; a pasted profile URL is enough. A handle another creator has answers 409."""
    require_perm(request, Perm.EDIT_CREATORS)
    creator = creator_for(workspace_of(request), creator_id)
    account = services.save_account(creator=creator, actor=_actor(request), data=payload.data())
    return Status(201, account)


@router.patch(
    "/{int:creator_id}/accounts/{int:account_id}",
    response={200: AccountOut, 409: DuplicatesOut, **WRITE_ERRORS},
    summary="Change a social account",
)
def update_account(
    request: HttpRequest, creator_id: int, account_id: int, payload: AccountPatch
) -> SocialAccount:
    require_perm(request, Perm.EDIT_CREATORS)
    creator = creator_for(workspace_of(request), creator_id)
    account = _account_for(creator, account_id)
    values = payload.model_dump(exclude_unset=True)
    # A new URL alone means a new handle read from it, and the other way round.
    if "url" in values and "handle" not in values:
        values["handle"] = ""
    if "handle" in values and "url" not in values:
        values["url"] = ""
    current = {
        name: getattr(account, name)
        for name in ("platform", "handle", "url", "followers", "average_views", "engagement_rate")
    }
    data = services.AccountData(**(current | values))
    return services.save_account(creator=creator, actor=_actor(request), data=data, account=account)


@router.delete(
    "/{int:creator_id}/accounts/{int:account_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a social account",
)
def delete_account(request: HttpRequest, creator_id: int, account_id: int) -> Status[None]:
    require_perm(request, Perm.EDIT_CREATORS)
    creator = creator_for(workspace_of(request), creator_id)
    services.delete_account(account=_account_for(creator, account_id), actor=_actor(request))
    return Status(204, None)


# --- Tags and custom fields ------------------------------------------------------------------


@catalog_router.get("/tags", response={200: list[TagOut], **READ_ERRORS}, summary="Tags")
def list_tags(request: HttpRequest) -> QuerySet[Tag]:
    """The workspace's tags, with how many creators carry each."""
    require_perm(request, Perm.VIEW)
    return (
        Tag.objects.filter(workspace=workspace_of(request))
        .annotate(creator_count=Count("creators", filter=Q(creators__deleted_at__isnull=True)))
        .order_by("name")  # Meta.ordering does not apply to grouped queries
    )


@catalog_router.get(
    "/custom-fields",
    response={200: list[CustomFieldOut], **READ_ERRORS},
    summary="Custom field definitions",
)
def list_custom_fields(request: HttpRequest) -> QuerySet[CustomField]:
    """The fields the workspace adds to every creator; values go in a creator's `custom_fields`."""
    require_perm(request, Perm.VIEW)
    return CustomField.objects.filter(workspace=workspace_of(request))


def _token_membership(request: HttpRequest) -> Membership:
    """The token's member, with the token's role: the token, not the person, decides."""
    token = token_of(request)
    membership = get_object_or_404(Membership, workspace=token.workspace, user=token.user)
    membership.role = token.role
    return membership


class SavedViewOut(Schema):
    id: int
    name: str
    query: str = Field(description="The creator list's query string: pass it to GET /creators.")
    shared: bool
    owner: OwnerOut


class SavedViewIn(Schema):
    name: str
    query: str = Field("", description="A creator-list query string, e.g. `stage=active&tier=mid`.")
    shared: bool = False


@catalog_router.get(
    "/saved-views", response={200: list[SavedViewOut], **READ_ERRORS}, summary="Saved views"
)
def list_saved_views(request: HttpRequest) -> QuerySet[SavedView]:
    """The token's member's own saved views of the creator list and those shared with everyone."""
    require_perm(request, Perm.VIEW)
    return saved_views_for(workspace_of(request), _actor(request))


@catalog_router.post(
    "/saved-views",
    response={201: SavedViewOut, **WRITE_ERRORS},
    summary="Save a view of the creator list",
)
def create_saved_view(request: HttpRequest, payload: SavedViewIn) -> Status[SavedView]:
    """Save a filter state under a name; the query is checked with the list's own filters."""
    require_perm(request, Perm.VIEW)
    view = services.save_view(
        membership=_token_membership(request),
        name=payload.name,
        query=payload.query,
        shared=payload.shared,
    )
    return Status(201, view)


@catalog_router.delete(
    "/saved-views/{view_id}", response={204: None, **WRITE_ERRORS}, summary="Delete a saved view"
)
def delete_saved_view(request: HttpRequest, view_id: int) -> Status[None]:
    """Delete one's own saved view, or a shared one with the owner role."""
    require_perm(request, Perm.VIEW)
    workspace = workspace_of(request)
    view = get_object_or_404(saved_views_for(workspace, _actor(request)), pk=view_id)
    services.delete_saved_view(view=view, membership=_token_membership(request))
    return Status(204, None)


# --- Import and export endpoints ---


class ImportIssueOut(Schema):
    row: int = Field(description="The row number as a spreadsheet shows it (the header is row 1).")
    column: str
    message: str
    kind: Literal["error", "skip"] = Field(
        description="error: the row is left out; skip: a duplicate, skipped by the policy."
    )


class ImportRowOut(Schema):
    row: int
    action: Literal["create", "update", "skip", "error"] = Field(
        description="What the row did (or, in a dry run, would do)."
    )
    name: str
    creator_id: int | None = Field(description="The creator added or updated, when known.")
    issues: list[ImportIssueOut]


class ImportColumnOut(Schema):
    column: str
    field: str = Field(description="The field the column was imported into; empty: left aside.")


class ImportJobOut(Schema):
    """An import: its file, its columns, and what its rows did (or would do)."""

    id: int
    file_name: str
    status: ImportStatus
    on_duplicate: OnDuplicate
    columns: list[ImportColumnOut]
    rows_total: int
    created: int
    updated: int
    skipped: int
    errors: int = Field(description="Rows left out because of errors.")
    failure: str = Field(description="Why nothing was imported, when the import failed.")
    issues: list[ImportIssueOut]

    @staticmethod
    def resolve_columns(job: ImportJob) -> list[dict[str, str]]:
        return [
            {"column": importing.column_label(job.headers, i), "field": target}
            for i, target in enumerate(job.mapping)
        ]


class ImportReportOut(Schema):
    job: ImportJobOut
    dry_run: bool
    rows: list[ImportRowOut] = Field(description="Every row of the file, in order.")


def _import_mapping(job: ImportJob, raw: str) -> list[str]:
    """The guessed mapping with the caller's choices (a JSON object, column name to field)."""
    mapping = list(job.mapping)
    if not raw.strip():
        return mapping
    try:
        chosen = json.loads(raw)
    except ValueError:
        chosen = None
    if not isinstance(chosen, dict):
        raise ValidationError(
            {"mapping": _('Give a JSON object such as {"IG": "instagram.handle", "Notes": ""}.')}
        )
    for column, target in chosen.items():
        if column not in job.headers:
            raise ValidationError({"mapping": _("The file has no column “%(c)s”.") % {"c": column}})
        mapping[job.headers.index(column)] = str(target or "")
    return mapping


@router.post(
    "/import",
    response={200: ImportReportOut, 500: ErrorOut, **WRITE_ERRORS},
    summary="Import creators from a spreadsheet",
)
def import_creators(
    request: HttpRequest,
    file: File[UploadedFile],
    on_duplicate: Form[OnDuplicate] = OnDuplicate.SKIP,
    dry_run: Form[bool] = False,
    mapping: Form[str] = "",
) -> Status[dict[str, Any]]:
    """Import a CSV or XLSX file (multipart) and answer with what every row did.

    Columns are matched to fields from their names; `mapping` (a JSON object, column name to
    field such as `"instagram.handle"`, `"email"`, `"cf.<key>"`, or `""` to leave a column aside)
    overrides the guesses. `on_duplicate` decides what happens to a row matching an existing
    creator (same e-mail, handle or profile URL) or an earlier row. With `dry_run`, every row is
    checked and nothing is written. Rows with errors are left out and reported; if the database
    fails, nothing is imported (500).
    """
    require_perm(request, Perm.EDIT_CREATORS)
    job = importing.start_import(
        workspace=workspace_of(request),
        actor=_actor(request),
        upload=file,
        name=file.name or "",
        size=file.size or 0,
    )
    importing.set_mapping(job=job, mapping=_import_mapping(job, mapping), on_duplicate=on_duplicate)
    rows: list[dict[str, Any]] = []
    if dry_run:
        importing.check_import(job, on_row=lambda outcome: rows.append(outcome.as_dict()))
        if job.status == ImportStatus.FAILED:
            raise ValidationError({"file": job.failure})
    else:
        importing.commit_import(
            job, actor=_actor(request), on_row=lambda outcome: rows.append(outcome.as_dict())
        )
        if job.status == ImportStatus.FAILED:
            return Status(500, {"detail": job.failure})
    return Status(200, {"job": job, "dry_run": dry_run, "rows": rows})


@router.get(
    "/imports/{job_id}",
    response={200: ImportJobOut, **READ_ERRORS},
    summary="An import and its problems",
)
def get_import(request: HttpRequest, job_id: int) -> ImportJob:
    require_perm(request, Perm.EDIT_CREATORS)
    return importing.import_job_for(workspace_of(request), job_id)


def _export(request: HttpRequest, fmt: str, ids: str | None) -> HttpResponseBase:
    require_perm(request, Perm.EXPORT)
    return exporting.export_response(
        workspace=workspace_of(request),
        actor=_actor(request),
        filters=CreatorFilters.from_params(request.GET),
        ids=exporting.parse_ids([ids or ""]),
        fmt=fmt,
        include_private=allows(request, Perm.VIEW_PRIVATE),
    )


EXPORT_DOC = (
    "The creators matching the list's filters (the same query string as `GET /creators`), or "
    "only the creators in `ids` (comma-separated). Addresses and tax details are included only "
    "for tokens whose role may see them. Formula-like cells are prefixed with a quote."
)


@router.get(
    "/export.csv",
    response={200: None, **READ_ERRORS},
    summary="Export creators as CSV",
    description=EXPORT_DOC,
)
def export_csv(request: HttpRequest, ids: str | None = None) -> HttpResponseBase:
    return _export(request, "csv", ids)


@router.get(
    "/export.xlsx",
    response={200: None, **READ_ERRORS},
    summary="Export creators as XLSX",
    description=EXPORT_DOC,
)
def export_xlsx(request: HttpRequest, ids: str | None = None) -> HttpResponseBase:
    return _export(request, "xlsx", ids)


# --- Merge endpoint ---


class MergeIn(Schema):
    other_id: int = Field(
        description="The duplicate to merge into this creator; it goes to the bin."
    )


@router.post(
    "/{int:creator_id}/merge",
    response={200: CreatorOut, **WRITE_ERRORS},
    summary="Merge a duplicate into this creator",
)
def merge_creator(request: HttpRequest, creator_id: int, payload: MergeIn) -> Creator:
    """Keep this creator and merge `other_id` into it: every related record moves here, empty
    fields are filled from the other, both histories stay, and the other goes to the bin."""
    require_perm(request, Perm.EDIT_CREATORS)
    workspace = workspace_of(request)
    services.merge_creators(
        workspace=workspace,
        actor=_actor(request),
        keep=creator_for(workspace, creator_id),
        merge=creator_for(workspace, payload.other_id),
    )
    return _detail(workspace, creator_id)
