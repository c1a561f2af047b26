"""Every creators endpoint against strangers, other workspaces, read-only roles and dead tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from rapport.creators import services
from rapport.creators.models import Creator, CustomField, SocialAccount, Tag
from rapport.workspaces.models import AuditEvent, Membership, Workspace
from rapport.workspaces.roles import Role
from rapport.workspaces.services import create_api_token, revoke_api_token

# (method, path, JSON body, whether it writes); {c} is a creator id, {a} one of its accounts.
ENDPOINTS: list[tuple[str, str, Any, bool]] = [
    ("get", "/api/v1/creators", None, False),
    ("post", "/api/v1/creators", {"name": "Newcomer"}, True),
    ("post", "/api/v1/creators/bulk", {"action": "tag", "ids": ["{c}"], "tag": "x"}, True),
    ("get", "/api/v1/creators/{c}", None, False),
    ("patch", "/api/v1/creators/{c}", {"notes": "changed"}, True),
    ("delete", "/api/v1/creators/{c}", None, True),
    ("post", "/api/v1/creators/{c}/restore", {}, True),
    ("get", "/api/v1/creators/{c}/timeline", None, False),
    ("get", "/api/v1/creators/{c}/accounts", None, False),
    ("post", "/api/v1/creators/{c}/accounts", {"url": "https://instagram.com/brandnew"}, True),
    ("patch", "/api/v1/creators/{c}/accounts/{a}", {"followers": 5}, True),
    ("delete", "/api/v1/creators/{c}/accounts/{a}", None, True),
    ("get", "/api/v1/tags", None, False),
    ("get", "/api/v1/custom-fields", None, False),
]
WRITES = [e for e in ENDPOINTS if e[3]]
READS = [e for e in ENDPOINTS if not e[3]]
WITH_IDS = [e for e in ENDPOINTS if "{c}/" in e[1] + "/" and "bulk" not in e[1]]


def endpoint_id(endpoint: tuple[str, str, Any, bool]) -> str:
    return f"{endpoint[0].upper()} {endpoint[1]}"


def call(
    client: Client,
    endpoint: tuple[str, str, Any, bool],
    creator: Creator,
    account: SocialAccount,
    **headers: str,
) -> Any:
    method, path, body, _writes = endpoint
    path = path.replace("{c}", str(creator.pk)).replace("{a}", str(account.pk))
    if body is not None:
        body = {key: [creator.pk] if value == ["{c}"] else value for key, value in body.items()}
        return getattr(client, method)(path, body, content_type="application/json", **headers)
    return getattr(client, method)(path, **headers)


def make_creator(workspace: Workspace, name: str, handle: str) -> Creator:
    creator = services.create_creator(
        workspace=workspace,
        actor=None,
        name=name,
        tags=[f"{name} tag"],
        accounts=[services.AccountData(platform="tiktok", handle=handle, followers=1_000)],
    )
    CustomField.objects.create(
        workspace=workspace, key=f"{handle}_field", label=name, field_type="text"
    )
    return creator


@pytest.fixture
def mine(workspace: Workspace) -> Creator:
    return make_creator(workspace, "Mine", "mine")


@pytest.fixture
def theirs(other_workspace: Workspace) -> Creator:
    return make_creator(other_workspace, "Theirs", "theirs")


def snapshot() -> tuple[Any, ...]:
    """Everything a write could change."""
    return (
        list(Creator.objects.order_by("pk").values()),
        list(SocialAccount.objects.order_by("pk").values()),
        list(Tag.objects.order_by("pk").values_list("name", "creators")),
        AuditEvent.objects.count(),
    )


def token(membership: Membership, role: str | None = None) -> str:
    return create_api_token(workspace=membership.workspace, user=membership.user, role=role)[1]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=endpoint_id)
def test_without_a_token_is_401(endpoint: Any, mine: Creator) -> None:
    before = snapshot()
    response = call(Client(), endpoint, mine, mine.social_accounts.get())
    assert response.status_code == 401
    assert response.json() == {"detail": "A valid bearer token is required."}
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=endpoint_id)
def test_a_revoked_or_unknown_token_is_401(
    endpoint: Any, mine: Creator, manager: Membership
) -> None:
    raw = token(manager)
    stored = manager.user.api_tokens.get()
    revoke_api_token(workspace=manager.workspace, actor=manager.user, token=stored)
    before = snapshot()
    account = mine.social_accounts.get()
    for secret in (raw, raw + "x", "rpt_guess"):
        response = call(Client(), endpoint, mine, account, HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == 401
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", WITH_IDS, ids=endpoint_id)
def test_another_workspace_object_is_404(
    endpoint: Any, mine: Creator, theirs: Creator, manager: Membership
) -> None:
    client = Client(headers={"Authorization": f"Bearer {token(manager)}"})
    services.delete_creators(workspace=theirs.workspace, actor=None, ids=[theirs.pk])
    before = snapshot()
    their_account = theirs.social_accounts.get()
    response = call(client, endpoint, theirs, their_account)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    if "{a}" in endpoint[1]:
        # Our own creator does not open the door to their account either.
        assert call(client, endpoint, mine, their_account).status_code == 404
    assert snapshot() == before


def test_bulk_passes_over_another_workspace_creators(
    mine: Creator, theirs: Creator, manager: Membership
) -> None:
    client = Client(headers={"Authorization": f"Bearer {token(manager)}"})
    before = snapshot()
    for action in ("tag", "delete", "stage"):
        response = client.post(
            "/api/v1/creators/bulk",
            {"action": action, "ids": [theirs.pk], "tag": "x", "stage": "active"},
            content_type="application/json",
        )
        assert response.json()["changed"] == 0
    after = snapshot()
    assert after[:2] == before[:2]
    assert not theirs.tags.filter(name="x").exists()
    assert not Tag.objects.filter(workspace=theirs.workspace, name="x").exists()


@pytest.mark.parametrize("path", ["/api/v1/creators", "/api/v1/tags", "/api/v1/custom-fields"])
def test_lists_show_only_the_token_workspace(
    path: str, mine: Creator, theirs: Creator, manager: Membership
) -> None:
    client = Client(headers={"Authorization": f"Bearer {token(manager)}"})
    text = client.get(path).content.decode()
    assert "Mine" in text or "mine" in text
    assert "Theirs" not in text and "theirs" not in text


@pytest.mark.parametrize("endpoint", WRITES, ids=endpoint_id)
@pytest.mark.parametrize("role", [Role.VIEWER, Role.REVIEWER, Role.FINANCE, Role.OPS])
def test_roles_that_only_read_cannot_write(
    endpoint: Any, role: str, mine: Creator, member: Callable[..., Membership]
) -> None:
    client = Client(headers={"Authorization": f"Bearer {token(member(role))}"})
    if endpoint[0] == "post" and endpoint[1].endswith("restore"):
        services.delete_creators(workspace=mine.workspace, actor=None, ids=[mine.pk])
    before = snapshot()
    response = call(client, endpoint, mine, mine.social_accounts.get())
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this."}
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", WRITES, ids=endpoint_id)
def test_the_token_role_decides_not_the_member_role(
    endpoint: Any, mine: Creator, owner: Membership
) -> None:
    viewer_token = Client(headers={"Authorization": f"Bearer {token(owner, Role.VIEWER)}"})
    owner_token = Client(headers={"Authorization": f"Bearer {token(owner)}"})
    account = mine.social_accounts.get()
    if endpoint[1].endswith("restore"):
        services.delete_creators(workspace=mine.workspace, actor=None, ids=[mine.pk])
    before = snapshot()
    assert call(viewer_token, endpoint, mine, account).status_code == 403
    assert snapshot() == before
    assert call(owner_token, endpoint, mine, account).status_code in (200, 201, 204)


@pytest.mark.parametrize("endpoint", READS, ids=endpoint_id)
def test_a_viewer_token_reads(
    endpoint: Any, mine: Creator, member: Callable[..., Membership]
) -> None:
    client = Client(headers={"Authorization": f"Bearer {token(member(Role.VIEWER))}"})
    response = call(client, endpoint, mine, mine.social_accounts.get())
    assert response.status_code == 200
    assert "Mine" in response.content.decode() or "mine" in response.content.decode()


def test_a_token_stops_working_when_its_member_is_demoted(
    mine: Creator, manager: Membership
) -> None:
    client = Client(headers={"Authorization": f"Bearer {token(manager)}"})
    assert client.get("/api/v1/creators").status_code == 200
    Membership.objects.filter(pk=manager.pk).update(role=Role.VIEWER)
    assert client.get("/api/v1/creators").status_code == 401
