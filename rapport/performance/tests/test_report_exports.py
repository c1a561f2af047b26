"""The report's files open and hold the page's figures: XLSX read back, PDF text extracted,
CSV made safe for spreadsheets; filenames name the campaign and the date."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pypdf
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.campaigns.models import Experiment
from rapport.performance.tests.figures_helpers import collaboration, post
from rapport.performance.tests.report_helpers import seed_campaign
from rapport.testing.factories import CampaignFactory, CreatorFactory
from rapport.workspaces.models import AuditEvent, Membership, Workspace
from rapport.workspaces.roles import Role

TIMES = "Vidéo 2 \u00d7 plus courte"  # an accent and a multiplication sign


def export(client: Client, campaign: Any, fmt: str, **query: str) -> Any:
    url = reverse(
        "performance:report_export",
        kwargs={"ws": campaign.workspace.slug, "pk": campaign.pk, "fmt": fmt},
    )
    return client.get(url, query)


def test_xlsx_holds_real_numbers_and_the_definitions(
    workspace: Workspace, member: Callable[..., Membership], client_for: Callable[..., Client]
) -> None:
    seed = seed_campaign(workspace)
    response = export(client_for(member(Role.VIEWER)), seed.campaign, "xlsx")
    assert response.status_code == 200
    today = timezone.localdate().isoformat()
    assert f'filename="spring-glow-report-usd-{today}.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Headline figures", "Creators", "Tiers", "Top content",
                               "Learnings", "Definitions"]  # fmt: skip
    headline = {row[0]: row for row in book["Headline figures"].iter_rows(values_only=True)}
    assert headline["CPM (USD)"][1] == 16.67
    assert headline["CPM (USD)"][2] == "$16.67"
    assert headline["CPV (USD)"][1] == 0.036
    assert headline["CPA (USD)"][1] == 50
    assert headline["Spend (USD)"][1] == 7500
    assert headline["ER (%)"][1] == 3.33
    creators = list(book["Creators"].iter_rows(values_only=True))
    assert creators[0][0] == "Creator" and creators[0][-1] == "Recommendation"
    zoe = next(row for row in creators if row[0] == "Zoé Laurent")
    assert zoe[1] == "Micro" and zoe[2] == 1500 and zoe[-1] == "Scale"
    tiers = list(book["Tiers"].iter_rows(values_only=True))
    assert tiers[0][:3] == ("Tier", "Spend (USD)", "Reach")
    # Zoé and Cy are micro creators, Ben is mid.
    micro = dict(zip(tiers[0], next(row for row in tiers if row[0] == "Micro"), strict=True))
    assert micro["Spend (USD)"] == 5000 and micro["Impressions"] == 300_000
    assert micro["Revenue (USD)"] == 6000 and micro["CPA (USD)"] == 50
    mid = dict(zip(tiers[0], next(row for row in tiers if row[0] == "Mid"), strict=True))
    assert mid["Spend (USD)"] == 2500 and mid["Conversions"] == 50
    definitions = {row[0]: row[1] for row in book["Definitions"].iter_rows(values_only=True)}
    assert definitions["CPM"] == "Cost per thousand impressions: spend ÷ impressions x 1,000."
    learnings = list(book["Learnings"].iter_rows(values_only=True))
    assert learnings[1][3] == "Say the code on screen"
    assert AuditEvent.objects.filter(kind="performance.report_exported").count() == 1


def test_pdf_text_holds_the_figures_accents_and_signs(
    workspace: Workspace, manager: Membership, client_for: Callable[..., Client]
) -> None:
    seed = seed_campaign(workspace)
    Experiment.objects.create(
        workspace=workspace, campaign=seed.campaign, hypothesis=TIMES,
        decision="Garder le format court",
    )  # fmt: skip
    response = export(client_for(manager), seed.campaign, "pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    content = " ".join(page.extract_text() for page in reader.pages)
    for figure in ("$7,500", "$16.67", "$0.036", "$50", "3.33%", "Zoé Laurent", "Scale",
                   "Change creative", "Say the code on screen", TIMES):  # fmt: skip
        assert figure in content, figure
    # The creators table has reach, views, revenue and CPV too; the tier mix follows it.
    for column in ("Reach", "Views", "Revenue", "CPV"):
        assert column in content.split("Creators", 1)[1].split("Recommendation rules")[0], column
    tier_mix = content.split("Tier mix", 1)[1].split("Top content")[0]
    assert "Micro" in tier_mix and "$5,000" in tier_mix and "$6,000" in tier_mix
    assert "Mid" in tier_mix and "$2,500" in tier_mix


def test_pdf_in_euros_does_not_stumble_on_the_euro_sign(
    workspace: Workspace, manager: Membership, client_for: Callable[..., Client]
) -> None:
    campaign = CampaignFactory.create(workspace=workspace, currency="EUR", slug="ete")
    collab = collaboration(campaign, "2000", creator=CreatorFactory.create(
        workspace=workspace, name="Élodie Brûlé"))  # fmt: skip
    post(collab, reach=90_000, impressions=120_000, likes=900)
    response = export(client_for(manager), campaign, "pdf")
    content = " ".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    assert "€16.67" in content
    assert "Élodie Brûlé" in content


def test_csv_neutralises_formulas_and_keeps_the_figures(
    workspace: Workspace, manager: Membership, client_for: Callable[..., Client]
) -> None:
    seed = seed_campaign(workspace)
    # A creator without figures yet: in the table, not changing the campaign's figures.
    collaboration(seed.campaign, None, creator=CreatorFactory.create(
        workspace=workspace, name='=HYPERLINK("http://evil.example","x")'))  # fmt: skip
    Experiment.objects.create(
        workspace=workspace, campaign=seed.campaign, hypothesis="+1 cmd|' /C calc'!A0"
    )
    response = export(client_for(manager), seed.campaign, "csv")
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert "'+1 cmd|' /C calc'!A0" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert ["CPM (USD)", "16.67", "$16.67",
            "Cost per thousand impressions: spend ÷ impressions x 1,000."] in rows  # fmt: skip
    tiers_at = rows.index(["Tiers"])
    assert rows[tiers_at + 1][:3] == ["Tier", "Spend (USD)", "Reach"]
    micro = next(row for row in rows[tiers_at:] if row[:1] == ["Micro"])
    assert micro[1:3] == ["5000.00", "200000"]


def test_unknown_format_or_currency_is_refused(
    workspace: Workspace, manager: Membership, client_for: Callable[..., Client]
) -> None:
    seed = seed_campaign(workspace)
    client = client_for(manager)
    assert export(client, seed.campaign, "docx").status_code == 400
    response = export(client, seed.campaign, "csv", currency="JPY")
    assert response.status_code == 400
    assert "no collaborations in JPY" in response.content.decode()
