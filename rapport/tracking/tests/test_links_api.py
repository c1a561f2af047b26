"""The API for links, codes, the campaign's preparation and check, and the tracking settings:
the same services and roles as the pages."""

from __future__ import annotations

import json

import pytest

from rapport.testing.factories import CampaignFactory, CollaborationFactory, DiscountCodeFactory
from rapport.tracking.models import DiscountCode, TrackingLink
from rapport.tracking.tests.links_fixtures import SHOP, campaign, contracted, maya
from rapport.workspaces.roles import Role

__all__ = ["campaign", "maya"]  # fixtures


def post(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def patch(client, path, body):
    return client.patch(path, json.dumps(body), content_type="application/json")


@pytest.fixture
def api(manager, api_client_for):
    return api_client_for(manager)


def test_prepare_then_list_the_campaign_links_and_codes(api, campaign, maya):
    contracted(campaign, "Leo Park", "leo", platforms=("tiktok",))
    answer = post(
        api,
        f"/api/v1/campaigns/{campaign.pk}/tracking/prepare",
        {"destination": SHOP, "percent": "15"},
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["summary"] == "2 links and 2 codes created"
    assert sorted(body["codes"]) == ["LEO15", "MAYAGLOW15"]
    assert body["links"][0]["short_url"].startswith("http")
    again = post(
        api,
        f"/api/v1/campaigns/{campaign.pk}/tracking/prepare",
        {"destination": SHOP, "percent": "15"},
    ).json()
    assert (again["links_created"], again["codes_created"], again["already_complete"]) == (0, 0, 2)
    links = api.get(f"/api/v1/campaigns/{campaign.pk}/tracking-links?limit=1").json()
    assert [i["creator"] for i in links["items"]] == ["Leo Park"]
    rest = api.get(f"/api/v1/campaigns/{campaign.pk}/tracking-links?cursor={links['next']}")
    assert [i["creator"] for i in rest.json()["items"]] == ["Maya Chen"]
    codes = api.get(f"/api/v1/campaigns/{campaign.pk}/discount-codes").json()["items"]
    assert [c["code"] for c in codes] == ["LEO15", "MAYAGLOW15"]


def test_links_are_created_changed_and_stopped(api, maya):
    answer = post(
        api,
        f"/api/v1/collaborations/{maya.pk}/tracking-links",
        {"platform": "tiktok", "placement": "video", "destination": SHOP + "?utm_source=x"},
    )
    assert answer.status_code == 201, answer.content
    link = answer.json()
    assert link["utm_content"] == "maya-glow-video" and "utm_source=tiktok" in link["target_url"]
    refused = post(
        api,
        f"/api/v1/collaborations/{maya.pk}/tracking-links",
        {"platform": "instagram", "destination": "https://shop.lumen.test@evil.test"},
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "destination"
    changed = patch(api, f"/api/v1/tracking-links/{link['id']}", {"placement": "bio"}).json()
    assert changed["slug"] == link["slug"] and changed["utm_content"] == "maya-glow-bio"
    stopped = post(api, f"/api/v1/tracking-links/{link['id']}/deactivate").json()
    assert stopped["is_active"] is False
    listed = api.get(f"/api/v1/collaborations/{maya.pk}/tracking-links").json()["items"]
    assert [i["id"] for i in listed] == [link["id"]]


def test_codes_are_created_changed_stopped_and_exported(api, maya, workspace):
    answer = post(
        api,
        f"/api/v1/collaborations/{maya.pk}/discount-codes",
        {"kind": "amount", "value": "10", "currency": "eur", "code": "maya10",
         "ends_at": "2026-12-31T23:59:00"},
    )  # fmt: skip
    assert answer.status_code == 201, answer.content
    code = answer.json()
    assert (code["code"], code["currency"]) == ("MAYA10", "EUR")
    assert code["ends_at"].startswith("2026-12-31T23:59:00")  # read in the workspace's zone (UTC)
    bad = patch(api, f"/api/v1/discount-codes/{code['id']}", {"kind": "percent", "value": "150"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "value"
    good = patch(api, f"/api/v1/discount-codes/{code['id']}", {"usage_limit": 200}).json()
    assert good["usage_limit"] == 200
    csv = api.get(f"/api/v1/discount-codes/export?campaign_id={maya.campaign_id}")
    assert csv.status_code == 200
    assert "MAYA10,amount,10.00,EUR" in b"".join(csv.streaming_content).decode("utf-8-sig")
    assert post(api, f"/api/v1/discount-codes/{code['id']}/deactivate").json()["is_active"] is False


def test_the_check_reports_missing_links_and_codes(api, campaign, maya):
    body = post(api, f"/api/v1/campaigns/{campaign.pk}/tracking/check").json()
    assert body["ready"] is False
    assert [p["text"] for p in body["problems"]] == [
        "Maya Chen: no active tracking link",
        "Maya Chen: no active discount code",
    ]


def test_reading_needs_view_and_changing_needs_manage_tracking(
    campaign, maya, member, api_client_for
):
    DiscountCodeFactory.create(collaboration=maya, code="MAYA15")
    viewer = api_client_for(member(Role.VIEWER))
    assert viewer.get(f"/api/v1/collaborations/{maya.pk}/discount-codes").status_code == 200
    assert post(viewer, f"/api/v1/campaigns/{campaign.pk}/tracking/check").status_code == 403
    assert viewer.get("/api/v1/discount-codes/export").status_code == 403
    code = DiscountCode.objects.get()
    assert post(viewer, f"/api/v1/discount-codes/{code.pk}/deactivate").status_code == 403
    assert DiscountCode.objects.get().is_active


def test_another_workspaces_campaign_is_not_found(api, other_workspace):
    elsewhere = CollaborationFactory.create(
        campaign=CampaignFactory.create(workspace=other_workspace)
    )
    assert post(
        api, f"/api/v1/campaigns/{elsewhere.campaign_id}/tracking/prepare",
        {"destination": SHOP, "percent": "10"},
    ).status_code == 404  # fmt: skip
    assert api.get(f"/api/v1/collaborations/{elsewhere.pk}/tracking-links").status_code == 404
    assert not TrackingLink.objects.exists()


def test_owners_set_the_tracking_settings_through_the_api(owner, api_client_for):
    api = api_client_for(owner)
    answer = patch(
        api, "/api/v1/workspace", {"tracking_domains": ["Shop.Lumen.test"], "attribution_days": 14}
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["tracking_domains"] == ["shop.lumen.test"]
    assert answer.json()["attribution_days"] == 14
    refused = patch(api, "/api/v1/workspace", {"attribution_days": 0})
    assert refused.status_code == 422
