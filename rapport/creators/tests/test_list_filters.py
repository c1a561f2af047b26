"""The creator list page: every filter, search, sorting, columns, pages and the htmx updates."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rapport.creators import services
from rapport.creators.models import Creator, CustomField, FieldType, Stage
from rapport.creators.queries import DEFAULT_COLUMNS
from rapport.testing.factories import MembershipFactory
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role

URL = "/w/lumen/creators/"
ROW_NAME = re.compile(r'<th scope="row" class="col-name">(?:<a [^>]*>)?([^<]+)')


def add(workspace: Workspace, name: str, **kwargs: Any) -> Creator:
    """A creator made by the service; ``followers``, ``platform`` and ``er`` make a channel."""
    followers = kwargs.pop("followers", None)
    platform = kwargs.pop("platform", "instagram")
    er = kwargs.pop("er", None)
    handle = kwargs.pop("handle", name.lower().replace(" ", ""))
    accounts = []
    if followers is not None:
        accounts = [services.AccountData(platform, handle, "", followers, None, er)]
    return services.create_creator(
        workspace=workspace, actor=None, name=name, accounts=accounts, **kwargs
    )


def names(response: Any) -> list[str]:
    """The creators listed on the page, in order."""
    assert response.status_code == 200
    return [html.unescape(name).strip() for name in ROW_NAME.findall(response.content.decode())]


@pytest.fixture
def roster(workspace: Workspace, member: Callable[..., Membership]) -> dict[str, Creator]:
    maya = member(Role.MANAGER, name="Maya Moreau").user
    CustomField.objects.create(
        workspace=workspace,
        key="skin",
        label="Skin type",
        field_type=FieldType.CHOICE,
        choices=["dry", "oily"],
    )
    CustomField.objects.create(
        workspace=workspace, key="agency", label="Agency", field_type=FieldType.TEXT
    )
    ava = add(
        workspace,
        "Ava Martin",
        followers=8_000,
        er=Decimal("6.5"),
        country="FR",
        languages=["fr", "en"],
        emails=["ava@example.com"],
        tags=["ugc", "spring"],
        owner=maya,
        niches=["skincare"],
        custom_fields={"skin": "dry", "agency": "Nova"},
    )
    noah = add(
        workspace,
        "Noah Kim",
        followers=150_000,
        er=Decimal("2.1"),
        platform="tiktok",
        country="US",
        languages=["en"],
        tags=["ugc"],
        custom_fields={"skin": "oily"},
    )
    zoe = add(
        workspace,
        "Zoe Rossi",
        followers=1_500_000,
        er=Decimal("1.2"),
        platform="youtube",
        country="IT",
        emails=["zoe@example.com"],
    )
    services.change_stage(creator=noah, actor=None, stage=Stage.ACTIVE, reason="Signed")
    services.change_stage(
        creator=zoe, actor=None, stage=Stage.DO_NOT_CONTACT, reason="Asked us to stop"
    )
    return {"ava": ava, "noah": noah, "zoe": zoe}


@pytest.fixture
def viewer_client(member: Callable[..., Membership], client_for: Callable[..., Client]) -> Client:
    return client_for(member(Role.VIEWER))


def test_the_list_shows_every_live_creator_and_the_count(manager_client, roster):
    response = manager_client.get(URL)
    assert names(response) == ["Ava Martin", "Noah Kim", "Zoe Rossi"]
    assert "3 creators" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"stage": "active"}, ["Noah Kim"]),
        ({"stage": ["active", "do_not_contact"]}, ["Noah Kim", "Zoe Rossi"]),
        ({"tier": "mega"}, ["Zoe Rossi"]),
        ({"tier": "nano,mid"}, ["Ava Martin", "Noah Kim"]),
        ({"platform": "tiktok"}, ["Noah Kim"]),
        ({"country": "fr"}, ["Ava Martin"]),
        ({"language": "en"}, ["Ava Martin", "Noah Kim"]),
        ({"language": "fr"}, ["Ava Martin"]),
        ({"followers_min": "10k"}, ["Noah Kim", "Zoe Rossi"]),
        ({"followers_max": "150,000"}, ["Ava Martin", "Noah Kim"]),
        ({"followers_min": "100k", "followers_max": "1M"}, ["Noah Kim"]),
        ({"er_min": "2"}, ["Ava Martin", "Noah Kim"]),
        ({"er_max": "2.1%"}, ["Noah Kim", "Zoe Rossi"]),
        ({"has_email": "yes"}, ["Ava Martin", "Zoe Rossi"]),
        ({"has_email": "no"}, ["Noah Kim"]),
        ({"dnc": "yes"}, ["Zoe Rossi"]),
        ({"dnc": "no"}, ["Ava Martin", "Noah Kim"]),
        ({"cf.skin": "oily"}, ["Noah Kim"]),
        ({"cf.agency": "Nova"}, ["Ava Martin"]),
        ({"q": "ROSSI"}, ["Zoe Rossi"]),
        ({"q": "@noahkim"}, ["Noah Kim"]),
        ({"q": "zoe@example"}, ["Zoe Rossi"]),
        ({"q": "skincare"}, ["Ava Martin"]),
    ],
)
def test_each_filter_narrows_the_list(manager_client, roster, query, expected):
    assert names(manager_client.get(URL, query)) == expected


def test_tags_match_any_or_all(manager_client, roster, workspace):
    ugc = workspace.tags.get(name="ugc").pk
    spring = workspace.tags.get(name="spring").pk
    assert names(manager_client.get(URL, {"tag": [ugc, spring]})) == ["Ava Martin", "Noah Kim"]
    assert names(manager_client.get(URL, {"tag": [ugc, spring], "tag_mode": "all"})) == [
        "Ava Martin"
    ]


def test_owner_filter_includes_no_owner(manager_client, roster):
    maya = roster["ava"].owner
    assert names(manager_client.get(URL, {"owner": maya.pk})) == ["Ava Martin"]
    assert names(manager_client.get(URL, {"owner": "none"})) == ["Noah Kim", "Zoe Rossi"]


def test_search_finds_words_in_notes(manager_client, roster):
    services.add_note(creator=roster["noah"], author=None, body="Loves the vitamin serum")
    assert names(manager_client.get(URL, {"q": "vitamin"})) == ["Noah Kim"]


def test_the_filter_form_shows_the_state_of_the_url(manager_client, roster):
    page = manager_client.get(URL, {"stage": "active", "q": "noah", "has_email": "no"}).content
    text = page.decode()
    assert re.search(r'name="stage" value="active" checked', text)
    assert not re.search(r'name="stage" value="paused" checked', text)
    assert 'name="q" value="noah"' in text
    assert '<option value="no" selected>' in text
    assert "1 creator match these filters" in text


def test_bad_filter_values_say_what_is_wrong_and_list_nothing(manager_client, roster):
    response = manager_client.get(URL, {"followers_min": "lots", "stage": "famous"})
    text = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Some filters could not be read" in text
    assert "Followers, at least: “lots” is not a number of followers." in text
    assert "Stage: Unknown value: famous." in text
    assert names(response) == []


def test_an_unknown_custom_field_is_reported(manager_client, roster):
    text = html.unescape(manager_client.get(URL, {"cf.shoe": "42"}).content.decode())
    assert "There is no custom field “shoe”." in text


def test_sorting_by_a_column_header(manager_client, roster):
    by_followers = manager_client.get(URL, {"sort": "-followers"})
    assert names(by_followers) == ["Zoe Rossi", "Noah Kim", "Ava Martin"]
    text = by_followers.content.decode()
    assert 'aria-sort="descending" class="col-followers"' in text
    # Clicking the header again sorts the other way, keeping the other filters.
    assert 'href="?sort=followers"' in text
    assert names(manager_client.get(URL, {"sort": "engagement_rate"})) == [
        "Zoe Rossi",
        "Noah Kim",
        "Ava Martin",
    ]
    assert names(manager_client.get(URL, {"sort": "-name"})) == [
        "Zoe Rossi",
        "Noah Kim",
        "Ava Martin",
    ]
    filtered = manager_client.get(URL, {"sort": "name", "stage": "active"}).content.decode()
    assert 'href="?stage=active&amp;sort=-name"' in filtered
    assert 'aria-sort="ascending" class="col-name"' in filtered


def test_the_column_chooser_picks_the_columns(manager_client, roster):
    default = manager_client.get(URL).content.decode()
    assert 'class="col-tags"' in default
    assert 'class="col-email"' not in default
    chosen = manager_client.get(URL, {"col": ["name", "email", "country"]}).content.decode()
    assert 'class="col-email"' in chosen
    assert "ava@example.com" in chosen
    assert 'class="col-tags"' not in chosen


def test_an_htmx_request_gets_only_the_results_and_a_clean_url(manager_client, roster):
    response = manager_client.get(
        URL,
        {"q": "", "stage": "active", "followers_min": "", "col": DEFAULT_COLUMNS},
        headers={"HX-Request": "true"},
    )
    text = response.content.decode()
    assert names(response) == ["Noah Kim"]
    assert "<html" not in text
    assert response["HX-Push-Url"] == URL + "?stage=active"
    # The count above the table is updated in place, for screen readers too.
    assert 'id="result-count" hx-swap-oob="innerHTML"' in text
    assert "1 creator match these filters" in text


def test_the_same_url_loaded_directly_renders_the_whole_page(manager_client, roster):
    response = manager_client.get(URL + "?stage=active")
    text = response.content.decode()
    assert "<html" in text
    assert 'id="filters"' in text
    assert names(response) == ["Noah Kim"]


def test_pages_of_fifty(manager_client, workspace):
    for n in range(55):
        add(workspace, f"Creator {n:02d}")
    first = manager_client.get(URL)
    assert len(names(first)) == 50
    assert "Page 1 of 2" in first.content.decode()
    second = manager_client.get(URL, {"page": 2})
    assert names(second) == [f"Creator {n:02d}" for n in range(50, 55)]
    assert "55 creators" in second.content.decode()


def test_the_list_takes_the_same_number_of_queries_for_3_or_40_creators(
    manager_client, manager, workspace, django_assert_num_queries
):
    owner = manager.user

    def grow(to: int) -> None:
        while Creator.objects.filter(workspace=workspace).count() < to:
            n = Creator.objects.count()
            add(
                workspace,
                f"Creator {n}",
                followers=1000 + n,
                tags=[f"t{n % 4}", "all"],
                emails=[f"c{n}@example.com"],
                owner=owner,
            )

    grow(3)
    manager_client.get(URL)  # the first visit also remembers the workspace in the session
    with CaptureQueriesContext(connection) as small:
        assert len(names(manager_client.get(URL))) == 3
    grow(40)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(names(manager_client.get(URL))) == 40


def test_the_bin_lists_deleted_creators_only(manager_client, roster, workspace):
    services.delete_creators(workspace=workspace, actor=None, ids=[roster["ava"].pk])
    assert names(manager_client.get(URL)) == ["Noah Kim", "Zoe Rossi"]
    binned = manager_client.get(URL, {"bin": "yes"})
    assert names(binned) == ["Ava Martin"]
    assert 'value="restore"' in binned.content.decode()


def test_another_workspaces_creators_never_show(manager_client, roster, other_workspace):
    add(other_workspace, "Outsider Person", followers=5_000)
    assert "Outsider" not in manager_client.get(URL, {"q": "outsider"}).content.decode()
    assert names(manager_client.get(URL)) == ["Ava Martin", "Noah Kim", "Zoe Rossi"]


def test_a_workspace_one_is_not_a_member_of_is_404(client_for, roster, other_workspace):
    outsider = MembershipFactory(workspace=other_workspace, role=Role.OWNER)
    assert client_for(outsider).get(URL).status_code == 404


def test_a_viewer_sees_the_list_without_controls_to_change_it(viewer_client, roster):
    text = viewer_client.get(URL).content.decode()
    assert names(viewer_client.get(URL)) == ["Ava Martin", "Noah Kim", "Zoe Rossi"]
    assert "Add creator" not in text
    assert 'name="ids"' not in text
    assert "Move to bin" not in text
