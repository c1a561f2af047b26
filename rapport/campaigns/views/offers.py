"""Pages of offers: make an offer (one or more packages), send it, record the creator's
counter-offer, accept a package, decline or withdraw a round, and amend agreed terms.

The offers section of the collaboration page is built here (:func:`collaboration_section`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.campaigns.forms.offers import (
    MAX_PACKAGES,
    OfferNoteForm,
    PackageEditor,
    ReasonForm,
    all_valid,
)
from rapport.campaigns.models import AddOnKind, Collaboration, Offer, OfferParty
from rapport.campaigns.queries.collaborations import collaboration_for
from rapport.campaigns.queries.offers import offer_for, offers_of, package_for
from rapport.campaigns.services import offers as services
from rapport.workspaces.decorators import request_user, request_workspace, workspace_view
from rapport.workspaces.roles import Perm


def _to_offers(collaboration: Collaboration) -> HttpResponse:
    return redirect(
        reverse(
            "campaigns:collaboration",
            kwargs={"ws": collaboration.workspace.slug, "pk": collaboration.pk},
        )
        + "#offers"
    )


def _with_figures(offer: Offer) -> Offer:
    """Each package knows its committed cost and its largest possible bonus (for display)."""
    for package in offer.packages.all():
        try:
            package.cost = services.committed_cost(package)  # type: ignore[attr-defined]
        except ValidationError as exc:
            package.cost_error = " ".join(exc.messages)  # type: ignore[attr-defined]
        package.top_bonus = services.max_bonus(package)  # type: ignore[attr-defined]
    return offer


def collaboration_section(request: HttpRequest, collaboration: Collaboration) -> dict[str, Any]:
    """The offers and agreed terms of the collaboration page (campaigns/_offers_section.html)."""
    rounds = [_with_figures(o) for o in offers_of(collaboration)]
    can_manage = request.membership.can(Perm.MANAGE_CAMPAIGNS)  # type: ignore[attr-defined]
    open_brand = any(o.party == OfferParty.BRAND and o.status in services.OPEN for o in rounds)
    terms = dict(collaboration.terms) if collaboration.terms else None
    if terms:
        labels = dict(AddOnKind.choices)
        terms["add_ons"] = [
            a | {"label": labels.get(a.get("kind"), a.get("kind"))}
            for a in terms.get("add_ons", [])
        ]
    return {
        "offers": rounds,
        "terms": terms,
        "can_offer": can_manage
        and collaboration.committed_cost is None
        and collaboration.stage in services.NEGOTIABLE
        and not open_brand,
    }


def _editors(
    request: HttpRequest,
    collaboration: Collaboration,
    initial: list[services.PackageData] | None = None,
) -> list[PackageEditor]:
    """The package editors of the page: as many as posted (one more when asked), else one per
    starting package; a new package starts in the campaign's currency."""
    workspace = request_workspace(request)
    data = request.POST if request.method == "POST" else None
    initial = initial or []
    posted = request.POST.get("packages", "") if data is not None else ""
    count = int(posted) if posted.isdigit() else max(1, len(initial))
    bound = count
    if data is not None and "add_package" in data:
        count += 1
    count = max(1, min(MAX_PACKAGES, count))
    return [
        PackageEditor(
            data if n < bound else None,
            prefix=f"p{n}",
            workspace=workspace,
            currency=collaboration.campaign.currency,
            initial=initial[n] if n < len(initial) else None,
        )
        for n in range(count)
    ]


def _form_page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("max_packages", MAX_PACKAGES)
    context["package_count"] = len(context["editors"])
    return render(request, "campaigns/offer_form.html", context, status=status)


def _apply(exc: ValidationError, form_errors: list[str]) -> None:
    form_errors += exc.messages


@workspace_view(Perm.MANAGE_CAMPAIGNS)
def offer_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Make an offer: one or more packages; save it as a draft, or send it at once."""
    collaboration = collaboration_for(request_workspace(request), pk)
    editors = _editors(request, collaboration)
    note_form = OfferNoteForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and "add_package" not in request.POST:
        if all_valid([*editors, note_form]):
            try:
                offer = services.create_offer(
                    collaboration=collaboration,
                    actor=request_user(request),
                    packages=[e.package_data() for e in editors],
                    note=note_form.cleaned_data["note"],
                )
            except ValidationError as exc:
                _apply(exc, errors)
            else:
                if "send" in request.POST:
                    return _send(request, offer, confirm=False)
                messages.success(request, _("Offer saved as a draft; check it, then send it."))
                return _to_offers(collaboration)
        else:
            errors += [line for e in editors for line in e.errors]
    return _form_page(
        request,
        {
            "collaboration": collaboration,
            "campaign": collaboration.campaign,
            "editors": editors,
            "note_form": note_form,
            "errors": errors,
            "mode": "new",
        },
        status=400 if request.method == "POST" and "add_package" not in request.POST else 200,
    )


def _send(request: HttpRequest, offer: Offer, *, confirm: bool) -> HttpResponse:
    try:
        services.send_offer(offer=offer, actor=request_user(request), confirm=confirm)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "confirm" in exc.error_dict:
            return render(
                request,
                "campaigns/offer_confirm.html",
                {
                    "offer": offer,
                    "collaboration": offer.collaboration,
                    "campaign": offer.collaboration.campaign,
                    "conflict": " ".join(exc.messages),
                },
                status=409,
            )
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Offer sent."))
    return _to_offers(offer.collaboration)


@require_POST
@workspace_view(Perm.MANAGE_CAMPAIGNS)
def offer_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a draft; a clash with an exclusivity held elsewhere asks for confirmation first."""
    offer = offer_for(request_workspace(request), pk)
    return _send(request, offer, confirm=request.POST.get("confirm") == "yes")


@workspace_view(Perm.MANAGE_CAMPAIGNS)
def offer_counter(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the creator's counter-offer, starting from the round they answer."""
    offer = offer_for(request_workspace(request), pk)
    collaboration = offer.collaboration
    editors = _editors(
        request, collaboration, [services.PackageData.of(p) for p in offer.packages.all()]
    )
    note_form = OfferNoteForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and "add_package" not in request.POST:
        if all_valid([*editors, note_form]):
            try:
                services.record_counter(
                    offer=offer,
                    actor=request_user(request),
                    packages=[e.package_data() for e in editors],
                    note=note_form.cleaned_data["note"],
                )
            except ValidationError as exc:
                _apply(exc, errors)
            else:
                messages.success(request, _("Counter-offer recorded."))
                return _to_offers(collaboration)
        else:
            errors += [line for e in editors for line in e.errors]
    return _form_page(
        request,
        {
            "collaboration": collaboration,
            "campaign": collaboration.campaign,
            "offer": offer,
            "editors": editors,
            "note_form": note_form,
            "errors": errors,
            "mode": "counter",
        },
        status=400 if errors else 200,
    )


@require_POST
@workspace_view(Perm.MANAGE_CAMPAIGNS)
def package_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept one package: it becomes the collaboration's terms."""
    package = package_for(request_workspace(request), pk)
    try:
        services.accept_package(package=package, actor=request_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Package accepted; it is now the agreed terms."))
    return _to_offers(package.offer.collaboration)


def _close(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    offer = offer_for(request_workspace(request), pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        action(offer=offer, actor=request_user(request), reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return _to_offers(offer.collaboration)


@require_POST
@workspace_view(Perm.MANAGE_CAMPAIGNS)
def offer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _close(request, pk, services.decline_offer, _("Offer round marked declined."))


@require_POST
@workspace_view(Perm.MANAGE_CAMPAIGNS)
def offer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _close(request, pk, services.withdraw_offer, _("Offer withdrawn."))


@workspace_view(Perm.MANAGE_CAMPAIGNS)
def terms_amend(request: HttpRequest, pk: int) -> HttpResponse:
    """Change agreed terms, with a reason (audited before and after)."""
    collaboration = collaboration_for(request_workspace(request), pk)
    if collaboration.committed_cost is None or not collaboration.terms:
        messages.error(request, _("No terms are agreed yet; accept a package first."))
        return _to_offers(collaboration)
    editors = _editors(
        request, collaboration, [services.PackageData.from_terms(collaboration.terms)]
    )[:1]
    reason_form = ReasonForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST":
        if editors[0].is_valid() and reason_form.is_valid():
            try:
                services.amend_terms(
                    collaboration=collaboration,
                    actor=request_user(request),
                    terms=editors[0].package_data(),
                    reason=reason_form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                _apply(exc, errors)
            else:
                messages.success(request, _("Agreed terms changed."))
                return _to_offers(collaboration)
        else:
            errors += editors[0].errors
    return _form_page(
        request,
        {
            "collaboration": collaboration,
            "campaign": collaboration.campaign,
            "editors": editors,
            "reason_form": reason_form,
            "errors": errors,
            "mode": "amend",
            "max_packages": 1,
        },
        status=400 if errors else 200,
    )


urls: list[URLPattern] = [
    path("collaborations/<int:pk>/offers/new/", offer_new, name="offer_new"),
    path("collaborations/<int:pk>/terms/", terms_amend, name="terms_amend"),
    path("offers/<int:pk>/send/", offer_send, name="offer_send"),
    path("offers/<int:pk>/counter/", offer_counter, name="offer_counter"),
    path("offers/<int:pk>/decline/", offer_decline, name="offer_decline"),
    path("offers/<int:pk>/withdraw/", offer_withdraw, name="offer_withdraw"),
    path("packages/<int:pk>/accept/", package_accept, name="package_accept"),
]
