"""The report through the API: the same assembled figures as the page, and its files."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl

from rapport.performance.tests.report_helpers import seed_campaign
from rapport.testing.factories import CampaignFactory, CollaborationFactory
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role


def test_the_report_as_json(
    workspace: Workspace, member: Callable[..., Membership], api_client_for: Callable[..., Any]
) -> None:
    seed = seed_campaign(workspace)
    api = api_client_for(member(Role.VIEWER))
    response = api.get(f"/api/v1/campaigns/{seed.campaign.pk}/report")
    assert response.status_code == 200
    data = response.json()
    assert data["currency"] == "USD" and data["currencies"] == ["USD"]
    headline = {f["name"]: f for f in data["headline"]}
    assert headline["cpm"]["display"] == "$16.67"
    assert headline["cpv"]["display"] == "$0.036"
    assert headline["cpa"]["display"] == "$50"
    assert headline["cpa"]["definition"] == "Cost per acquisition: spend ÷ attributed conversions."
    assert {c["creator"]: c["recommendation"] for c in data["creators"]} == {
        "Zoé Laurent": "scale", "Ben Okafor": "keep", "Cy Martin": "change_creative",
    }  # fmt: skip
    assert data["cost_metric"] == "cpa"
    assert data["top_content"][0]["creator"] == "Zoé Laurent"
    assert data["learnings"][0]["decision"] == "Say the code on screen"
    assert [t["tier"] for t in data["tiers"]] == ["micro", "mid"]
    assert data["over_time"]


def test_a_currency_the_campaign_does_not_use_is_422(
    workspace: Workspace, manager: Membership, api_client_for: Callable[..., Any]
) -> None:
    seed = seed_campaign(workspace)
    response = api_client_for(manager).get(
        f"/api/v1/campaigns/{seed.campaign.pk}/report?currency=GBP"
    )
    assert response.status_code == 422
    assert "GBP" in response.json()["detail"][0]["message"]


def test_an_empty_campaign_reports_n_a_not_zero(
    workspace: Workspace, manager: Membership, api_client_for: Callable[..., Any]
) -> None:
    campaign = CampaignFactory.create(workspace=workspace)
    CollaborationFactory.create(campaign=campaign, stage="live")
    data = api_client_for(manager).get(f"/api/v1/campaigns/{campaign.pk}/report").json()
    headline = {f["name"]: f for f in data["headline"]}
    assert headline["cpm"]["value"] is None and headline["cpm"]["display"] == "n/a"
    assert data["creators"][0]["recommendation"] == "not_enough_data"


def test_the_report_export_and_another_workspaces_campaign(
    workspace: Workspace,
    other_workspace: Workspace,
    manager: Membership,
    api_client_for: Callable[..., Any],
) -> None:
    seed = seed_campaign(workspace)
    api = api_client_for(manager)
    response = api.get(f"/api/v1/campaigns/{seed.campaign.pk}/report/export?format=xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "Creators" in book.sheetnames
    assert (
        api.get(f"/api/v1/campaigns/{seed.campaign.pk}/report/export?format=doc").status_code == 422
    )
    theirs = CampaignFactory.create(workspace=other_workspace)
    assert api.get(f"/api/v1/campaigns/{theirs.pk}/report").status_code == 404
