"""Creating, reading, changing and binning creators through the API, as an integration would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from rapport.creators import services
from rapport.creators.models import Creator, CustomField, FieldType, Stage
from rapport.workspaces.models import AuditEvent, Membership, User, Workspace
from rapport.workspaces.roles import Role

API = "/api/v1/creators"


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, body, content_type="application/json")


def patch(client: Client, url: str, body: Any) -> Any:
    return client.patch(url, body, content_type="application/json")


@pytest.fixture
def api(manager: Membership, api_client_for: Callable[..., Client]) -> Client:
    return api_client_for(manager)


@pytest.fixture
def ada(workspace: Workspace, manager: Membership) -> Creator:
    return services.create_creator(
        workspace=workspace,
        actor=manager.user,
        name="Ada Glow",
        emails=["ada@example.test"],
        accounts=[services.AccountData(platform="instagram", handle="adaglow", followers=52_000)],
        tags=["skincare"],
        shipping_address="1 Rue de la Paix, Paris",
        tax_details="FR123",
    )


def test_create_a_creator_with_everything(
    api: Client, workspace: Workspace, manager: Membership
) -> None:
    response = post(
        api,
        API,
        {
            "name": "Bea Bloom",
            "emails": ["Bea@Example.test", "bea.work@example.test"],
            "accounts": [{"url": "https://www.tiktok.com/@bea.bloom?lang=en", "followers": 120000}],
            "tags": ["summer", "vegan"],
            "owner": manager.user.email.upper(),
            "country": "FR",
            "languages": ["fr", "en"],
            "stage": "qualified",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "Bea Bloom"
    assert body["emails"] == ["bea@example.test", "bea.work@example.test"]
    assert body["primary_email"] == "bea@example.test"
    assert [(a["platform"], a["handle"]) for a in body["accounts"]] == [("tiktok", "bea.bloom")]
    assert body["tier"] == "mid"
    assert body["tags"] == ["summer", "vegan"]
    assert body["owner"]["id"] == manager.user.pk
    assert body["stage"] == "qualified"
    creator = Creator.objects.get(pk=body["id"], workspace=workspace)
    assert creator.events.filter(kind="creator.created", actor=manager.user).exists()


def test_owner_can_be_given_by_member_id(api: Client, member: Callable[..., Membership]) -> None:
    colleague = member(Role.OWNER)
    response = post(api, API, {"name": "Cy", "owner": colleague.user.pk})
    assert response.status_code == 201
    assert response.json()["owner"]["email"] == colleague.user.email


def test_owner_must_be_a_member(api: Client, other_workspace: Workspace) -> None:
    user = User.objects.create_user("stranger@example.test", None)
    stranger = Membership.objects.create(workspace=other_workspace, user=user)
    response = post(api, API, {"name": "Cy", "owner": stranger.user.email})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "owner"
    assert not Creator.objects.filter(name="Cy").exists()


def test_a_duplicate_is_refused_with_the_existing_creator_and_why(
    api: Client, ada: Creator
) -> None:
    response = post(
        api,
        API,
        {
            "name": "Ada again",
            "emails": ["ADA@example.test"],
            "accounts": [{"url": "instagram.com/adaglow/"}],
        },
    )
    assert response.status_code == 409
    body = response.json()
    assert body["duplicates"][0]["id"] == ada.pk
    assert body["duplicates"][0]["name"] == "Ada Glow"
    assert len(body["duplicates"][0]["reasons"]) == 2
    assert "ada@example.test" in body["duplicates"][0]["reasons"][0]
    assert Creator.objects.count() == 1

    allowed = post(
        api, API, {"name": "Ada again", "emails": ["ada@example.test"], "allow_duplicate": True}
    )
    assert allowed.status_code == 201
    assert Creator.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "X", "stage": "famous"}, "stage"),
        ({"name": "X", "emails": ["not-an-address"]}, "emails"),
        (
            {"name": "X", "accounts": [{"handle": "x", "platform": "myspace"}]},
            "accounts.0.platform",
        ),
        ({"name": "X", "accounts": [{"platform": "instagram"}]}, "handle"),
        ({"name": "X", "custom_fields": {"shoe": "42"}}, "shoe"),
        ({"name": "X", "stage": "do_not_contact"}, "do_not_contact_reason"),
        ({"name": "X", "country": "Narnia"}, "country"),
        ({"name": "X", "country": "ZZ"}, "country"),
    ],
)
def test_invalid_input_names_the_field_and_changes_nothing(
    api: Client, body: dict[str, Any], field: str
) -> None:
    response = post(api, API, body)
    assert response.status_code == 422, response.json()
    assert field in [error["field"] for error in response.json()["detail"]]
    assert not Creator.objects.exists()


def test_malformed_json_is_a_400(api: Client) -> None:
    response = api.post(API, "{name:", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_custom_field_values_are_checked_against_their_definitions(
    api: Client, workspace: Workspace
) -> None:
    CustomField.objects.create(
        workspace=workspace, key="shoe_size", label="Shoe size", field_type=FieldType.NUMBER
    )
    bad = post(api, API, {"name": "X", "custom_fields": {"shoe_size": "big"}})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "shoe_size"
    good = post(api, API, {"name": "X", "custom_fields": {"shoe_size": "42"}})
    assert good.json()["custom_fields"] == {"shoe_size": 42.0}


def test_read_a_creator(api: Client, ada: Creator) -> None:
    response = api.get(f"{API}/{ada.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Ada Glow"
    assert body["accounts"][0]["url"] == "https://instagram.com/adaglow"
    assert body["accounts"][0]["followers"] == 52000
    assert body["tags"] == ["skincare"]


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (Role.FINANCE, True),
        (Role.OPS, True),
        (Role.MANAGER, False),
        (Role.OWNER, False),
        (Role.VIEWER, False),
        (Role.REVIEWER, False),
    ],
)
def test_private_details_only_for_finance_and_ops(
    member: Callable[..., Membership],
    api_client_for: Callable[..., Client],
    ada: Creator,
    role: str,
    sees: bool,
) -> None:
    client = api_client_for(member(role))
    detail = client.get(f"{API}/{ada.pk}").json()
    listed = client.get(API).json()["items"][0]
    for body in (detail, listed):
        assert ("shipping_address" in body) is sees
        assert ("tax_details" in body) is sees
    if sees:
        assert detail["shipping_address"] == "1 Rue de la Paix, Paris"
        assert listed["tax_details"] == "FR123"
    assert "Rue de la Paix" not in str(client.get(f"{API}/{ada.pk}/timeline").json())


def test_patch_changes_only_the_fields_given(api: Client, ada: Creator) -> None:
    response = patch(api, f"{API}/{ada.pk}", {"city": "Lyon", "niches": ["beauty"]})
    assert response.status_code == 200
    body = response.json()
    assert (body["city"], body["niches"], body["name"]) == ("Lyon", ["beauty"], "Ada Glow")
    event = ada.events.get(kind="creator.updated")
    assert event.changes["city"] == ["", "Lyon"]


def test_patch_stage_records_the_reason(api: Client, ada: Creator, manager: Membership) -> None:
    refused = patch(api, f"{API}/{ada.pk}", {"stage": "do_not_contact"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "reason"
    response = patch(api, f"{API}/{ada.pk}", {"stage": "do_not_contact", "reason": "Asked us to"})
    assert response.json()["stage"] == "do_not_contact"
    assert response.json()["do_not_contact_reason"] == "Asked us to"
    event = ada.events.get(kind="creator.stage_changed")
    assert (event.actor, event.reason) == (manager.user, "Asked us to")


def test_patch_replaces_tags_and_emails(api: Client, ada: Creator) -> None:
    response = patch(
        api,
        f"{API}/{ada.pk}",
        {"tags": ["vegan", "summer"], "emails": ["ada.new@example.test", "ada@example.test"]},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["tags"] == ["summer", "vegan"]
    assert body["emails"] == ["ada.new@example.test", "ada@example.test"]
    assert body["primary_email"] == "ada.new@example.test"


def test_patch_owner_by_email_and_unassign(api: Client, ada: Creator, manager: Membership) -> None:
    assigned = patch(api, f"{API}/{ada.pk}", {"owner": manager.user.email})
    assert assigned.json()["owner"]["id"] == manager.user.pk
    cleared = patch(api, f"{API}/{ada.pk}", {"owner": None})
    assert cleared.json()["owner"] is None


def test_a_failing_patch_changes_nothing(api: Client, ada: Creator, workspace: Workspace) -> None:
    other = services.create_creator(
        workspace=workspace, actor=None, name="Other", emails=["taken@example.test"]
    )
    response = patch(
        api, f"{API}/{ada.pk}", {"city": "Lyon", "tags": ["new"], "emails": ["taken@example.test"]}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "emails"
    ada.refresh_from_db()
    assert ada.city == ""
    assert [t.name for t in ada.tags.all()] == ["skincare"]
    assert other.emails.get().email == "taken@example.test"


def test_patch_refuses_null_for_a_text_field(api: Client, ada: Creator) -> None:
    response = patch(api, f"{API}/{ada.pk}", {"name": None})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "name"


def test_private_fields_need_finance_or_ops(
    member: Callable[..., Membership], api_client_for: Callable[..., Client], ada: Creator
) -> None:
    manager_api = api_client_for(member(Role.MANAGER))
    refused = patch(manager_api, f"{API}/{ada.pk}", {"shipping_address": "Elsewhere"})
    assert refused.status_code == 403
    assert post(manager_api, API, {"name": "Z", "tax_details": "X"}).status_code == 403

    finance_api = api_client_for(member(Role.FINANCE))
    changed = patch(finance_api, f"{API}/{ada.pk}", {"shipping_address": "2 Main St"})
    assert changed.status_code == 200
    assert changed.json()["shipping_address"] == "2 Main St"
    # Finance may change addresses but not the rest of the profile.
    assert patch(finance_api, f"{API}/{ada.pk}", {"city": "Nice"}).status_code == 403
    event = ada.events.filter(kind="creator.updated").latest("id")
    assert "2 Main St" not in str(event.changes)


def test_delete_moves_to_the_bin_and_restore_brings_back(api: Client, ada: Creator) -> None:
    assert api.delete(f"{API}/{ada.pk}").status_code == 204
    assert api.get(f"{API}/{ada.pk}").status_code == 404
    assert api.get(API).json()["items"] == []
    assert [c["id"] for c in api.get(API, {"bin": "yes"}).json()["items"]] == [ada.pk]

    restored = post(api, f"{API}/{ada.pk}/restore", {})
    assert restored.status_code == 200
    assert restored.json()["deleted_at"] is None
    assert restored.json()["accounts"][0]["handle"] == "adaglow"
    kinds = list(ada.events.values_list("kind", flat=True))
    assert "creator.deleted" in kinds and "creator.restored" in kinds


def test_timeline_lists_events_newest_first_and_filters_by_kind(
    api: Client, ada: Creator, manager: Membership
) -> None:
    services.change_stage(creator=ada, actor=manager.user, stage=Stage.CONTACTED, reason="DM")
    services.add_note(creator=ada, author=manager.user, body="Loves our serum")
    everything = api.get(f"{API}/{ada.pk}/timeline").json()
    assert [e["kind"] for e in everything["items"]] == [
        "note.added",
        "creator.stage_changed",
        "creator.created",
    ]
    assert everything["items"][1]["reason"] == "DM"
    assert everything["items"][1]["actor"] == str(manager.user)
    assert everything["items"][1]["changes"] == {"stage": ["discovered", "contacted"]}
    stages = api.get(f"{API}/{ada.pk}/timeline", {"kind": "stage"}).json()
    assert [e["kind"] for e in stages["items"]] == ["creator.stage_changed"]

    bad = api.get(f"{API}/{ada.pk}/timeline", {"kind": "gossip"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "kind"


def test_timeline_pages_with_a_cursor(api: Client, ada: Creator, manager: Membership) -> None:
    for n in range(5):
        services.add_note(creator=ada, author=manager.user, body=f"note {n}")
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = api.get(f"{API}/{ada.pk}/timeline", params).json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    expected = list(
        AuditEvent.objects.filter(creator=ada)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
    )
    assert seen == expected
    assert len(seen) == 6
