"""Creator pages: the list with its filters, saved views and bulk actions, and each creator's page.

Views read input with the forms in ``forms.py``, call the services, and render. Every write
checks the member's role (``workspace_view``) and another workspace's creator is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Count, prefetch_related_objects
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from rapport.campaigns.queries.collaborations import creator_collaborations
from rapport.creators import exporting, importing
from rapport.creators.forms import (
    AccountForm,
    CreatorCreateForm,
    CustomFieldsForm,
    EmailsForm,
    ImportMappingForm,
    ImportUploadForm,
    MergeForm,
    NoteForm,
    PrivateForm,
    ProfileForm,
    SavedViewForm,
    StageForm,
    TagForm,
)
from rapport.creators.models import (
    ContactChannel,
    Creator,
    CustomField,
    FieldType,
    ImportJob,
    Note,
    Platform,
    SocialAccount,
    Stage,
    Tag,
    Tier,
)
from rapport.creators.queries import (
    COLUMNS,
    DEFAULT_COLUMNS,
    MULTI,
    TIMELINE_KINDS,
    CreatorFilters,
    countries_in_use,
    creator_for,
    creator_timeline,
    filtered_creators,
    possible_owners,
    saved_views_for,
    with_list_relations,
)
from rapport.creators.services import (
    DuplicateCreator,
    bulk_assign_owner,
    bulk_change_stage,
    bulk_tag,
    create_creator,
    delete_account,
    delete_creators,
    delete_saved_view,
    merge_creators,
    restore_creators,
    save_account,
    save_view,
    set_emails,
    update_creator,
)
from rapport.creators.services import add_note as add_note_service
from rapport.creators.services import change_stage as change_stage_service
from rapport.finance.models import Invoice
from rapport.paging import CappedPaginator, page_number
from rapport.performance.views import health as health_views
from rapport.workspaces.decorators import (
    request_membership,
    request_user,
    request_workspace,
    workspace_view,
)
from rapport.workspaces.forms import apply_service_errors
from rapport.workspaces.models import AuditEvent, Notification, Workspace
from rapport.workspaces.roles import Perm
from rapport.workspaces.services import PermissionDenied as WorkspacePermissionDenied
from rapport.workspaces.services import mark_notifications_read

PAGE_SIZE = 50
TIMELINE_LENGTH = 100
CREATOR_INVOICES = 20  # the latest on the creator page; each collaboration page has them all
# How the list's filters are named in an error message.
FILTER_LABELS = {
    "stage": gettext_lazy("Stage"),
    "tier": gettext_lazy("Tier"),
    "platform": gettext_lazy("Platform"),
    "followers_min": gettext_lazy("Followers, at least"),
    "followers_max": gettext_lazy("Followers, at most"),
    "er_min": gettext_lazy("Engagement rate, at least"),
    "er_max": gettext_lazy("Engagement rate, at most"),
    "has_email": gettext_lazy("Has an e-mail"),
    "dnc": gettext_lazy("Do not contact"),
    "sort": gettext_lazy("Sort"),
}
# Custom field types the list can filter on, and how the filter is entered.
FILTERABLE_FIELD_TYPES = (FieldType.CHOICE, FieldType.MULTI_CHOICE, FieldType.TEXT)


# ---------------------------------------------------------------------------------------------
# The list


def _list_url(workspace: Workspace, query: str = "") -> str:
    url = reverse("creators:list", kwargs={"ws": workspace.slug})
    return f"{url}?{query}" if query else url


def _read_filters(
    request: HttpRequest, workspace: Workspace
) -> tuple[CreatorFilters, Any, dict[str, list[str]]]:
    """The filters in the URL and the matching creators, or the errors that explain a bad value."""
    try:
        filters = CreatorFilters.from_params(request.GET)
        if set(filters.col) == set(DEFAULT_COLUMNS):
            filters.col = []  # the default columns need no mention in a shared link
        return filters, filtered_creators(workspace, filters), {}
    except ValidationError as exc:
        return CreatorFilters(), Creator.objects.none(), exc.message_dict


def _headers(filters: CreatorFilters, columns: list[str]) -> list[dict[str, Any]]:
    """Column headers with the link that sorts by each and its current ``aria-sort``."""
    headers = []
    for key in columns:
        label, order = COLUMNS[key]
        header: dict[str, Any] = {"key": key, "label": label, "url": "", "aria_sort": ""}
        if order:
            if filters.sort == key:
                header["aria_sort"], next_sort = "ascending", f"-{key}"
            elif filters.sort == f"-{key}":
                header["aria_sort"], next_sort = "descending", key
            else:
                next_sort = key
            header["url"] = "?" + filters.as_query(sort=next_sort)
        headers.append(header)
    return headers


def _filter_panel(
    request: HttpRequest, workspace: Workspace, errors: dict[str, list[str]]
) -> dict[str, Any]:
    """What the filter form shows: its options and the values in the URL as typed."""
    selected = {
        name: {part for value in request.GET.getlist(name) for part in value.split(",") if part}
        for name in MULTI
    }
    custom = [
        {
            "field": field,
            "name": f"cf.{field.key}",
            "value": request.GET.get(f"cf.{field.key}", ""),
            "errors": errors.get(f"cf.{field.key}", []),
        }
        for field in CustomField.objects.filter(
            workspace=workspace, field_type__in=FILTERABLE_FIELD_TYPES
        )
    ]
    owners = list(possible_owners(workspace))
    return {
        "selected": selected,
        "stage_options": Stage.choices,
        "tier_options": Tier.choices,
        "platform_options": Platform.choices,
        "tag_options": [(str(tag.pk), tag.name) for tag in Tag.objects.filter(workspace=workspace)],
        "owner_options": [("none", _("No owner"))] + [(str(u.pk), str(u)) for u in owners],
        "owners": owners,
        "countries": countries_in_use(workspace),
        "custom_filters": custom,
        "column_options": [(key, COLUMNS[key][0]) for key in COLUMNS if key != "name"],
    }


@workspace_view(Perm.VIEW)
def creator_list(request: HttpRequest) -> HttpResponse:
    """The creator list; an htmx request gets just the results, and the URL it should show."""
    workspace, membership = request_workspace(request), request_membership(request)
    filters, creators, errors = _read_filters(request, workspace)
    number = page_number(request.GET.get("page"))
    page = CappedPaginator(with_list_relations(creators), PAGE_SIZE, page=number).get_page(number)
    query = filters.as_query()
    page_query = "&".join(filter(None, [query, f"page={page.number}" if page.number > 1 else ""]))
    columns = ["name"] + [key for key in COLUMNS if key in filters.columns() and key != "name"]
    context: dict[str, Any] = {
        "filters": filters,
        "query": query,
        "page_query": page_query,
        "page": page,
        "errors": errors,
        "columns": columns,
        "show": dict.fromkeys(columns, True),
        "detail_base": reverse("creators:list", kwargs={"ws": workspace.slug}),
        "headers": _headers(filters, columns),
        "error_list": [
            (FILTER_LABELS.get(name, name), " ".join(messages_))
            for name, messages_ in errors.items()
        ],
        "can_edit": membership.can(Perm.EDIT_CREATORS),
        "can_export": membership.can(Perm.EXPORT),
    }
    context["bulk"] = context["can_edit"] or (context["can_export"] and not filters.bin)
    partial = request.htmx and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    context["partial"] = partial
    if partial:
        response = render(request, "creators/_results.html", context)
        if not errors:
            response["HX-Push-Url"] = _list_url(workspace, page_query)
        return response
    views = list(saved_views_for(workspace, request_user(request)))
    context |= _filter_panel(request, workspace, errors)
    context |= {
        "saved_views": views,
        "current_view": next((v for v in views if v.query == query and query), None),
        "can_manage": membership.can(Perm.MANAGE_WORKSPACE),
        "stages": Stage.choices,
    }
    return render(request, "creators/list.html", context)


def _selected_ids(request: HttpRequest) -> list[int]:
    raw = [part for value in request.POST.getlist("ids") for part in value.split(",")]
    return [int(part) for part in raw if part.strip().isdigit()]


@require_POST
@workspace_view(Perm.VIEW)
def creator_bulk(request: HttpRequest) -> HttpResponse:
    """Apply one action to the creators ticked in the list (only the workspace's own count)."""
    workspace, membership = request_workspace(request), request_membership(request)
    action = request.POST.get("action", "")
    needed = Perm.EXPORT if action == "export" else Perm.EDIT_CREATORS
    if not membership.can(needed):
        raise PermissionDenied
    ids = _selected_ids(request)
    back = _list_url(workspace, request.POST.get("query", ""))
    if not ids:
        messages.error(request, _("Tick at least one creator first."))
        return redirect(back)
    actor = request_user(request)
    post = request.POST
    try:
        if action in ("tag", "untag"):
            count = bulk_tag(
                workspace=workspace,
                actor=actor,
                ids=ids,
                tag=post.get("tag", ""),
                remove=action == "untag",
            )
            done = (
                ngettext("%(n)s creator tagged “%(t)s”.", "%(n)s creators tagged “%(t)s”.", count)
                if action == "tag"
                else ngettext(
                    "“%(t)s” removed from %(n)s creator.",
                    "“%(t)s” removed from %(n)s creators.",
                    count,
                )
            )
            messages.success(request, done % {"n": count, "t": post.get("tag", "").strip()})
        elif action == "stage":
            count = bulk_change_stage(
                workspace=workspace,
                actor=actor,
                ids=ids,
                stage=post.get("stage", ""),
                reason=post.get("reason", ""),
            )
            messages.success(
                request,
                ngettext(
                    "Stage changed for %(n)s creator.", "Stage changed for %(n)s creators.", count
                )
                % {"n": count},
            )
        elif action == "owner":
            owner_id = post.get("owner", "")
            owner = None
            if owner_id != "none":
                owner = (
                    possible_owners(workspace)
                    .filter(pk=int(owner_id) if owner_id.isdigit() else 0)
                    .first()
                )
                if owner is None:
                    raise ValidationError(_("Choose an owner among the members."))
            count = bulk_assign_owner(
                workspace=workspace,
                actor=actor,
                ids=ids,
                owner=owner,
            )
            messages.success(
                request,
                ngettext("Owner set for %(n)s creator.", "Owner set for %(n)s creators.", count)
                % {"n": count},
            )
        elif action == "export":
            export_url = reverse("creators:export", kwargs={"ws": workspace.slug})
            query = urlencode({"ids": ",".join(map(str, ids)), "format": "csv"})
            return redirect(f"{export_url}?{query}")
        elif action == "delete":
            if post.get("confirm") != "yes":
                chosen = Creator.objects.alive().filter(workspace=workspace, pk__in=ids)
                return render(
                    request,
                    "creators/confirm_delete.html",
                    {"chosen": chosen, "query": post.get("query", "")},
                )
            count = delete_creators(
                workspace=workspace,
                actor=actor,
                ids=ids,
            )
            messages.success(
                request,
                ngettext(
                    "%(n)s creator moved to the bin; you can restore it from there.",
                    "%(n)s creators moved to the bin; you can restore them from there.",
                    count,
                )
                % {"n": count},
            )
        elif action == "restore":
            count = restore_creators(
                workspace=workspace,
                actor=actor,
                ids=ids,
            )
            messages.success(
                request,
                ngettext("%(n)s creator restored.", "%(n)s creators restored.", count)
                % {"n": count},
            )
        else:
            messages.error(request, _("Choose an action."))
    except ValidationError as exc:
        messages.error(request, _("Nothing was changed: %(why)s") % {"why": " ".join(exc.messages)})
    return redirect(back)


# ---------------------------------------------------------------------------------------------
# Saved views


@require_POST
@workspace_view(Perm.VIEW)
def saved_view_create(request: HttpRequest) -> HttpResponse:
    """Save the list's current filters under a name, for oneself or the whole workspace."""
    workspace = request_workspace(request)
    form = SavedViewForm(request.POST)
    query = request.POST.get("query", "")
    if not form.is_valid():
        messages.error(request, _("Give the view a name."))
        return redirect(_list_url(workspace, query))
    try:
        view = save_view(
            membership=request_membership(request),
            name=form.cleaned_data["name"],
            query=form.cleaned_data["query"],
            shared=form.cleaned_data["shared"],
        )
    except WorkspacePermissionDenied:
        raise PermissionDenied from None
    except ValidationError:
        messages.error(request, _("These filters cannot be saved: fix them first."))
        return redirect(_list_url(workspace, query))
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(_list_url(workspace, view.query))


@require_POST
@workspace_view(Perm.VIEW)
def saved_view_delete(request: HttpRequest, view_id: int) -> HttpResponse:
    """Delete a saved view: one's own, or (for workspace owners) a shared one."""
    workspace, membership = request_workspace(request), request_membership(request)
    view = get_object_or_404(saved_views_for(workspace, request_user(request)), pk=view_id)
    try:
        delete_saved_view(view=view, membership=membership)
    except WorkspacePermissionDenied:
        raise PermissionDenied from None
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect(_list_url(workspace))


# ---------------------------------------------------------------------------------------------
# Adding a creator


@workspace_view(Perm.EDIT_CREATORS)
def creator_create(request: HttpRequest) -> HttpResponse:
    """The "Add creator" form; a duplicate is caught and the existing creator linked."""
    workspace = request_workspace(request)
    form = CreatorCreateForm(request.POST or None, workspace=workspace)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        try:
            creator = create_creator(
                workspace=workspace,
                actor=request_user(request),
                **form.service_kwargs(),
            )
        except DuplicateCreator as exc:
            duplicates = exc.duplicates
        except ValidationError as exc:
            apply_service_errors(
                form,
                exc,
                {"handle": "profile", "url": "profile", "do_not_contact_reason": "reason"},
            )
        else:
            messages.success(request, _("%(name)s added.") % {"name": creator.name})
            return redirect("creators:detail", ws=workspace.slug, pk=creator.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "creators/create.html", {"form": form, "duplicates": duplicates}, status=status
    )


# ---------------------------------------------------------------------------------------------
# The creator's page


def _custom_values(creator: Creator, definitions: list[CustomField]) -> list[tuple[Any, Any]]:
    values = creator.custom_fields or {}
    return [(d, values.get(d.key)) for d in definitions]


def _shares(values: dict[str, Any] | None) -> list[tuple[str, float]]:
    """Audience shares as (label, percent) rows, largest first, for the bars."""
    rows = []
    for label, value in (values or {}).items():
        try:
            rows.append((str(label), float(value)))
        except (TypeError, ValueError):
            continue
    return sorted(rows, key=lambda row: -row[1])


@dataclass
class TimelineEntry:
    """An audit event with its changes ready to read: (field, before, after)."""

    event: AuditEvent
    rows: list[tuple[str, str, str]]


def _readable(field: str, value: Any) -> str:
    if value in (None, "", [], {}):
        return _("(empty)")
    if field == "stage" and value in Stage.values:
        return str(Stage(value).label)
    if isinstance(value, list):
        return ", ".join(_readable("", item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_readable('', item)}" for key, item in value.items())
    return str(value)


def _field_label(name: str) -> str:
    try:
        label = getattr(Creator._meta.get_field(name), "verbose_name", name)
    except FieldDoesNotExist:
        label = name.replace("_", " ")
    return str(label).capitalize()


def _timeline(creator: Creator, kind: str) -> list[TimelineEntry]:
    """The latest events of the creator's timeline, narrowed to ``kind`` when given."""
    return [
        TimelineEntry(
            event=event,
            rows=[
                (_field_label(name), _readable(name, pair[0]), _readable(name, pair[1]))
                for name, pair in (event.changes or {}).items()
                if isinstance(pair, list) and len(pair) == 2
            ],
        )
        for event in creator_timeline(creator, kind)[:TIMELINE_LENGTH]
    ]


def _detail_response(
    request: HttpRequest,
    creator: Creator,
    *,
    status: int = 200,
    failed_account: tuple[int, AccountForm] | None = None,
    **bound: Form,
) -> HttpResponse:
    """The creator's page; forms that failed are passed bound, with their errors."""
    membership = request_membership(request)
    prefetch_related_objects([creator], "social_accounts", "emails", "tags")
    can_edit = membership.can(Perm.EDIT_CREATORS) and creator.deleted_at is None
    definitions = list(CustomField.objects.filter(workspace=creator.workspace))
    kind = request.GET.get("kind", "")
    audience = creator.audience or {}
    preferences = creator.preferences or {}
    channel = preferences.get("contact_channel", "")
    context: dict[str, Any] = {
        "creator": creator,
        "can_edit": can_edit,
        "can_note": membership.can(Perm.ADD_NOTES) and creator.deleted_at is None,
        "can_view_private": membership.can(Perm.VIEW_PRIVATE),
        "can_restore": membership.can(Perm.EDIT_CREATORS) and creator.deleted_at is not None,
        "custom_values": _custom_values(creator, definitions),
        "audience": [
            (_("Age"), _shares(audience.get("age_bands"))),
            (_("Gender"), _shares(audience.get("gender"))),
            (_("Top countries"), _shares(audience.get("countries"))),
        ],
        "preferences": preferences,
        "contact_channel": ContactChannel(channel).label
        if channel in ContactChannel.values
        else channel,
        "notes": Note.objects.filter(creator=creator).select_related("author")[:50],
        "collaborations": list(creator_collaborations(creator)),
        # Everyone in the workspace sees invoices (finance.views); the latest across campaigns.
        "invoices": list(
            Invoice.objects.filter(workspace=creator.workspace, collaboration__creator=creator)
            .select_related("collaboration__campaign")
            .order_by("-received_at", "-id")[:CREATOR_INVOICES]
        ),
        "events": _timeline(creator, kind),
        "kinds": [(key, label) for key, (label, _kinds) in TIMELINE_KINDS.items()],
        "kind": kind,
    }
    if can_edit:
        context |= {
            "stage_form": StageForm(initial={"stage": creator.stage}),
            "tag_form": TagForm(),
            "emails_form": EmailsForm(
                initial={"emails": "\n".join(e.email for e in creator.emails.all())}
            ),
            "account_form": AccountForm(prefix="new"),
            "account_forms": [
                (account, AccountForm.for_account(account, prefix=f"a{account.pk}"))
                for account in creator.social_accounts.all()
            ],
        }
    if context["can_note"]:
        context["note_form"] = NoteForm()
        context["mention_names"] = [
            (user.name.split()[0] if user.name else user.email.split("@")[0]).lower()
            for user in possible_owners(creator.workspace)
            if user != request.user
        ]
    if context["can_view_private"] and creator.deleted_at is None:
        context["private_form"] = PrivateForm(
            initial={
                "shipping_address": creator.shipping_address,
                "tax_details": creator.tax_details,
                "payout_method": creator.payout_method,
                "payout_email": creator.payout_email,
                "bank_account_name": creator.bank_account_name,
                "bank_account_number": creator.bank_account_number,
                "bank_code": creator.bank_code,
            }
        )
    if failed_account is not None:
        failed_pk, failed_form = failed_account
        context["account_forms"] = [
            (account, failed_form if account.pk == failed_pk else form)
            for account, form in context.get("account_forms", [])
        ]
    context |= health_views.creator_section(request, creator)
    context |= bound
    return render(request, "creators/detail.html", context, status=status)


@workspace_view(Perm.VIEW)
def creator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A creator's page; a creator in the bin shows with a way to restore it."""
    creator = creator_for(request_workspace(request), pk, include_deleted=True)
    return _detail_response(request, creator)


@workspace_view(Perm.VIEW)
def creator_timeline_part(request: HttpRequest, pk: int) -> HttpResponse:
    """The timeline alone, narrowed to one kind of event (for the filter on the page)."""
    creator = creator_for(request_workspace(request), pk, include_deleted=True)
    events = _timeline(creator, request.GET.get("kind", ""))
    return render(request, "creators/_timeline.html", {"events": events})


def _done(request: HttpRequest, creator: Creator, message: str, anchor: str = "") -> HttpResponse:
    messages.success(request, message)
    url = reverse("creators:detail", kwargs={"ws": creator.workspace.slug, "pk": creator.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


@workspace_view(Perm.EDIT_CREATORS)
def creator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the profile and the workspace's custom fields in one form."""
    creator = creator_for(request_workspace(request), pk)
    definitions = list(CustomField.objects.filter(workspace=creator.workspace))
    form = ProfileForm(request.POST or None, creator=creator)
    custom_form = CustomFieldsForm(
        request.POST or None, creator=creator, definitions=definitions, prefix="cf"
    )
    if request.method == "POST" and form.is_valid() and custom_form.is_valid():
        try:
            update_creator(
                creator=creator,
                actor=request_user(request),
                custom_fields=custom_form.cleaned_data,
                **form.values(),
            )
        except ValidationError as exc:
            custom_keys = {d.key for d in definitions}
            if hasattr(exc, "error_dict") and set(exc.error_dict) <= custom_keys:
                apply_service_errors(custom_form, exc)
            else:
                apply_service_errors(form, exc)
        else:
            return _done(request, creator, _("Profile saved."))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "creators/edit.html",
        {"creator": creator, "form": form, "custom_form": custom_form},
        status=status,
    )


@require_POST
@workspace_view(Perm.EDIT_CREATORS)
def creator_stage(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the creator to another stage, with the reason."""
    creator = creator_for(request_workspace(request), pk)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            change_stage_service(
                creator=creator,
                actor=request_user(request),
                stage=form.cleaned_data["stage"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _done(
                request,
                creator,
                _("Stage changed to %(stage)s.") % {"stage": creator.get_stage_display()},
                "stage",
            )
    return _detail_response(request, creator, status=400, stage_form=form)


@require_POST
@workspace_view(Perm.EDIT_CREATORS)
def creator_tags(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a tag to the creator, or remove one (``remove`` names it)."""
    workspace = request_workspace(request)
    creator = creator_for(workspace, pk)
    removing = request.POST.get("remove", "")
    form = TagForm({"tag": removing} if removing else request.POST)
    if form.is_valid():
        tag = form.cleaned_data["tag"]
        bulk_tag(
            workspace=workspace,
            actor=request_user(request),
            ids=[creator.pk],
            tag=tag,
            remove=bool(removing),
        )
        message = _("Tag “%(t)s” removed.") if removing else _("Tag “%(t)s” added.")
        return _done(request, creator, message % {"t": tag.strip()}, "tags")
    return _detail_response(request, creator, status=400, tag_form=form)


@require_POST
@workspace_view(Perm.EDIT_CREATORS)
def creator_emails(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the e-mail addresses, or make one of them the primary (``primary`` names it)."""
    creator = creator_for(request_workspace(request), pk)
    primary = request.POST.get("primary", "")
    if primary:
        current = [e.email for e in creator.emails.all()]
        form = EmailsForm({"emails": "\n".join([primary, *(e for e in current if e != primary)])})
    else:
        form = EmailsForm(request.POST)
    if form.is_valid():
        try:
            set_emails(
                creator=creator,
                actor=request_user(request),
                emails=form.addresses(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _done(request, creator, _("E-mail addresses saved."), "emails")
    return _detail_response(request, creator, status=400, emails_form=form)


@require_POST
@workspace_view(Perm.EDIT_CREATORS)
def account_save(request: HttpRequest, pk: int, account_id: int | None = None) -> HttpResponse:
    """Add a social account (no ``account_id``) or change one."""
    creator = creator_for(request_workspace(request), pk)
    account = None
    if account_id is not None:
        account = get_object_or_404(SocialAccount, creator=creator, pk=account_id)
    form = AccountForm(request.POST, prefix=f"a{account_id}" if account else "new")
    if form.is_valid():
        data = form.account_data()
        try:
            if data is None:
                raise ValidationError({"profile": _("Give a handle or a profile URL.")})
            saved = save_account(
                creator=creator,
                actor=request_user(request),
                data=data,
                account=account,
            )
        except DuplicateCreator as exc:
            form.add_error(
                "profile",
                _("This account belongs to %(names)s.")
                % {"names": ", ".join(d.creator.name for d in exc.duplicates)},
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, {"handle": "profile", "url": "profile"})
        else:
            return _done(request, creator, _("%(account)s saved.") % {"account": saved}, "channels")
    if account is not None:
        return _detail_response(request, creator, status=400, failed_account=(account.pk, form))
    return _detail_response(request, creator, status=400, account_form=form)


@require_POST
@workspace_view(Perm.EDIT_CREATORS)
def account_delete(request: HttpRequest, pk: int, account_id: int) -> HttpResponse:
    creator = creator_for(request_workspace(request), pk)
    account = get_object_or_404(SocialAccount, creator=creator, pk=account_id)
    label = str(account)
    delete_account(account=account, actor=request_user(request))
    return _done(request, creator, _("%(account)s removed.") % {"account": label}, "channels")


@require_POST
@workspace_view(Perm.VIEW_PRIVATE)
def creator_private(request: HttpRequest, pk: int) -> HttpResponse:
    """Shipping address and tax details: only roles allowed to see them may change them."""
    creator = creator_for(request_workspace(request), pk)
    form = PrivateForm(request.POST)
    if form.is_valid():
        update_creator(
            creator=creator,
            actor=request_user(request),
            **form.cleaned_data,
        )
        return _done(request, creator, _("Shipping and tax details saved."), "private")
    return _detail_response(request, creator, status=400, private_form=form)


@require_POST
@workspace_view(Perm.ADD_NOTES)
def creator_note(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a note; teammates it @mentions are notified by the service."""
    creator = creator_for(request_workspace(request), pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            add_note_service(
                creator=creator,
                author=request_user(request),
                body=form.cleaned_data["body"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _done(request, creator, _("Note added."), "notes")
    return _detail_response(request, creator, status=400, note_form=form)


# ---------------------------------------------------------------------------------------------
# Notifications of the signed-in member


@workspace_view(Perm.VIEW)
def notifications(request: HttpRequest) -> HttpResponse:
    """The member's notifications, newest first; POST marks them (or one) as read."""
    workspace = request_workspace(request)
    mine = Notification.objects.filter(workspace=workspace, recipient=request_user(request))
    if request.method == "POST":
        one = request.POST.get("id", "")
        mark_notifications_read(
            workspace=workspace,
            user=request_user(request),
            notification_id=int(one) if one.isdigit() else None,
        )
        return redirect("creators:notifications", ws=request_workspace(request).slug)
    return render(request, "creators/notifications.html", {"notifications": mine[:100]})


# --- Import and export pages ---


def _import_page(request: HttpRequest, job: ImportJob, **context: Any) -> HttpResponse:
    """The import's page; htmx polls get only the panel, which stops polling once done."""
    context.setdefault(
        "form",
        ImportMappingForm(job=job, choices=importing.field_choices(job.workspace)),
    )
    context["job"] = job
    errors = [i for i in job.issues if i["kind"] == importing.Action.ERROR]
    context["errors_shown"], context["errors_more"] = errors[:200], len(errors) > 200
    context["skips_shown"] = [i for i in job.issues if i["kind"] == importing.Action.SKIP][:50]
    template = "creators/import_job_panel.html" if request.htmx else "creators/import_job.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=400 if context.get("failed") else 200)


@workspace_view(Perm.EDIT_CREATORS)
def import_start(request: HttpRequest) -> HttpResponse:
    """Step 1: upload a spreadsheet; also lists the workspace's recent imports."""
    workspace = request_workspace(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = importing.start_import(
                workspace=workspace,
                actor=request_user(request),
                upload=upload,
                name=upload.name,
                size=upload.size,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("creators:import_job", ws=workspace.slug, job_id=job.pk)
    recent = ImportJob.objects.filter(workspace=workspace).select_related("created_by")[:10]
    status = 400 if form.errors else 200
    return render(
        request,
        "creators/import_start.html",
        {"form": form, "recent": recent, "limit": settings.RAPPORT_MAX_UPLOAD_BYTES},
        status=status,
    )


@workspace_view(Perm.EDIT_CREATORS)
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """Steps 2 to 4 on one page: map the columns, see every row checked, import, see the result."""
    return _import_page(request, importing.import_job_for(request_workspace(request), job_id))


@require_POST
@workspace_view(Perm.EDIT_CREATORS)
def import_check(request: HttpRequest, job_id: int) -> HttpResponse:
    """Save the mapping and check every row (in the background)."""
    job = importing.import_job_for(request_workspace(request), job_id)
    form = ImportMappingForm(request.POST, job=job, choices=importing.field_choices(job.workspace))
    if form.is_valid():
        try:
            importing.set_mapping(
                job=job, mapping=form.mapping(), on_duplicate=form.cleaned_data["on_duplicate"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            importing.queue_check(job)
            return redirect("creators:import_job", ws=job.workspace.slug, job_id=job.pk)
    return _import_page(request, job, form=form, failed=True)


@require_POST
@workspace_view(Perm.EDIT_CREATORS)
def import_commit(request: HttpRequest, job_id: int) -> HttpResponse:
    """Import the checked rows (in the background, once)."""
    job = importing.import_job_for(request_workspace(request), job_id)
    try:
        importing.queue_commit(job, actor=request_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("creators:import_job", ws=job.workspace.slug, job_id=job.pk)


@workspace_view(Perm.EDIT_CREATORS)
def import_report(request: HttpRequest, job_id: int) -> HttpResponseBase:
    """The rows that were not imported, with why, as a CSV file to fix and import again."""
    job = importing.import_job_for(request_workspace(request), job_id)
    header, rows = importing.report_rows(job)
    safe_rows = ([exporting.safe_cell(v) for v in row] for row in rows)
    response = StreamingHttpResponse(
        exporting.csv_lines([exporting.safe_cell(h) for h in header], safe_rows),
        content_type="text/csv; charset=utf-8",
    )
    name = PurePath(job.file_name).stem or "import"
    response["Content-Disposition"] = f'attachment; filename="{slugify(name)}-problems.csv"'
    return response


@workspace_view(Perm.EXPORT)
def export_creators(request: HttpRequest) -> HttpResponseBase:
    """The list's creators (its filters, or the ticked ones) as CSV or XLSX.

    Addresses and tax details are included only for roles that may see them.
    """
    workspace = request_workspace(request)
    params = request.POST if request.method == "POST" else request.GET
    try:
        filters = CreatorFilters.from_params(params)
        response = exporting.export_response(
            workspace=workspace,
            actor=request_user(request),
            filters=filters,
            ids=exporting.parse_ids(params.getlist("ids")),
            fmt=params.get("format", "csv"),
            include_private=request_membership(request).can(Perm.VIEW_PRIVATE),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("creators:list", kwargs={"ws": workspace.slug}))
    return response


# ---------------------------------------------------------------------------------------------
# Merging duplicates: pick the other record, compare side by side, choose which to keep, confirm.

SEARCH_LIMIT = 20


def _comparable(workspace: Workspace, pk: int) -> Creator:
    """A live creator of the workspace (or 404), with what the comparison shows."""
    creator = creator_for(workspace, pk)
    prefetch_related_objects([creator], "emails", "social_accounts", "tags")
    counts = Creator.objects.filter(pk=creator.pk).aggregate(
        notes=Count("note_entries", distinct=True), events=Count("events", distinct=True)
    )
    creator.note_count, creator.event_count = counts["notes"], counts["events"]  # type: ignore[attr-defined]
    return creator


def _rows(left: Creator, right: Creator) -> list[tuple[str, Any, Any]]:
    """The comparison table: a label and each creator's value."""

    def accounts(c: Creator) -> str:
        return ", ".join(
            f"{a}" + (f" ({a.followers:,})" if a.followers is not None else "")
            for a in c.social_accounts.all()
        )

    def on_file(value: str) -> str:
        # Addresses and tax details are not shown here: only whether there is one to keep.
        return _("on file") if value else ""

    values = [
        (_("E-mails"), lambda c: ", ".join(e.email for e in c.emails.all())),
        (_("Channels"), accounts),
        (_("Stage"), lambda c: c.get_stage_display()),
        (_("Owner"), lambda c: c.owner.display_name if c.owner else ""),
        (_("Tags"), lambda c: ", ".join(t.name for t in c.tags.all())),
        (_("Pronouns"), lambda c: c.pronouns),
        (_("Phone"), lambda c: c.phone),
        (_("Country"), lambda c: c.country),
        (_("City"), lambda c: c.city),
        (_("Time zone"), lambda c: c.time_zone),
        (_("Languages"), lambda c: ", ".join(c.languages or [])),
        (_("Niches"), lambda c: ", ".join(c.niches or [])),
        (_("Shipping address"), lambda c: on_file(c.shipping_address)),
        (_("Tax details"), lambda c: on_file(c.tax_details)),
        (_("Notes"), lambda c: c.note_count),
        (_("Timeline events"), lambda c: c.event_count),
        (_("Added"), lambda c: c.created_at),
    ]
    return [(label, get(left), get(right)) for label, get in values]


@workspace_view(Perm.EDIT_CREATORS)
def creator_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """GET ?q= searches for the duplicate, GET ?other= compares, POST merges."""
    workspace = request.workspace  # type: ignore[attr-defined]
    creator = _comparable(workspace, pk)
    if request.method == "POST":
        form = MergeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose which record to keep."))
            return redirect("creators:merge", ws=workspace.slug, pk=pk)
        other = _comparable(workspace, form.cleaned_data["other"])
        chosen = {creator.pk: creator, other.pk: other}
        keep = chosen.get(form.cleaned_data["keep"])
        if keep is None:
            form.add_error("keep", _("Keep one of the two creators."))
        else:
            merged = other if keep is creator else creator
            try:
                merge_creators(workspace=workspace, actor=request.user, keep=keep, merge=merged)  # type: ignore[arg-type]
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("%(merged)s was merged into %(kept)s and moved to the bin.")
                    % {"merged": merged.name, "kept": keep.name},
                )
                return redirect("creators:detail", ws=workspace.slug, pk=keep.pk)
        context = {"creator": creator, "other": other, "form": form}
        context["rows"] = _rows(creator, other)
        return render(request, "creators/merge.html", context, status=400)
    other_id = request.GET.get("other", "")
    if other_id.isdigit() and int(other_id) != creator.pk:
        other = _comparable(workspace, int(other_id))
        form = MergeForm(initial={"other": other.pk, "keep": creator.pk})
        context = {"creator": creator, "other": other, "form": form, "rows": _rows(creator, other)}
        return render(request, "creators/merge.html", context)
    query = request.GET.get("q", "").strip()
    candidates: list[Creator] = []
    if query:
        candidates = list(
            filtered_creators(workspace, CreatorFilters(q=query))
            .exclude(pk=creator.pk)
            .select_related("owner")[:SEARCH_LIMIT]
        )
    context = {"creator": creator, "query": query, "candidates": candidates}
    return render(request, "creators/merge.html", context)
