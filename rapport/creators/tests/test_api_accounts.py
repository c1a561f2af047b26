"""A creator's social accounts through the API: add from a pasted URL, change, remove."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from rapport.creators import services
from rapport.creators.models import Creator, SocialAccount
from rapport.workspaces.models import Membership, Workspace

API = "/api/v1/creators"


@pytest.fixture
def api(manager: Membership, api_client_for: Callable[..., Client]) -> Client:
    return api_client_for(manager)


@pytest.fixture
def ada(workspace: Workspace) -> Creator:
    return services.create_creator(
        workspace=workspace,
        actor=None,
        name="Ada",
        accounts=[services.AccountData(platform="instagram", handle="ada", followers=9_000)],
    )


def send(client: Client, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, body, content_type="application/json")


def test_list_accounts(api: Client, ada: Creator) -> None:
    response = api.get(f"{API}/{ada.pk}/accounts")
    assert response.status_code == 200
    assert [(a["platform"], a["handle"], a["followers"]) for a in response.json()] == [
        ("instagram", "ada", 9000)
    ]


def test_add_from_a_pasted_profile_url(api: Client, ada: Creator) -> None:
    response = send(
        api,
        "post",
        f"{API}/{ada.pk}/accounts",
        {
            "url": "https://www.youtube.com/@AdaMakes/videos",
            "followers": 250_000,
            "engagement_rate": "3.5",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["platform"], body["handle"]) == ("youtube", "adamakes")
    assert body["url"] == "https://youtube.com/@adamakes"
    assert body["last_updated"] is not None
    creator = api.get(f"{API}/{ada.pk}").json()
    assert creator["followers_max"] == 250_000
    assert creator["tier"] == "mid"
    assert ada.events.filter(kind="account.saved").exists()


def test_an_account_another_creator_has_is_a_409(
    api: Client, ada: Creator, workspace: Workspace
) -> None:
    bo = services.create_creator(workspace=workspace, actor=None, name="Bo")
    response = send(api, "post", f"{API}/{bo.pk}/accounts", {"url": "instagram.com/ada"})
    assert response.status_code == 409
    duplicate = response.json()["duplicates"][0]
    assert (duplicate["id"], duplicate["name"]) == (ada.pk, "Ada")
    assert "@ada" in duplicate["reasons"][0]
    assert not bo.social_accounts.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"handle": "x"}, "platform"),
        ({"platform": "instagram"}, "handle"),
        ({"platform": "friendster", "handle": "x"}, "platform"),
        ({"platform": "instagram", "handle": "x", "followers": -5}, "followers"),
        ({"platform": "instagram", "handle": "x", "engagement_rate": "lots"}, "engagement_rate"),
    ],
)
def test_invalid_account_names_the_field(
    api: Client, ada: Creator, body: dict[str, Any], field: str
) -> None:
    response = send(api, "post", f"{API}/{ada.pk}/accounts", body)
    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["detail"]]
    assert ada.social_accounts.count() == 1


def test_change_figures_keeps_the_handle(api: Client, ada: Creator) -> None:
    account = ada.social_accounts.get()
    response = send(api, "patch", f"{API}/{ada.pk}/accounts/{account.pk}", {"followers": 1_200_000})
    assert response.status_code == 200
    assert (response.json()["handle"], response.json()["followers"]) == ("ada", 1_200_000)
    assert api.get(f"{API}/{ada.pk}").json()["tier"] == "mega"


def test_a_new_url_alone_rereads_the_handle(api: Client, ada: Creator) -> None:
    account = ada.social_accounts.get()
    response = send(
        api,
        "patch",
        f"{API}/{ada.pk}/accounts/{account.pk}",
        {"url": "https://instagram.com/ada.renamed/"},
    )
    assert response.json()["handle"] == "ada.renamed"
    assert response.json()["followers"] == 9000


def test_remove_an_account(api: Client, ada: Creator) -> None:
    account = ada.social_accounts.get()
    assert api.delete(f"{API}/{ada.pk}/accounts/{account.pk}").status_code == 204
    assert not SocialAccount.objects.filter(pk=account.pk).exists()
    assert api.get(f"{API}/{ada.pk}").json()["followers_max"] == 0
    assert ada.events.filter(kind="account.deleted").exists()


def test_an_account_of_another_creator_is_a_404(
    api: Client, ada: Creator, workspace: Workspace
) -> None:
    bo = services.create_creator(workspace=workspace, actor=None, name="Bo")
    account = ada.social_accounts.get()
    url = f"{API}/{bo.pk}/accounts/{account.pk}"
    assert send(api, "patch", url, {"followers": 1}).status_code == 404
    assert api.delete(url).status_code == 404
    assert SocialAccount.objects.get(pk=account.pk).followers == 9000
