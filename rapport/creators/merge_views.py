"""The merge page: pick the duplicate of a creator, compare both side by side, choose which to
keep, confirm. The work is done by ``services.merge_creators``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.creators.models import Creator
from rapport.creators.queries import CreatorFilters, creator_for, filtered_creators
from rapport.creators.services import merge_creators
from rapport.workspaces.decorators import workspace_view
from rapport.workspaces.models import Workspace
from rapport.workspaces.roles import Perm

SEARCH_LIMIT = 20


class MergeForm(forms.Form):
    other = forms.IntegerField(widget=forms.HiddenInput)
    keep = forms.IntegerField(label=gettext_lazy("Which record to keep"))


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
