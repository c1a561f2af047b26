"""What the creator does on the hub about their work: send a draft, mark a deliverable posted,
confirm the product arrived, and keep their shipping address and payment details up to date.

Each action goes through the campaigns and creators services that already hold its rules, its
audit entries and its clocks (a draft starts the approval clock in ``reviews.submit``); this
module adds the hub's own rules and tells the collaboration's owner. Every call is the creator
acting through their link (``actor=None``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from rapport.campaigns.models import (
    ApprovalStage,
    Collaboration,
    Deliverable,
    Shipment,
    ShipmentStatus,
    Submission,
)
from rapport.campaigns.queries.deliverables import stage_progress
from rapport.campaigns.services import deliverables, reviews, seeding
from rapport.creators.models import PayoutMethod
from rapport.creators.services import update_creator
from rapport.finance.services import finance_members
from rapport.hub.queries.terms import contact_of
from rapport.hub.queries.work import POSTABLE, DeliverableStatus, deliverable_status
from rapport.hub.services.team import for_the_team, tell_members, tell_owner
from rapport.workspaces.calendar import local_text

ACCOUNT_NUMBER_LENGTH = (4, 34)  # a short domestic number up to the longest IBAN
BANK_FIELDS = ("bank_account_name", "bank_account_number", "bank_code")
# How the confirmation e-mail names each kind of detail that changed (never its value).
DETAIL_NAMES = {
    "shipping_address": gettext_lazy("your shipping address"),
    "payout_method": gettext_lazy("how you are paid"),
    "payout_email": gettext_lazy("your PayPal e-mail"),
    "bank_account_name": gettext_lazy("the bank account holder"),
    "bank_account_number": gettext_lazy("the bank account number"),
    "bank_code": gettext_lazy("the bank code"),
}


# ---------------------------------------------------------------------------------------------
# Drafts and posting


@for_the_team
@transaction.atomic
def submit_draft(
    *,
    collaboration: Collaboration,
    position: int,
    deliverable: Deliverable,
    stage: str,
    file: UploadedFile | None = None,
    link: str = "",
    note: str = "",
) -> Submission:
    """Send a draft of deliverable number ``position`` for review at ``stage``, one of its stages
    still without an approved draft. The file's kind and size are checked by ``reviews.submit``
    (which also starts the approval clock and tells the decision-maker); the owner is told too."""
    open_stages = [p.stage for p in stage_progress(deliverable) if not p.approved]
    if deliverable.went_live_at is not None:
        raise ValidationError({"stage": _("This deliverable is already live.")})
    if stage not in open_stages:
        raise ValidationError(
            {
                "stage": _("Choose what this draft is: %(stages)s.")
                % {
                    "stages": ", ".join(str(ApprovalStage(s).label) for s in open_stages)
                    or _("nothing is waiting for a draft")
                }
            }
        )
    submission = reviews.submit(
        deliverable=deliverable, stage=stage, actor=None, file=file, link=link, note=note
    )
    tell_owner(
        collaboration,
        lambda: (
            _("%(creator)s sent %(stage)s v%(v)s of deliverable %(n)s (%(what)s) for review")
            % {
                "creator": collaboration.creator.name,
                "stage": submission.get_stage_display(),
                "v": submission.version,
                "n": position,
                "what": deliverable,
            }
        ),
        url=reverse(
            "campaigns:submission",
            kwargs={"ws": collaboration.workspace.slug, "pk": submission.pk},
        ),
        unless=collaboration.campaign.decision_maker,
    )
    return submission


@for_the_team
@transaction.atomic
def mark_posted(
    *,
    collaboration: Collaboration,
    position: int,
    deliverable: Deliverable,
    live_url: str,
    went_live_at: dt.datetime | None = None,
) -> Deliverable:
    """Record where deliverable number ``position`` went live (a naive time is the creator's
    local time; none means now). Only once its drafts are approved, or when it needs no approval;
    the owner is told."""
    status = deliverable_status(deliverable, stage_progress(deliverable))
    if status == DeliverableStatus.LIVE:
        raise ValidationError(
            {"live_url": _("This deliverable is already marked live. Message us if it moved.")}
        )
    if status not in POSTABLE:
        raise ValidationError(
            {"live_url": _("Wait for your draft to be approved before you post it.")}
        )
    deliverable = deliverables.record_live(
        deliverable=deliverable, actor=None, live_url=live_url, went_live_at=went_live_at
    )
    tell_owner(
        collaboration,
        lambda: (
            _("%(creator)s posted deliverable %(n)s (%(what)s): %(url)s")
            % {
                "creator": collaboration.creator.name,
                "n": position,
                "what": deliverable,
                "url": deliverable.live_url,
            }
        ),
        url=reverse(
            "campaigns:deliverable",
            kwargs={"ws": collaboration.workspace.slug, "pk": deliverable.pk},
        ),
    )
    return deliverable


# ---------------------------------------------------------------------------------------------
# Shipping


@for_the_team
@transaction.atomic
def confirm_arrival(*, collaboration: Collaboration, position: int, shipment: Shipment) -> Shipment:
    """The creator says shipment number ``position`` arrived (possible once it has left); the
    owner is told."""
    if shipment.status == ShipmentStatus.RECEIVED:
        raise ValidationError({"shipment": _("You already told us this parcel arrived.")})
    if shipment.status not in (ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED):
        raise ValidationError(
            {"shipment": _("This parcel has not left yet: confirm it once it is on its way.")}
        )
    shipment = seeding.confirm_receipt(shipment=shipment, actor=None)
    tell_owner(
        collaboration,
        lambda: (
            _("%(creator)s received shipment %(n)s")
            % {"creator": collaboration.creator.name, "n": position}
        ),
        url=reverse(
            "campaigns:shipment",
            kwargs={"ws": collaboration.workspace.slug, "pk": shipment.pk},
        ),
    )
    return shipment


# ---------------------------------------------------------------------------------------------
# The creator's own details


def is_valid_iban(value: str) -> bool:
    """The ISO 13616 check: country letters, check digits, then the mod-97 rule (the number with
    its first four characters moved to the end, letters as 10..35, leaves 1 when divided by 97)."""
    iban = "".join(value.split()).upper()
    if not (15 <= len(iban) <= 34 and iban.isalnum() and iban.isascii()):
        return False
    if not (iban[:2].isalpha() and iban[2:4].isdigit()):
        return False
    digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def clean_payment_details(
    *,
    shipping_address: str,
    payout_method: str,
    payout_email: str,
    bank_account_name: str,
    bank_account_number: str,
    bank_code: str,
) -> dict[str, str]:
    """The creator's details checked and tidied, or a ValidationError naming each field.

    PayPal needs a valid e-mail; a bank transfer needs the account holder and the account
    number. A number starting with two letters is an IBAN and must pass the mod-97 check; other
    numbers are 4 to 34 letters and digits (spaces and dashes are dropped). Choosing one method
    empties the other's fields (and they are not checked): finance never reads a stale IBAN
    beside "paid by PayPal"."""
    method = (payout_method or "").strip()
    if method == PayoutMethod.PAYPAL:
        bank_account_name = bank_account_number = bank_code = ""
    elif method == PayoutMethod.BANK:
        payout_email = ""
    values = {
        "shipping_address": "\n".join(
            line.strip() for line in (shipping_address or "").strip().splitlines()
        ),
        "payout_method": method,
        "payout_email": (payout_email or "").strip(),
        "bank_account_name": (bank_account_name or "").strip(),
        "bank_account_number": "".join((bank_account_number or "").split()).replace("-", ""),
        "bank_code": "".join((bank_code or "").split()).upper(),
    }
    errors: dict[str, str] = {}
    if method and method not in PayoutMethod.values:
        errors["payout_method"] = _("Choose PayPal or a bank transfer.")
    if values["payout_email"]:
        try:
            validate_email(values["payout_email"])
        except ValidationError:
            errors["payout_email"] = _("Give your PayPal e-mail address, such as name@example.com.")
    elif method == PayoutMethod.PAYPAL:
        errors["payout_email"] = _("Give the e-mail address of your PayPal account.")
    number = values["bank_account_number"].upper()
    if number:
        low, high = ACCOUNT_NUMBER_LENGTH
        if number[:2].isalpha():
            if not is_valid_iban(number):
                errors["bank_account_number"] = _(
                    "This IBAN is not valid: check each character (its two check digits, after "
                    "the country code, do not match the rest)."
                )
        elif not (number.isalnum() and number.isascii() and low <= len(number) <= high):
            errors["bank_account_number"] = _(
                "An account number has %(low)s to %(high)s letters and digits."
            ) % {"low": low, "high": high}
        values["bank_account_number"] = number
    if method == PayoutMethod.BANK:
        if not values["bank_account_name"]:
            errors["bank_account_name"] = _("Give the name the bank account is held in.")
        if not number:
            errors["bank_account_number"] = _("Give the account number or IBAN.")
    if len(values["bank_code"]) > 40:
        errors["bank_code"] = _("A bank code has at most 40 characters.")
    if len(values["bank_account_name"]) > 200:
        errors["bank_account_name"] = _("Keep the account holder's name under 200 characters.")
    if errors:
        raise ValidationError(errors)
    return values


@dataclass
class DetailsChange:
    """What a details update changed: the fields, and how many parcels not yet labelled now go
    to the new address."""

    fields: set[str] = field(default_factory=set)
    readdressed: int = 0

    @property
    def address(self) -> bool:
        return "shipping_address" in self.fields

    @property
    def payment(self) -> bool:
        return bool(self.fields - {"shipping_address"})


@for_the_team
@transaction.atomic
def update_details(
    *,
    collaboration: Collaboration,
    shipping_address: str,
    payout_method: str,
    payout_email: str = "",
    bank_account_name: str = "",
    bank_account_number: str | None = None,
    bank_code: str = "",
) -> DetailsChange:
    """Save the creator's shipping address and payment details (``bank_account_number=None``
    keeps the number on file: the hub never shows it whole). Audited without the values by
    ``update_creator``. Shipments of this collaboration without a label yet follow a new address.
    The owner is told what changed, never the values. A change of payment details is also told
    to the workspace's finance members and confirmed by e-mail to the creator's address on file
    (a leaked hub link must not quietly redirect a payment)."""
    creator = collaboration.creator
    values = clean_payment_details(
        shipping_address=shipping_address,
        payout_method=payout_method,
        payout_email=payout_email,
        bank_account_name=bank_account_name,
        bank_account_number=(
            creator.bank_account_number if bank_account_number is None else bank_account_number
        ),
        bank_code=bank_code,
    )
    change = DetailsChange(
        fields={name for name, value in values.items() if getattr(creator, name) != value}
    )
    if not change.fields:
        return change
    update_creator(
        creator=creator, actor=None, **{name: values[name] for name in sorted(change.fields)}
    )
    if change.address and values["shipping_address"]:
        change.readdressed = _readdress_unlabelled(collaboration, values["shipping_address"])
    if change.address and change.payment:
        text = gettext_noop("%(creator)s updated their shipping address and payment details")
    elif change.address:
        text = gettext_noop("%(creator)s updated their shipping address")
    else:
        text = gettext_noop("%(creator)s updated their payment details")
    tell_owner(collaboration, lambda: _(text) % {"creator": creator.name})
    if change.payment:
        tell_finance(collaboration, lambda: _(text) % {"creator": creator.name})
        confirm_to_creator(collaboration, change)
    return change


def tell_finance(collaboration: Collaboration, compose: Callable[[], str]) -> None:
    """Notify the workspace's finance members (the creator's contact excepted: ``tell_owner``
    told them), each in their own language."""
    contact = contact_of(collaboration)
    members = [m for m in finance_members(collaboration.workspace) if m != contact]
    tell_members(collaboration, members, compose)


def confirm_to_creator(collaboration: Collaboration, change: DetailsChange) -> None:
    """E-mail the creator, at their address on file and in their language, which of their
    details just changed on their page (never the values), asking them to write back if it was
    not them. Replies go to their contact. Nothing is sent without an address."""
    creator = collaboration.creator
    if not creator.primary_email:
        return
    contact = contact_of(collaboration)
    brand = collaboration.workspace.name
    language = creator.message_language
    with translation.override(language):
        what = ", ".join(str(DETAIL_NAMES[name]) for name in DETAIL_NAMES if name in change.fields)
        subject = _("Your payment details for %(brand)s were changed") % {"brand": brand}
        body = "\n\n".join(
            [
                _("Hi %(name)s,") % {"name": creator.name},
                _(
                    "On %(when)s, these details were changed on your page for %(campaign)s "
                    "with %(brand)s: %(what)s."
                )
                % {
                    "when": local_text(
                        timezone.now(), creator.time_zone or collaboration.workspace.time_zone
                    ),
                    "campaign": collaboration.campaign.name,
                    "brand": brand,
                    "what": what,
                },
                _("If it was you, there is nothing to do."),
                _(
                    "If it was not you, reply to this e-mail or write to %(contact)s straight "
                    "away, before any payment is made: someone may have your page's link."
                )
                % {"contact": (contact.display_name if contact else "") or brand},
            ]
        )
    EmailMessage(
        subject=subject,
        body=body + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[creator.primary_email],
        reply_to=[contact.email] if contact is not None and contact.email else None,
        headers={"Content-Language": language},
    ).send()


def _readdress_unlabelled(collaboration: Collaboration, address: str) -> int:
    """Point this collaboration's shipments without a label at ``address``; how many moved."""
    shipments = Shipment.objects.filter(
        workspace_id=collaboration.workspace_id,
        collaboration=collaboration,
        status=ShipmentStatus.DRAFT,
    ).exclude(address=address)
    moved = 0
    for shipment in shipments:
        seeding.update_shipment(shipment=shipment, actor=None, address=address)
        moved += 1
    return moved
