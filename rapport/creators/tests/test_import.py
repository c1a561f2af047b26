"""Importing creators from a spreadsheet, as a member does it through the pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from rapport.creators import importing
from rapport.creators.models import Creator, ImportJob, ImportStatus, Stage
from rapport.creators.services import (
    AccountData,
    create_creator,
    delete_creators,
    parse_date,
    save_custom_field,
)
from rapport.testing.factories import MembershipFactory, UserFactory
from rapport.workspaces.models import AuditEvent, Membership, Workspace
from rapport.workspaces.roles import Role


def csv_bytes(rows: list[list[Any]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def start(membership: Membership, data: bytes, name: str = "creators.csv") -> ImportJob:
    return importing.start_import(
        workspace=membership.workspace,
        actor=membership.user,
        upload=io.BytesIO(data),
        name=name,
        size=len(data),
    )


def run(
    membership: Membership, data: bytes, name: str = "creators.csv", on_duplicate: str = "skip"
) -> ImportJob:
    """Upload, keep the guessed columns, check, then commit (the service path)."""
    job = start(membership, data, name)
    importing.set_mapping(job=job, mapping=job.mapping, on_duplicate=on_duplicate)
    importing.check_import(job)
    return importing.commit_import(job, actor=membership.user)


def upload(client: Client, workspace: Workspace, data: bytes, name: str = "creators.csv") -> Any:
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("creators:import", kwargs={"ws": workspace.slug}), {"file": file})


def job_url(job: ImportJob, name: str = "creators:import_job") -> str:
    return reverse(name, kwargs={"ws": job.workspace.slug, "job_id": job.pk})


# --- Reading files ------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_reads_utf8_with_or_without_bom_and_windows_1252(
    manager: Membership, encoding: str
) -> None:
    data = csv_bytes(
        [["Name", "Email address", "City"], ["Zoé Lefèvre", "zoe@example.com", "Orléans"]],
        encoding=encoding,
    )
    job = run(manager, data)
    creator = Creator.objects.get(workspace=manager.workspace)
    assert (creator.name, creator.city, creator.primary_email) == (
        "Zoé Lefèvre",
        "Orléans",
        "zoe@example.com",
    )
    assert job.headers == ["Name", "Email address", "City"]


def test_reads_semicolon_separated_files(manager: Membership) -> None:
    data = csv_bytes(
        [
            ["Full name", "E-mail", "Followers", "Instagram"],
            ["Ana Ruiz", "ana@example.com", "1,2k", "ana.r"],
        ],
        delimiter=";",
    )
    run(manager, data)
    creator = Creator.objects.get(workspace=manager.workspace)
    assert creator.name == "Ana Ruiz"
    assert creator.followers_max == 1200
    assert creator.social_accounts.get().handle == "ana.r"


@pytest.mark.parametrize(
    ("written", "count"), [("12.5k", 12_500), ("1,200", 1_200), ("1.2M", 1_200_000), (3400, 3400)]
)
def test_follower_counts_as_people_write_them(
    manager: Membership, written: Any, count: int
) -> None:
    run(
        manager,
        xlsx_bytes([["Name", "TikTok", "TikTok followers"], ["Kai", "@kai", written]]),
        "c.xlsx",
    )
    assert Creator.objects.get(workspace=manager.workspace).followers_max == count


def test_xlsx_date_cells_and_excel_serial_numbers(manager: Membership) -> None:
    save_custom_field(
        workspace=manager.workspace, actor=None, label="First contact", field_type="date"
    )
    data = xlsx_bytes(
        [
            ["Name", "First contact"],
            ["Date cell", dt.date(2024, 3, 15)],
            ["Serial number", 45366],
            ["Written out", "15/03/2024"],
        ]
    )
    job = run(manager, data, "creators.xlsx")
    assert job.mapping == ["name", "cf.first_contact"]
    dates = dict(Creator.objects.values_list("name", "custom_fields__first_contact"))
    assert dates == {
        "Date cell": "2024-03-15",
        "Serial number": "2024-03-15",
        "Written out": "2024-03-15",
    }


def test_us_workspaces_read_slashed_dates_month_first() -> None:
    assert parse_date("03/04/2024", month_first=True) == dt.date(2024, 3, 4)
    assert parse_date("03/04/2024") == dt.date(2024, 4, 3)
    assert parse_date("25/12/2024", month_first=True) == dt.date(2024, 12, 25)
    assert parse_date("45366.0") == dt.date(2024, 3, 15)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("IG handle", "instagram.handle"),
        ("Instagram", "instagram.handle"),
        ("TikTok", "tiktok.handle"),
        ("YouTube URL", "youtube.url"),
        ("Instagram followers", "instagram.followers"),
        ("Email address", "email"),
        ("E-mail", "email"),
        ("Followers", "followers"),
        ("Name", "name"),
        ("Full name", "name"),
        ("Country", "country"),
        ("City", "city"),
        ("Tags", "tags"),
        ("Stage", "stage"),
        ("Owner", "owner"),
        ("Phone", "phone"),
        ("Notes", "notes"),
        ("Niches", "niches"),
        ("Languages", "languages"),
        ("Shoe size", "cf.shoe_size"),
        ("shoe_size", "cf.shoe_size"),
        ("Favourite colour", ""),
    ],
)
def test_columns_are_guessed_from_their_headers(
    workspace: Workspace, header: str, field: str
) -> None:
    save_custom_field(workspace=workspace, actor=None, label="Shoe size", field_type="number")
    assert importing.guess_mapping(workspace, [header]) == [field]


def test_a_field_taking_one_column_is_guessed_for_the_first_only(workspace: Workspace) -> None:
    # E-mail columns all feed the addresses (the first one found is primary).
    assert importing.guess_mapping(workspace, ["Email", "E-mail", "Name", "Full name"]) == [
        "email",
        "email",
        "name",
        "",
    ]


def test_every_field_of_a_row_is_imported(
    manager: Membership, member: Callable[..., Membership]
) -> None:
    owner = member(Role.MANAGER, email="sam@brand.test")
    data = csv_bytes(
        [
            [
                "Name",
                "Email",
                "IG",
                "YouTube URL",
                "Followers",
                "Country",
                "City",
                "Tags",
                "Stage",
                "Owner",
                "Phone",
                "Notes",
                "Niches",
                "Languages",
            ],
            [
                "Lou",
                "LOU@example.com; lou2@example.com",
                "https://www.instagram.com/lou.makes/",
                "https://youtube.com/@loumakes",
                "48k",
                "fr",
                "Lyon",
                "skincare, vip",
                "Active",
                "sam@brand.test",
                "+33 6 12 34 56 78",
                "Met at a fair",
                "beauty; wellness",
                "French, en",
            ],
        ]
    )
    job = run(manager, data)
    assert (job.created, job.errors) == (1, 0)
    creator = Creator.objects.get(workspace=manager.workspace)
    assert creator.primary_email == "lou@example.com"
    assert sorted(creator.emails.values_list("email", flat=True)) == [
        "lou2@example.com",
        "lou@example.com",
    ]
    accounts = {a.platform: a for a in creator.social_accounts.all()}
    assert accounts["instagram"].handle == "lou.makes"
    assert accounts["instagram"].followers == 48_000
    assert accounts["youtube"].handle == "loumakes"
    assert (creator.country, creator.city, creator.stage) == ("FR", "Lyon", Stage.ACTIVE)
    assert creator.owner == owner.user
    assert sorted(creator.tags.values_list("name", flat=True)) == ["skincare", "vip"]
    assert creator.niches == ["beauty", "wellness"]
    assert creator.languages == ["fr", "en"]
    assert creator.notes == "Met at a fair"
    assert creator.tier == "micro"


# --- Problems -----------------------------------------------------------------------------------


def test_a_bad_row_is_reported_with_its_row_column_and_reason(
    manager: Membership, manager_client: Client
) -> None:
    data = csv_bytes(
        [
            ["Name", "Email", "IG", "Followers", "Stage", "Owner"],
            ["Good", "good@example.com", "good", "10k", "qualified", ""],
            ["Bad", "not-an-address", "bad", "lots", "famous", "stranger@nowhere.test"],
        ]
    )
    response = upload(manager_client, manager.workspace, data)
    job = ImportJob.objects.get()
    assert response.url == job_url(job)
    form = {f"col_{i}": field for i, field in enumerate(job.mapping)} | {"on_duplicate": "skip"}
    response = manager_client.post(job_url(job, "creators:import_check"), form, follow=True)
    page = response.content.decode()
    assert "2 rows checked." in page
    assert "1 creator will be added" in page
    assert "1 row has errors and will be left out." in page
    for column, reason in [
        ("Email", "“not-an-address” is not a valid e-mail address."),
        ("Followers", "“lots” is not a number of followers"),
        ("Stage", "Unknown stage “famous”"),
        ("Owner", "“stranger@nowhere.test” is not a member of this workspace."),
    ]:
        assert f"<td>3</td><td>{column}</td><td>{reason}" in page
    assert not Creator.objects.exists()  # checking writes nothing

    response = manager_client.post(job_url(job, "creators:import_commit"), follow=True)
    assert "1 creator added" in response.content.decode()
    assert list(Creator.objects.values_list("name", flat=True)) == ["Good"]

    report = manager_client.get(job_url(job, "creators:import_report"))
    assert report.streaming
    rows = list(csv.reader(io.StringIO(report.getvalue().decode("utf-8-sig"))))
    header = ["Row", "Column", "Problem", "Name", "Email", "IG", "Followers", "Stage", "Owner"]
    assert rows[0] == header
    assert ["3", "Email", "“not-an-address” is not a valid e-mail address."] in [
        r[:3] for r in rows
    ]
    assert rows[1][3:] == [
        "Bad",
        "not-an-address",
        "bad",
        "lots",
        "famous",
        "stranger@nowhere.test",
    ]
    assert len(rows) == 5


def test_a_row_without_name_or_handle_is_an_error_and_a_handle_names_a_creator(
    manager: Membership,
) -> None:
    data = csv_bytes([["Name", "Instagram"], ["", "@solo.handle"], ["", ""], ["", " "]])
    job = run(manager, data)
    assert list(Creator.objects.values_list("name", flat=True)) == ["solo.handle"]
    assert job.errors == 0  # blank rows are not rows


def test_an_unreadable_upload_is_refused_with_a_reason(
    manager: Membership, manager_client: Client, settings: Any
) -> None:
    response = upload(manager_client, manager.workspace, b"%PDF-1.4", "deck.pdf")
    assert response.status_code == 400
    assert "Upload a CSV file or an Excel workbook (.xlsx)." in response.content.decode()
    response = upload(manager_client, manager.workspace, b"not a zip", "sheet.xlsx")
    assert "This file is not a valid Excel workbook (.xlsx)." in response.content.decode()
    settings.RAPPORT_MAX_UPLOAD_BYTES = 10
    response = upload(manager_client, manager.workspace, b"Name\nSomeone Long\n")
    assert "the limit is 10" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_mapping_must_name_creators_and_use_a_field_once(manager: Membership) -> None:
    job = start(manager, csv_bytes([["A", "B"], ["x", "y"]]))
    with pytest.raises(Exception, match="names"):
        importing.set_mapping(job=job, mapping=["", "city"], on_duplicate="skip")
    with pytest.raises(Exception, match="already chosen"):
        importing.set_mapping(job=job, mapping=["name", "name"], on_duplicate="skip")


# --- Duplicates ---------------------------------------------------------------------------------


@pytest.fixture
def existing(manager: Membership) -> Creator:
    return create_creator(
        workspace=manager.workspace,
        actor=manager.user,
        name="Mia Chen",
        emails=["mia@example.com"],
        accounts=[AccountData(platform="instagram", handle="mia.chen", followers=5000)],
        city="Paris",
    )


SHEET = [
    ["Name", "Email", "Instagram", "Instagram followers", "City", "Tags"],
    ["Mia C.", "mia@example.com", "", "", "Lyon", "returning"],
    ["Noah", "noah@example.com", "noah.b", "20k", "", ""],
    ["Noah again", "NOAH@example.com", "", "", "Nice", ""],
]


def test_duplicates_are_skipped(manager: Membership, existing: Creator) -> None:
    job = run(manager, csv_bytes(SHEET), on_duplicate="skip")
    assert (job.created, job.updated, job.skipped) == (1, 0, 2)
    existing.refresh_from_db()
    assert existing.city == "Paris"
    assert sorted(Creator.objects.values_list("name", flat=True)) == ["Mia Chen", "Noah"]
    reasons = {i["row"]: i["message"] for i in job.issues}
    assert "Mia Chen" in reasons[2] and "mia@example.com" in reasons[2]
    assert "Noah" in reasons[4]


def test_duplicates_update_the_creator_they_match(manager: Membership, existing: Creator) -> None:
    job = run(manager, csv_bytes(SHEET), on_duplicate="update")
    assert (job.created, job.updated, job.skipped) == (1, 2, 0)
    existing.refresh_from_db()
    assert (existing.name, existing.city) == ("Mia C.", "Lyon")
    assert existing.social_accounts.get().followers == 5000  # empty cells change nothing
    assert list(existing.tags.values_list("name", flat=True)) == ["returning"]
    noah = Creator.objects.get(name="Noah again")
    assert (noah.city, noah.followers_max) == ("Nice", 20_000)
    assert AuditEvent.objects.filter(creator=existing, kind="creator.updated").exists()


def test_a_row_matching_a_creator_in_the_bin_is_reported_not_applied(
    manager: Membership, existing: Creator
) -> None:
    delete_creators(workspace=manager.workspace, actor=manager.user, ids=[existing.pk])
    job = run(manager, csv_bytes(SHEET[:2]), on_duplicate="update")
    assert (job.created, job.updated, job.errors) == (0, 0, 1)
    assert "in the bin" in job.issues[0]["message"]
    existing.refresh_from_db()
    assert existing.city == "Paris" and existing.deleted_at is not None


def test_duplicates_can_be_added_anyway(manager: Membership, existing: Creator) -> None:
    job = run(manager, csv_bytes(SHEET), on_duplicate="create")
    assert (job.created, job.updated, job.skipped) == (3, 0, 0)
    assert Creator.objects.filter(workspace=manager.workspace).count() == 4
    # The e-mail stays with the creator who had it first.
    assert Creator.objects.get(name="Mia C.").primary_email == ""


def test_the_check_predicts_duplicates_within_the_file(manager: Membership) -> None:
    job = start(manager, csv_bytes(SHEET))
    importing.set_mapping(job=job, mapping=job.mapping, on_duplicate="skip")
    importing.check_import(job)
    assert (job.created, job.skipped) == (2, 1)
    assert job.issues == [
        {"row": 4, "column": "Email", "message": "Repeats row 3 of this file.", "kind": "skip"}
    ]


def test_each_imported_creator_gets_an_imported_event_and_the_import_a_summary(
    manager: Membership,
) -> None:
    run(manager, csv_bytes(SHEET), name="spring.csv")
    events = AuditEvent.objects.filter(workspace=manager.workspace)
    imported = events.filter(kind="creator.imported")
    assert imported.count() == 2
    assert not events.filter(kind="creator.created").exists()
    assert imported.filter(summary="Noah added by the import of spring.csv (row 3)").exists()
    summary = events.get(kind="import.finished")
    assert summary.summary == (
        "Imported spring.csv: 2 added, 0 updated, 1 skipped, 0 rows with errors"
    )
    assert summary.actor == manager.user


# --- All or nothing -----------------------------------------------------------------------------


def test_a_database_failure_during_the_commit_keeps_nothing(manager: Membership) -> None:
    rows = [["Name", "Email"]] + [[f"Creator {n}", f"c{n}@example.com"] for n in range(120)]
    job = start(manager, csv_bytes(rows))
    importing.set_mapping(job=job, mapping=job.mapping, on_duplicate="skip")
    importing.check_import(job)
    inserts = []

    def disk_full(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith("INSERT") and "creators_creatoremail" in sql:
            inserts.append(sql)
            if len(inserts) == 2:  # the second batch
                raise OperationalError("database or disk is full")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(disk_full):
        importing.commit_import(job, actor=manager.user)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "database or disk is full" in job.failure
    assert "nothing was imported" in job.failure
    assert not Creator.objects.exists()
    assert not AuditEvent.objects.filter(kind="creator.imported").exists()
    assert AuditEvent.objects.filter(kind="import.failed").exists()


def test_an_import_is_committed_once(manager: Membership) -> None:
    job = run(manager, csv_bytes([["Name"], ["Only once"]]))
    with pytest.raises(Exception, match="already running or finished"):
        importing.commit_import(job, actor=manager.user)
    assert Creator.objects.count() == 1


def test_ten_thousand_rows_with_some_bad_ones_import_the_good_ones(manager: Membership) -> None:
    rows: list[list[Any]] = [["Name", "Email", "Instagram", "Followers", "Country", "Tags"]]
    bad = set(range(7, 10_000, 997))
    for n in range(10_000):
        followers = "a lot" if n in bad else f"{n % 900 + 1}.5k"
        rows.append([f"Creator {n}", f"c{n}@example.com", f"@ig{n}", followers, "FR", "spring"])
    job = run(manager, csv_bytes(rows))
    assert job.status == ImportStatus.DONE
    assert (job.rows_total, job.created, job.errors) == (10_000, 10_000 - len(bad), len(bad))
    assert Creator.objects.filter(workspace=manager.workspace).count() == 10_000 - len(bad)
    assert sorted(i["row"] for i in job.issues) == sorted(n + 2 for n in bad)
    assert {i["column"] for i in job.issues} == {"Followers"}
    sample = Creator.objects.get(name="Creator 10")
    assert (sample.primary_email, sample.followers_max, sample.tier) == (
        "c10@example.com",
        11_500,
        "micro",
    )


# --- Who may import, and whose imports ----------------------------------------------------------


def test_a_viewer_cannot_import(member: Callable[..., Membership], client_for: Any) -> None:
    viewer = member(Role.VIEWER)
    client = client_for(viewer)
    assert (
        client.get(reverse("creators:import", kwargs={"ws": viewer.workspace.slug})).status_code
        == 403
    )
    assert upload(client, viewer.workspace, csv_bytes([["Name"], ["X"]])).status_code == 403
    assert not ImportJob.objects.exists()


def test_another_workspaces_import_is_not_found(
    manager: Membership, other_workspace: Workspace, client_for: Any
) -> None:
    theirs = MembershipFactory.create(workspace=other_workspace, user=UserFactory.create())
    job = start(theirs, csv_bytes([["Name"], ["Secret"]]))
    # Even a member of both workspaces reaches it only through its own workspace.
    MembershipFactory.create(workspace=other_workspace, user=manager.user)
    client = client_for(manager)
    for name in ("creators:import_job", "creators:import_report"):
        url = reverse(name, kwargs={"ws": manager.workspace.slug, "job_id": job.pk})
        assert client.get(url).status_code == 404
    for name in ("creators:import_check", "creators:import_commit"):
        url = reverse(name, kwargs={"ws": manager.workspace.slug, "job_id": job.pk})
        assert client.post(url, {"on_duplicate": "skip", "col_0": "name"}).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportStatus.MAPPING
    assert not Creator.objects.exists()


def test_the_import_page_polls_while_rows_are_checked(
    manager: Membership, manager_client: Client
) -> None:
    job = start(manager, csv_bytes([["Name"], ["A"]]))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING, rows_done=1)
    response = manager_client.get(job_url(job), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "1 row checked so far" in page
    assert "<html" not in page  # just the panel
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.MAPPING)
    page = manager_client.get(job_url(job), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in page
