"""Hub API: the creator's own endpoints under ``/hub/me``, for an app or a script acting for the
creator. They are authenticated by the creator's hub token in the ``X-Hub-Token`` header, never by
a workspace's bearer token, and see exactly what the hub page shows: one collaboration, referred
to by positions (deliverable 1, 2...), with no database id anywhere.

Every request goes through the same door as a hub page (:func:`open_hub`: the slow-down on bad
tokens, ``links.resolve``, ``state_of``, "last opened") and runs as the creator (their language,
their time zone, audit entries labelled with their name). Each endpoint calls the hub service the
page's form calls, so a rule holds the same on the page and here.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, File, Form, Router, Schema, UploadedFile
from ninja.errors import HttpError
from ninja.responses import Status
from ninja.security import APIKeyHeader

from rapport.api.schemas import ErrorOut, FieldErrorsOut
from rapport.campaigns.models import Collaboration, CollabStage, Question
from rapport.campaigns.queries.briefs import current_version
from rapport.finance import queries as invoice_queries
from rapport.finance import services as invoices
from rapport.finance.bonuses import creator_view, explain
from rapport.finance.models import Invoice, InvoiceStatus
from rapport.hub.context import Hub, request_hub
from rapport.hub.door import Closed, Refused, as_creator, open_hub
from rapport.hub.queries import brief as brief_queries
from rapport.hub.queries import terms as terms_queries
from rapport.hub.queries.faq import faq_in_effect
from rapport.hub.queries.handoff import product_facts, tracking_assets
from rapport.hub.queries.messages import answer_days, conversation
from rapport.hub.queries.timeline import milestones
from rapport.hub.queries.work import (
    DeliverableRow,
    ShipmentRow,
    deliverable_at,
    deliverable_rows,
    masked_account,
    shipment_at,
    shipment_rows,
)
from rapport.hub.services import work
from rapport.hub.services.brief import acknowledge_brief, note_visit
from rapport.hub.services.links import LinkState
from rapport.hub.services.messages import send_message
from rapport.hub.services.terms import choose_package
from rapport.hub.services.timeline import confirm_time_zone

HEADER = "X-Hub-Token"

# ---------------------------------------------------------------------------------------------
# Authentication


def _answer(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _closed_detail(closed: Closed) -> str:
    brand = closed.link.workspace.name
    if closed.state == LinkState.REVOKED:
        return _(
            "This link is no longer active: %(brand)s replaced or switched it off. Ask your "
            "contact for the new one."
        ) % {"brand": brand}
    return _("This collaboration with %(brand)s has ended and its link has expired.") % {
        "brand": brand
    }


def through_the_door(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap each operation of this router (parsing, the handler and its error answers) so it
    runs only for a token that opens a hub, as the creator. Answers 401 for a missing or unknown
    token, 429 with ``Retry-After`` for an unknown one while the client must wait, 410 for a
    revoked or expired link, and 403 for a change in a team member's preview; every answer is
    kept out of caches."""

    @functools.wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        token = request.headers.get(HEADER, "").strip()
        opened = open_hub(request, token) if token else None
        response: HttpResponseBase
        if not token:
            response = _answer(401, _("Send your hub token in the X-Hub-Token header."))
        elif isinstance(opened, Refused):
            response = _answer(
                429,
                ngettext(
                    "Too many tokens that open nothing were tried from this connection. Wait "
                    "%(n)s second and try again.",
                    "Too many tokens that open nothing were tried from this connection. Wait "
                    "%(n)s seconds and try again.",
                    opened.wait,
                )
                % {"n": opened.wait},
            )
            response["Retry-After"] = str(opened.wait)
        elif opened is None:
            response = _answer(
                401, _("This hub token opens nothing: check you copied all of it from your link.")
            )
        elif isinstance(opened, Closed):
            with translation.override(opened.link.collaboration.creator.message_language):
                response = _answer(410, _closed_detail(opened))
        elif opened.preview and request.method not in ("GET", "HEAD"):
            response = _answer(
                403, _("This is a preview of the creator's page: only the creator can act on it.")
            )
        else:
            with as_creator(request, opened):
                response = run(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    return checked


class HubToken(APIKeyHeader):
    """``X-Hub-Token: <token>``: the token of the creator's hub link (the last part of its
    address). It opens one collaboration; the door above has checked it before this runs."""

    param_name = HEADER

    def authenticate(self, request: HttpRequest, key: str | None) -> Hub | None:
        hub = getattr(request, "hub", None)
        return hub if isinstance(hub, Hub) and key and key.strip() == hub.token else None


router = Router(tags=["hub (creator)"], auth=HubToken())
router.add_decorator(through_the_door, mode="view")

ERRORS: dict[int, Any] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    410: ErrorOut,
    422: FieldErrorsOut,
    429: ErrorOut,
}

# ---------------------------------------------------------------------------------------------
# Schemas


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    """A moment in the creator's time zone (active while a hub request runs)."""
    return timezone.localtime(moment) if moment is not None else None


class HubBonusOut(Schema):
    metric: str = Field(description="What is measured, in plain words.")
    how: str = Field(description="How rungs combine (best rung, or cumulative).")
    rungs: list[str] = Field(description="Each rung in plain words, such as “+$250 if …”.")
    window: str = Field(description="Over how long it is measured; empty when not set.")


class HubPackageOut(Schema):
    """A package in plain words (the agreed one, or one on offer)."""

    position: int = Field(
        description="Its place in the offer round, from 1: choose it with "
        "POST /hub/me/packages/{position}/choose."
    )
    label: str = Field(description="Its name, when the brand gave one.")
    deliverables: str = Field(description="What the base fee covers.")
    fee: str = Field(description="The base fee, written with its currency.")
    add_ons: list[str] = Field(description="Usage rights, ads, exclusivity… each with its fee.")
    seeding: list[str] = Field(
        description="Products sent, such as “2 \N{MULTIPLICATION SIGN} Serum”."
    )
    total: str = Field(description="Base fee plus add-ons, written with its currency.")
    bonus: HubBonusOut | None = Field(description="The bonus ladder or commission, if any.")


class HubStandingOut(Schema):
    measured: Decimal | None = Field(description="The bonus metric so far; null until measured.")
    earned: Decimal = Field(description="The bonus earned so far, in the terms' currency.")
    text: str = Field(description="Where the creator stands, in plain words.")
    status: str | None = Field(
        description="The computed bonus's status (computed, approved, paid); null until the "
        "bonus is computed at the wrap."
    )
    calculation: list[str] = Field(
        description="How the computed bonus was worked out, step by step; empty until then."
    )


class HubTermsOut(Schema):
    """What was agreed, or what is on offer to choose from."""

    agreed: HubPackageOut | None = Field(description="The agreed terms; null before a choice.")
    currency: str = Field(description="The ISO currency of the agreed terms.")
    standing: HubStandingOut | None = Field(description="Where the creator stands on the bonus.")
    payment_days: int = Field(description="Paid within this many days of the invoice (Net N).")
    offer_round: int | None = Field(description="The round on offer, while one waits for a choice.")
    packages: list[HubPackageOut] = Field(description="The packages on offer (empty once agreed).")


class HubBriefFieldOut(Schema):
    name: str = Field(description="The field's key, such as `brand_voice`.")
    label: str = Field(description="Its title, as the creator reads it.")
    text: str = Field(description="Its text (empty for a list).")
    items: list[str] = Field(description="Its items, for a list (links for inspiration).")
    changed: bool = Field(description="Changed since the creator's last visit.")


class HubBriefOut(Schema):
    """The published brief as the creator reads it. Reading it here counts as a visit, as on
    the page: what changed since the previous visit is flagged until the next one."""

    version: int | None = Field(description="The current version; null until one is published.")
    published_at: dt.datetime | None
    fields: list[HubBriefFieldOut]
    changed_fields: list[str] = Field(
        description="The fields changed since the version seen before this visit."
    )
    changed_since_version: int | None = Field(
        description="That version (the baseline); null when nothing changed."
    )
    note: str = Field(description="The team's personal note to this creator.")
    acknowledged_version: int | None = Field(description="The latest version confirmed as read.")
    acknowledged_at: dt.datetime | None


class HubMilestoneOut(Schema):
    at: dt.datetime = Field(description="When (a whole day starts at midnight, creator's time).")
    whole_day: bool = Field(description="A date rather than a moment.")
    until: dt.datetime | None = Field(description="End of a posting window.")
    title: str
    status: str = Field(description="coming, done or late.")


class HubProductOut(Schema):
    name: str
    variant: str
    quantity: int
    description: str


class HubTrackingOut(Schema):
    kind: str = Field(description="link or code.")
    value: str
    label: str
    where: str = Field(description="Where it goes, in plain words.")


class HubDecisionOut(Schema):
    verdict: str = Field(description="approved, approved_with_edits or changes_requested.")
    verdict_label: str
    note: str = Field(description="The reviewer's notes for the creator.")
    decided_at: dt.datetime


class HubDraftOut(Schema):
    stage: str = Field(description="concept, script, rough_cut or final.")
    version: int = Field(description="Numbered per stage: 1, 2…")
    submitted_at: dt.datetime
    file_name: str = Field(description="The file sent; empty for a link.")
    link: str
    note: str
    replaced: bool = Field(description="A newer version replaced it before anyone decided.")
    decision: HubDecisionOut | None


class HubDeliverableOut(Schema):
    position: int = Field(description="Deliverable 1, 2… in the order they were set.")
    title: str = Field(description="What it is: type and platform.")
    kind: str
    platform: str
    quantity: int
    description: str
    status: str = Field(
        description="waiting, in_review, changes, approved_with_edits, approved or live."
    )
    status_label: str
    post_at: dt.datetime | None = Field(description="Posting day (or the window's start).")
    post_until: dt.datetime | None = Field(description="End of the posting window, if any.")
    final_approval_due: dt.datetime | None
    disclosure: str = Field(description="The required disclosure; empty: the platform's label.")
    open_stages: list[str] = Field(
        description="Stages still waiting for an approved draft; the first is where the next "
        "draft goes."
    )
    can_post: bool = Field(description="Approved: it may be marked live now.")
    live_url: str
    went_live_at: dt.datetime | None
    drafts: list[HubDraftOut] = Field(description="By stage, newest version first.")


class HubShipmentItemOut(Schema):
    name: str
    variant: str
    quantity: int


class HubShipmentOut(Schema):
    position: int = Field(description="Parcel 1, 2…, oldest first.")
    status: str = Field(description="draft, label_created, shipped, delivered or received.")
    status_label: str
    carrier: str
    carrier_label: str
    tracking_number: str
    tracking_url: str = Field(description="The carrier's tracking page; empty when unknown.")
    expected_on: dt.date | None
    received_at: dt.datetime | None = Field(description="When the creator confirmed it arrived.")
    address: str
    items: list[HubShipmentItemOut]
    can_confirm: bool = Field(description="On its way: the creator may confirm it arrived.")


class HubInvoiceOut(Schema):
    position: int = Field(description="Invoice 1, 2…, oldest first.")
    number: str
    amount: Decimal
    currency: str
    status: str = Field(description="received, approved, scheduled, paid or disputed.")
    status_label: str
    received_at: dt.datetime
    scheduled_for: dt.date = Field(description="The day payment is scheduled for.")
    paid_on: dt.date | None
    note: str = Field(description="Why it is disputed, when it is.")


class HubMessageOut(Schema):
    body: str
    is_clarification: bool = Field(description="About something in the brief.")
    sent_at: dt.datetime
    answer: str = Field(description="The team's answer; empty until answered.")
    answered_at: dt.datetime | None
    answered_by: str = Field(description="Who answered (their name).")


class HubFaqEntryOut(Schema):
    topic: str
    topic_label: str
    question: str
    answer: str


class HubDetailsOut(Schema):
    """The creator's own details: only they and the brand's finance and ops see them."""

    shipping_address: str
    payout_method: str = Field(description="paypal, bank, or empty.")
    payout_email: str
    bank_account_name: str
    bank_account_number: str = Field(description="Masked: only its last four characters.")
    bank_code: str


class HubContactOut(Schema):
    name: str = Field(description="The creator's one contact at the brand; empty if none yet.")
    answers_within_business_days: int = Field(description="The first-response promise.")


class HubMeOut(Schema):
    """The collaboration as the creator sees it on their hub page."""

    brand: str = Field(description="The workspace's name.")
    campaign: str
    creator: str = Field(description="The creator's name.")
    contact: HubContactOut
    stage: str = Field(description="The collaboration's stage, such as `briefed`.")
    stage_label: str
    time_zone: str = Field(description="Every time here is in this zone (the creator's).")
    time_zone_confirmed: bool = Field(description="The creator confirmed it (else the brand's).")
    terms: HubTermsOut
    brief: HubBriefOut
    timeline: list[HubMilestoneOut] = Field(description="Dated milestones, soonest first.")
    products: list[HubProductOut] = Field(description="The products seeded to the creator.")
    tracking: list[HubTrackingOut] = Field(description="Their tracking link and discount code.")
    deliverables: list[HubDeliverableOut]
    shipments: list[HubShipmentOut]
    invoices: list[HubInvoiceOut]
    messages: list[HubMessageOut] = Field(description="Oldest first.")
    faq: list[HubFaqEntryOut]
    details: HubDetailsOut


# ---------------------------------------------------------------------------------------------
# Reading: the same queries as the page's sections


def _standing(collaboration: Collaboration) -> dict[str, Any]:
    """Where the creator stands: measured so far while live, by the wrap's bonus line after."""
    bonus = creator_view(collaboration)
    line = bonus.line
    standing = terms_queries.bonus_standing(collaboration, measured=bonus.measured)
    return {
        "measured": standing.measured,
        "earned": line.amount if line else standing.earned,
        "text": standing.text,
        "status": line.status if line else None,
        "calculation": explain(line.calculation) if line else [],
    }


def _terms(hub: Hub) -> dict[str, Any]:
    collaboration = hub.collaboration
    agreed = terms_queries.agreed_terms(collaboration)
    offer = None if agreed else terms_queries.open_round(collaboration)
    return {
        "agreed": agreed,
        "currency": collaboration.currency,
        "standing": _standing(collaboration) if agreed and agreed.bonus else None,
        "payment_days": invoices.payment_days(hub.workspace),
        "offer_round": offer.number if offer else None,
        "packages": terms_queries.packages_on_offer(offer) if offer else [],
    }


def _brief(hub: Hub) -> dict[str, Any]:
    collaboration = hub.collaboration
    version = current_version(hub.campaign)
    state = note_visit(hub, timezone.now(), current=version)
    empty: dict[str, Any] = {
        "version": None,
        "published_at": None,
        "fields": [],
        "changed_fields": [],
        "changed_since_version": None,
        "note": collaboration.note,
        "acknowledged_version": None,
        "acknowledged_at": None,
    }
    if version is None:
        return empty
    changed = [c["field"] for c in brief_queries.changes_for(collaboration, state, version)]
    acknowledged = brief_queries.latest_acknowledgement(collaboration)
    return empty | {
        "version": version.number,
        "published_at": _local(version.published_at),
        "fields": brief_queries.brief_fields(version, set(changed)),
        "changed_fields": changed,
        "changed_since_version": state.baseline_brief_version if changed else None,
        "acknowledged_version": acknowledged.version.number if acknowledged else None,
        "acknowledged_at": _local(acknowledged.acknowledged_at) if acknowledged else None,
    }


def _deliverable(row: DeliverableRow) -> dict[str, Any]:
    d = row.deliverable
    drafts = []
    for draft in row.drafts:
        s, decision = draft.submission, draft.decision
        drafts.append(
            {
                "stage": s.stage,
                "version": s.version,
                "submitted_at": _local(s.submitted_at),
                "file_name": draft.file_name,
                "link": s.link,
                "note": s.note,
                "replaced": draft.replaced,
                "decision": None
                if decision is None
                else {
                    "verdict": decision.verdict,
                    "verdict_label": decision.get_verdict_display(),
                    "note": decision.note,
                    "decided_at": _local(decision.decided_at),
                },
            }
        )
    return {
        "position": row.position,
        "title": str(d),
        "kind": d.kind,
        "platform": d.platform,
        "quantity": d.quantity,
        "description": d.description,
        "status": row.status,
        "status_label": row.status_label,
        "post_at": _local(d.post_at),
        "post_until": _local(d.post_until),
        "final_approval_due": _local(d.final_approval_due),
        "disclosure": d.disclosure,
        "open_stages": row.open_stages,
        "can_post": row.can_post,
        "live_url": d.live_url,
        "went_live_at": _local(d.went_live_at),
        "drafts": drafts,
    }


def _shipment(row: ShipmentRow) -> dict[str, Any]:
    s = row.shipment
    return {
        "position": row.position,
        "status": s.status,
        "status_label": row.status_label,
        "carrier": s.carrier,
        "carrier_label": s.get_carrier_display() if s.carrier else "",
        "tracking_number": s.tracking_number,
        "tracking_url": row.tracking_url,
        "expected_on": s.expected_on,
        "received_at": _local(s.received_at),
        "address": s.address,
        "items": [
            {"name": i.product.name, "variant": i.variant, "quantity": i.quantity}
            for i in s.items.all()
        ],
        "can_confirm": row.can_confirm,
    }


def _invoice(position: int, invoice: Invoice) -> dict[str, Any]:
    return {
        "position": position,
        "number": invoice.number,
        "amount": invoice.amount,
        "currency": invoice.currency,
        "status": invoice.status,
        "status_label": str(InvoiceStatus(invoice.status).label),
        "received_at": _local(invoice.received_at),
        "scheduled_for": invoice.due_on,
        "paid_on": invoice.paid_on,
        "note": invoice.note if invoice.status == InvoiceStatus.DISPUTED else "",
    }


def _message(question: Question) -> dict[str, Any]:
    answered_by = question.answered_by
    return {
        "body": question.body,
        "is_clarification": question.is_clarification,
        "sent_at": _local(question.received_at),
        "answer": question.answer if question.answered_at else "",
        "answered_at": _local(question.answered_at),
        "answered_by": answered_by.display_name if answered_by else "",
    }


def _details(hub: Hub) -> dict[str, Any]:
    creator = hub.creator
    return {
        "shipping_address": creator.shipping_address,
        "payout_method": creator.payout_method,
        "payout_email": creator.payout_email,
        "bank_account_name": creator.bank_account_name,
        "bank_account_number": masked_account(creator.bank_account_number),
        "bank_code": creator.bank_code,
    }


def _me(hub: Hub) -> dict[str, Any]:
    collaboration = hub.collaboration
    contact = terms_queries.contact_of(collaboration)
    tz = hub.time_zone
    return {
        "brand": hub.workspace.name,
        "campaign": hub.campaign.name,
        "creator": hub.creator.name,
        "contact": {
            "name": contact.display_name if contact else "",
            "answers_within_business_days": answer_days(hub.workspace),
        },
        "stage": collaboration.stage,
        "stage_label": str(CollabStage(collaboration.stage).label),
        "time_zone": tz.key,
        "time_zone_confirmed": bool(hub.creator.time_zone),
        "terms": _terms(hub),
        "brief": _brief(hub),
        "timeline": [
            {
                "at": m.at if m.whole_day else _local(m.at),
                "whole_day": m.whole_day,
                "until": _local(m.until),
                "title": m.title,
                "status": m.status,
            }
            for m in milestones(collaboration, tz)
        ],
        "products": product_facts(collaboration),
        "tracking": [
            {"kind": t.kind, "value": t.value, "label": t.label, "where": t.where}
            for t in tracking_assets(collaboration)
        ],
        "deliverables": [_deliverable(row) for row in deliverable_rows(collaboration)],
        "shipments": [_shipment(row) for row in shipment_rows(collaboration)],
        "invoices": [
            _invoice(n, invoice)
            for n, invoice in enumerate(
                invoice_queries.collaboration_invoices(collaboration), start=1
            )
        ],
        "messages": [_message(q) for q in conversation(collaboration)],
        "faq": [
            {
                "topic": e.topic,
                "topic_label": str(e.get_topic_display()),
                "question": e.question,
                "answer": e.answer,
            }
            for e in faq_in_effect(hub.workspace).entries
        ],
        "details": _details(hub),
    }


@router.get("/hub/me", response={200: HubMeOut, **ERRORS}, summary="Your collaboration")
def hub_me(request: HttpRequest) -> dict[str, Any]:
    """Everything the creator's hub page shows: the terms or the packages on offer, the brief
    (this counts as a visit), the timeline, the deliverables with each draft and the reviewer's
    notes, the parcels, the invoices and when they are paid, the messages, the FAQ and the
    creator's own details. Times are in the creator's time zone."""
    return _me(request_hub(request))


# ---------------------------------------------------------------------------------------------
# Acting: the same services as the page's forms


class HubAcknowledgeIn(Schema):
    version: int = Field(description="The brief version read (GET /hub/me `brief.version`).")


class HubAcknowledgedOut(Schema):
    version: int
    acknowledged_at: dt.datetime


@router.post(
    "/hub/me/brief/acknowledge",
    response={200: HubAcknowledgedOut, **ERRORS},
    summary="Confirm reading the brief",
)
def hub_acknowledge_brief(request: HttpRequest, payload: HubAcknowledgeIn) -> dict[str, Any]:
    """Confirm reading this version of the brief (recorded with its version; the contact is
    told). 422 when a newer version was published meanwhile: read it, then confirm again."""
    hub = request_hub(request)
    done = acknowledge_brief(collaboration=hub.collaboration, version_number=payload.version)
    return {"version": payload.version, "acknowledged_at": _local(done.acknowledged_at)}


@router.post(
    "/hub/me/packages/{int:position}/choose",
    response={200: HubTermsOut, **ERRORS},
    summary="Choose a package on offer",
)
def hub_choose_package(
    request: HttpRequest, position: int, offer_round: int | None = None
) -> dict[str, Any]:
    """Accept package `position` of the round on offer: it becomes the agreed terms. Give
    `offer_round` (GET /hub/me `terms.offer_round`) to be refused (422) if the brand sent
    another round since. 404 when there is no such package on offer."""
    hub = request_hub(request)
    offer = terms_queries.open_round(hub.collaboration)
    if offer is None or not 1 <= position <= len(offer.packages.all()):
        raise HttpError(404, _("There is no package %(n)s on offer.") % {"n": position})
    choose_package(
        collaboration=hub.collaboration,
        round_number=offer.number if offer_round is None else offer_round,
        position=position,
    )
    hub.collaboration.refresh_from_db()
    return _terms(hub)


@router.post(
    "/hub/me/deliverables/{int:position}/submissions",
    response={201: HubDeliverableOut, **ERRORS},
    summary="Send a draft for review",
)
def hub_submit_draft(
    request: HttpRequest,
    position: int,
    stage: Form[str] = "",
    link: Form[str] = "",
    note: Form[str] = "",
    file: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    """Send a draft of deliverable `position` (multipart/form-data: `file` or `link`, `note`,
    and `stage`, by default the first of `open_stages`). The file's kind is checked from its
    content (images, videos, PDFs, documents; the size limit is the page's). Starts the
    approval clock; the reviewer and the contact are told."""
    hub = request_hub(request)
    row = deliverable_at(hub.collaboration, position)
    work.submit_draft(
        collaboration=hub.collaboration,
        position=position,
        deliverable=row.deliverable,
        stage=stage or row.next_stage,
        file=file,
        link=link,
        note=note,
    )
    return Status(201, _deliverable(deliverable_at(hub.collaboration, position)))


class HubLiveIn(Schema):
    live_url: str = Field(description="The address of the post.")
    went_live_at: dt.datetime | None = Field(
        None, description="When it went live; without an offset, the creator's time. Now if null."
    )


@router.post(
    "/hub/me/deliverables/{int:position}/live",
    response={200: HubDeliverableOut, **ERRORS},
    summary="Mark a deliverable posted",
)
def hub_mark_live(request: HttpRequest, position: int, payload: HubLiveIn) -> dict[str, Any]:
    """Record where deliverable `position` went live (once its drafts are approved, or when it
    needs no approval); the contact is told."""
    hub = request_hub(request)
    row = deliverable_at(hub.collaboration, position)
    work.mark_posted(
        collaboration=hub.collaboration,
        position=position,
        deliverable=row.deliverable,
        live_url=payload.live_url,
        went_live_at=payload.went_live_at,
    )
    return _deliverable(deliverable_at(hub.collaboration, position))


@router.post(
    "/hub/me/shipments/{int:position}/received",
    response={200: HubShipmentOut, **ERRORS},
    summary="Confirm a parcel arrived",
)
def hub_confirm_arrival(request: HttpRequest, position: int) -> dict[str, Any]:
    """Confirm parcel `position` arrived (once it has left); the contact is told."""
    hub = request_hub(request)
    shipment = shipment_at(hub.collaboration, position)
    work.confirm_arrival(collaboration=hub.collaboration, position=position, shipment=shipment)
    return _shipment(shipment_rows(hub.collaboration)[position - 1])


@router.post("/hub/me/invoices", response={201: HubInvoiceOut, **ERRORS}, summary="Send an invoice")
def hub_send_invoice(
    request: HttpRequest,
    number: Form[str] = "",
    amount: Form[str] = "",
    currency: Form[str] = "",
    file: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    """Send an invoice (multipart/form-data: `number`, `amount`, `currency` (the agreed terms'
    when left out), `file`: a PDF or an image, up to 10 MB), once the terms are agreed. The answer
    says when it is scheduled to be paid; it starts the payment clock, and the contact and finance
    are told."""
    hub = request_hub(request)
    invoice = invoices.receive_invoice(
        collaboration=hub.collaboration,
        number=number,
        amount=amount,
        currency=currency,
        file=file,
        actor=None,
    )
    mine = invoice_queries.collaboration_invoices(hub.collaboration)
    return Status(201, _invoice(mine.index(invoice) + 1, invoice))


class HubDetailsIn(Schema):
    """All the details at once, as the page's form sends them."""

    shipping_address: str = Field("", description="As the carrier should print it.")
    payout_method: str = Field("", description="paypal, bank, or empty.")
    payout_email: str = Field("", description="Needed for PayPal.")
    bank_account_name: str = Field("", description="Needed for a bank transfer.")
    bank_account_number: str | None = Field(
        None, description="Account number or IBAN; null keeps the one on file."
    )
    bank_code: str = Field("", description="BIC/SWIFT, routing or sort code.")


class HubDetailsChangeOut(HubDetailsOut):
    changed: list[str] = Field(description="The fields this update changed (never their values).")
    readdressed: int = Field(description="Parcels not yet labelled that now go to the new address.")


@router.put(
    "/hub/me/details",
    response={200: HubDetailsChangeOut, **ERRORS},
    summary="Update your address and payment details",
)
def hub_update_details(request: HttpRequest, payload: HubDetailsIn) -> dict[str, Any]:
    """Save the shipping address and payment details (PayPal needs an e-mail; a bank transfer
    the holder and the number, an IBAN checked). Parcels not labelled yet follow a new address.
    The contact (and, for payment details, finance) is told what changed, never the values, and
    the creator gets an e-mail saying so."""
    hub = request_hub(request)
    change = work.update_details(collaboration=hub.collaboration, **payload.model_dump())
    return _details(hub) | {"changed": sorted(change.fields), "readdressed": change.readdressed}


class HubTimeZoneIn(Schema):
    time_zone: str = Field(description="An IANA name, such as Europe/Paris.")


class HubTimeZoneOut(Schema):
    time_zone: str


@router.put(
    "/hub/me/time-zone",
    response={200: HubTimeZoneOut, **ERRORS},
    summary="Confirm your time zone",
)
def hub_set_time_zone(request: HttpRequest, payload: HubTimeZoneIn) -> dict[str, str]:
    """Store the creator's time zone: every time on the hub is then shown in it."""
    hub = request_hub(request)
    creator = confirm_time_zone(creator=hub.creator, time_zone=payload.time_zone)
    return {"time_zone": creator.time_zone}


class HubMessageIn(Schema):
    body: str = Field(description="Up to 5,000 characters.")
    is_clarification: bool = Field(False, description="About something in the brief.")


@router.post(
    "/hub/me/messages", response={201: HubMessageOut, **ERRORS}, summary="Message your contact"
)
def hub_send_message(request: HttpRequest, payload: HubMessageIn) -> Status[dict[str, Any]]:
    """Write to the creator's contact: it starts the first-response clock and lands on the
    timeline; the contact is told. The same message again within a minute is not sent twice."""
    hub = request_hub(request)
    question = send_message(
        collaboration=hub.collaboration,
        body=payload.body,
        is_clarification=payload.is_clarification,
    )
    return Status(201, _message(question))
