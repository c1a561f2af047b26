"""Invoices: received from the hub or entered by finance, each with the payment date the terms give.

The payment date follows the one rule the payment clock uses (``sla.due_time`` for
``Moment.PAYMENT``: Net N calendar days in the workspace's time zone), so the date the creator
reads on the hub and the clock finance works against always agree.

The payment clock belongs to finance: when the workspace has exactly one finance member, that
member owns it; with none or several, it is left without an owner (the finance role as a whole
answers for it, and every finance member is notified of the invoice).
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Sequence
from decimal import Decimal

from babel import UnknownLocaleError
from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import FileResponse
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from rapport.campaigns.models import Collaboration, Moment
from rapport.campaigns.services import sla
from rapport.campaigns.services.collaborations import record_on_timelines
from rapport.campaigns.services.reviews import (
    HEIF,
    JPEG,
    PDF,
    PNG,
    WEBP,
    FileGone,
    FileKind,
    attachment,
    sniff,
    storage_name,
)
from rapport.creators.models import Creator
from rapport.finance.models import Invoice, InvoiceSource, InvoiceStatus
from rapport.hub.queries.terms import contact_of
from rapport.workspaces.calendar import zone
from rapport.workspaces.models import AuditEvent, Membership, User, Workspace
from rapport.workspaces.roles import Role
from rapport.workspaces.services import is_currency, notify

MAX_INVOICE_BYTES = 10 * 1024 * 1024  # 10 MB: a scanned page or a PDF, never a video
INVOICE_KINDS: tuple[FileKind, ...] = (PDF, JPEG, PNG, WEBP, HEIF)
NUMBER_LENGTH = 60
FUTURE_SLACK = dt.timedelta(minutes=5)  # clocks differ a little between devices
# The creator's fields that say where money goes; an invoice arriving within DETAILS_WATCH of a
# change to one of them is flagged to finance (a leaked hub link could redirect a payment).
PAYOUT_FIELDS = ("payout_method", "payout_email", "bank_account_name", "bank_account_number",
                 "bank_code")  # fmt: skip
DETAILS_WATCH = dt.timedelta(days=7)

# Where an invoice may go from each status; paid is the end of the line.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    InvoiceStatus.RECEIVED: (
        InvoiceStatus.APPROVED,
        InvoiceStatus.SCHEDULED,
        InvoiceStatus.PAID,
        InvoiceStatus.DISPUTED,
    ),
    InvoiceStatus.APPROVED: (InvoiceStatus.SCHEDULED, InvoiceStatus.PAID, InvoiceStatus.DISPUTED),
    InvoiceStatus.SCHEDULED: (InvoiceStatus.PAID, InvoiceStatus.DISPUTED),
    InvoiceStatus.DISPUTED: (InvoiceStatus.APPROVED, InvoiceStatus.SCHEDULED, InvoiceStatus.PAID),
    InvoiceStatus.PAID: (),
}


def accepted_invoice_files() -> str:
    """What an invoice file may be, for messages and help texts."""
    return _("a PDF, or a photo or scan (JPEG, PNG, WebP or HEIC), up to 10 MB")


def check_invoice_file(upload: UploadedFile) -> FileKind:
    """The kind of an acceptable invoice file, judged from its content (never its name): a PDF
    or an image, at most 10 MB."""
    if upload.size is not None and upload.size > MAX_INVOICE_BYTES:
        raise ValidationError(
            {
                "file": _(
                    "This file is %(size)s MB; invoices can be up to %(limit)s MB. Send a "
                    "smaller PDF, or a photo of the invoice."
                )
                % {
                    "size": round(upload.size / 1024 / 1024, 1),
                    "limit": MAX_INVOICE_BYTES // 2**20,
                }
            }
        )
    kind, received = sniff(upload)
    if kind not in INVOICE_KINDS:
        name = posixpath.basename((upload.name or "").replace("\\", "/"))
        what = received if kind is None else kind.label
        raise ValidationError(
            {
                "file": _("“%(name)s” is %(what)s, not an invoice we can open. Send %(accepted)s.")
                % {"name": name, "what": what, "accepted": accepted_invoice_files()}
            }
        )
    return kind


def payment_date(workspace: Workspace, received_at: dt.datetime) -> dt.date:
    """The day an invoice received at ``received_at`` is to be paid: the local date, in the
    workspace's time zone, of the payment clock's due time."""
    due = sla.due_time(workspace, Moment.PAYMENT, received_at)
    return due.astimezone(zone(workspace.time_zone)).date()


def payment_days(workspace: Workspace) -> int:
    """N in the workspace's payment terms (Net N calendar days)."""
    return sla.policy_value(workspace, "payment_net_days")


def finance_members(workspace: Workspace) -> list[User]:
    """The workspace's members with the finance role."""
    return [
        m.user
        for m in Membership.objects.filter(workspace=workspace, role=Role.FINANCE)
        .select_related("user")
        .order_by("pk")
    ]


def _clean_number(collaboration: Collaboration, number: str) -> tuple[str, str]:
    """The trimmed invoice number, or ("", the reason it is refused)."""
    number = (number or "").strip()
    if not number:
        return "", _("Give the invoice number, as written on the invoice.")
    if len(number) > NUMBER_LENGTH:
        return "", _("An invoice number has at most %(n)s characters.") % {"n": NUMBER_LENGTH}
    earlier = Invoice.objects.filter(collaboration=collaboration, number__iexact=number).first()
    if earlier is not None:
        return "", _already_received(earlier)
    return number, ""


def _already_received(invoice: Invoice) -> str:
    when = formats.date_format(timezone.localtime(invoice.received_at), "D j M Y")
    return _("Invoice %(number)s was already received on %(date)s.") % {
        "number": invoice.number,
        "date": when,
    }


def _read_amount(text: str, language: str | None) -> Decimal:
    """``text`` read as a number the way people type one: in ``language``'s convention first
    ("1 850,00" in French), then "1,850.00", then "1.850,00" (the plain "1850.00" reads in the
    second). Spaces and apostrophes only ever group thousands. Raises ValueError."""
    compact = "".join(c for c in text if not c.isspace() and c not in "'\u2019")
    if not compact or not all(c.isdigit() or c in ",." for c in compact.removeprefix("-")):
        raise ValueError(text)
    for locale in dict.fromkeys([translation.to_locale(language or "en"), "en", "de"]):
        try:
            return parse_decimal(compact, locale=locale, strict=True)
        except (NumberFormatError, UnknownLocaleError, ValueError):
            continue
    raise ValueError(text)


def amount_example(language: str | None = None) -> str:
    """1850.00 written in ``language``'s convention (the active one by default), for messages
    and help texts ("1,850.00", "1 850,00")."""
    language = language or translation.get_language()
    try:
        return format_decimal(
            Decimal("1850.00"), "#,##0.00", locale=translation.to_locale(language or "en")
        )
    except (UnknownLocaleError, ValueError):
        return "1850.00"


def check_amount(value: Decimal) -> Decimal:
    """An invoice amount checked (more than zero, at most 2 decimal places, under ten billion)
    and given its two decimals; raises ``ValidationError({"amount": reason})``."""
    if not value.is_finite():
        raise ValidationError({"amount": _("Give the amount as a number, such as 1250.00.")})
    if value <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValidationError({"amount": _("The amount can have at most 2 decimal places.")})
    if value >= Decimal("1e10"):
        raise ValidationError({"amount": _("This amount is too large.")})
    return value.quantize(Decimal("0.01"))


def parse_amount(text: str, *, language: str | None = None) -> Decimal:
    """An amount as someone typed it, in ``language`` (the active one by default): "1,850.00",
    "1850,00", "1 850,00" and "1.850,00" are all 1850.00. Digits with separators only (no
    "1e3"), at most 2 decimal places (so an ambiguous "1.850" in French is refused rather than
    guessed), then :func:`check_amount`. Raises ``ValidationError({"amount": reason})``."""
    language = language or translation.get_language()
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {
                "amount": _("Give the amount, such as %(example)s.")
                % {"example": amount_example(language)}
            }
        )
    try:
        value = _read_amount(text, language)
    except ValueError:
        raise ValidationError(
            {
                "amount": _("Write the amount as a number, such as %(example)s.")
                % {"example": amount_example(language)}
            }
        ) from None
    return check_amount(value)


def _clean_amount(amount: Decimal | str | int | None, language: str) -> tuple[Decimal | None, str]:
    """The amount as a Decimal, or (None, the reason it is refused). Text is read by
    :func:`parse_amount` in ``language``."""
    try:
        if isinstance(amount, Decimal | int):
            return check_amount(Decimal(amount)), ""
        return parse_amount(amount or "", language=language), ""
    except ValidationError as exc:
        return None, " ".join(exc.message_dict["amount"])


def default_currency(collaboration: Collaboration) -> str:
    """The currency an invoice is expected in: the agreed terms', else the workspace's."""
    return collaboration.currency or collaboration.workspace.default_currency


def _store(invoice: Invoice, upload: UploadedFile, kind: FileKind) -> None:
    """Save the file under a random per-workspace path; its extension is the one its content
    says (a PNG sent as "invoice.pdf" is kept as "invoice.png")."""
    stem = posixpath.splitext(posixpath.basename((upload.name or "").replace("\\", "/")))[0]
    extension = next(iter(kind.types))
    room = Invoice._meta.get_field("file").max_length or 100
    invoice.original_name = (upload.name or "")[:200]
    invoice.file.name = invoice.file.storage.save(
        storage_name(invoice.workspace_id, (stem or "invoice") + extension, room, area="invoices"),
        upload,
        max_length=room,
    )


def invoice_url(invoice: Invoice) -> str:
    """The invoice on its collaboration's page, for notifications."""
    url = reverse(
        "campaigns:collaboration",
        kwargs={"ws": invoice.collaboration.workspace.slug, "pk": invoice.collaboration_id},
    )
    return url + "#invoices"


def receive_invoice(
    *,
    collaboration: Collaboration,
    number: str,
    amount: Decimal | str,
    currency: str,
    file: UploadedFile | None,
    actor: User | None,
    received_at: dt.datetime | None = None,
) -> Invoice:
    """Record an invoice (``actor`` None: the creator sent it on the hub).

    From the hub, the terms must be agreed, the currency must be the agreed one and the file is
    required; finance may enter one without a file. The number is unique per collaboration
    (whatever its case); the amount (text read by :func:`parse_amount` in the language of the
    actor, or of the creator from the hub) is positive with at most 2 decimal places; the
    currency, an ISO code, defaults to the agreed terms'. The file is a PDF or an image judged
    from its content, at most 10 MB.

    The payment date is the local date of the payment clock's due time. Starts that clock, puts
    the invoice on the creator's and the campaign's timelines, and notifies the collaboration's
    owner and the finance members (the actor excepted). When the creator's payment details
    changed within 7 days before it arrived (or since), the invoice carries a note saying so,
    repeated in the notification: finance checks them before paying.
    """
    from_hub = actor is None
    now = timezone.now()
    received_at = received_at or now
    errors: dict[str, str] = {}
    if from_hub and collaboration.committed_cost is None:
        errors["__all__"] = _("Invoices can be sent once the terms are agreed.")
    number, problem = _clean_number(collaboration, number)
    if problem:
        errors["number"] = problem
    # Read as the sender writes numbers, whatever language this runs in (a hub service runs in
    # the team's): "1,850" is 1850 to an English speaker, 1.85 to a French one.
    language = actor.language if actor is not None else collaboration.creator.message_language
    value, problem = _clean_amount(amount, language)
    if problem:
        errors["amount"] = problem
    currency = (currency or "").strip().upper() or default_currency(collaboration)
    if not is_currency(currency):
        errors["currency"] = _(
            "“%(code)s” is not a currency code; use the three letters, such as EUR or USD."
        ) % {"code": currency}
    elif from_hub and collaboration.currency and currency != collaboration.currency:
        contact = contact_of(collaboration)
        errors["currency"] = _(
            "Your agreement is in %(agreed)s: send the invoice in %(agreed)s, or write to "
            "%(contact)s."
        ) % {
            "agreed": collaboration.currency,
            "contact": (contact.display_name if contact else "") or collaboration.workspace.name,
        }
    if received_at > now + FUTURE_SLACK:
        errors["received_at"] = _("An invoice cannot be received in the future.")
    kind: FileKind | None = None
    if file:
        try:
            kind = check_invoice_file(file)
        except ValidationError as exc:
            errors["file"] = " ".join(exc.message_dict["file"])
    elif from_hub:
        errors["file"] = _("Attach the invoice: %(accepted)s.") % {
            "accepted": accepted_invoice_files()
        }
    if errors:
        raise ValidationError(errors)
    assert value is not None
    try:
        with transaction.atomic():
            invoice = _create(
                collaboration=collaboration,
                number=number,
                amount=value,
                currency=currency,
                file=file,
                kind=kind,
                actor=actor,
                received_at=received_at,
            )
    except IntegrityError:
        # Two of the same number at once: the database let one through.
        earlier = Invoice.objects.get(collaboration=collaboration, number=number)
        raise ValidationError({"number": _already_received(earlier)}) from None
    return invoice


def _create(
    *,
    collaboration: Collaboration,
    number: str,
    amount: Decimal,
    currency: str,
    file: UploadedFile | None,
    kind: FileKind | None,
    actor: User | None,
    received_at: dt.datetime,
) -> Invoice:
    workspace = collaboration.workspace
    invoice = Invoice(
        workspace=workspace,
        collaboration=collaboration,
        number=number,
        amount=amount,
        currency=currency,
        received_at=received_at,
        due_on=payment_date(workspace, received_at),
        source=InvoiceSource.HUB if actor is None else InvoiceSource.TEAM,
        entered_by=actor,
        note=details_warning(collaboration.creator, received_at),
    )
    if file and kind:
        _store(invoice, file, kind)
    invoice.save()
    finance = finance_members(workspace)
    sla.start_clock(
        workspace=workspace,
        moment=Moment.PAYMENT,
        subject=sla.Subject.of(invoice),
        started_at=received_at,
        collaboration=collaboration,
        owner=finance[0] if len(finance) == 1 else None,
    )
    summary = _(
        "Invoice %(number)s from %(creator)s received: %(amount)s %(currency)s, payment "
        "scheduled for %(date)s"
    ) % {
        "number": number,
        "creator": collaboration.creator.name,
        "amount": amount,
        "currency": currency,
        "date": formats.date_format(invoice.due_on, "D j M Y"),
    }
    record_on_timelines(
        collaboration,
        actor=actor,
        kind="invoice.received",
        summary=summary,
        obj=invoice,
        changes={"invoice": (None, f"{number}: {amount} {currency}")},
    )
    contact = contact_of(collaboration)
    recipients = [u for u in [contact, *finance] if u is not None and u != actor]
    notify(
        workspace=workspace,
        recipients=list(dict.fromkeys(recipients)),
        text=f"{summary}. {invoice.note}" if invoice.note else summary,
        url=invoice_url(invoice),
    )
    return invoice


def payment_details_changed_at(creator: Creator, since: dt.datetime) -> dt.datetime | None:
    """When the creator's payment details last changed since ``since`` (on the hub or by the
    team), read from the audit log: ``update_creator`` records each change as a
    ``creator.updated`` entry whose changes name the fields (without their values)."""
    event = (
        AuditEvent.objects.filter(
            workspace_id=creator.workspace_id,
            creator=creator,
            kind="creator.updated",
            created_at__gte=since,
            changes__has_any_keys=list(PAYOUT_FIELDS),
        )
        .order_by("-created_at")
        .first()
    )
    return event.created_at if event is not None else None


def details_warning(creator: Creator, received_at: dt.datetime) -> str:
    """The note an invoice received at ``received_at`` carries when the creator's payment
    details changed within 7 days before it (or since); empty otherwise."""
    changed = payment_details_changed_at(creator, received_at - DETAILS_WATCH)
    if changed is None:
        return ""
    return _details_changed_text(changed, creator.workspace.time_zone)


def _details_changed_text(changed: dt.datetime, time_zone: str) -> str:
    day = timezone.localtime(changed, zone(time_zone)).date()
    return _("Payment details changed on %(date)s: check them before paying.") % {
        "date": formats.date_format(day, "D j M Y")
    }


def details_warnings(workspace: Workspace, invoices: Sequence[Invoice]) -> dict[int, str]:
    """:func:`details_warning` for many invoices of ``workspace`` at once, read now, so a change
    made after an invoice arrived counts too: invoice id → its warning, for the invoices that
    have one. One query (the invoices come with their collaborations)."""
    if not invoices:
        return {}
    earliest = min(i.received_at for i in invoices) - DETAILS_WATCH
    changes: dict[int, list[dt.datetime]] = {}
    for creator_id, at in AuditEvent.objects.filter(
        workspace=workspace,
        creator_id__in={i.collaboration.creator_id for i in invoices},
        kind="creator.updated",
        created_at__gte=earliest,
        changes__has_any_keys=list(PAYOUT_FIELDS),
    ).values_list("creator_id", "created_at"):
        changes.setdefault(creator_id, []).append(at)
    warnings: dict[int, str] = {}
    for invoice in invoices:
        since = invoice.received_at - DETAILS_WATCH
        times = [at for at in changes.get(invoice.collaboration.creator_id, []) if at >= since]
        if times:
            warnings[invoice.pk] = _details_changed_text(max(times), workspace.time_zone)
    return warnings


def allowed_statuses(status: str) -> tuple[str, ...]:
    """The statuses an invoice in ``status`` may move to."""
    return TRANSITIONS.get(status, ())


@transaction.atomic
def set_invoice_status(
    *,
    invoice: Invoice,
    status: str,
    actor: User | None,
    paid_on: dt.date | None = None,
    payment_method: str = "",
    reason: str = "",
) -> Invoice:
    """Move an invoice along: received, approved, payment scheduled, paid; or disputed.

    A dispute needs a ``reason`` (added to the invoice's note); paid needs ``paid_on`` (not
    before the invoice arrived, not in the future) and stops the payment clock. Recorded on the
    creator's and the campaign's timelines.
    """
    invoice = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("collaboration__creator", "collaboration__campaign", "workspace")
        .get(pk=invoice.pk)
    )
    before = invoice.status
    reason = (reason or "").strip()
    payment_method = (payment_method or "").strip()
    errors: dict[str, str] = {}
    if status not in InvoiceStatus.values:
        errors["status"] = _("“%(s)s” is not an invoice status.") % {"s": status}
    elif status != before and status not in allowed_statuses(before):
        errors["status"] = _("An invoice that is “%(from)s” cannot become “%(to)s”.") % {
            "from": InvoiceStatus(before).label,
            "to": InvoiceStatus(status).label,
        }
    if status == InvoiceStatus.DISPUTED and not reason:
        errors["reason"] = _("Say what is wrong with the invoice: the creator will be told.")
    if status == InvoiceStatus.PAID:
        today = timezone.localdate(timezone=zone(invoice.workspace.time_zone))
        received = timezone.localtime(invoice.received_at, zone(invoice.workspace.time_zone)).date()
        if paid_on is None:
            errors["paid_on"] = _("Give the date it was paid.")
        elif paid_on > today:
            errors["paid_on"] = _("The payment date cannot be in the future.")
        elif paid_on < received:
            errors["paid_on"] = _("It cannot be paid before the invoice arrived (%(date)s).") % {
                "date": formats.date_format(received, "D j M Y")
            }
    if len(payment_method) > 60:
        errors["payment_method"] = _("Describe the payment method in at most 60 characters.")
    if errors:
        raise ValidationError(errors)
    if status == before:
        return invoice
    changes: dict[str, tuple[object, object]] = {"status": (before, status)}
    invoice.status = status
    if status == InvoiceStatus.PAID:
        assert paid_on is not None
        changes["paid_on"] = (invoice.paid_on, paid_on.isoformat())
        invoice.paid_on = paid_on
        if payment_method:
            changes["payment_method"] = (invoice.payment_method, payment_method)
            invoice.payment_method = payment_method
    if reason:
        # Added to what the note already says (e.g. a warning about changed payment details).
        invoice.note = "\n".join(part for part in (invoice.note, reason) if part)
    invoice.save()
    if status == InvoiceStatus.PAID:
        sla.stop_clock(
            workspace=invoice.workspace,
            moment=Moment.PAYMENT,
            subject=sla.Subject.of(invoice),
        )
    record_on_timelines(
        invoice.collaboration,
        actor=actor,
        kind="invoice.status",
        summary=_("Invoice %(number)s: %(status)s")
        % {
            "number": invoice.number,
            "status": InvoiceStatus(status).label,
        },
        obj=invoice,
        changes=changes,
        reason=reason,
    )
    return invoice


def file_download(invoice: Invoice) -> FileResponse:
    """The invoice's file, as an attachment under its stored (sanitised) name, as review files are
    served. Raises :class:`FileGone` when there is no file or it is no longer stored."""
    if not invoice.file or not invoice.file.name:
        raise FileGone(_("Invoice %(n)s was entered without a file.") % {"n": invoice.number})
    return attachment(
        invoice.file,
        posixpath.basename(invoice.file.name),
        gone=_("The file of invoice %(n)s is no longer stored.") % {"n": invoice.number},
    )
