"""The workspace API: the same services as the pages, with the token's role deciding."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from rapport.creators.models import CustomField
from rapport.workspaces.models import AuditEvent, Invitation, Membership


def patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_get_the_workspace_and_its_settings(manager: Membership, api_client_for) -> None:
    body = api_client_for(manager).get("/api/v1/workspace").json()
    assert body == {
        "slug": "lumen",
        "name": "Lumen Skincare",
        "country": "US",
        "time_zone": "UTC",
        "default_currency": "USD",
        "er_denominator": "reach",
        "tier_thresholds": {"micro": 10_000, "mid": 100_000, "macro": 500_000, "mega": 1_000_000},
        "sla_policy": {
            "first_response_business_days": 1,
            "concept_approval_business_days": 2,
            "final_approval_business_days": 2,
            "payment_net_days": 15,
            "shipping_confirmation_hours": 24,
            "final_approval_buffer_business_days": 2,
        },
        "hub_days_after_close": 90,
        "tracking_domains": [],
        "attribution_days": 30,
    }


def test_an_owner_token_patches_settings_in_part(owner: Membership, api_client_for) -> None:
    client = api_client_for(owner)
    response = patch(
        client, "/api/v1/workspace", {"country": "gb", "tier_thresholds": {"micro": 5_000}}
    )
    assert response.status_code == 200
    assert response.json()["country"] == "GB"
    assert response.json()["tier_thresholds"]["micro"] == 5_000
    assert response.json()["tier_thresholds"]["mid"] == 100_000
    event = AuditEvent.objects.get(kind="workspace.settings_changed")
    assert event.changes["country"] == ["US", "GB"]


def test_bad_settings_answer_422_with_each_field(owner: Membership, api_client_for) -> None:
    response = patch(
        api_client_for(owner),
        "/api/v1/workspace",
        {
            "default_currency": "dollars",
            "tier_thresholds": {"mid": 1},
            "sla_policy": {"payment_net_days": -3, "coffee_breaks": 2},
        },
    )
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["detail"]}
    assert fields == {
        "default_currency",
        "tier_thresholds.mid",
        "sla_policy.payment_net_days",
        "sla_policy.coffee_breaks",
    }
    owner.workspace.refresh_from_db()
    assert owner.workspace.default_currency == "USD"


@pytest.mark.parametrize("role", ["manager", "reviewer", "finance", "ops", "viewer"])
def test_only_an_owner_role_token_changes_settings_or_invites(member, api_client_for, role) -> None:
    client = api_client_for(member(role))
    assert patch(client, "/api/v1/workspace", {"country": "FR"}).status_code == 403
    response = client.post(
        "/api/v1/workspace/invitations",
        {"email": "x@example.test", "role": "viewer"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_an_owner_with_a_lower_role_token_cannot_change_settings(
    owner: Membership, api_client_for
) -> None:
    client = api_client_for(owner, role="manager")
    assert patch(client, "/api/v1/workspace", {"country": "FR"}).status_code == 403


def test_list_members_in_a_fixed_number_of_queries(
    owner: Membership, member, api_client_for, django_assert_num_queries
) -> None:
    client = api_client_for(owner)
    client.get("/api/v1/workspace/me")  # the first use of a token notes when it was used
    for role in ("viewer", "finance", "ops"):
        member(role)
    with django_assert_num_queries(3):
        body = client.get("/api/v1/workspace/members").json()
    assert sorted(m["role"] for m in body) == ["finance", "ops", "owner", "viewer"]
    for _ in range(5):
        member("manager")
    with django_assert_num_queries(3):
        assert len(client.get("/api/v1/workspace/members").json()) == 9


def test_invite_through_the_api_sends_the_email(owner: Membership, api_client_for) -> None:
    response = api_client_for(owner).post(
        "/api/v1/workspace/invitations",
        {"email": "Newbie@Example.test", "role": "ops"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["email"] == "newbie@example.test"
    assert response.json()["role"] == "ops"
    assert mail.outbox[0].to == ["newbie@example.test"]
    assert "/invitations/inv_" in mail.outbox[0].body


def test_invite_errors_are_field_level(owner: Membership, api_client_for) -> None:
    response = api_client_for(owner).post(
        "/api/v1/workspace/invitations",
        {"email": owner.user.email, "role": "ops"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "email"


def test_me_says_who_the_token_acts_as(owner: Membership, api_client_for) -> None:
    body = api_client_for(owner, role="viewer").get("/api/v1/workspace/me").json()
    assert body["email"] == owner.user.email
    assert (body["workspace"], body["member_role"], body["token_role"]) == (
        "lumen",
        "owner",
        "viewer",
    )


def test_custom_field_definitions_through_the_api(owner: Membership, api_client_for) -> None:
    client = api_client_for(owner)
    response = client.post(
        "/api/v1/workspace/custom-fields",
        {"label": "Agency contact", "field_type": "url"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["key"] == "agency_contact"
    response = patch(client, "/api/v1/workspace/custom-fields/agency_contact", {"label": "Agent"})
    assert response.json()["label"] == "Agent"
    assert client.delete("/api/v1/workspace/custom-fields/agency_contact").status_code == 204
    assert not CustomField.objects.exists()
    assert client.delete("/api/v1/workspace/custom-fields/agency_contact").status_code == 404


def test_without_a_token_the_api_answers_401(workspace) -> None:
    from django.test import Client

    assert Client().get("/api/v1/workspace").status_code == 401


def test_notifications_are_listed_and_marked_read_for_the_token_member_only(
    manager, member, other_workspace, api_client_for
) -> None:
    from rapport.creators.services import add_note
    from rapport.testing.factories import CreatorFactory
    from rapport.workspaces.models import Notification
    from rapport.workspaces.roles import Role

    colleague = member(Role.MANAGER, name="Priya Shah")
    creator = CreatorFactory.create(workspace=manager.workspace, name="Zoe Kim")
    add_note(
        creator=creator,
        author=colleague.user,
        body=f"@{manager.user.email.split('@')[0]} can you call her?",
    )
    Notification.objects.create(workspace=other_workspace, recipient=manager.user, text="elsewhere")
    client = api_client_for(manager)
    listed = client.get("/api/v1/workspace/notifications").json()
    assert [n["text"][:35] for n in listed] == ["Priya Shah mentioned you on Zoe Kim"]
    assert listed[0]["read_at"] is None
    response = client.post(
        "/api/v1/workspace/notifications/read", {}, content_type="application/json"
    )
    assert response.json() == {"marked_read": 1}
    assert client.get("/api/v1/workspace/notifications").json()[0]["read_at"] is not None
    assert Notification.objects.get(text="elsewhere").read_at is None
