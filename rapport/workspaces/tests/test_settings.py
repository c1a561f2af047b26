"""Workspace settings: owners only, validated field by field, audited, and applied (re-tiering)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from rapport.creators.models import Creator, CustomField
from rapport.testing.factories import CreatorFactory, SocialAccountFactory
from rapport.workspaces.models import DEFAULT_SLA_POLICY, AuditEvent, Membership, Workspace


def settings_form(workspace: Workspace, **changes: Any) -> dict[str, Any]:
    """The settings form as the page fills it, with some fields changed."""
    data: dict[str, Any] = {
        "name": workspace.name,
        "country": workspace.country,
        "default_currency": workspace.default_currency,
        "er_denominator": workspace.er_denominator,
    }
    data |= {f"tier_{k}": v for k, v in workspace.tier_thresholds.items()}
    data |= {f"sla_{k}": v for k, v in workspace.sla_policy.items()}
    return data | changes


def test_owner_changes_settings_and_each_change_is_audited(owner: Membership, client_for) -> None:
    workspace = owner.workspace
    page = client_for(owner).get(f"/w/{workspace.slug}/settings/").content.decode()
    assert "Service levels" in page and "France (FR)" in page
    response = client_for(owner).post(
        f"/w/{workspace.slug}/settings/",
        settings_form(
            workspace,
            country="FR",
            default_currency="eur",
            er_denominator="impressions",
            sla_payment_net_days=30,
        ),
        follow=True,
    )
    assert "Settings saved." in response.content.decode()
    workspace.refresh_from_db()
    assert (workspace.country, workspace.default_currency, workspace.er_denominator) == (
        "FR",
        "EUR",
        "impressions",
    )
    assert workspace.sla_policy == DEFAULT_SLA_POLICY | {"payment_net_days": 30}
    event = AuditEvent.objects.get(kind="workspace.settings_changed")
    assert event.actor == owner.user
    assert event.changes["country"] == ["US", "FR"]
    assert event.changes["default_currency"] == ["USD", "EUR"]
    assert event.changes["sla_policy"][0]["payment_net_days"] == 15
    assert event.changes["sla_policy"][1]["payment_net_days"] == 30


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "This field is required."),
        ({"country": "XX"}, "country", "Select a valid choice."),
        ({"default_currency": "EU1"}, "default_currency", "is not a currency code"),
        ({"default_currency": "XYZ"}, "default_currency", "is not a currency code"),
        ({"default_currency": "EURO"}, "default_currency", "at most 3 characters"),
        ({"tier_mid": 5_000}, "tier_mid", "must be above the micro one (10000)"),
        ({"tier_mega": 500_000}, "tier_mega", "must be above the macro one (500000)"),
        ({"tier_micro": "ten"}, "tier_micro", "Enter a whole number."),
        ({"sla_payment_net_days": 0}, "sla_payment_net_days", "from 1 to 365"),
        (
            {"sla_shipping_confirmation_hours": 1000},
            "sla_shipping_confirmation_hours",
            "from 1 to 720",
        ),
    ],
)
def test_bad_settings_say_which_field_and_change_nothing(
    owner: Membership, client_for, changes, field, message
) -> None:
    workspace = owner.workspace
    before = Workspace.objects.values().get(pk=workspace.pk)
    response = client_for(owner).post(
        f"/w/{workspace.slug}/settings/", settings_form(workspace, **changes)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert "Nothing was saved" in response.content.decode()
    assert Workspace.objects.values().get(pk=workspace.pk) == before
    assert not AuditEvent.objects.filter(kind="workspace.settings_changed").exists()


def test_new_tier_thresholds_re_tier_every_creator(owner: Membership, client_for) -> None:
    workspace = owner.workspace
    account = SocialAccountFactory.create(creator__workspace=workspace, followers=50_000)
    from rapport.creators.services import refresh_derived

    refresh_derived(account.creator)
    assert Creator.objects.get(pk=account.creator.pk).tier == "micro"
    client_for(owner).post(
        f"/w/{workspace.slug}/settings/",
        settings_form(workspace, tier_micro=60_000, tier_mid=200_000),
    )
    assert Creator.objects.get(pk=account.creator.pk).tier == "nano"


@pytest.mark.parametrize("role", ["manager", "reviewer", "finance", "ops", "viewer"])
def test_only_owners_open_the_settings(member, client_for, role) -> None:
    someone = member(role)
    client = client_for(someone)
    url = f"/w/{someone.workspace.slug}/settings/"
    assert client.get(url).status_code == 403
    assert client.post(url, settings_form(someone.workspace, country="FR")).status_code == 403
    someone.workspace.refresh_from_db()
    assert someone.workspace.country == "US"


def test_custom_fields_add_edit_remove(owner: Membership, client_for) -> None:
    workspace = owner.workspace
    client = client_for(owner)
    base = f"/w/{workspace.slug}/settings/fields"
    client.post(
        f"{base}/new/",
        {"label": "Skin type", "field_type": "choice", "choices": "dry\noily\n\ncombination"},
    )
    field = CustomField.objects.get(workspace=workspace)
    assert (field.key, field.choices) == ("skin_type", ["dry", "oily", "combination"])
    creator = CreatorFactory.create(workspace=workspace, custom_fields={"skin_type": "oily"})

    # A choice in use cannot be dropped.
    response = client.post(f"{base}/{field.pk}/", {"label": "Skin", "choices": "dry\ncombination"})
    assert "“oily” is still the value of 1 creator(s)" in response.content.decode()
    client.post(f"{base}/{field.pk}/", {"label": "Skin", "choices": "dry\noily\nnormal"})
    field.refresh_from_db()
    assert (field.label, field.key, field.field_type) == ("Skin", "skin_type", "choice")
    assert field.choices == ["dry", "oily", "normal"]

    assert "Remove “Skin”?" in client.get(f"{base}/{field.pk}/delete/").content.decode()
    client.post(f"{base}/{field.pk}/delete/")
    assert not CustomField.objects.exists()
    creator.refresh_from_db()
    assert creator.custom_fields == {}
    kinds = list(
        AuditEvent.objects.filter(kind__startswith="settings.custom_field").values_list(
            "kind", flat=True
        )
    )
    assert sorted(kinds) == [
        "settings.custom_field_added",
        "settings.custom_field_changed",
        "settings.custom_field_removed",
    ]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"label": "Size", "field_type": "choice", "choices": ""}, "Give at least one choice."),
        (
            {"label": "Size", "field_type": "multi_choice", "choices": "S,M"},
            "cannot contain a comma",
        ),
        ({"label": "Size", "key": "Bad Key", "field_type": "text"}, "Start with a letter"),
        ({"label": "", "field_type": "text"}, "This field is required."),
        ({"label": "Site", "field_type": "colour"}, "Select a valid choice."),
    ],
)
def test_custom_field_errors(owner: Membership, client_for, data, error) -> None:
    response = client_for(owner).post(f"/w/{owner.workspace.slug}/settings/fields/new/", data)
    assert error in response.content.decode()
    assert not CustomField.objects.exists()


def test_a_custom_field_key_is_unique_in_the_workspace(owner: Membership, client_for) -> None:
    client = client_for(owner)
    url = f"/w/{owner.workspace.slug}/settings/fields/new/"
    client.post(url, {"label": "Agency", "field_type": "text"})
    response = client.post(url, {"label": "Agency", "field_type": "url"})
    assert "Another field already uses the key “agency”." in response.content.decode()
    assert CustomField.objects.count() == 1


def test_settings_page_as_anonymous_redirects_to_sign_in(workspace: Workspace) -> None:
    response = Client().get(f"/w/{workspace.slug}/settings/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
