"""Pasted profile links and handles: which handle and address they give, and which are refused."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from rapport.creators import services
from rapport.creators.forms import AccountForm
from rapport.creators.models import Creator, SocialAccount
from rapport.creators.services import AccountData, DuplicateCreator
from rapport.workspaces.models import Membership, Workspace

NOT_A_PROFILE = "not to a profile"


def read(value: str, platform: str = "") -> tuple[str, str, str]:
    """What a pasted address becomes: (platform, handle, url)."""
    account = AccountData(platform=platform, url=value).normalised()
    return account.platform, account.handle, account.url


def add(workspace: Workspace, name: str, url: str, platform: str = "") -> Creator:
    return services.create_creator(
        workspace=workspace,
        actor=None,
        name=name,
        accounts=[AccountData(platform=platform, url=url)],
    )


@pytest.mark.parametrize(
    "link",
    [
        "https://www.instagram.com/p/C1a2B3c4D5e/",
        "https://instagram.com/reel/C9xYzAbC/?igshid=abc",
        "instagram.com/reels/",
        "https://www.instagram.com/tv/B7abcdEF/",
        "https://instagram.com/explore/tags/skincare/",
        "https://instagram.com/stories/highlights/17912345678/",
        "https://instagram.com/",
        "https://vm.tiktok.com/ZMabc123/",
        "https://www.tiktok.com/t/ZT8abcDEF/",
        "https://youtu.be/dQw4w9WgXcQ?si=x1",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://m.youtube.com/shorts/abc123XYZ",
        "https://www.youtube.com/embed/dQw4w9WgXcQ",
        "https://www.twitch.tv/videos/123456789",
        "https://x.com/i/web/status/1789012345",
        "https://www.facebook.com/profile.php",
    ],
)
def test_a_link_to_a_post_or_a_video_is_refused_on_the_url(link: str) -> None:
    with pytest.raises(ValidationError) as caught:
        read(link)
    assert set(caught.value.message_dict) == {"url"}
    assert NOT_A_PROFILE in caught.value.message_dict["url"][0]


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (
            "https://www.instagram.com/stories/Ada.Glow/3301234567/",
            ("instagram", "ada.glow", "https://instagram.com/ada.glow"),
        ),
        (
            "https://www.tiktok.com/@Ada.Glow/video/7301234567?lang=en",
            ("tiktok", "ada.glow", "https://tiktok.com/@ada.glow"),
        ),
        (
            "https://twitter.com/AdaGlow/status/1789012345?s=20",
            ("x", "adaglow", "https://x.com/adaglow"),
        ),
        (
            "https://www.twitch.tv/AdaGlow/videos",
            ("twitch", "adaglow", "https://twitch.tv/adaglow"),
        ),
        (
            "https://m.youtube.com/@AdaGlow/videos",
            ("youtube", "adaglow", "https://youtube.com/@adaglow"),
        ),
        (
            "https://www.youtube.com/c/AdaGlow",
            ("youtube", "adaglow", "https://youtube.com/@adaglow"),
        ),
        ("youtube.com/user/AdaGlow/", ("youtube", "adaglow", "https://youtube.com/@adaglow")),
        (
            "https://www.youtube.com/channel/UCx9AbCdEfGhIjKlMnOpQr/videos?view=0",
            ("youtube", "", "https://youtube.com/channel/UCx9AbCdEfGhIjKlMnOpQr"),
        ),
        (
            "https://m.facebook.com/profile.php?id=100012345&sk=about",
            ("facebook", "", "https://facebook.com/profile.php?id=100012345"),
        ),
    ],
)
def test_profile_links_give_the_handle_and_the_profile_address(
    link: str, expected: tuple[str, str, str]
) -> None:
    assert read(link) == expected


@pytest.mark.parametrize(
    ("link", "platform", "url"),
    [
        (
            "HTTP://WWW.Ada-Writes.example/Journal/Skin-Care/?utm_source=ig&page=2&hl=en#comments",
            "blog",
            "https://ada-writes.example/Journal/Skin-Care?page=2",
        ),
        (
            "https://open.spotify.com/show/4rOoJ6Egrf8K2IrywzwOMk?si=abc123",
            "podcast",
            "https://open.spotify.com/show/4rOoJ6Egrf8K2IrywzwOMk",
        ),
        (
            "https://www.Patreon.com/AdaGlow?fbclid=IwAR0x&igshid=1",
            "other",
            "https://patreon.com/AdaGlow",
        ),
    ],
)
def test_other_sites_keep_their_path_and_lose_only_tracking(
    link: str, platform: str, url: str
) -> None:
    assert read(link, platform) == (platform, "", url)


def test_reading_an_address_twice_changes_nothing() -> None:
    for platform, link in (
        ("", "https://www.youtube.com/channel/UCx9AbCdEfGhIjKlMnOpQr"),
        ("", "https://facebook.com/profile.php?id=100012345"),
        ("", "https://www.tiktok.com/@Ada.Glow"),
        ("blog", "https://ada-writes.example/Journal?page=2"),
    ):
        first = AccountData(platform=platform, url=link).normalised()
        assert first.normalised() == first


def test_the_same_profile_written_differently_is_a_duplicate(workspace: Workspace) -> None:
    ada = add(workspace, "Ada", "https://instagram.com/ada.glow")
    for written in (
        "http://www.instagram.com/Ada.Glow/?hl=en",
        "INSTAGRAM.COM/ADA.GLOW",
        "https://instagram.com/ada.glow?igshid=xyz#top",
    ):
        with pytest.raises(DuplicateCreator) as caught:
            add(workspace, "Copy", written)
        assert [d.creator for d in caught.value.duplicates] == [ada]
    with pytest.raises(DuplicateCreator):
        services.create_creator(
            workspace=workspace,
            actor=None,
            name="Copy",
            accounts=[AccountData(platform="instagram", handle="@Ada.Glow")],
        )
    blog = add(workspace, "Ada's blog", "https://ada-writes.example/Journal", "blog")
    with pytest.raises(DuplicateCreator) as caught:
        add(workspace, "Copy", "http://www.ada-writes.example/Journal/?utm_source=x#top", "blog")
    assert [d.creator for d in caught.value.duplicates] == [blog]
    assert Creator.objects.count() == 2


def test_different_ids_in_a_link_are_different_accounts(workspace: Workspace) -> None:
    add(workspace, "Ada", "https://www.facebook.com/profile.php?id=1001")
    add(workspace, "Bo", "https://www.facebook.com/profile.php?id=1002")
    add(workspace, "Cy", "https://youtube.com/channel/UCabcDEF")
    add(workspace, "Di", "https://youtube.com/channel/UCABCdef")
    assert sorted(SocialAccount.objects.values_list("url", flat=True)) == [
        "https://facebook.com/profile.php?id=1001",
        "https://facebook.com/profile.php?id=1002",
        "https://youtube.com/channel/UCABCdef",
        "https://youtube.com/channel/UCabcDEF",
    ]
    with pytest.raises(DuplicateCreator):
        add(workspace, "Copy", "https://m.facebook.com/profile.php?id=1001&ref=bookmarks")


def test_a_handle_that_starts_like_http_is_a_handle() -> None:
    form = AccountForm({"new-platform": "instagram", "new-profile": "httpkid"}, prefix="new")
    assert form.is_valid(), form.errors
    account = form.account_data()
    assert account is not None
    assert (account.handle, account.url) == ("httpkid", "")
    assert account.normalised().url == "https://instagram.com/httpkid"


def test_the_page_explains_a_pasted_post_link(manager_client: Client, workspace: Workspace) -> None:
    creator = services.create_creator(workspace=workspace, actor=None, name="Ada")
    response = manager_client.post(
        f"/w/{workspace.slug}/creators/{creator.pk}/accounts/",
        {"new-profile": "https://www.instagram.com/reel/C9xYzAbC/"},
    )
    assert response.status_code == 400
    assert NOT_A_PROFILE in html.unescape(response.content.decode())
    assert not creator.social_accounts.exists()


def test_the_api_refuses_a_post_link_on_the_url_field(
    manager: Membership, api_client_for: Callable[..., Client], workspace: Workspace
) -> None:
    creator = services.create_creator(workspace=workspace, actor=None, name="Ada")
    response = api_client_for(manager).post(
        f"/api/v1/creators/{creator.pk}/accounts",
        {"url": "https://youtu.be/dQw4w9WgXcQ"},
        content_type="application/json",
    )
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["field"] == "url" and NOT_A_PROFILE in error["message"]
    assert not creator.social_accounts.exists()
