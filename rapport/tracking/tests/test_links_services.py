"""Tracking links: short unguessable slugs from the handle, UTM on the destination, and no open
redirect: every way to smuggle another host past the allowed domains is refused."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError

from rapport.campaigns.models import CollabStage
from rapport.tracking.models import TrackingLink
from rapport.tracking.services import links as services
from rapport.tracking.tests.links_fixtures import SHOP, allow, campaign, contracted, maya
from rapport.workspaces.models import AuditEvent

__all__ = ["campaign", "maya"]  # fixtures


def create(collaboration, destination=SHOP, platform="instagram", placement="bio"):
    return services.create_link(
        collaboration=collaboration,
        platform=platform,
        placement=placement,
        destination=destination,
        actor=None,
    )


def test_a_link_has_a_short_slug_from_the_handle_and_the_utm_of_the_product(maya):
    link = create(maya)
    assert re.fullmatch(r"maya-glow-[23456789abcdefghjkmnpqrstuvwxyz]{6}", link.slug)
    query = parse_qs(urlsplit(link.target_url).query)
    assert query == {
        "utm_source": ["instagram"],
        "utm_medium": ["influencer"],
        "utm_campaign": ["spring-glow"],
        "utm_content": ["maya-glow-bio"],
    }
    assert link.target_url.startswith(SHOP + "?")
    assert services.short_url(link).endswith(f"/r/{link.slug}")
    event = AuditEvent.objects.get(kind="tracking.link_created")
    assert event.creator_id == maya.creator_id and event.campaign_id == maya.campaign_id


def test_slugs_differ_for_the_same_creator(maya):
    first = create(maya)
    second = create(maya, placement="story")
    assert first.slug != second.slug
    assert first.slug.startswith("maya-glow-") and second.slug.startswith("maya-glow-")


def test_a_slug_collision_draws_again(maya, monkeypatch):
    taken = create(maya)
    draws = iter([taken.slug.rsplit("-", 1)[1], "k7p3xq"])
    monkeypatch.setattr(services, "new_slug", lambda prefix="": f"{prefix}-{next(draws)}")
    link = create(maya, placement="story")
    assert link.slug == "maya-glow-k7p3xq"


def test_the_destination_keeps_its_query_and_fragment_and_loses_its_own_utm(maya):
    link = create(maya, "https://shop.lumen.test/p?color=red&UTM_SOURCE=old&utm_term=x#reviews")
    parts = urlsplit(link.target_url)
    assert parts.fragment == "reviews"
    query = parse_qs(parts.query)
    assert query["color"] == ["red"]
    assert "UTM_SOURCE" not in query and "utm_term" not in query
    assert query["utm_source"] == ["instagram"]


def test_a_subdomain_and_an_internationalised_host_are_allowed(maya, workspace):
    allow(workspace, "lumen.test", "bücher.de")
    assert create(maya, "https://eu.shop.lumen.test/").destination == "https://eu.shop.lumen.test/"
    link = create(maya, "https://BÜCHER.de./x", placement="story")
    assert link.destination == "https://xn--bcher-kva.de/x"


@pytest.mark.parametrize(
    ("destination", "reason"),
    [
        ("https://evil.test/", "not one of the workspace's allowed domains"),
        ("https://shop.lumen.test.evil.test/", "not one of the workspace's allowed domains"),
        ("https://evilshop.lumen.test.example/", "not one of the workspace's allowed domains"),
        ("https://notshop.lumen.test/", "not one of the workspace's allowed domains"),
        ("https://shop.lumen.test@evil.test/", "a name and password"),
        ("https://user:pw@shop.lumen.test/", "a name and password"),
        ("https://evil.test#@shop.lumen.test", "not one of the workspace's allowed domains"),
        ("https://evil.test?@shop.lumen.test", "not one of the workspace's allowed domains"),
        ("https://shop.lumen.test\\@evil.test", "backslash"),
        ("https:\\\\evil.test", "backslash"),
        ("//evil.test/", "Start the address with https://"),
        ("///evil.test/", "Start the address with https://"),
        ("javascript:alert(1)", "Only http:// and https://"),
        ("data:text/html,hi", "Only http:// and https://"),
        ("ftp://shop.lumen.test/", "Only http:// and https://"),
        ("shop.lumen.test/page", "Only http:// and https://"),
        ("https:evil.test", "no host"),
        ("https:///evil.test", "no host"),
        ("https://shop.lumen.test /x", "spaces or invisible"),
        ("https://evil.test\t.shop.lumen.test/", "spaces or invisible"),
        ("https://shop.lumen.test\n.evil.test/", "spaces or invisible"),
        ("https://shop\u200b.lumen.test/", "spaces or invisible"),
        ("https://%65vil.test/", "is not a valid host"),
        ("https://[::1]/", "is not a valid host"),
        ("https://shop.lumen.test:99999/", "is not a valid host"),
        ("https://2130706433/", "not one of the workspace's allowed domains"),
        ("https://\uff45\uff56\uff49\uff4c.test/", "not one of the workspace's allowed domains"),
        ("", "Give the page the link leads to"),
    ],
)
def test_every_open_redirect_attempt_is_refused_with_its_reason(maya, destination, reason):
    with pytest.raises(ValidationError) as refused:
        create(maya, destination)
    assert reason in refused.value.message_dict["destination"][0]
    assert not TrackingLink.objects.exists()


def test_without_an_allowed_domain_the_refusal_points_to_settings(maya, workspace):
    allow(workspace)
    with pytest.raises(ValidationError) as refused:
        create(maya)
    assert "Workspace settings" in refused.value.message_dict["destination"][0]


def test_one_link_per_platform_placement_and_none_for_a_cancelled_collaboration(maya, campaign):
    create(maya)
    with pytest.raises(ValidationError) as refused:
        create(maya, "https://shop.lumen.test/other")
    assert "already has a link for Instagram" in refused.value.message_dict["placement"][0]
    gone = contracted(campaign, "Ana Ruiz", "ana", stage=CollabStage.CANCELLED)
    with pytest.raises(ValidationError) as refused:
        create(gone)
    assert "cancelled" in refused.value.message_dict["collaboration"][0]
    with pytest.raises(ValidationError) as refused:
        create(maya, platform="myspace")
    assert "myspace" in refused.value.message_dict["platform"][0]


def test_changing_a_link_keeps_its_slug_rebuilds_its_target_and_asks_for_a_new_check(maya):
    link = create(maya)
    link.check_result, link.check_message = "ok", ""
    link.save()
    slug = link.slug
    services.update_link(
        link=link, actor=None, destination="https://shop.lumen.test/new", placement="story"
    )
    link.refresh_from_db()
    assert link.slug == slug
    assert link.target_url.startswith("https://shop.lumen.test/new?")
    assert "utm_content=maya-glow-story" in link.target_url
    assert link.check_result == ""
    assert AuditEvent.objects.filter(kind="tracking.link_changed").count() == 1
    with pytest.raises(ValidationError):
        services.update_link(link=link, actor=None, destination="https://evil.test/")


def test_a_stopped_link_starts_again_under_the_same_address(maya):
    link = create(maya)
    services.deactivate_link(link=link, actor=None)
    assert not TrackingLink.objects.get(pk=link.pk).is_active
    services.update_link(link=link, actor=None, is_active=True)
    assert TrackingLink.objects.get(pk=link.pk).is_active


def test_allowed_domains_are_cleaned_from_what_people_paste():
    assert services.clean_tracking_domains("https://Shop.Example.com/\nblog.example.com, x.io") == [
        "shop.example.com",
        "blog.example.com",
        "x.io",
    ]
    with pytest.raises(ValidationError) as refused:
        services.clean_tracking_domains(["shop example"])
    assert "tracking_domains" in refused.value.message_dict
