"""The creator list endpoint: the list page's filters and sorts, cursor pages, constant queries."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from rapport.creators import services
from rapport.creators.models import Creator, CustomField, FieldType, Stage
from rapport.creators.queries import CreatorFilters, filtered_creators
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role

API = "/api/v1/creators"


@pytest.fixture
def api(manager: Membership, api_client_for: Callable[..., Client]) -> Client:
    return api_client_for(manager)


def add(workspace: Workspace, name: str, **kwargs: Any) -> Creator:
    """A creator made by the service; ``followers``, ``platform`` and ``er`` give it a channel."""
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
    assert response.status_code == 200, response.json()
    return [row["name"] for row in response.json()["items"]]


def walk(client: Client, params: dict[str, Any], limit: int) -> list[int]:
    """Every id the list gives, following ``next`` until the last page."""
    ids: list[int] = []
    cursor = None
    for _ in range(100):
        page = client.get(API, {**params, "limit": limit, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.json()
        ids += [row["id"] for row in page.json()["items"]]
        cursor = page.json()["next"]
        if cursor is None:
            return ids
    raise AssertionError("the cursor never ran out")


@pytest.fixture
def roster(workspace: Workspace, member: Callable[..., Membership]) -> dict[str, Creator]:
    """Creators spread over stages, tiers, platforms, tags, owners and countries."""
    amy, ben = member(Role.MANAGER, name="Amy"), member(Role.MANAGER, name="Ben")
    return {
        "Ada": add(
            workspace,
            "Ada",
            followers=800_000,
            er=Decimal("2.5"),
            country="FR",
            tags=["vegan", "summer"],
            owner=amy.user,
            stage=Stage.ACTIVE,
            emails=["ada@example.test"],
            languages=["fr"],
        ),
        "Bo": add(
            workspace,
            "Bo",
            followers=15_000,
            er=Decimal("6.1"),
            country="US",
            tags=["vegan"],
            owner=ben.user,
            platform="tiktok",
            languages=["en"],
        ),
        "Cy": add(
            workspace,
            "Cy",
            followers=3_000,
            country="US",
            tags=["summer"],
            owner=amy.user,
            platform="youtube",
            notes="met at the Lyon fair",
        ),
        "Di": add(
            workspace,
            "Di",
            stage=Stage.DO_NOT_CONTACT,
            do_not_contact_reason="asked",
            emails=["di@example.test"],
        ),
        "Ed": add(
            workspace,
            "Ed",
            followers=150_000,
            er=Decimal("2.5"),
            platform="tiktok",
            country="DE",
            languages=["de", "en"],
        ),
    }


def test_lists_the_workspace_creators_by_name(
    api: Client, roster: dict[str, Creator], other_workspace: Workspace
) -> None:
    add(other_workspace, "Zed elsewhere", followers=1_000)
    response = api.get(API)
    assert names(response) == ["Ada", "Bo", "Cy", "Di", "Ed"]
    first = response.json()["items"][0]
    assert first["tags"] == ["summer", "vegan"]
    assert first["owner"]["name"] == "Amy"
    assert first["accounts"][0]["followers"] == 800_000
    assert first["tier"] == "macro"
    assert response.json()["next"] is None


def tag_id(workspace: Workspace, name: str) -> str:
    return str(workspace.tags.get(name=name).pk)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stage": "active"}, ["Ada"]),
        ({"tier": "micro,mid"}, ["Bo", "Ed"]),
        ({"platform": "tiktok", "country": "us"}, ["Bo"]),
        ({"followers_min": "10k", "followers_max": "200k"}, ["Bo", "Ed"]),
        ({"er_min": "2.5", "er_max": "3"}, ["Ada", "Ed"]),
        ({"has_email": "yes"}, ["Ada", "Di"]),
        ({"dnc": "no", "has_email": "no"}, ["Bo", "Cy", "Ed"]),
        ({"q": "lyon"}, ["Cy"]),
        ({"q": "@bo"}, ["Bo"]),
        ({"language": "en"}, ["Bo", "Ed"]),
        ({"sort": "-followers", "tier": "nano,micro"}, ["Bo", "Cy", "Di"]),
    ],
)
def test_filters_match_the_list_page(
    api: Client,
    roster: dict[str, Creator],
    workspace: Workspace,
    params: dict[str, str],
    expected: list[str],
) -> None:
    assert names(api.get(API, params)) == expected
    # The same query string gives the same creators as the list page's filter engine.
    page_rows = filtered_creators(workspace, CreatorFilters.from_params(params))
    assert [c.name for c in page_rows] == expected


def test_tag_and_owner_filters(
    api: Client, roster: dict[str, Creator], workspace: Workspace
) -> None:
    vegan, summer = tag_id(workspace, "vegan"), tag_id(workspace, "summer")
    assert names(api.get(API, {"tag": [vegan, summer]})) == ["Ada", "Bo", "Cy"]
    assert names(api.get(API, {"tag": [vegan, summer], "tag_mode": "all"})) == ["Ada"]
    amy = roster["Ada"].owner
    assert amy is not None
    assert names(api.get(API, {"owner": str(amy.pk)})) == ["Ada", "Cy"]
    assert names(api.get(API, {"owner": "none"})) == ["Di", "Ed"]


def test_custom_field_filter(api: Client, workspace: Workspace) -> None:
    CustomField.objects.create(
        workspace=workspace,
        key="size",
        label="Size",
        field_type=FieldType.CHOICE,
        choices=["S", "M"],
    )
    add(workspace, "Small", custom_fields={"size": "S"})
    add(workspace, "Medium", custom_fields={"size": "M"})
    assert names(api.get(API, {"cf.size": "M"})) == ["Medium"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"stage": "famous"}, "stage"),
        ({"sort": "shoe_size"}, "sort"),
        ({"followers_min": "lots"}, "followers_min"),
        ({"cf.nope": "x"}, "cf.nope"),
        ({"limit": "500"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_bad_parameters_name_the_field(
    api: Client, roster: dict[str, Creator], params: dict[str, str], field: str
) -> None:
    response = api.get(API, params)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["detail"]] == [field]


@pytest.mark.parametrize(
    "sort",
    [
        "name",
        "-name",
        "followers",
        "-followers",
        "engagement_rate",
        "-engagement_rate",
        "owner",
        "-owner",
        "email",
        "-email",
        "created",
        "-updated",
        "stage",
        "-country",
        "city",
    ],
)
def test_cursor_pages_walk_every_row_once_in_sort_order(
    api: Client, workspace: Workspace, member: Callable[..., Membership], sort: str
) -> None:
    owners = [None, member(Role.MANAGER, name="Amy").user, member(Role.MANAGER, name="Bo").user]
    for n in range(23):
        # Repeated values and NULLs, so ties and missing values cross page boundaries.
        add(
            workspace,
            f"Creator {n % 7}",
            handle=f"creator{n}",
            followers=None if n % 5 == 0 else (n % 4) * 1_000,
            er=None if n % 3 == 0 else Decimal(n % 4),
            owner=owners[n % 3],
            country=["FR", "US", ""][n % 3],
            emails=[f"c{n}@example.test"] if n % 2 else [],
        )
    expected = [
        c.pk for c in filtered_creators(workspace, CreatorFilters.from_params({"sort": sort}))
    ]
    for limit in (1, 4, 50):
        assert walk(api, {"sort": sort}, limit) == expected


def test_cursor_pages_keep_the_filters(api: Client, workspace: Workspace) -> None:
    for n in range(12):
        add(workspace, f"C{n:02}", stage=Stage.ACTIVE if n % 2 else Stage.DISCOVERED)
    active = walk(api, {"stage": "active", "sort": "-name"}, 2)
    assert [Creator.objects.get(pk=pk).name for pk in active] == [
        "C11",
        "C09",
        "C07",
        "C05",
        "C03",
        "C01",
    ]


def test_a_cursor_from_another_sort_is_refused(api: Client, workspace: Workspace) -> None:
    for n in range(3):
        add(workspace, f"C{n}")
    cursor = api.get(API, {"limit": 1}).json()["next"]
    assert api.get(API, {"limit": 1, "cursor": cursor}).status_code == 200
    response = api.get(API, {"limit": 1, "cursor": cursor, "sort": "-followers"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "cursor"


def test_list_query_count_does_not_grow_with_rows(
    api: Client,
    workspace: Workspace,
    member: Callable[..., Membership],
    django_assert_num_queries: Any,
) -> None:
    owner = member(Role.MANAGER).user

    def make(count: int) -> None:
        start = Creator.objects.count()
        for n in range(start, start + count):
            creator = add(
                workspace,
                f"C{n}",
                followers=1_000 + n,
                owner=owner,
                tags=[f"tag{n % 3}", "all"],
                emails=[f"c{n}@example.test"],
            )
            services.save_account(
                creator=creator,
                actor=None,
                data=services.AccountData("youtube", f"yt{n}", followers=5 * n),
            )

    api.get(API)  # the token's first use notes the time; later calls within minutes do not
    make(5)
    # Token and membership, the page, its channels, its tags.
    with django_assert_num_queries(5):
        assert len(api.get(API).json()["items"]) == 5
    make(25)
    with django_assert_num_queries(5):
        assert len(api.get(API).json()["items"]) == 30
    everyone = tag_id(workspace, "all")
    with django_assert_num_queries(5):
        body = api.get(API, {"tag": everyone, "sort": "-owner", "limit": "10"}).json()
    assert len(body["items"]) == 10 and len(body["items"][0]["accounts"]) == 2
