"""Tagging and untagging a selection: only real changes happen and are recorded."""

from __future__ import annotations

from rapport.creators import services
from rapport.creators.models import Tag
from rapport.testing.factories import CreatorFactory
from rapport.workspaces.models import AuditEvent


def test_untagging_with_a_tag_nobody_has_creates_nothing(workspace) -> None:
    creator = CreatorFactory.create(workspace=workspace)
    changed = services.bulk_tag(
        workspace=workspace, actor=None, ids=[creator.pk], tag="ghost", remove=True
    )
    assert changed == 0
    assert not Tag.objects.filter(name="ghost").exists()
    assert not AuditEvent.objects.filter(kind="creator.tags_changed").exists()


def test_tagging_records_only_the_creators_that_changed(workspace) -> None:
    tagged, untagged = CreatorFactory.create_batch(2, workspace=workspace)
    services.bulk_tag(workspace=workspace, actor=None, ids=[tagged.pk], tag="vegan")
    changed = services.bulk_tag(
        workspace=workspace, actor=None, ids=[tagged.pk, untagged.pk], tag="vegan"
    )
    assert changed == 1
    events = AuditEvent.objects.filter(kind="creator.tags_changed")
    assert {e.creator_id for e in events} == {tagged.pk, untagged.pk}
    assert events.filter(creator=untagged).get().summary == "Added the tag “vegan”"
    assert set(untagged.tags.values_list("name", flat=True)) == {"vegan"}
