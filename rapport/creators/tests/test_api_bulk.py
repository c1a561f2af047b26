"""Bulk actions on selected creators, and the workspace's tags and custom fields, via the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from rapport.creators import services
from rapport.creators.models import Creator, CustomField, FieldType, Stage
from rapport.workspaces.models import Membership, Workspace
from rapport.workspaces.roles import Role

BULK = "/api/v1/creators/bulk"


@pytest.fixture
def api(manager: Membership, api_client_for: Callable[..., Client]) -> Client:
    return api_client_for(manager)


@pytest.fixture
def trio(workspace: Workspace) -> list[Creator]:
    return [
        services.create_creator(workspace=workspace, actor=None, name=name)
        for name in ("Ada", "Bo", "Cy")
    ]


def bulk(client: Client, body: dict[str, Any]) -> Any:
    return client.post(BULK, body, content_type="application/json")


def ids(creators: list[Creator]) -> list[int]:
    return [c.pk for c in creators]


def test_tag_and_untag(api: Client, trio: list[Creator]) -> None:
    response = bulk(api, {"action": "tag", "ids": ids(trio[:2]), "tag": "gifting"})
    assert response.json() == {"action": "tag", "changed": 2}
    assert [c.name for c in Creator.objects.filter(tags__name="gifting")] == ["Ada", "Bo"]
    response = bulk(api, {"action": "untag", "ids": ids(trio), "tag": "gifting"})
    assert response.json()["changed"] == 2
    assert not Creator.objects.filter(tags__name="gifting").exists()


def test_change_stage_with_reason(api: Client, trio: list[Creator], manager: Membership) -> None:
    refused = bulk(api, {"action": "stage", "ids": ids(trio), "stage": "do_not_contact"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "reason"
    assert not Creator.objects.filter(stage=Stage.DO_NOT_CONTACT).exists()

    response = bulk(
        api, {"action": "stage", "ids": ids(trio), "stage": "do_not_contact", "reason": "Brand"}
    )
    assert response.json()["changed"] == 3
    assert Creator.objects.filter(stage=Stage.DO_NOT_CONTACT).count() == 3
    assert trio[0].events.get(kind="creator.stage_changed").actor == manager.user


def test_stage_action_needs_a_stage(api: Client, trio: list[Creator]) -> None:
    response = bulk(api, {"action": "stage", "ids": ids(trio)})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "stage"


def test_assign_and_clear_owner(
    api: Client, trio: list[Creator], member: Callable[..., Membership]
) -> None:
    amy = member(Role.MANAGER)
    assert (
        bulk(api, {"action": "owner", "ids": ids(trio), "owner": amy.user.email}).json()["changed"]
        == 3
    )
    assert set(Creator.objects.values_list("owner", flat=True)) == {amy.user.pk}
    bulk(api, {"action": "owner", "ids": ids(trio[:1]), "owner": None})
    assert Creator.objects.get(pk=trio[0].pk).owner is None


def test_delete_and_restore(api: Client, trio: list[Creator]) -> None:
    assert bulk(api, {"action": "delete", "ids": ids(trio[:2])}).json()["changed"] == 2
    assert list(Creator.objects.alive().values_list("name", flat=True)) == ["Cy"]
    assert bulk(api, {"action": "restore", "ids": ids(trio)}).json()["changed"] == 2
    assert Creator.objects.alive().count() == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "explode", "ids": [1]}, "action"),
        ({"action": "delete", "ids": []}, "ids"),
        ({"action": "tag", "ids": [1], "tag": " "}, "tag"),
        ({"action": "owner", "ids": [1], "owner": "nobody@example.test"}, "owner"),
    ],
)
def test_invalid_bulk_input_names_the_field(
    api: Client, trio: list[Creator], body: dict[str, Any], field: str
) -> None:
    response = bulk(api, body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == field


def test_tags_with_their_counts(api: Client, trio: list[Creator], workspace: Workspace) -> None:
    services.bulk_tag(workspace=workspace, actor=None, ids=ids(trio), tag="vegan")
    services.bulk_tag(workspace=workspace, actor=None, ids=ids(trio[:1]), tag="summer")
    services.delete_creators(workspace=workspace, actor=None, ids=ids(trio[2:]))
    response = api.get("/api/v1/tags")
    assert response.status_code == 200
    assert [(t["name"], t["creator_count"]) for t in response.json()] == [
        ("summer", 1),
        ("vegan", 2),
    ]


def test_custom_field_definitions(api: Client, workspace: Workspace) -> None:
    CustomField.objects.create(
        workspace=workspace,
        key="size",
        label="Size",
        field_type=FieldType.CHOICE,
        choices=["S", "M"],
        position=2,
    )
    CustomField.objects.create(
        workspace=workspace, key="met_at", label="Met at", field_type=FieldType.TEXT, position=1
    )
    response = api.get("/api/v1/custom-fields")
    assert response.status_code == 200
    assert response.json() == [
        {"key": "met_at", "label": "Met at", "field_type": "text", "choices": [], "position": 1},
        {
            "key": "size",
            "label": "Size",
            "field_type": "choice",
            "choices": ["S", "M"],
            "position": 2,
        },
    ]
