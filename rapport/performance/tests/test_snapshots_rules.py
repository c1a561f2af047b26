"""Recording snapshots and reading each post's latest one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rapport.performance.models import MetricSnapshot, Post
from rapport.performance.queries.snapshots import latest_snapshots
from rapport.performance.services.snapshots import record_snapshot
from rapport.testing.factories import PostFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)


def test_recording_the_same_post_date_and_source_again_updates_instead_of_adding():
    post = PostFactory.create()

    first, created = record_snapshot(
        post=post, collected_on=DAY, source="entered", values={"views": "1,200"}, actor=None
    )
    again, created_again = record_snapshot(
        post=post, collected_on=DAY, source="entered", values={"views": 1500}, actor=None
    )

    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert MetricSnapshot.objects.get().views == 1500


def test_bad_figures_are_named_and_nothing_is_stored():
    post = PostFactory.create()

    with pytest.raises(ValidationError) as refused:
        record_snapshot(
            post=post,
            collected_on=DAY,
            source="entered",
            values={"views": "12.5", "likes": "-3", "reach": "lots"},
            actor=None,
        )

    assert set(refused.value.message_dict) == {"views", "likes", "reach"}
    assert "negative" in refused.value.message_dict["likes"][0]
    assert not MetricSnapshot.objects.exists()


def test_a_snapshot_needs_a_figure_and_a_date_that_is_not_in_the_future():
    post = PostFactory.create()
    tomorrow = timezone.localdate() + dt.timedelta(days=2)

    with pytest.raises(ValidationError) as empty:
        record_snapshot(post=post, collected_on=DAY, source="entered", values={}, actor=None)
    with pytest.raises(ValidationError) as future:
        record_snapshot(
            post=post, collected_on=tomorrow, source="entered", values={"views": 1}, actor=None
        )

    assert "at least one figure" in empty.value.message_dict["__all__"][0]
    assert "later than today" in future.value.message_dict["collected_on"][0]


def test_the_latest_snapshot_is_by_collection_date_then_by_when_it_was_recorded():
    post = PostFactory.create()
    other = PostFactory.create(deliverable=post.deliverable)
    record_snapshot(post=post, collected_on=DAY, source="api", values={"views": 900}, actor=None)
    # Entered later, but read on an earlier day: not the latest.
    record_snapshot(
        post=post, collected_on=DAY - dt.timedelta(days=3), source="entered",
        values={"views": 400}, actor=None,
    )  # fmt: skip
    # The creator's figures for the same day, recorded after the API's: the latest.
    record_snapshot(
        post=post, collected_on=DAY, source="creator", values={"views": 950}, actor=None
    )
    record_snapshot(
        post=other, collected_on=DAY, source="entered", values={"views": 10}, actor=None
    )

    latest = latest_snapshots(Post.objects.all())

    assert sorted(s.views or 0 for s in latest) == [10, 950]
    as_of = latest_snapshots(Post.objects.all(), as_of=DAY - dt.timedelta(days=1))
    assert [s.views for s in as_of] == [400]
