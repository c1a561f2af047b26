"""Merging two records of the same creator: everything attached moves, both histories stay."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from rapport.creators.models import Creator, CreatorEmail, Note, SocialAccount, Stage
from rapport.creators.services import (
    AccountData,
    add_note,
    change_stage,
    create_creator,
    merge_creators,
)
from rapport.testing.factories import CreatorFactory
from rapport.workspaces.models import AuditEvent, Membership, Workspace


@pytest.fixture
def pair(workspace: Workspace, manager: Membership) -> tuple[Creator, Creator]:
    """Ana twice: once from outreach, once from an import, with different details."""
    actor = manager.user
    keep = create_creator(
        workspace=workspace,
        actor=actor,
        name="Ana Silva",
        emails=["ana@studio.test"],
        accounts=[AccountData(platform="instagram", handle="ana.silva", followers=40_000)],
        tags=["skincare", "vip"],
        city="Lisbon",
    )
    merge = create_creator(
        workspace=workspace,
        actor=actor,
        name="Ana S.",
        emails=["ana.silva@gmail.test"],
        accounts=[AccountData(platform="tiktok", handle="anasilva", followers=250_000)],
        tags=["skincare", "tiktok"],
        city="Porto",
        country="PT",
        phone="+351 900 000 000",
        shipping_address="Rua Augusta 1, Lisboa",
        owner=actor,
    )
    add_note(creator=merge, author=actor, body="Prefers reels over stories.")
    return keep, merge


def test_merge_moves_everything_and_keeps_both_histories(
    workspace: Workspace, manager: Membership, pair: tuple[Creator, Creator]
) -> None:
    keep, merge = pair
    merged_history = set(AuditEvent.objects.filter(creator=merge).values_list("pk", flat=True))
    merge_creators(workspace=workspace, actor=manager.user, keep=keep, merge=merge)
    keep.refresh_from_db()
    merge.refresh_from_db()

    emails = dict(CreatorEmail.objects.filter(creator=keep).values_list("email", "is_primary"))
    assert emails == {"ana@studio.test": True, "ana.silva@gmail.test": False}
    assert set(keep.social_accounts.values_list("handle", flat=True)) == {"ana.silva", "anasilva"}
    assert sorted(keep.tags.values_list("name", flat=True)) == ["skincare", "tiktok", "vip"]
    assert list(Note.objects.filter(creator=keep).values_list("body", flat=True)) == [
        "Prefers reels over stories."
    ]
    # The kept record's own values win; its empty fields come from the other.
    assert keep.city == "Lisbon"
    assert (keep.country, keep.phone, keep.owner) == ("PT", "+351 900 000 000", manager.user)
    assert keep.shipping_address == "Rua Augusta 1, Lisboa"
    # Derived figures follow the moved accounts.
    assert (keep.followers_max, keep.tier) == (250_000, "mid")
    assert "anasilva" in keep.search_text

    # Both histories are on the kept creator's timeline, with the merge itself.
    timeline = set(AuditEvent.objects.filter(creator=keep).values_list("pk", flat=True))
    assert merged_history <= timeline
    merged_event = AuditEvent.objects.get(creator=keep, kind="creator.merged")
    assert merged_event.changes["merged_creator"] == [None, merge.pk]
    assert merged_event.actor == manager.user

    # The other record is in the bin, pointing at where it went.
    assert merge.deleted_at is not None
    pointer = AuditEvent.objects.get(creator=merge)
    assert pointer.kind == "creator.merged_away"
    assert pointer.changes == {"merged_into": [None, keep.pk]}

    # Nothing else anywhere still refers to the merged record, whatever the model.
    for rel in Creator._meta.related_objects:
        if rel.many_to_many:
            continue
        left = rel.related_model._base_manager.filter(**{rel.field.name: merge})
        assert list(left) == ([pointer] if rel.related_model is AuditEvent else []), rel


def test_custom_field_values_are_combined_key_by_key(workspace: Workspace, manager) -> None:
    from rapport.creators.models import CustomField

    CustomField.objects.create(workspace=workspace, key="size", label="Size", field_type="text")
    CustomField.objects.create(workspace=workspace, key="agency", label="Agency", field_type="text")
    keep = CreatorFactory.create(workspace=workspace, custom_fields={"size": "M"})
    merge = CreatorFactory.create(
        workspace=workspace, custom_fields={"size": "L", "agency": "Bold"}
    )
    merge_creators(workspace=workspace, actor=manager.user, keep=keep, merge=merge)
    keep.refresh_from_db()
    assert keep.custom_fields == {"size": "M", "agency": "Bold"}


def test_a_do_not_contact_on_either_record_is_kept(workspace: Workspace, manager) -> None:
    keep = CreatorFactory.create(workspace=workspace, stage=Stage.ACTIVE)
    merge = CreatorFactory.create(workspace=workspace)
    change_stage(creator=merge, actor=None, stage=Stage.DO_NOT_CONTACT, reason="Asked us to stop")
    merge_creators(workspace=workspace, actor=manager.user, keep=keep, merge=merge)
    keep.refresh_from_db()
    assert keep.stage == Stage.DO_NOT_CONTACT
    assert keep.do_not_contact_reason == "Asked us to stop"


@pytest.mark.parametrize("problem", ["same", "binned", "elsewhere"])
def test_merge_refuses_what_it_cannot_merge(
    workspace: Workspace, other_workspace: Workspace, manager, problem
) -> None:
    keep = CreatorFactory.create(workspace=workspace)
    other = {
        "same": keep,
        "binned": CreatorFactory.create(workspace=workspace, deleted_at="2026-01-01T00:00Z"),
        "elsewhere": CreatorFactory.create(workspace=other_workspace),
    }[problem]
    with pytest.raises(ValidationError):
        merge_creators(workspace=workspace, actor=manager.user, keep=keep, merge=other)
    assert Creator.objects.filter(deleted_at__isnull=True, pk=keep.pk).exists()
    assert not AuditEvent.objects.filter(kind="creator.merged").exists()


def test_the_merge_page_search_compare_choose_confirm(
    workspace: Workspace, manager: Membership, manager_client: Client, pair
) -> None:
    keep, merge = pair
    base = f"/w/{workspace.slug}/creators/{keep.pk}/merge/"
    found = manager_client.get(base, {"q": "anasilva"}).content.decode()
    assert f'href="?other={merge.pk}"' in found and "Ana S." in found
    assert f'href="?other={keep.pk}"' not in found

    compare = manager_client.get(base, {"other": merge.pk}).content.decode()
    assert "Ana Silva" in compare and "Ana S." in compare
    assert "ana.silva@gmail.test" in compare and "Porto" in compare
    # An address is only said to be on file, never shown on this page.
    assert "on file" in compare and "Rua Augusta" not in compare

    # Keep the imported record this time.
    response = manager_client.post(base, {"other": merge.pk, "keep": merge.pk}, follow=True)
    assert response.redirect_chain[-1][0] == f"/w/{workspace.slug}/creators/{merge.pk}/"
    assert "Ana Silva was merged into Ana S. and moved to the bin." in response.content.decode()
    assert Creator.objects.get(pk=keep.pk).deleted_at is not None
    assert set(SocialAccount.objects.filter(creator=merge).values_list("handle", flat=True)) == {
        "ana.silva",
        "anasilva",
    }


def test_the_merge_page_refuses_a_third_creator_as_the_one_to_keep(
    workspace: Workspace, manager_client: Client, pair
) -> None:
    keep, merge = pair
    third = CreatorFactory.create(workspace=workspace)
    response = manager_client.post(
        f"/w/{workspace.slug}/creators/{keep.pk}/merge/", {"other": merge.pk, "keep": third.pk}
    )
    assert response.status_code == 400
    assert "Keep one of the two creators." in response.content.decode()
    assert not Creator.objects.filter(deleted_at__isnull=False).exists()


@pytest.mark.parametrize("role", ["reviewer", "finance", "ops", "viewer"])
def test_only_roles_that_edit_creators_merge(
    workspace: Workspace, member, client_for, pair, role
) -> None:
    keep, merge = pair
    client = client_for(member(role))
    url = f"/w/{workspace.slug}/creators/{keep.pk}/merge/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"other": merge.pk, "keep": keep.pk}).status_code == 403
    assert not Creator.objects.filter(deleted_at__isnull=False).exists()


def test_another_workspaces_creator_is_a_404_on_the_page(
    workspace: Workspace, other_workspace: Workspace, manager_client: Client
) -> None:
    mine = CreatorFactory.create(workspace=workspace)
    theirs = CreatorFactory.create(workspace=other_workspace)
    url = f"/w/{workspace.slug}/creators/{mine.pk}/merge/"
    assert manager_client.get(url, {"other": theirs.pk}).status_code == 404
    assert manager_client.post(url, {"other": theirs.pk, "keep": mine.pk}).status_code == 404
    assert manager_client.get(f"/w/{workspace.slug}/creators/{theirs.pk}/merge/").status_code == 404
    assert Creator.objects.filter(deleted_at__isnull=True).count() == 2


def test_merge_through_the_api(workspace: Workspace, manager, api_client_for, pair) -> None:
    keep, merge = pair
    response = api_client_for(manager).post(
        f"/api/v1/creators/{keep.pk}/merge", {"other_id": merge.pk}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == keep.pk
    assert {a["handle"] for a in body["accounts"]} == {"ana.silva", "anasilva"}
    assert Creator.objects.get(pk=merge.pk).deleted_at is not None


@pytest.mark.parametrize(("case", "status"), [("viewer", 403), ("elsewhere", 404), ("same", 422)])
def test_merge_api_refusals(
    workspace: Workspace, other_workspace: Workspace, member, api_client_for, case, status
) -> None:
    keep = CreatorFactory.create(workspace=workspace)
    other = {
        "viewer": CreatorFactory.create(workspace=workspace),
        "elsewhere": CreatorFactory.create(workspace=other_workspace),
        "same": keep,
    }[case]
    client = api_client_for(member("viewer" if case == "viewer" else "manager"))
    response = client.post(
        f"/api/v1/creators/{keep.pk}/merge", {"other_id": other.pk}, content_type="application/json"
    )
    assert response.status_code == status
    assert not Creator.objects.filter(deleted_at__isnull=False).exists()


def test_a_merged_away_creator_cannot_be_restored(
    workspace: Workspace, manager, api_client_for, pair
) -> None:
    keep, merge = pair
    merge_creators(workspace=workspace, actor=manager.user, keep=keep, merge=merge)
    response = api_client_for(manager).post(f"/api/v1/creators/{merge.pk}/restore")
    assert response.status_code == 422
    assert "was merged into another creator" in response.json()["detail"][0]["message"]
    assert Creator.objects.get(pk=merge.pk).deleted_at is not None
    # An ordinary creator in the bin still comes back.
    other = CreatorFactory.create(workspace=workspace)
    assert api_client_for(manager).delete(f"/api/v1/creators/{other.pk}").status_code == 204
    assert api_client_for(manager).post(f"/api/v1/creators/{other.pk}/restore").status_code == 200
