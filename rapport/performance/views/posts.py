"""Pages for posts: the collaboration page's section (each deliverable's posts with their latest
figures, and adding one), a post's page (its snapshots, the latest figures with engagements and
engagement rate, and the standard collection form), changing and removing a post, and its
screenshots, served only to the workspace's members.

Everyone in the workspace sees them; recording posts and figures needs ``RECORD_RESULTS``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from rapport.campaigns.models import Collaboration
from rapport.campaigns.queries.collaborations import collaboration_for
from rapport.campaigns.queries.deliverables import deliverables_of
from rapport.campaigns.services.reviews import FileGone
from rapport.performance import kpis
from rapport.performance.forms.posts import CollectionForm, PostForm
from rapport.performance.models import METRICS, MetricSnapshot, Post
from rapport.performance.queries import posts as queries
from rapport.performance.services import posts as services
from rapport.workspaces.decorators import (
    request_membership,
    request_user,
    request_workspace,
    workspace_view,
)
from rapport.workspaces.roles import Perm


def collaboration_url(collaboration: Collaboration) -> str:
    """The collaboration page, at its posts section."""
    url = reverse(
        "campaigns:collaboration",
        kwargs={"ws": collaboration.workspace.slug, "pk": collaboration.pk},
    )
    return url + "#posts"


def _can_record(request: HttpRequest) -> bool:
    return request_membership(request).can(Perm.RECORD_RESULTS)


def collaboration_section(request: HttpRequest, collaboration: Collaboration) -> dict[str, Any]:
    """The context of performance/_collaboration_posts.html on the collaboration page."""
    deliverables = list(deliverables_of(collaboration))
    rows = queries.post_rows(collaboration)
    can_record = _can_record(request)
    return {
        "posts_groups": queries.by_deliverable(deliverables, rows),
        "posts_form": PostForm(deliverables=deliverables) if can_record and deliverables else None,
        "posts_can_record": can_record,
        "posts_er_definition": kpis.definition("er", collaboration.campaign.er_denominator),
    }


def _post_form_page(
    request: HttpRequest, collaboration: Collaboration, form: PostForm, post: Post | None = None
) -> HttpResponse:
    return render(
        request,
        "performance/posts/post_form.html",
        {"collaboration": collaboration, "form": form, "post": post},
        status=422 if form.errors else 200,
    )


@workspace_view(Perm.RECORD_RESULTS)
def post_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Add a post to one of a collaboration's deliverables."""
    collaboration = collaboration_for(request_workspace(request), pk)
    deliverables = list(deliverables_of(collaboration))
    form = PostForm(request.POST or None, deliverables=deliverables)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        deliverable = next(d for d in deliverables if d.pk == data["deliverable"])
        try:
            post = services.create_post(
                deliverable=deliverable,
                url=data["url"],
                platform=data["platform"],
                posted_at=data["posted_at"],
                collect_on=data["collect_on"],
                actor=request_user(request),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Post %(url)s added.") % {"url": post.url})
            return redirect(collaboration_url(collaboration))
    return _post_form_page(request, collaboration, form)


@workspace_view(Perm.RECORD_RESULTS)
def post_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Change a post's address, platform, live time or collection date."""
    post = queries.post_for(request_workspace(request), pk)
    initial = {
        "url": post.url,
        "platform": post.platform,
        "posted_at": timezone.localtime(post.posted_at) if post.posted_at else None,
        "collect_on": post.collect_on,
    }
    form = PostForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_post(
                post=post,
                actor=request_user(request),
                url=data["url"],
                platform=data["platform"] or post.deliverable.platform,
                posted_at=data["posted_at"],
                collect_on=data["collect_on"] or post.collect_on,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Post %(url)s saved.") % {"url": post.url})
            return redirect("performance:post", ws=post.workspace.slug, pk=post.pk)
    return _post_form_page(request, post.collaboration, form, post)


@require_POST
@workspace_view(Perm.RECORD_RESULTS)
def post_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Remove a post with its figures and screenshots."""
    post = queries.post_for(request_workspace(request), pk)
    collaboration = post.collaboration
    services.delete_post(post=post, actor=request_user(request))
    messages.success(request, _("Post %(url)s removed.") % {"url": post.url})
    return redirect(collaboration_url(collaboration))


def _figure(snapshot: Any, name: str) -> str:
    value = getattr(snapshot, name)
    if value is None:
        return _("unknown")
    if name in snapshot.carried:
        return _("%(value)s (carried over)") % {"value": kpis.show(name, value)}
    return kpis.show(name, value)


def _metric_labels() -> list[str]:
    return [
        str(getattr(MetricSnapshot._meta.get_field(name), "verbose_name", name)) for name in METRICS
    ]


def _latest_figures(post: Post, snapshots: list[Any]) -> list[tuple[str, str, str]]:
    """The latest snapshot's figures as (label, value, definition) rows, with engagements and
    the engagement rate (its definition naming the campaign's denominator)."""
    latest = snapshots[0] if snapshots else None
    if latest is None:
        return []
    denominator = post.collaboration.campaign.er_denominator
    rows = [
        (label.capitalize(), _figure(latest, name), "")
        for label, name in zip(_metric_labels(), METRICS, strict=True)
    ]
    rows.append(
        (
            str(kpis.LABELS["engagements"]),
            kpis.show("engagements", queries.known_engagements(latest)),
            kpis.definition("engagements"),
        )
    )
    rate = queries.engagement_rate(latest, denominator)
    rows.append((str(kpis.LABELS["er"]), rate.value, kpis.definition("er", denominator)))
    return rows


@workspace_view(Perm.VIEW, write_perm=Perm.RECORD_RESULTS)
def post_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One post: its latest figures, every snapshot with its source and screenshots, and the
    standard collection form (POST records it)."""
    post = queries.post_for(request_workspace(request), pk)
    can_record = _can_record(request)
    posted = request.method == "POST"
    initial = {"collected_on": post.collect_on or timezone.localdate()}
    if post.collect_on and post.collect_on > timezone.localdate():
        initial["collected_on"] = timezone.localdate()
    form = CollectionForm(
        request.POST if posted else None, request.FILES if posted else None, initial=initial
    )
    if posted and form.is_valid():
        try:
            _snapshot, created = services.record_collection(
                post=post,
                collected_on=form.cleaned_data["collected_on"],
                values=form.values(),
                note=form.cleaned_data["note"],
                evidence=form.cleaned_data["evidence"],
                actor=request_user(request),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("The figures are recorded.") if created else _("The figures are updated."),
            )
            return redirect("performance:post", ws=post.workspace.slug, pk=post.pk)
    snapshots = list(queries.snapshots_of(post))
    return render(
        request,
        "performance/posts/post.html",
        {
            "post": post,
            "collaboration": post.collaboration,
            "snapshots": snapshots,
            "metric_labels": _metric_labels(),
            "snapshot_rows": [(s, [_figure(s, name) for name in METRICS]) for s in snapshots],
            "latest_figures": _latest_figures(post, snapshots),
            "form": form if can_record else None,
            "can_record": can_record,
        },
        status=422 if posted else 200,
    )


@require_safe
@workspace_view(Perm.VIEW)
def evidence_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A screenshot, as an attachment, for members of its workspace only (410 when gone)."""
    evidence = queries.evidence_for(request_workspace(request), pk)
    try:
        return services.evidence_download(evidence)
    except FileGone as exc:
        return HttpResponse(str(exc), status=410, content_type="text/plain; charset=utf-8")


urls: list[URLPattern] = [
    path("collaborations/<int:pk>/posts/", post_add, name="post_add"),
    path("posts/<int:pk>/", post_page, name="post"),
    path("posts/<int:pk>/edit/", post_edit, name="post_edit"),
    path("posts/<int:pk>/delete/", post_delete, name="post_delete"),
    path("evidence/<int:pk>/", evidence_file, name="evidence"),
]
