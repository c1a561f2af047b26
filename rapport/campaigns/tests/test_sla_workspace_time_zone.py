"""The workspace's time zone (the clock business days are counted on) is set in its settings."""

from __future__ import annotations

from typing import Any

from rapport.workspaces.models import AuditEvent, Membership


def test_owner_sets_the_time_zone_on_the_settings_page(owner: Membership, client_for: Any) -> None:
    workspace = owner.workspace
    client = client_for(owner)
    page = client.get("/w/lumen/settings/").content.decode()
    assert "Time zone" in page and "America/New_York" in page
    form = {
        "name": workspace.name, "country": "US", "time_zone": "America/New_York",
        "default_currency": "USD", "er_denominator": "reach",
    }  # fmt: skip
    form |= {f"tier_{k}": v for k, v in workspace.tier_thresholds.items()}
    form |= {f"sla_{k}": v for k, v in workspace.sla_policy.items()}
    assert (
        "Settings saved." in client.post("/w/lumen/settings/", form, follow=True).content.decode()
    )
    workspace.refresh_from_db()
    assert workspace.time_zone == "America/New_York"
    assert AuditEvent.objects.get(kind="workspace.settings_changed").changes["time_zone"] == [
        "UTC",
        "America/New_York",
    ]
    bad = client.post("/w/lumen/settings/", form | {"time_zone": "Mars/Olympus"})
    assert "Select a valid choice" in bad.content.decode()


def test_the_api_reads_and_changes_the_time_zone(owner: Membership, api_client_for: Any) -> None:
    client = api_client_for(owner)
    assert client.get("/api/v1/workspace").json()["time_zone"] == "UTC"
    bad = client.patch(
        "/api/v1/workspace", {"time_zone": "Mars/Olympus"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "time_zone"
    assert "is not a time zone" in bad.json()["detail"][0]["message"]
    ok = client.patch(
        "/api/v1/workspace", {"time_zone": "Europe/Paris"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["time_zone"] == "Europe/Paris"
