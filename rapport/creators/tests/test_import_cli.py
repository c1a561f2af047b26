"""``rapport import-creators`` as an operator runs it."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rapport.creators.models import Creator
from rapport.workspaces.models import AuditEvent, Membership
from rapport.workspaces.roles import Role


def sheet(tmp_path: Any, text: str, name: str = "creators.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_imports_and_prints_a_summary_and_the_row_errors(
    manager: Membership, tmp_path: Any
) -> None:
    path = sheet(tmp_path, "Name,Email,Stage\nIris,iris@example.com,active\nBad,,famous\n")
    out = io.StringIO()
    call_command(
        "import_creators", path, "--workspace", "lumen", "--as", manager.user.email, stdout=out
    )
    printed = out.getvalue()
    assert (
        "2 rows: 1 were added, 0 were updated, 0 were skipped as duplicates, 1 with errors."
        in printed
    )
    assert "Row 3, Stage: Unknown stage “famous”" in printed
    iris = Creator.objects.get()
    assert iris.stage == "active"
    assert AuditEvent.objects.get(kind="creator.imported").actor == manager.user


def test_a_dry_run_writes_nothing(manager: Membership, tmp_path: Any) -> None:
    out = io.StringIO()
    call_command(
        "import_creators",
        sheet(tmp_path, "Name\nA\nB\n"),
        "--workspace",
        "lumen",
        "--dry-run",
        stdout=out,
    )
    assert "2 rows: 2 would be added" in out.getvalue()
    assert not Creator.objects.exists()


def test_duplicates_follow_the_option(manager: Membership, tmp_path: Any) -> None:
    path = sheet(tmp_path, "Name,Email,City\nJo,jo@example.com,Rome\n")
    call_command("import_creators", path, "--workspace", "lumen", stdout=io.StringIO())
    path = sheet(tmp_path, "Name,Email,City\nJo,jo@example.com,Milan\n")
    out = io.StringIO()
    call_command("import_creators", path, "--workspace", "lumen", stdout=out)
    assert "1 were skipped" in out.getvalue()  # skipping is not a failure
    call_command(
        "import_creators",
        path,
        "--workspace",
        "lumen",
        "--on-duplicate",
        "update",
        stdout=io.StringIO(),
    )
    assert Creator.objects.get().city == "Milan"


def test_exits_non_zero_when_nothing_could_be_imported(manager: Membership, tmp_path: Any) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing could be imported"):
        call_command(
            "import_creators",
            sheet(tmp_path, "Name,Country\nA,Narnia\n"),
            "--workspace",
            "lumen",
            stdout=out,
        )
    assert "Row 2, Country: “Narnia” is not a country we know" in out.getvalue()
    with pytest.raises(CommandError, match="not a valid Excel workbook"):
        call_command(
            "import_creators",
            sheet(tmp_path, "nope", "x.xlsx"),
            "--workspace",
            "lumen",
            stdout=io.StringIO(),
        )
    assert not Creator.objects.exists()


def test_the_actor_must_be_a_member_who_may_edit(
    member: Callable[..., Membership], tmp_path: Any
) -> None:
    viewer = member(Role.VIEWER)
    with pytest.raises(CommandError, match="may not import"):
        call_command(
            "import_creators",
            sheet(tmp_path, "Name\nA\n"),
            "--workspace",
            "lumen",
            "--as",
            viewer.user.email,
            stdout=io.StringIO(),
        )
    with pytest.raises(CommandError, match="No workspace"):
        call_command(
            "import_creators",
            sheet(tmp_path, "Name\nA\n"),
            "--workspace",
            "nope",
            stdout=io.StringIO(),
        )
    assert not Creator.objects.exists()


def test_the_rapport_command_maps_import_creators(capsys: Any) -> None:
    from rapport.cli import main

    # --help stops before any database work: a full run would close the test's connection.
    with pytest.raises(SystemExit) as stopped:
        main(["rapport", "import-creators", "--help"])
    assert stopped.value.code == 0
    usage = capsys.readouterr().out
    assert "usage: rapport import_creators" in usage and "--on-duplicate" in usage
