"""The short link /r/<slug>: what a visitor gets, and what the click records."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from rapport.testing.factories import TrackingLinkFactory
from rapport.tracking.models import Click, TrackingLink
from rapport.tracking.services.clicks import visitor_hash
from rapport.tracking.services.links import deactivate_link

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
ANDROID_PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
ANDROID_TABLET = (
    "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/16.6 Mobile/15E148 Safari/604.1"
)
WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15"
)


def follow(
    slug: str, client: Client | None = None, *, headers: dict[str, str], **extra: Any
) -> Any:
    return (client or Client()).get(f"/r/{slug}", headers=headers, **extra)


def only_click() -> Click:
    return Click.objects.get()


@pytest.fixture
def link(workspace: Any) -> TrackingLink:
    return TrackingLinkFactory.create(
        collaboration__campaign__workspace=workspace,
        slug="maya-ig-7kq2",
        destination="https://shop.example.com/products/glow",
        target_url="https://shop.example.com/products/glow?utm_source=instagram"
        "&utm_medium=influencer&utm_campaign=spring-glow&utm_content=maya-bio",
    )


def test_redirects_to_the_destination_with_utm_and_the_click_reference(link: TrackingLink):
    response = follow(link.slug, headers={"user-agent": IPHONE})

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert (location.scheme, location.netloc, location.path) == (
        "https",
        "shop.example.com",
        "/products/glow",
    )
    query = parse_qs(location.query)
    assert query["utm_source"] == ["instagram"]
    assert query["utm_campaign"] == ["spring-glow"]
    click = only_click()
    assert query["rclid"] == [click.ref]
    assert len(click.ref) == 16
    assert click.link == link
    assert click.workspace_id == link.workspace_id
    assert click.device == "mobile"
    assert click.is_bot is False
    assert len(click.visitor) == 32


def test_headers_keep_caches_and_search_engines_out(link: TrackingLink):
    response = follow(link.slug, headers={"user-agent": IPHONE})

    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("https://shop.example.com/glow", "https://shop.example.com/glow?rclid={ref}"),
        ("https://shop.example.com/glow?a=1", "https://shop.example.com/glow?a=1&rclid={ref}"),
        (
            "https://shop.example.com/glow?a=1#reviews",
            "https://shop.example.com/glow?a=1&rclid={ref}#reviews",
        ),
        ("https://shop.example.com/#/cart?x=1", "https://shop.example.com/?rclid={ref}#/cart?x=1"),
        ("https://shop.example.com/glow?", "https://shop.example.com/glow?rclid={ref}"),
    ],
)
def test_the_click_reference_goes_into_the_query_before_any_fragment(
    workspace: Any, target: str, expected: str
):
    TrackingLinkFactory.create(
        collaboration__campaign__workspace=workspace, slug="s1", target_url=target
    )

    response = follow("s1", headers={"user-agent": WINDOWS})

    assert response["Location"] == expected.format(ref=only_click().ref)


def test_every_click_gets_its_own_reference(link: TrackingLink):
    locations = {follow(link.slug, headers={"user-agent": WINDOWS})["Location"] for _ in range(5)}

    assert len(locations) == 5
    assert Click.objects.values("ref").distinct().count() == 5


def test_the_referrer_is_kept_as_its_host_only(link: TrackingLink):
    follow(
        link.slug,
        headers={
            "user-agent": IPHONE,
            "referer": "https://L.Instagram.com:443/path/to/post?u=secret#x",
        },
    )

    assert only_click().referrer_host == "l.instagram.com"


@pytest.mark.parametrize("referer", ["", "not a url", "http://[::1"])
def test_a_missing_or_broken_referrer_leaves_the_host_blank(link: TrackingLink, referer: str):
    follow(link.slug, headers={"user-agent": IPHONE, "referer": referer})

    assert only_click().referrer_host == ""


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (IPHONE, "mobile"),
        (ANDROID_PHONE, "mobile"),
        (ANDROID_TABLET, "tablet"),
        (IPAD, "tablet"),
        (WINDOWS, "desktop"),
        (MAC, "desktop"),
        ("SmartTV/1.0 (Tizen)", "other"),
    ],
)
def test_the_device_class_comes_from_the_user_agent(
    link: TrackingLink, user_agent: str, device: str
):
    follow(link.slug, headers={"user-agent": user_agent})

    click = only_click()
    assert click.device == device
    assert click.is_bot is False


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Twitterbot/1.0",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "WhatsApp/2.23.20.0",
        "TelegramBot (like TwitterBot)",
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "curl/8.5.0",
        "Wget/1.21.4",
        "python-requests/2.32.3",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (compatible; SomeSpider/3.0)",
        "ExampleCrawler/1.0",
    ],
)
def test_robots_are_redirected_but_counted_apart(link: TrackingLink, user_agent: str):
    response = follow(link.slug, headers={"user-agent": user_agent})

    assert response.status_code == 302
    assert only_click().is_bot is True


def test_a_head_request_counts_as_a_robot(link: TrackingLink):
    response = Client().head(f"/r/{link.slug}", headers={"user-agent": IPHONE})

    assert response.status_code == 302
    assert "rclid=" in response["Location"]
    click = only_click()
    assert click.is_bot is True
    assert click.device == "mobile"


def test_no_address_is_stored_only_a_daily_hash(link: TrackingLink):
    address = "203.0.113.77"
    follow(link.slug, headers={"user-agent": IPHONE}, REMOTE_ADDR=address)

    click = only_click()
    row = Click.objects.filter(pk=click.pk).values().get()
    assert not any(address in str(value) for value in row.values())
    assert click.visitor == visitor_hash(address, IPHONE, click.at.date())
    assert click.visitor != visitor_hash(address, IPHONE, click.at.date().replace(year=2000))


def test_the_same_visitor_hashes_alike_and_another_address_differently(link: TrackingLink):
    follow(link.slug, headers={"user-agent": IPHONE}, REMOTE_ADDR="203.0.113.7")
    follow(link.slug, headers={"user-agent": IPHONE}, REMOTE_ADDR="203.0.113.7")
    follow(link.slug, headers={"user-agent": IPHONE}, REMOTE_ADDR="198.51.100.2")

    visitors = list(Click.objects.order_by("id").values_list("visitor", flat=True))
    assert visitors[0] == visitors[1] != visitors[2]


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_visitor(
    link: TrackingLink, settings: Any
):
    settings.RAPPORT_TRUSTED_PROXY = True
    for proxy in ("10.0.0.1", "10.0.0.2"):
        follow(
            link.slug,
            headers={"user-agent": IPHONE, "x-forwarded-for": "203.0.113.7"},
            REMOTE_ADDR=proxy,
        )

    assert Click.objects.values("visitor").distinct().count() == 1


def test_no_country_without_a_configured_header(link: TrackingLink, settings: Any):
    settings.RAPPORT_COUNTRY_HEADER = ""
    follow(link.slug, headers={"user-agent": IPHONE, "cf-ipcountry": "FR"})

    assert only_click().country == ""


@pytest.mark.parametrize(("sent", "stored"), [("fr", "FR"), ("DE", "DE"), ("XX", ""), ("T1", "")])
def test_the_country_comes_from_the_configured_header(
    link: TrackingLink, settings: Any, sent: str, stored: str
):
    settings.RAPPORT_COUNTRY_HEADER = "CF-IPCountry"
    follow(link.slug, headers={"user-agent": IPHONE, "cf-ipcountry": sent, "x-country": "US"})

    assert only_click().country == stored


@pytest.mark.parametrize("slug", ["never-existed", "x" * 200, "maya-ig-7kq"])
def test_an_unknown_link_gets_a_small_page_and_records_nothing(link: TrackingLink, slug: str):
    response = follow(slug, headers={"user-agent": IPHONE})

    assert response.status_code == 404
    page = response.content.decode()
    assert "This link is not available" in page
    assert 'name="robots" content="noindex' in page
    assert response["Cache-Control"] == "no-store"
    assert not Click.objects.exists()


def test_a_turned_off_link_looks_exactly_like_an_unknown_one(link: TrackingLink):
    link.is_active = False
    link.save()

    gone = follow(link.slug, headers={"user-agent": IPHONE})
    unknown = follow("never-existed", headers={"user-agent": IPHONE})

    assert gone.status_code == unknown.status_code == 404
    assert gone.content == unknown.content
    assert not Click.objects.exists()


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_other_methods_are_refused(link: TrackingLink, method: str):
    response = getattr(Client(), method)(f"/r/{link.slug}")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert not Click.objects.exists()


def test_a_signed_in_member_is_redirected_like_anyone(link: TrackingLink, manager_client: Client):
    response = follow(link.slug, client=manager_client, headers={"user-agent": IPHONE})

    assert response.status_code == 302
    assert Click.objects.count() == 1


def test_the_redirect_costs_one_select_and_one_insert(
    link: TrackingLink, django_assert_num_queries: Any
):
    client = Client()
    with django_assert_num_queries(2) as captured:
        response = follow(link.slug, client=client, headers={"user-agent": IPHONE})

    assert response.status_code == 302
    select, insert = (query["sql"] for query in captured.captured_queries)
    assert select.startswith("SELECT") and "tracking_trackinglink" in select
    assert insert.startswith("INSERT") and "tracking_click" in insert


def test_an_unknown_link_costs_one_select(link: TrackingLink, django_assert_num_queries: Any):
    with django_assert_num_queries(1):
        follow("never-existed", headers={"user-agent": IPHONE})


def test_the_next_clicks_on_a_link_cost_only_their_insert(
    link: TrackingLink, django_assert_num_queries: Any
):
    follow(link.slug, headers={"user-agent": IPHONE})
    with django_assert_num_queries(1) as captured:
        response = follow(link.slug, headers={"user-agent": IPHONE})

    assert response.status_code == 302
    assert captured.captured_queries[0]["sql"].startswith("INSERT")
    assert Click.objects.filter(link=link).count() == 2


def test_a_link_turned_off_here_stops_at_once(
    link: TrackingLink, django_capture_on_commit_callbacks: Any
):
    assert follow(link.slug, headers={"user-agent": IPHONE}).status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        deactivate_link(link=link, actor=None)

    assert follow(link.slug, headers={"user-agent": IPHONE}).status_code == 404


def test_the_redirect_is_answered_ahead_of_sessions_and_cookies(link: TrackingLink):
    client = Client()
    client.cookies["sessionid"] = "a-session-the-redirect-never-reads"

    response = client.get(f"/r/{link.slug}", headers={"user-agent": IPHONE})

    assert response.status_code == 302
    assert not response.cookies  # no CSRF or session cookie set, nothing read from them
    assert "Cookie" not in response.get("Vary", "")
    assert response["X-Content-Type-Options"] == "nosniff"  # the security middleware still runs


def test_the_page_of_an_unknown_link_speaks_the_visitors_language(db: None):
    response = Client().get("/r/no-such-link", headers={"accept-language": "fr-FR,fr;q=0.9"})

    assert response.status_code == 404
    assert "Ce lien n'est pas disponible" in response.content.decode()
    assert '<html lang="fr">' in response.content.decode()
