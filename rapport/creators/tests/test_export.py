"""Exporting the creator list to CSV and XLSX: pages, API and CLI."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.http import FileResponse, StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from rapport.creators.exporting import safe_cell
from rapport.creators.models import Creator, Stage
from rapport.creators.services import AccountData, create_creator, save_custom_field
from rapport.testing.factories import MembershipFactory, UserFactory
from rapport.workspaces.models import AuditEvent, Membership, Workspace
from rapport.workspaces.roles import Role


def add(workspace: Workspace, name: str, **kwargs: Any) -> Creator:
    return create_creator(workspace=workspace, actor=None, name=name, **kwargs)


def export_url(workspace: Workspace, query: str = "") -> str:
    return reverse("creators:export", kwargs={"ws": workspace.slug}) + (
        f"?{query}" if query else ""
    )


def read_csv(response: Any) -> list[dict[str, str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def read_xlsx(response: Any) -> list[dict[str, Any]]:
    assert isinstance(response, FileResponse)
    workbook = load_workbook(io.BytesIO(response.getvalue()), read_only=True)
    sheet = workbook.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


@pytest.fixture
def roster(manager: Membership) -> list[Creator]:
    workspace = manager.workspace
    save_custom_field(workspace=workspace, actor=None, label="Shoe size", field_type="number")
    return [
        add(
            workspace,
            "Ava Stone",
            emails=["ava@example.com", "ava.work@example.com"],
            accounts=[
                AccountData(platform="instagram", handle="ava.stone", followers=52_000),
                AccountData(platform="tiktok", handle="avastone", followers=9_000),
            ],
            tags=["vip", "spring"],
            stage=Stage.ACTIVE,
            owner=manager.user,
            country="FR",
            city="Lyon",
            languages=["fr", "en"],
            niches=["beauty"],
            custom_fields={"shoe_size": 38},
            shipping_address="1 rue de la Paix, Paris",
            tax_details="FR123",
        ),
        add(workspace, "Ben Ode", emails=["ben@example.com"], stage=Stage.DISCOVERED),
        add(workspace, '=HYPERLINK("http://evil.test")', notes="@SUM(1+1)", city="-Lille"),
    ]


def test_the_filtered_list_exports_to_csv(
    manager: Membership, manager_client: Client, roster: list[Creator]
) -> None:
    response = manager_client.get(export_url(manager.workspace, "stage=active&format=csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="lumen-creators-')
    rows = read_csv(response)
    assert len(rows) == 1
    ava = rows[0]
    assert ava["Name"] == "Ava Stone"
    assert ava["Primary e-mail"] == "ava@example.com"
    assert ava["Other e-mails"] == "ava.work@example.com"
    assert (ava["Stage"], ava["Tier"]) == ("Active", "Micro")
    assert ava["Owner e-mail"] == manager.user.email
    assert (ava["Country"], ava["City"], ava["Languages"], ava["Niches"]) == (
        "FR",
        "Lyon",
        "fr, en",
        "beauty",
    )
    assert ava["Tags"] == "spring, vip"
    assert (ava["Instagram handle"], ava["Instagram URL"], ava["Instagram followers"]) == (
        "ava.stone",
        "https://instagram.com/ava.stone",
        "52000",
    )
    assert ava["TikTok handle"] == "avastone"
    assert "YouTube handle" not in ava  # only the platforms in use get columns
    assert ava["Shoe size"] == "38.0"
    assert ava["Added"]
    assert "Shipping address" not in ava  # a manager does not see private fields
    event = AuditEvent.objects.get(kind="creators.exported")
    assert event.summary == "Exported 1 creators as CSV"


def test_the_selection_exports_by_ids(
    manager: Membership, manager_client: Client, roster: list[Creator]
) -> None:
    ids = f"{roster[1].pk},{roster[2].pk}"
    rows = read_csv(manager_client.get(export_url(manager.workspace, f"ids={ids}")))
    assert [r["Name"] for r in rows] == ['\'=HYPERLINK("http://evil.test")', "Ben Ode"]
    posted = manager_client.post(export_url(manager.workspace), {"ids": ids, "format": "csv"})
    assert [r["Name"] for r in read_csv(posted)][1] == "Ben Ode"


def test_formulas_cannot_run_in_csv_or_xlsx(
    manager: Membership, manager_client: Client, roster: list[Creator]
) -> None:
    (csv_row,) = read_csv(manager_client.get(export_url(manager.workspace, "q=evil")))
    assert csv_row["Name"] == '\'=HYPERLINK("http://evil.test")'
    assert csv_row["Notes"] == "'@SUM(1+1)"
    assert csv_row["City"] == "'-Lille"
    (xlsx_row,) = read_xlsx(manager_client.get(export_url(manager.workspace, "q=evil&format=xlsx")))
    assert xlsx_row["Name"] == '\'=HYPERLINK("http://evil.test")'
    assert xlsx_row["City"] == "'-Lille"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("\t=cmd|' /C calc'!A0", "'\t=cmd|' /C calc'!A0"),
        ("\r=1+1", "'\r=1+1"),
        ("=1+1", "'=1+1"),
        ("Lyon\t=1", "Lyon\t=1"),  # only the first character matters
        (-3, -3),  # numbers are data
    ],
)
def test_safe_cell_neutralises_tabs_and_carriage_returns_too(value: Any, expected: Any) -> None:
    assert safe_cell(value) == expected


def test_a_cell_starting_with_a_tab_or_carriage_return_is_neutralised_in_exports(
    manager: Membership, manager_client: Client, roster: list[Creator]
) -> None:
    # Stored as is (an import or the API may keep them), whatever the forms would strip.
    Creator.objects.filter(pk=roster[1].pk).update(notes="\t=1+2", city="\r@SUM(1)")
    (csv_row,) = read_csv(manager_client.get(export_url(manager.workspace, "q=Ben")))
    assert (csv_row["Notes"], csv_row["City"]) == ("'\t=1+2", "'\r@SUM(1)")
    (xlsx_row,) = read_xlsx(manager_client.get(export_url(manager.workspace, "q=Ben&format=xlsx")))
    # XML stores the carriage return as a line feed; the leading quote is what counts.
    assert xlsx_row["Notes"] == "'\t=1+2" and xlsx_row["City"].startswith("'")


def test_xlsx_export_is_a_real_workbook_with_numbers(
    manager: Membership, manager_client: Client, roster: list[Creator]
) -> None:
    response = manager_client.get(export_url(manager.workspace, "format=xlsx&sort=name"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read_xlsx(response)
    assert [r["Name"] for r in rows][1:] == ["Ava Stone", "Ben Ode"]
    assert rows[1]["Instagram followers"] == 52_000
    assert rows[1]["Shoe size"] == 38


def test_private_fields_only_for_roles_that_see_them(
    member: Callable[..., Membership], client_for: Any, roster: list[Creator]
) -> None:
    finance = client_for(member(Role.FINANCE))
    (ava,) = read_csv(finance.get(export_url(roster[0].workspace, "stage=active")))
    assert (ava["Shipping address"], ava["Tax details"]) == ("1 rue de la Paix, Paris", "FR123")
    owner = client_for(member(Role.OWNER))
    (ava,) = read_csv(owner.get(export_url(roster[0].workspace, "stage=active")))
    assert "Tax details" not in ava


def test_roles_without_export_are_refused(
    member: Callable[..., Membership], client_for: Any, roster: list[Creator]
) -> None:
    for role in (Role.VIEWER, Role.REVIEWER):
        client = client_for(member(role))
        assert client.get(export_url(roster[0].workspace)).status_code == 403


def test_another_workspaces_creators_are_never_exported(
    manager: Membership, manager_client: Client, roster: list[Creator], other_workspace: Workspace
) -> None:
    theirs = add(other_workspace, "Not Yours")
    rows = read_csv(manager_client.get(export_url(manager.workspace, f"ids={theirs.pk}")))
    assert rows == []
    stranger = Client()
    stranger.force_login(UserFactory.create())
    assert stranger.get(export_url(manager.workspace)).status_code == 404


def test_a_bad_filter_goes_back_to_the_list_with_the_reason(
    manager: Membership, manager_client: Client
) -> None:
    response = manager_client.get(export_url(manager.workspace, "ids=1,abc"), follow=True)
    assert "“abc” is not a creator id." in response.content.decode()


def test_export_queries_do_not_grow_with_the_rows(
    manager: Membership, manager_client: Client, django_assert_num_queries: Any
) -> None:
    def make(n: int) -> None:
        for i in range(n):
            add(
                manager.workspace,
                f"Creator {i}",
                emails=[f"c{i}-{n}@example.com"],
                accounts=[AccountData(platform="youtube", handle=f"yt{i}x{n}", followers=i)],
                tags=["a", "b"],
                owner=manager.user,
            )

    make(3)
    manager_client.get(export_url(manager.workspace))  # the first visit saves the session
    # session, user, membership; count + audit entry (3); platforms, custom fields; then per
    # chunk of 500: creators with owners, e-mails, accounts, tags.
    with django_assert_num_queries(11):
        assert len(read_csv(manager_client.get(export_url(manager.workspace)))) == 3
    make(40)
    with django_assert_num_queries(11):
        assert len(read_csv(manager_client.get(export_url(manager.workspace)))) == 43


# --- API ----------------------------------------------------------------------------------------


def test_api_exports_csv_and_xlsx_with_the_list_filters(
    manager: Membership, api_client_for: Any, roster: list[Creator]
) -> None:
    api = api_client_for(manager)
    rows = read_csv(api.get("/api/v1/creators/export.csv?stage=active"))
    assert [r["Name"] for r in rows] == ["Ava Stone"]
    assert "Tax details" not in rows[0]
    rows_xlsx = read_xlsx(api.get(f"/api/v1/creators/export.xlsx?ids={roster[1].pk}"))
    assert [r["Name"] for r in rows_xlsx] == ["Ben Ode"]
    bad = api.get("/api/v1/creators/export.csv?stage=famous")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "stage"


def test_api_export_follows_the_tokens_role(
    member: Callable[..., Membership], api_client_for: Any, roster: list[Creator]
) -> None:
    finance = member(Role.FINANCE)
    (ava,) = read_csv(api_client_for(finance).get("/api/v1/creators/export.csv?stage=active"))
    assert ava["Tax details"] == "FR123"
    viewer_token = api_client_for(finance, role=Role.VIEWER)
    assert viewer_token.get("/api/v1/creators/export.csv").status_code == 403


# --- CLI ----------------------------------------------------------------------------------------


def test_cli_exports_with_filters_to_a_file(
    manager: Membership, roster: list[Creator], tmp_path: Any
) -> None:
    out = tmp_path / "creators.csv"
    call_command("export_creators", "stage=active", "--workspace", "lumen", "--output", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert [r["Name"] for r in rows] == ["Ava Stone"]
    assert "Tax details" not in rows[0]
    xlsx = tmp_path / "creators.xlsx"
    call_command(
        "export_creators",
        "--workspace",
        "lumen",
        "--format",
        "xlsx",
        "--include-private",
        "--output",
        str(xlsx),
    )
    sheet = load_workbook(xlsx, read_only=True).active
    assert sheet is not None
    header = next(sheet.iter_rows(values_only=True))
    assert "Tax details" in header


def test_cli_export_refuses_an_unknown_workspace_or_filter(db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No workspace"):
        call_command("export_creators", "--workspace", "nope")
    MembershipFactory.create(workspace__slug="here")
    with pytest.raises(CommandError, match="Unknown value"):
        call_command("export_creators", "tier=huge", "--workspace", "here")
