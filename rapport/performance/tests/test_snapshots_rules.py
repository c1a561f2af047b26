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


def test_a_figure_left_blank_keeps_the_value_last_known_and_says_it_was_carried_over():
    post = PostFactory.create()
    record_snapshot(
        post=post, collected_on=DAY - dt.timedelta(days=5), source="entered",
        values={"reach": 40_000, "impressions": 60_000, "views": 50_000}, actor=None,
    )  # fmt: skip

    later, _ = record_snapshot(
        post=post, collected_on=DAY, source="creator", values={"views": 55_000}, actor=None
    )

    assert (later.reach, later.impressions, later.views) == (40_000, 60_000, 55_000)
    assert later.carried == ["reach", "impressions"]
    latest = latest_snapshots(Post.objects.all()).get()
    assert (latest.reach, latest.views) == (40_000, 55_000)


def test_reach_larger_than_impressions_is_refused_on_the_figure_given():
    post = PostFactory.create()
    record_snapshot(
        post=post, collected_on=DAY, source="entered", values={"impressions": 500}, actor=None
    )

    with pytest.raises(ValidationError) as refused:
        record_snapshot(
            post=post, collected_on=DAY, source="creator", values={"reach": 900}, actor=None
        )

    assert "cannot be larger than impressions" in refused.value.message_dict["reach"][0]
    assert MetricSnapshot.objects.count() == 1


def test_figures_cannot_be_read_before_the_post_went_live():
    post = PostFactory.create(posted_at=timezone.make_aware(dt.datetime(2026, 3, 1, 12)))

    with pytest.raises(ValidationError) as refused:
        record_snapshot(
            post=post, collected_on=dt.date(1999, 1, 1), source="creator",
            values={"views": 3}, actor=None,
        )  # fmt: skip

    assert "went live on 2026-03-01" in refused.value.message_dict["collected_on"][0]
