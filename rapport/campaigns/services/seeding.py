"""Product seeding and shipping: the workspace's product list, shipments to creators, and the files
exchanged with a fulfilment centre.

A shipment keeps the creator's address as it was when the shipment was made (a later change of
address does not rewrite where a parcel went). It moves draft → label created → shipped →
delivered → receipt confirmed. Creating the label starts the shipping-confirmation clock; telling
the creator (carrier, tracking link, expected date) stops it. Addresses are private: they never go
into the audit log, notifications or logs.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rapport.campaigns import carriers
from rapport.campaigns.models import (
    Carrier,
    Collaboration,
    CollabStage,
    Moment,
    Product,
    Shipment,
    ShipmentItem,
    ShipmentStatus,
)
from rapport.campaigns.queries import seeding as queries
from rapport.campaigns.services import collaborations, sla
from rapport.campaigns.services.collaborations import record_on_timelines
from rapport.creators.exporting import csv_lines, safe_cell
from rapport.creators.importing import heading_key, read_csv_bytes
from rapport.workspaces.models import User, Workspace
from rapport.workspaces.services import diff, is_currency, record

S = ShipmentStatus

# The order a shipment moves in; each step may only follow the one before it.
ORDER = [S.DRAFT, S.LABEL_CREATED, S.SHIPPED, S.DELIVERED, S.RECEIVED]
MAX_VARIANT_LENGTH = 60


# ---------------------------------------------------------------------------------------------
# Products


def parse_variants(text: str) -> list[str]:
    """Sizes or variants written one per line (blank lines and repeats dropped)."""
    seen: list[str] = []
    for line in text.splitlines():
        variant = line.strip()
        if variant and variant not in seen:
            seen.append(variant)
    return seen


def _clean_product(
    workspace: Workspace, values: dict[str, Any], product: Product | None = None
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned = dict(values)
    if "name" in values:
        cleaned["name"] = str(values["name"]).strip()
        if not cleaned["name"]:
            errors["name"] = _("Give the product a name.")
    if "sku" in values:
        cleaned["sku"] = str(values["sku"]).strip()
        taken = Product.objects.filter(workspace=workspace, sku__iexact=cleaned["sku"])
        if product is not None:
            taken = taken.exclude(pk=product.pk)
        if not cleaned["sku"]:
            errors["sku"] = _("Give the product its SKU (the code your stock uses).")
        elif len(cleaned["sku"]) > 64:
            errors["sku"] = _("A SKU has at most 64 characters.")
        elif taken.exists():
            errors["sku"] = _(
                "Another product of this workspace already has the SKU “%(sku)s”."
            ) % {"sku": cleaned["sku"]}
    if "value" in values:
        try:
            cleaned["value"] = Decimal(str(values["value"]).strip()).quantize(Decimal("0.01"))
            if cleaned["value"] < 0 or cleaned["value"] >= Decimal("1e10"):
                raise InvalidOperation
        except InvalidOperation:
            errors["value"] = _("The value is an amount such as 25.00, zero or more.")
    if "currency" in values:
        cleaned["currency"] = str(values["currency"]).strip().upper()
        if not is_currency(cleaned["currency"]):
            errors["currency"] = _("The currency is an ISO code such as USD or EUR.")
    if "variants" in values:
        variants = [str(v).strip() for v in values["variants"] or []]
        cleaned["variants"] = list(dict.fromkeys(v for v in variants if v))
        too_long = [v for v in cleaned["variants"] if len(v) > MAX_VARIANT_LENGTH]
        if too_long:
            errors["variants"] = _("“%(v)s” is too long for a size or variant (at most %(n)s).") % {
                "v": too_long[0],
                "n": MAX_VARIANT_LENGTH,
            }
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def create_product(
    *,
    workspace: Workspace,
    actor: User | None,
    name: str,
    sku: str,
    value: Decimal | str,
    currency: str,
    variants: Sequence[str] = (),
    is_active: bool = True,
) -> Product:
    """Add a product to the workspace's list; the SKU is unique in the workspace."""
    cleaned = _clean_product(
        workspace,
        {"name": name, "sku": sku, "value": value, "currency": currency, "variants": variants},
    )
    product = Product.objects.create(workspace=workspace, is_active=is_active, **cleaned)
    record(
        workspace=workspace,
        actor=actor,
        kind="product.created",
        summary=_("Product %(product)s added") % {"product": product},
        obj=product,
    )
    return product


@transaction.atomic
def update_product(*, product: Product, actor: User | None, **values: Any) -> Product:
    """Change the given fields of a product (``is_active=False`` takes it off the list of what
    can be shipped; shipments already made keep it)."""
    unknown = set(values) - {"name", "sku", "value", "currency", "variants", "is_active"}
    if unknown:
        raise TypeError(f"Unknown product fields: {sorted(unknown)}")
    cleaned = _clean_product(product.workspace, values, product)
    if "is_active" in cleaned:
        cleaned["is_active"] = bool(cleaned["is_active"])
    changes = diff(product, cleaned)
    if not changes:
        return product
    for name, value in cleaned.items():
        setattr(product, name, value)
    product.save()
    if set(changes) == {"is_active"}:
        summary = (
            _("Product %(product)s offered again")
            if product.is_active
            else _("Product %(product)s no longer offered")
        )
    else:
        summary = _("Product %(product)s changed")
    record(
        workspace=product.workspace,
        actor=actor,
        kind="product.updated",
        summary=summary % {"product": product},
        obj=product,
        changes=changes,
    )
    return product


# ---------------------------------------------------------------------------------------------
# Shipments


@dataclass(frozen=True)
class ItemData:
    """One line of a shipment: a product of the workspace, one of its variants, how many."""

    product_id: int
    variant: str = ""
    quantity: int = 1


def _clean_items(workspace: Workspace, items: Sequence[ItemData]) -> list[ShipmentItem]:
    if not items:
        raise ValidationError({"items": _("Add at least one product to the shipment.")})
    products = Product.objects.in_bulk([item.product_id for item in items])
    lines: list[ShipmentItem] = []
    for number, item in enumerate(items, start=1):
        product = products.get(item.product_id)
        where = _("Item %(n)s") % {"n": number}
        if product is None or product.workspace_id != workspace.pk:
            raise ValidationError(
                {"items": _("%(where)s: there is no such product in this workspace.") % {
                    "where": where}}
            )  # fmt: skip
        if not product.is_active:
            raise ValidationError(
                {"items": _("%(where)s: %(product)s is no longer offered.")
                 % {"where": where, "product": product}}
            )  # fmt: skip
        variant = item.variant.strip()
        if product.variants and variant not in product.variants:
            raise ValidationError(
                {"items": _("%(where)s: choose one of the variants of %(product)s: %(list)s.")
                 % {"where": where, "product": product.name, "list": ", ".join(product.variants)}}
            )  # fmt: skip
        if not product.variants and variant:
            raise ValidationError(
                {"items": _("%(where)s: %(product)s has no sizes or variants.")
                 % {"where": where, "product": product.name}}
            )  # fmt: skip
        if item.quantity < 1:
            raise ValidationError(
                {"items": _("%(where)s: the quantity is at least 1.") % {"where": where}}
            )
        lines.append(
            ShipmentItem(
                workspace=workspace, product=product, variant=variant, quantity=item.quantity
            )
        )
    return lines


def describe_items(shipment: Shipment) -> str:
    """``"2 x Serum (30 ml), 1 x Tote"``, from the prefetched items."""
    return ", ".join(
        f"{i.quantity} x {i.product.name}" + (f" ({i.variant})" if i.variant else "")
        for i in shipment.items.all()
    )


def _audit(shipment: Shipment, actor: User | None, kind: str, summary: str, **extra: Any) -> None:
    """One shipment event, on the creator's and the campaign's timelines (never the address)."""
    collaboration = shipment.collaboration
    record_on_timelines(
        collaboration,
        actor=actor,
        kind=kind,
        summary=summary,
        obj=shipment,
        **extra,
    )


def _locked(shipment: Shipment) -> Shipment:
    """The shipment re-read under a row lock, so two people cannot move it at once."""
    return (
        Shipment.objects.select_for_update(of=("self",))
        .select_related("workspace", "collaboration__creator", "collaboration__campaign")
        .get(pk=shipment.pk, workspace_id=shipment.workspace_id)
    )


@transaction.atomic
def create_shipment(
    *,
    collaboration: Collaboration,
    actor: User | None,
    items: Sequence[ItemData],
    carrier: str = "",
    tracking_number: str = "",
    expected_on: dt.date | None = None,
) -> Shipment:
    """A draft shipment to the collaboration's creator, with the creator's shipping address as it
    is now. Refused when the creator has no shipping address on file."""
    workspace = collaboration.workspace
    creator = collaboration.creator
    address = creator.shipping_address.strip()
    if not address:
        raise ValidationError(
            {
                "address": _(
                    "%(creator)s has no shipping address on file. Someone who may see private "
                    "details (finance or ops) needs to add it on the creator's page first."
                )
                % {"creator": creator.name}
            }
        )
    lines = _clean_items(workspace, items)
    tracking = _clean_tracking(carrier, tracking_number)
    shipment = Shipment.objects.create(
        workspace=workspace,
        collaboration=collaboration,
        address=address,
        expected_on=expected_on,
        **tracking,
    )
    for line in lines:
        line.shipment = shipment
    ShipmentItem.objects.bulk_create(lines)
    _audit(
        shipment,
        actor,
        "shipment.created",
        _("Shipment #%(id)s prepared for %(creator)s: %(items)s")
        % {"id": shipment.pk, "creator": creator.name, "items": describe_items(shipment)},
    )
    return shipment


def _clean_tracking(carrier: str, tracking_number: str) -> dict[str, str]:
    carrier = (carrier or "").strip()
    if carrier and carrier not in Carrier.values:
        raise ValidationError({"carrier": _("“%(c)s” is not a carrier we know.") % {"c": carrier}})
    number = tracking_number or ""
    if number.strip() and not carrier:
        raise ValidationError({"carrier": _("Say which carrier this tracking number is for.")})
    return {"carrier": carrier, "tracking_number": carriers.clean_tracking_number(carrier, number)}


@transaction.atomic
def update_shipment(*, shipment: Shipment, actor: User | None, **values: Any) -> Shipment:
    """Change the carrier, tracking number, expected delivery date, or (while a draft) the items
    or the address.

    ``items`` is a list of :class:`ItemData` and replaces the shipment's items. The address is
    audited without its value, like the creator's own.
    """
    unknown = set(values) - {"carrier", "tracking_number", "expected_on", "items", "address"}
    if unknown:
        raise TypeError(f"Unknown shipment fields: {sorted(unknown)}")
    shipment = _locked(shipment)
    items = values.pop("items", None)
    if "carrier" in values or "tracking_number" in values:
        values |= _clean_tracking(
            values.get("carrier", shipment.carrier),
            values.get("tracking_number", shipment.tracking_number),
        )
    if "address" in values:
        values["address"] = str(values["address"] or "").strip()
        if shipment.status != S.DRAFT:
            raise ValidationError(
                {"address": _("The address can only change before the label is created.")}
            )
        if not values["address"]:
            raise ValidationError({"address": _("A shipment needs an address.")})
    changes = diff(shipment, values)
    if "address" in changes:
        changes["address"] = ("…", "…")
    if items is not None:
        if shipment.status != S.DRAFT:
            raise ValidationError(
                {"items": _("The items can only change while the shipment is a draft.")}
            )
        lines = _clean_items(shipment.workspace, items)
        before = describe_items(shipment)
        shipment.items.all().delete()
        for line in lines:
            line.shipment = shipment
        ShipmentItem.objects.bulk_create(lines)
        after = describe_items(shipment)
        if after != before:
            changes["items"] = (before, after)
    if not changes:
        return shipment
    for name, value in values.items():
        setattr(shipment, name, value)
    shipment.save()
    _audit(
        shipment,
        actor,
        "shipment.updated",
        _("Shipment #%(id)s changed") % {"id": shipment.pk},
        changes=changes,
    )
    return shipment


def _step(shipment: Shipment, to: str, allowed_from: Sequence[str]) -> None:
    if shipment.status not in allowed_from:
        raise ValidationError(
            {
                "status": _("A shipment that is “%(now)s” cannot be marked “%(to)s”.")
                % {"now": S(shipment.status).label, "to": S(to).label}
            }
        )


def _moved(shipment: Shipment, actor: User | None, before: str, summary: str) -> None:
    _audit(
        shipment,
        actor,
        "shipment.status",
        summary % {"id": shipment.pk, "creator": shipment.collaboration.creator.name},
        changes={"status": (before, shipment.status)},
    )


@transaction.atomic
def create_label(
    *,
    shipment: Shipment,
    actor: User | None,
    carrier: str | None = None,
    tracking_number: str | None = None,
    at: dt.datetime | None = None,
) -> Shipment:
    """Mark the label created (with the carrier and tracking number when known) and start the
    shipping-confirmation clock: the creator is owed the tracking link from now."""
    if carrier is not None or tracking_number is not None:
        update_shipment(
            shipment=shipment,
            actor=actor,
            **{k: v for k, v in (("carrier", carrier), ("tracking_number", tracking_number))
               if v is not None},
        )  # fmt: skip
    shipment = _locked(shipment)
    _step(shipment, S.LABEL_CREATED, [S.DRAFT])
    shipment.status = S.LABEL_CREATED
    shipment.label_created_at = at or timezone.now()
    shipment.save(update_fields=["status", "label_created_at"])
    sla.start_clock(
        workspace=shipment.workspace,
        moment=Moment.SHIPPING,
        subject=sla.Subject.of(shipment),
        started_at=shipment.label_created_at,
        collaboration=shipment.collaboration,
        owner=actor,
    )
    _moved(shipment, actor, S.DRAFT, _("Label created for shipment #%(id)s to %(creator)s"))
    return shipment


@transaction.atomic
def mark_shipped(
    *, shipment: Shipment, actor: User | None, at: dt.datetime | None = None
) -> Shipment:
    """The parcel has left; the collaboration moves to "product shipped" when its stage allows."""
    shipment = _locked(shipment)
    if shipment.status == S.DRAFT:
        raise ValidationError({"status": _("Create the label before marking it shipped.")})
    _step(shipment, S.SHIPPED, [S.LABEL_CREATED])
    shipment.status = S.SHIPPED
    shipment.shipped_at = at or timezone.now()
    shipment.save(update_fields=["status", "shipped_at"])
    _moved(shipment, actor, S.LABEL_CREATED, _("Shipment #%(id)s to %(creator)s shipped"))
    collaborations.advance_if_allowed(
        collaboration=shipment.collaboration,
        stage=CollabStage.PRODUCT_SHIPPED,
        actor=actor,
        reason=_("Shipment #%(id)s shipped.") % {"id": shipment.pk},
    )
    return shipment


@transaction.atomic
def mark_delivered(
    *, shipment: Shipment, actor: User | None, at: dt.datetime | None = None
) -> Shipment:
    """The carrier says the parcel was delivered."""
    shipment = _locked(shipment)
    _step(shipment, S.DELIVERED, [S.SHIPPED])
    shipment.status = S.DELIVERED
    shipment.delivered_at = at or timezone.now()
    shipment.save(update_fields=["status", "delivered_at"])
    _moved(shipment, actor, S.SHIPPED, _("Shipment #%(id)s to %(creator)s delivered"))
    return shipment


@transaction.atomic
def confirm_receipt(
    *, shipment: Shipment, actor: User | None, at: dt.datetime | None = None
) -> Shipment:
    """The creator has the parcel. ``actor`` is None when the creator confirms it from the hub;
    a member may also record it for them. Allowed once shipped (creators often confirm before
    the carrier reports delivery)."""
    shipment = _locked(shipment)
    before = shipment.status
    _step(shipment, S.RECEIVED, [S.SHIPPED, S.DELIVERED])
    shipment.status = S.RECEIVED
    shipment.received_at = at or timezone.now()
    shipment.save(update_fields=["status", "received_at"])
    summary = (
        _("%(creator)s confirmed receiving shipment #%(id)s")
        if actor is None
        else _("Receipt of shipment #%(id)s by %(creator)s recorded")
    )
    _moved(shipment, actor, before, summary)
    return shipment


def tracking_email(shipment: Shipment) -> tuple[str, str]:
    """The subject and text of the e-mail that gives the creator the tracking link."""
    collaboration = shipment.collaboration
    context = {
        "shipment": shipment,
        "creator": collaboration.creator,
        "campaign": collaboration.campaign,
        "workspace": shipment.workspace,
        "items": list(shipment.items.select_related("product")),
        "carrier": Carrier(shipment.carrier).label,
        "tracking_url": carriers.tracking_url(shipment.carrier, shipment.tracking_number),
    }
    subject = _("Your parcel from %(brand)s is on its way") % {"brand": shipment.workspace.name}
    return subject, render_to_string("campaigns/shipment_email.txt", context)


@transaction.atomic
def tell_creator(
    *, shipment: Shipment, actor: User | None, expected_on: dt.date | None = None
) -> Shipment:
    """E-mail the creator what was sent, the tracking link and the expected delivery date, and
    stop the shipping-confirmation clock. Needs the carrier, the tracking number and the date."""
    if expected_on is not None:
        update_shipment(shipment=shipment, actor=actor, expected_on=expected_on)
    shipment = _locked(shipment)
    creator = shipment.collaboration.creator
    errors: dict[str, str] = {}
    if shipment.status == S.DRAFT:
        errors["status"] = _("Create the label first: there is nothing to track yet.")
    if not shipment.carrier:
        errors["carrier"] = _("Say which carrier has the parcel.")
    if not shipment.tracking_number:
        errors["tracking_number"] = _("Add the tracking number: it is what the creator needs.")
    if shipment.expected_on is None:
        errors["expected_on"] = _("Give the expected delivery date.")
    if not creator.primary_email:
        errors["email"] = _("%(creator)s has no e-mail address to write to.") % {
            "creator": creator.name
        }
    if errors:
        raise ValidationError(errors)
    with translation.override(creator.message_language):
        subject, text = tracking_email(shipment)
    send_mail(
        subject=subject, message=text, from_email=None, recipient_list=[creator.primary_email]
    )
    now = timezone.now()
    shipment.creator_told_at = now
    shipment.save(update_fields=["creator_told_at"])
    sla.stop_clock(
        workspace=shipment.workspace,
        moment=Moment.SHIPPING,
        subject=sla.Subject.of(shipment),
        stopped_at=now,
    )
    _audit(
        shipment,
        actor,
        "shipment.creator_told",
        _("%(creator)s sent the tracking link of shipment #%(id)s (%(carrier)s %(number)s, "
          "expected %(date)s)")
        % {
            "creator": creator.name,
            "id": shipment.pk,
            "carrier": Carrier(shipment.carrier).label,
            "number": shipment.tracking_number,
            "date": shipment.expected_on.isoformat() if shipment.expected_on else "",
        },
    )  # fmt: skip
    return shipment


# ---------------------------------------------------------------------------------------------
# Tracking numbers back from a fulfilment centre


# The columns the import reads, and the headers it recognises for each (lower-cased).
IMPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "reference": ("reference", "ref", "shipment", "shipment id", "order", "order reference"),
    "carrier": ("carrier",),
    "tracking_number": ("tracking number", "tracking", "tracking no", "tracking_number"),
    "shipped_on": ("shipped date", "shipped on", "shipped", "ship date", "shipped_on"),
}
IMPORT_LABELS = {
    "reference": gettext_lazy("reference"),
    "carrier": gettext_lazy("carrier"),
    "tracking_number": gettext_lazy("tracking number"),
    "shipped_on": gettext_lazy("shipped date"),
    "file": gettext_lazy("file"),
}
MAX_IMPORT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class RowProblem:
    """What is wrong in one row of an import: the row as a spreadsheet numbers it (the header is
    row 1), the column, and why."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, %(field)s: %(message)s") % {
            "row": self.row,
            "field": IMPORT_LABELS.get(self.field, self.field),
            "message": self.message,
        }


class TrackingImportError(ValidationError):
    """The file has problems; nothing was changed. ``problems`` lists every one."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__([str(p) for p in problems])
        self.problems = problems


@dataclass
class TrackingRow:
    row: int
    shipment: Shipment
    carrier: str
    tracking_number: str
    shipped_on: dt.date | None


@dataclass
class TrackingImportResult:
    """What an import did: shipments given a label, shipments marked shipped, how many shipments
    it changed nothing on (already imported) and how many rows were left empty."""

    labelled: list[int] = field(default_factory=list)
    shipped: list[int] = field(default_factory=list)
    unchanged: int = 0
    empty: int = 0


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        return read_csv_bytes(data)
    except ValidationError as exc:
        raise TrackingImportError([RowProblem(0, "file", exc.messages[0])]) from None


def _columns(header: list[str]) -> dict[str, int]:
    names = [heading_key(h) for h in header]
    found: dict[str, int] = {}
    # The export's own headings in the member's language are recognised too (a French export
    # comes back with "Référence" and "Numéro de suivi").
    exported = queries.fulfilment_header()
    own = {
        "reference": exported[0],
        "carrier": exported[-3],
        "tracking_number": exported[-2],
        "shipped_on": exported[-1],
    }
    for key, aliases in IMPORT_COLUMNS.items():
        spelled = {" ".join(a.replace("_", " ").split()) for a in (*aliases, str(own[key]).lower())}
        for index, name in enumerate(names):
            if name in spelled:
                found[key] = index
                break
    missing = [k for k in ("reference", "carrier", "tracking_number") if k not in found]
    if missing:
        raise TrackingImportError(
            [
                RowProblem(
                    1,
                    key,
                    _("The file has no “%(column)s” column (the first row names the columns).")
                    % {"column": IMPORT_LABELS[key]},
                )
                for key in missing
            ]
        )
    return found


def _shipped_on(text: str, workspace: Workspace) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            _("“%(v)s” is not a date: write it as 2025-03-14.") % {"v": text}
        ) from None
    if day > timezone.localdate(timezone=_zone(workspace)):
        raise ValueError(_("%(d)s is in the future.") % {"d": day.isoformat()})
    return day


def _zone(workspace: Workspace) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(workspace.time_zone or "UTC")


def _check_row(
    number: int,
    cells: dict[str, str],
    shipment: Shipment | None,
    workspace: Workspace,
    problems: list[RowProblem],
) -> TrackingRow | None:
    """One row read and checked against its shipment; problems are added, never raised."""
    before = len(problems)
    if shipment is None:
        problems.append(
            RowProblem(
                number,
                "reference",
                _("No shipment of this workspace has the reference “%(r)s”.")
                % {"r": cells["reference"]},
            )
        )
    carrier = carriers.carrier_from_text(cells["carrier"])
    if not cells["carrier"]:
        problems.append(RowProblem(number, "carrier", _("Name the carrier.")))
    elif carrier is None:
        problems.append(
            RowProblem(
                number,
                "carrier",
                _("“%(c)s” is not a carrier we know; use one of: %(list)s.")
                % {"c": cells["carrier"], "list": ", ".join(str(c.label) for c in Carrier)},
            )
        )
    number_text = ""
    if not cells["tracking_number"]:
        problems.append(RowProblem(number, "tracking_number", _("The tracking number is missing.")))
    elif carrier is not None:
        try:
            number_text = carriers.clean_tracking_number(carrier, cells["tracking_number"])
        except ValidationError as exc:
            problems.append(RowProblem(number, "tracking_number", " ".join(exc.messages)))
    shipped_on = None
    if cells["shipped_on"]:
        try:
            shipped_on = _shipped_on(cells["shipped_on"], workspace)
        except ValueError as exc:
            problems.append(RowProblem(number, "shipped_on", str(exc)))
    if shipment is not None and carrier is not None and number_text:
        has_other_number = shipment.tracking_number and (
            shipment.tracking_number != number_text or shipment.carrier != carrier
        )
        if has_other_number and shipment.status != S.DRAFT:
            problems.append(
                RowProblem(
                    number,
                    "tracking_number",
                    _(
                        "Shipment %(r)s already has %(carrier)s tracking number %(number)s; "
                        "change it on the shipment's page if it is wrong."
                    )
                    % {
                        "r": shipment.pk,
                        "carrier": Carrier(shipment.carrier).label,
                        "number": shipment.tracking_number,
                    },
                )
            )
        if shipped_on is not None and shipped_on < timezone.localdate(
            shipment.created_at, timezone=_zone(workspace)
        ):
            problems.append(
                RowProblem(
                    number,
                    "shipped_on",
                    _("%(d)s is before the shipment was prepared.") % {"d": shipped_on},
                )
            )
    if len(problems) > before or shipment is None or carrier is None:
        return None
    return TrackingRow(number, shipment, carrier, number_text, shipped_on)


def _reference_id(text: str) -> int | None:
    """The shipment id a reference names (``"42"`` or ``"#42"``), or None."""
    text = text.strip().lstrip("#")
    return int(text) if text.isdigit() and len(text) < 18 else None


def check_tracking_file(*, workspace: Workspace, data: bytes) -> tuple[list[TrackingRow], int]:
    """Read and check every row of a tracking file; the rows to apply and how many were empty.

    Raises :class:`TrackingImportError` with every problem found (which row, which field, why).
    """
    if len(data) > MAX_IMPORT_BYTES:
        raise TrackingImportError([RowProblem(0, "file", _("The file is larger than 5 MB."))])
    rows = _read_csv(data)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise TrackingImportError([RowProblem(1, "file", _("The file is empty."))])
    columns = _columns(rows[0])
    parsed: list[tuple[int, dict[str, str]]] = []
    for number, raw in enumerate(rows[1:], start=2):
        cells = {
            key: raw[index].strip() if index < len(raw) else "" for key, index in columns.items()
        }
        cells.setdefault("shipped_on", "")
        parsed.append((number, cells))
    references = {_reference_id(c["reference"]) for _n, c in parsed}
    shipments = Shipment.objects.filter(
        workspace=workspace, pk__in=[r for r in references if r is not None]
    ).in_bulk()
    problems: list[RowProblem] = []
    good: list[TrackingRow] = []
    empty = 0
    seen: dict[int, TrackingRow] = {}
    for number, cells in parsed:
        if not any((cells["carrier"], cells["tracking_number"], cells["shipped_on"])):
            empty += 1  # a line the fulfilment centre has not filled in (yet)
            continue
        reference = _reference_id(cells["reference"])
        shipment = shipments.get(reference) if reference is not None else None
        row = _check_row(number, cells, shipment, workspace, problems)
        if row is None:
            continue
        earlier = seen.get(row.shipment.pk)
        if earlier is None:
            seen[row.shipment.pk] = row
            good.append(row)
        elif (earlier.carrier, earlier.tracking_number, earlier.shipped_on) != (
            row.carrier,
            row.tracking_number,
            row.shipped_on,
        ):
            problems.append(
                RowProblem(
                    number,
                    "reference",
                    _("Row %(earlier)s gives shipment %(r)s another carrier, number or date.")
                    % {"earlier": earlier.row, "r": row.shipment.pk},
                )
            )
    if problems:
        raise TrackingImportError(problems)
    return good, empty


def _noon(day: dt.date, workspace: Workspace) -> dt.datetime:
    # A date without a time: midday in the workspace's zone shows as that date everywhere near it.
    return dt.datetime.combine(day, dt.time(12), tzinfo=_zone(workspace))


@transaction.atomic
def import_tracking(
    *, workspace: Workspace, actor: User | None, data: bytes
) -> TrackingImportResult:
    """Apply a fulfilment centre's tracking file (columns reference, carrier, tracking number and
    optionally shipped date; UTF-8 with or without BOM; comma or semicolon).

    Every row is checked first; any problem raises :class:`TrackingImportError` listing them all,
    and nothing changes. Each good row sets the carrier and number and creates the label (which
    starts the shipping clock); with a shipped date the shipment is also marked shipped. Importing
    the same file again changes nothing.
    """
    rows, empty = check_tracking_file(workspace=workspace, data=data)
    result = TrackingImportResult(empty=empty)
    for row in rows:
        shipment = row.shipment
        changed = False
        if shipment.status == S.DRAFT:
            shipment = create_label(
                shipment=shipment,
                actor=actor,
                carrier=row.carrier,
                tracking_number=row.tracking_number,
            )
            result.labelled.append(shipment.pk)
            changed = True
        elif not shipment.tracking_number:
            update_shipment(
                shipment=shipment,
                actor=actor,
                carrier=row.carrier,
                tracking_number=row.tracking_number,
            )
            changed = True
        if row.shipped_on is not None and shipment.status == S.LABEL_CREATED:
            mark_shipped(shipment=shipment, actor=actor, at=_noon(row.shipped_on, workspace))
            result.shipped.append(shipment.pk)
            changed = True
        if not changed:
            result.unchanged += 1
    if result.labelled or result.shipped:
        record(
            workspace=workspace,
            actor=actor,
            kind="shipments.tracking_imported",
            summary=_("Tracking numbers imported: %(l)s labels created, %(s)s shipped")
            % {"l": len(result.labelled), "s": len(result.shipped)},
        )
    return result


# ---------------------------------------------------------------------------------------------
# The file for a fulfilment centre


def fulfilment_export(
    *, workspace: Workspace, actor: User | None, campaign_id: int | None = None
) -> StreamingHttpResponse:
    """The shipments awaiting a label as a CSV download, streamed as it is written: one row per
    item, the shipment's id as the reference, every text cell made formula-safe. The caller has
    checked that the member may see addresses. The export is audited (without the addresses)."""
    count = queries.awaiting_label(workspace, campaign_id).count()
    record(
        workspace=workspace,
        actor=actor,
        kind="shipments.fulfilment_exported",
        summary=_("Fulfilment file exported with %(n)s shipments awaiting a label") % {"n": count},
    )
    header = [safe_cell(h) for h in queries.fulfilment_header()]
    rows = ([safe_cell(v) for v in row] for row in queries.fulfilment_rows(workspace, campaign_id))
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    name = f"{workspace.slug}-fulfilment-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
