"""Importing a spreadsheet in a real Chromium: upload, map, preview, commit."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from rapport.conftest import login
from rapport.creators.models import Creator
from rapport.testing.factories import MembershipFactory, UserFactory, WorkspaceFactory
from rapport.workspaces.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHEET = (
    "Full name;Email address;IG handle;Followers;Where\n"
    "Rosa Lind;rosa@example.com;@rosa.lind;12,5k;Malmö\n"
    "No Mail;no-mail;;;Oslo\n"
).encode("cp1252")


def test_upload_map_preview_and_commit(page: Any, live_server: Any) -> None:
    workspace = WorkspaceFactory.create(name="Lumen Skincare", slug="lumen")
    MembershipFactory.create(
        workspace=workspace, role=Role.MANAGER, user=UserFactory.create(email="maya@lumen.test")
    )
    login(page, live_server, "maya@lumen.test")
    page.goto(live_server.url + "/w/lumen/creators/import/")
    page.get_by_label("Spreadsheet").set_input_files(
        files=[{"name": "roster.csv", "mimeType": "text/csv", "buffer": SHEET}]
    )
    page.get_by_role("button", name="Upload and choose columns").click()

    expect(page.get_by_role("heading", name="Import of roster.csv")).to_be_visible()
    expect(page.get_by_label("IG handle")).to_have_value("instagram.handle")
    expect(page.get_by_label("Where")).to_have_value("")
    page.get_by_label("Where").select_option("city")
    page.get_by_label("Update the existing creator").check()
    page.get_by_role("button", name="Check every row").click()

    expect(page.get_by_text("2 rows checked.")).to_be_visible()
    errors = page.get_by_role("table").filter(has_text="Problem")
    expect(errors).to_contain_text("“no-mail” is not a valid e-mail address.")
    expect(errors.get_by_role("row").nth(1)).to_contain_text("3")
    assert not Creator.objects.exists()

    page.get_by_role("button", name="Import 1 creator").click()
    expect(page.get_by_text("Import finished.")).to_be_visible()
    expect(page.get_by_text("1 creator added")).to_be_visible()
    rosa = Creator.objects.get()
    assert (rosa.name, rosa.city, rosa.followers_max) == ("Rosa Lind", "Malmö", 12_500)

    page.get_by_role("button", name="See the creators").click()
    expect(page.get_by_role("link", name="Rosa Lind")).to_be_visible()
