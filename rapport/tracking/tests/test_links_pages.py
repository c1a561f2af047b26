"""The campaign's tracking tab, the collaboration page's tracking panel, the link and code forms,
the codes file, and the workspace settings that allow destinations."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rapport.testing.factories import DiscountCodeFactory, TrackingLinkFactory
from rapport.tracking.models import DiscountCode, TrackingLink
from rapport.tracking.services import links as link_services
from rapport.tracking.services.preparation import prepare_campaign
from rapport.tracking.tests.links_fixtures import SHOP, campaign, contracted, maya
from rapport.workspaces.roles import Role

__all__ = ["campaign", "maya"]  # fixtures


def url(name: str, **kwargs) -> str:
    return reverse(f"tracking:{name}", kwargs={"ws": "lumen", **kwargs})


def panel(client, collaboration) -> str:
    answer = client.get(
        reverse("campaigns:collaboration", kwargs={"ws": "lumen", "pk": collaboration.pk})
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    start = html.index('id="tracking"')
    return html[start : html.index("</section>", start)]


def test_a_manager_prepares_the_campaign_in_one_click_and_sees_links_and_codes(
    campaign, maya, manager, client_for
):
    contracted(campaign, "Leo Park", "leo", platforms=("tiktok",))
    client = client_for(manager)
    answer = client.post(
        url("prepare", pk=campaign.pk),
        {"destination": SHOP, "pattern": "{HANDLE}{PERCENT}", "percent": "15"},
        follow=True,
    )
    html = answer.content.decode()
    assert "2 links and 2 codes created" in html
    assert "MAYAGLOW15" in html and "LEO15" in html
    for link in TrackingLink.objects.all():
        assert f'value="{link_services.short_url(link)}"' in html
        assert f'data-copy="#link-{link.pk}"' in html
    assert "Check before launch" in html


def test_a_refused_destination_is_shown_on_the_form_and_nothing_is_created(
    campaign, maya, manager, client_for
):
    answer = client_for(manager).post(
        url("prepare", pk=campaign.pk),
        {
            "destination": "https://shop.lumen.test@evil.test/",
            "pattern": "{HANDLE}",
            "percent": "10",
        },
    )
    assert answer.status_code == 422
    assert "a name and password before it" in answer.content.decode()
    assert not TrackingLink.objects.exists() and not DiscountCode.objects.exists()


def test_check_before_launch_lists_the_problems(campaign, maya, manager, client_for):
    answer = client_for(manager).post(url("check", pk=campaign.pk))
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "2 problems to fix before launch" in html
    assert "Maya Chen: no active tracking link" in html
    assert "Maya Chen: no active discount code" in html


@pytest.mark.parametrize("role", [Role.VIEWER, Role.FINANCE, Role.REVIEWER])
def test_others_see_the_tracking_but_cannot_change_it(campaign, maya, member, client_for, role):
    TrackingLinkFactory.create(collaboration=maya)
    DiscountCodeFactory.create(collaboration=maya, code="MAYA15")
    client = client_for(member(role))
    html = client.get(url("campaign", pk=campaign.pk)).content.decode()
    assert "MAYA15" in html
    assert url("prepare", pk=campaign.pk) not in html and url("check", pk=campaign.pk) not in html
    assert client.post(url("prepare", pk=campaign.pk), {"destination": SHOP}).status_code == 403
    assert client.post(url("check", pk=campaign.pk)).status_code == 403
    assert client.get(url("link_add", pk=maya.pk)).status_code == 403
    assert client.get(url("campaign_codes_export", pk=campaign.pk)).status_code == 403
    section = panel(client, maya)
    assert "MAYA15" in section and "Add a link" not in section


def test_the_tracking_page_makes_a_fixed_number_of_queries(
    campaign, manager, client_for, django_assert_max_num_queries
):
    client = client_for(manager)
    for n in range(3):
        contracted(campaign, f"Creator {n}", f"creator{n}", platforms=("instagram", "tiktok"))
    prepare_campaign(campaign=campaign, destination=SHOP, percent=10, actor=None)
    client.get(url("campaign", pk=campaign.pk))
    with django_assert_max_num_queries(16) as few:
        client.get(url("campaign", pk=campaign.pk))
    for n in range(3, 12):
        contracted(campaign, f"Creator {n}", f"creator{n}", platforms=("instagram", "tiktok"))
    prepare_campaign(campaign=campaign, destination=SHOP, percent=10, actor=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        answer = client.get(url("campaign", pk=campaign.pk))
    assert answer.content.decode().count("data-copy=") == 24


def test_the_collaboration_panel_adds_changes_and_stops_links_and_codes(maya, manager, client_for):
    client = client_for(manager)
    assert "No tracking link yet." in panel(client, maya)
    answer = client.post(
        url("link_add", pk=maya.pk),
        {"platform": "instagram", "placement": "story", "destination": SHOP},
    )
    assert answer.status_code == 302
    link = TrackingLink.objects.get()
    section = panel(client, maya)
    assert link_services.short_url(link) in section and "story link sticker" in section
    answer = client.post(
        url("link_edit", pk=link.pk), {"destination": "ftp://x", "placement": "story"}
    )
    assert answer.status_code == 422
    assert "Only http:// and https://" in answer.content.decode()
    client.post(url("link_edit", pk=link.pk), {"destination": SHOP + "?v=2", "placement": "bio"})
    link.refresh_from_db()
    assert link.placement == "bio" and "v=2" in link.target_url
    client.post(url("link_deactivate", pk=link.pk))
    assert "Stopped" in panel(client, maya)

    answer = client.post(
        url("code_add", pk=maya.pk),
        {"code": "", "pattern": "{NAME}{PERCENT}", "kind": "percent", "value": "20"},
    )
    assert answer.status_code == 302
    code = DiscountCode.objects.get()
    assert code.code == "MAYA20"
    answer = client.post(
        url("code_edit", pk=code.pk),
        {"code": "maya25", "kind": "percent", "value": "25", "usage_limit": "0"},
    )
    assert answer.status_code == 422
    client.post(url("code_edit", pk=code.pk), {"code": "maya25", "kind": "percent", "value": "25"})
    code.refresh_from_db()
    assert (code.code, code.value) == ("MAYA25", 25)
    client.post(url("code_deactivate", pk=code.pk))
    code.refresh_from_db()
    assert not code.is_active


def test_the_codes_file_downloads_for_the_shop(campaign, maya, manager, client_for):
    DiscountCodeFactory.create(collaboration=maya, code="MAYA15")
    answer = client_for(manager).get(url("campaign_codes_export", pk=campaign.pk))
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="lumen-codes-spring-glow-' in answer["Content-Disposition"]
    text = b"".join(answer.streaming_content).decode("utf-8-sig")
    assert re.search(r"^MAYA15,percent,15\.00,", text, re.M)
    assert client_for(manager).get(url("codes_export")).status_code == 200


def test_owners_set_the_allowed_domains_and_attribution_window(owner, client_for, workspace):
    client = client_for(owner)
    settings_url = reverse("workspace_settings", kwargs={"ws": "lumen"})
    form = client.get(settings_url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {f.html_name: f.value() for f in form if f.value() is not None and f.name not in data}
    data |= {"tracking_domains": "https://Shop.Lumen.test/\nlumen.example", "attribution_days": "7"}
    answer = client.post(settings_url, data)
    assert answer.status_code == 302, answer.content.decode()
    workspace.refresh_from_db()
    assert workspace.tracking_domains == ["shop.lumen.test", "lumen.example"]
    assert workspace.attribution_days == 7
    data |= {"tracking_domains": "not a domain!", "attribution_days": "999"}
    html = client.post(settings_url, data).content.decode()
    assert "is not a domain" in html and "a whole number of days, 1 to 365" in html
