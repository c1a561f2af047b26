"""The fulfilment file and the tracking numbers that come back: round trip, bad rows, re-import."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.campaigns.models import Moment, Shipment, ShipmentStatus, SlaClock
from rapport.campaigns.services import seeding
from rapport.campaigns.tests.seeding_fixtures import (
    collaboration_with_address,
    draft_shipment,
    serum,
)
from rapport.testing.factories import ProductFactory
from rapport.workspaces.models import AuditEvent, Membership, Workspace
from rapport.workspaces.roles import Role

pytestmark = pytest.mark.django_db

EXPORT = reverse("campaigns:fulfilment_export", kwargs={"ws": "lumen"})
IMPORT = reverse("campaigns:tracking_import", kwargs={"ws": "lumen"})


def _download(client: Client) -> list[list[str]]:
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def _upload(
    client: Client, rows: list[list[str]], *, delimiter: str = ",", bom: bool = False
) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    data = ("\ufeff" if bom else "") + out.getvalue()
    upload = SimpleUploadedFile("tracking.csv", data.encode(), content_type="text/csv")
    response = client.post(IMPORT, {"file": upload})
    return f"{response.status_code}\n{response.content.decode()}"


@pytest.fixture
def ops_client(
    member: Callable[[str], Membership], client_for: Callable[[Membership], Client]
) -> Client:
    return client_for(member(Role.OPS))


def test_the_round_trip_export_fill_in_import(
    workspace: Workspace, manager: Membership, ops_client: Client
) -> None:
    mia = collaboration_with_address(workspace)
    leo = collaboration_with_address(
        workspace, name="Leo", email="leo@example.test", shipping_address="1 High St\nLondon"
    )
    tote = ProductFactory.create(workspace=workspace, name="Tote", sku="TOTE", variants=[])
    first = draft_shipment(mia, manager.user)
    first.items.create(workspace=workspace, product=tote, quantity=1)
    second = draft_shipment(leo, manager.user, tote)
    already = draft_shipment(leo, manager.user, tote)
    seeding.create_label(shipment=already, actor=manager.user)  # not awaiting a label any more

    rows = _download(ops_client)
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Reference", "Campaign", "Creator", "Address line 1"]
    assert header[-7:] == [
        "SKU",
        "Product",
        "Variant",
        "Quantity",
        "Carrier",
        "Tracking number",
        "Shipped date",
    ]
    # One row per item; the reference is the shipment's id.
    assert [(r[0], r[-7], r[-5], r[-4]) for r in body] == [
        (str(first.pk), "SER-30", "30 ml", "2"),
        (str(first.pk), "TOTE", "", "1"),
        (str(second.pk), "TOTE", "", "2"),
    ]
    assert body[0][3:8] == ["Mia Laurent", "12 rue des Lilas", "75011 Paris", "France", ""]

    # The fulfilment centre fills in the last columns and sends the file back.
    today = timezone.localdate(timezone=dt.UTC).isoformat()  # the workspace's zone
    for row in body:
        if row[0] == str(first.pk):
            row[-3:] = ["Colissimo", "6A12345678901", today]
        else:
            row[-3:] = ["Royal Mail", "ab123456789gb", ""]
    answer = _upload(ops_client, [header, *body])
    assert answer.startswith("200"), answer[-3000:]
    assert "1 label created" not in answer and "2 labels created" in answer
    assert "1 shipment marked shipped" in answer

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.carrier, first.tracking_number, first.status) == (
        "la_poste",
        "6A12345678901",
        ShipmentStatus.SHIPPED,
    )
    assert first.shipped_at is not None and first.shipped_at.date().isoformat() == today
    assert (second.carrier, second.tracking_number, second.status) == (
        "royal_mail",
        "AB123456789GB",
        ShipmentStatus.LABEL_CREATED,
    )
    clocks = SlaClock.objects.filter(moment=Moment.SHIPPING, stopped_at__isnull=True)
    assert set(clocks.values_list("subject_id", flat=True)) == {first.pk, second.pk, already.pk}
    mia.refresh_from_db()
    assert mia.stage == "product_shipped"
    # Nothing awaits a label any more.
    assert _download(ops_client)[1:] == []

    # The same file again changes nothing.
    events = AuditEvent.objects.count()
    again = _upload(ops_client, [header, *body])
    assert again.startswith("200")
    assert "0 labels created" in again and "2 shipments already up to date" in again
    assert AuditEvent.objects.count() == events
    assert SlaClock.objects.count() == 3


def test_every_bad_row_is_reported_and_nothing_changes(
    workspace: Workspace, manager: Membership, ops_client: Client, other_workspace: Workspace
) -> None:
    good = draft_shipment(collaboration_with_address(workspace), manager.user)
    theirs = draft_shipment(collaboration_with_address(other_workspace), None)
    answer = _upload(
        ops_client,
        [
            ["reference", "carrier", "tracking number", "shipped date"],
            [str(good.pk), "UPS", "1Z999AA10123456784", ""],
            [str(theirs.pk), "UPS", "1Z999AA10123456784", ""],
            [str(good.pk), "Pigeon", "123", ""],
            ["abc", "DHL", "12", "14/03/2025"],
            [str(good.pk), "FedEx", "", "2999-01-01"],
        ],
    )
    assert answer.startswith("422")
    assert "The file has 7 problems; nothing was changed." in answer
    assert (
        f"Row 3, reference: No shipment of this workspace has the reference “{theirs.pk}”."
        in answer
    )
    assert "Row 4, carrier: “Pigeon” is not a carrier we know" in answer
    assert "Row 5, reference: No shipment of this workspace has the reference “abc”." in answer
    assert "Row 5, tracking number: “12” does not look like a DHL Express tracking number" in answer
    assert "Row 5, shipped date: “14/03/2025” is not a date: write it as 2025-03-14." in answer
    assert "Row 6, tracking number: The tracking number is missing." in answer
    assert "Row 6, shipped date: 2999-01-01 is in the future." in answer
    good.refresh_from_db()
    theirs.refresh_from_db()
    assert good.status == ShipmentStatus.DRAFT and good.tracking_number == ""
    assert theirs.tracking_number == ""
    assert not SlaClock.objects.exists()


def test_a_reference_given_two_different_numbers_is_refused(
    workspace: Workspace, manager: Membership
) -> None:
    shipment = draft_shipment(collaboration_with_address(workspace), manager.user)
    data = (
        "reference,carrier,tracking number\n"
        f"{shipment.pk},UPS,1Z999AA10123456784\n"
        f"{shipment.pk},UPS,1Z999AA10123456785\n"
    ).encode()
    with pytest.raises(seeding.TrackingImportError) as caught:
        seeding.import_tracking(workspace=workspace, actor=manager.user, data=data)
    assert [str(p) for p in caught.value.problems] == [
        f"Row 3, reference: Row 2 gives shipment {shipment.pk} another carrier, number or date."
    ]


def test_a_shipment_that_has_its_number_is_not_given_another(
    workspace: Workspace, manager: Membership
) -> None:
    shipment = draft_shipment(collaboration_with_address(workspace), manager.user)
    seeding.create_label(
        shipment=shipment, actor=manager.user, carrier="dhl", tracking_number="1234567890"
    )
    data = f"reference,carrier,tracking number\n{shipment.pk},DHL,1234567899\n".encode()
    with pytest.raises(
        seeding.TrackingImportError, match="already has DHL Express tracking number"
    ):
        seeding.import_tracking(workspace=workspace, actor=manager.user, data=data)


def test_semicolons_a_bom_and_missing_columns(
    workspace: Workspace, manager: Membership, ops_client: Client
) -> None:
    shipment = draft_shipment(collaboration_with_address(workspace), manager.user)
    answer = _upload(
        ops_client,
        [
            ["Reference", "Carrier", "Tracking number"],
            [f"#{shipment.pk}", "usps", "9400111899223344556677"],
        ],
        delimiter=";",
        bom=True,
    )
    assert answer.startswith("200") and "1 label created" in answer
    missing = _upload(ops_client, [["reference", "tracking number"], ["1", "x"]])
    assert missing.startswith("422")
    assert "Row 1, carrier: The file has no “carrier” column" in missing


def test_empty_rows_are_left_for_later(workspace: Workspace, manager: Membership) -> None:
    waiting = draft_shipment(collaboration_with_address(workspace), manager.user)
    data = f"reference,carrier,tracking number,shipped date\n{waiting.pk},,,\n".encode()
    result = seeding.import_tracking(workspace=workspace, actor=manager.user, data=data)
    assert (result.labelled, result.empty) == ([], 1)
    assert Shipment.objects.get(pk=waiting.pk).status == ShipmentStatus.DRAFT


def test_formulas_in_the_export_are_neutralised(
    workspace: Workspace, manager: Membership, ops_client: Client
) -> None:
    collaboration = collaboration_with_address(
        workspace, name='=HYPERLINK("http://evil")', shipping_address="+33 street\n@home"
    )
    draft_shipment(collaboration, manager.user, serum(workspace, name="-Serum"))
    body = _download(ops_client)[1]
    assert body[2] == '\'=HYPERLINK("http://evil")'
    assert body[3:5] == ["'+33 street", "'@home"]
    assert body[-6] == "'-Serum"


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER, Role.FINANCE, Role.VIEWER])
def test_only_ops_may_download_the_file_with_addresses(
    workspace: Workspace,
    member: Callable[[str], Membership],
    client_for: Callable[[Membership], Client],
    role: str,
) -> None:
    assert client_for(member(role)).get(EXPORT).status_code == 403


def test_the_import_needs_seeding_rights(
    workspace: Workspace, member: Callable[[str], Membership],
    client_for: Callable[[Membership], Client],
) -> None:  # fmt: skip
    upload = SimpleUploadedFile("t.csv", b"reference,carrier,tracking number\n")
    assert client_for(member(Role.FINANCE)).post(IMPORT, {"file": upload}).status_code == 403
