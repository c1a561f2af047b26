"""Service-level deadlines on the business calendar: weekends, public holidays (observed days
included), daylight-saving changes, and creators in time zones far from the workspace's."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from rapport.campaigns.models import Moment
from rapport.campaigns.services.sla import due_time, final_approval_deadline
from rapport.testing.factories import WorkspaceFactory
from rapport.workspaces import calendar
from rapport.workspaces.models import Workspace

NY = ZoneInfo("America/New_York")
PARIS = ZoneInfo("Europe/Paris")
AUCKLAND = ZoneInfo("Pacific/Auckland")
TOKYO = ZoneInfo("Asia/Tokyo")


def at(zone: ZoneInfo, *parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=zone)  # type: ignore[arg-type, misc]


@pytest.fixture
def us(db: None) -> Workspace:
    return WorkspaceFactory.create(country="US", time_zone="America/New_York")


def test_the_holidays_package_observes_july_4th_2026_on_friday_july_3rd() -> None:
    assert dt.date(2026, 7, 4).weekday() == 5  # a Saturday
    assert not calendar.is_business_day(dt.date(2026, 7, 3), "US")
    assert "observed" in calendar.holiday_name(dt.date(2026, 7, 3), "US")
    assert calendar.is_business_day(dt.date(2026, 7, 2), "US")
    # France has no such holiday: the same Friday is a working day there.
    assert calendar.is_business_day(dt.date(2026, 7, 3), "FR")


def test_a_weekend_is_skipped_and_the_local_time_kept_across_the_new_york_clock_change(
    us: Workspace,
) -> None:
    # Friday 15:00 EST; one business day later is Monday, after the change to EDT (8 March).
    due = due_time(us, Moment.FIRST_RESPONSE, at(NY, 2026, 3, 6, 15, 0))
    assert due.astimezone(NY) == at(NY, 2026, 3, 9, 15, 0)
    assert due == dt.datetime(2026, 3, 9, 19, 0, tzinfo=dt.UTC)  # not 20:00 UTC as in winter


def test_the_observed_independence_day_is_not_a_business_day(us: Workspace) -> None:
    due = due_time(us, Moment.CONCEPT_APPROVAL, at(NY, 2026, 7, 2, 10, 0))
    # Thursday + 2 business days: Friday 3rd is the observed holiday, so Monday 6th, Tuesday 7th.
    assert due.astimezone(NY) == at(NY, 2026, 7, 7, 10, 0)


def test_a_start_on_a_saturday_counts_from_the_next_working_morning(us: Workspace) -> None:
    # Saturday 4 July (also the holiday itself): counting starts on Monday 6th at 00:00.
    due = due_time(us, Moment.FIRST_RESPONSE, at(NY, 2026, 7, 4, 11, 30))
    assert due.astimezone(NY) == at(NY, 2026, 7, 7, 0, 0)


def test_a_start_on_a_weekday_holiday_counts_from_the_next_working_morning(us: Workspace) -> None:
    # Thanksgiving, Thursday 26 November 2026: counting starts on Friday 27th at 00:00.
    due = due_time(us, Moment.FINAL_APPROVAL, at(NY, 2026, 11, 26, 14, 0))
    assert due.astimezone(NY) == at(NY, 2026, 12, 1, 0, 0)


def test_new_years_day_across_the_year_boundary(us: Workspace) -> None:
    due = due_time(us, Moment.FIRST_RESPONSE, at(NY, 2026, 12, 31, 10, 0))
    assert due.astimezone(NY) == at(NY, 2027, 1, 4, 10, 0)


def test_a_paris_deadline_keeps_its_clock_time_across_the_european_change(db: None) -> None:
    paris = WorkspaceFactory.create(country="FR", time_zone="Europe/Paris")
    # Friday 27 March 09:30 CET (08:30 UTC); Monday 30 March 09:30 is CEST (07:30 UTC).
    due = due_time(paris, Moment.FIRST_RESPONSE, at(PARIS, 2026, 3, 27, 9, 30))
    assert due.astimezone(PARIS) == at(PARIS, 2026, 3, 30, 9, 30)
    assert due == dt.datetime(2026, 3, 30, 7, 30, tzinfo=dt.UTC)


def test_payment_terms_count_calendar_days_and_keep_the_local_time(us: Workspace) -> None:
    # Net 15 from Monday 2 March 17:00 EST: Tuesday 17 March 17:00 EDT, weekends included.
    due = due_time(us, Moment.PAYMENT, at(NY, 2026, 3, 2, 17, 0))
    assert due.astimezone(NY) == at(NY, 2026, 3, 17, 17, 0)


def test_shipping_confirmation_counts_real_hours(us: Workspace) -> None:
    # 24 hours from Saturday noon EST cross the one-hour jump: Sunday 13:00 EDT.
    due = due_time(us, Moment.SHIPPING, at(NY, 2026, 3, 7, 12, 0))
    assert due - at(NY, 2026, 3, 7, 12, 0) == dt.timedelta(hours=24)
    assert due.astimezone(NY) == at(NY, 2026, 3, 8, 13, 0)


def test_the_policy_of_the_workspace_is_used(us: Workspace) -> None:
    us.sla_policy = us.sla_policy | {"first_response_business_days": 3}
    due = due_time(us, Moment.FIRST_RESPONSE, at(NY, 2026, 3, 6, 15, 0))
    assert due.astimezone(NY) == at(NY, 2026, 3, 11, 15, 0)


def test_a_workspace_without_a_holiday_calendar_still_skips_weekends(db: None) -> None:
    nowhere = WorkspaceFactory.create(country="", time_zone="")
    due = due_time(nowhere, Moment.FIRST_RESPONSE, dt.datetime(2026, 7, 3, 9, tzinfo=dt.UTC))
    assert due == dt.datetime(2026, 7, 6, 9, tzinfo=dt.UTC)


def test_final_approval_is_due_two_business_days_before_posting(us: Workspace) -> None:
    # Post on Friday, approve by Wednesday, at the same local time.
    due = final_approval_deadline(us, at(NY, 2026, 3, 13, 18, 0), "America/New_York")
    assert due.astimezone(NY) == at(NY, 2026, 3, 11, 18, 0)


def test_final_approval_for_a_creator_in_auckland_counts_on_their_dates(us: Workspace) -> None:
    # Posting Monday 6 July 09:00 in Auckland is still Sunday in New York. Two business days
    # before the creator's Monday, skipping the US observed holiday (Friday 3rd): Wednesday 1st.
    post_at = at(AUCKLAND, 2026, 7, 6, 9, 0)
    due = final_approval_deadline(us, post_at, "Pacific/Auckland")
    assert due.astimezone(AUCKLAND) == at(AUCKLAND, 2026, 7, 1, 9, 0)
    assert due.astimezone(NY).date() == dt.date(2026, 6, 30)


def test_final_approval_for_a_creator_in_tokyo_across_the_us_clock_change(us: Workspace) -> None:
    # Tuesday 10 March 08:00 in Tokyo (no daylight saving there) is Monday evening in New York.
    post_at = at(TOKYO, 2026, 3, 10, 8, 0)
    due = final_approval_deadline(us, post_at, "Asia/Tokyo")
    assert due.astimezone(TOKYO) == at(TOKYO, 2026, 3, 6, 8, 0)
    assert due == dt.datetime(2026, 3, 5, 23, 0, tzinfo=dt.UTC)
    # Counted in New York instead, the same post would give Thursday 19:00 EST (midnight UTC).
    assert final_approval_deadline(us, post_at, "") == dt.datetime(2026, 3, 6, 0, 0, tzinfo=dt.UTC)


def test_posting_on_a_sunday_steps_back_from_that_sunday(us: Workspace) -> None:
    due = final_approval_deadline(us, at(NY, 2026, 3, 15, 10, 0), "America/New_York")
    assert due.astimezone(NY) == at(NY, 2026, 3, 12, 10, 0)  # Thursday


def test_a_buffer_across_the_paris_clock_change_keeps_the_creators_clock_time(
    us: Workspace,
) -> None:
    # Post Tuesday 31 March 20:00 CEST; two US business days before: Friday 27th 20:00 CET.
    due = final_approval_deadline(us, at(PARIS, 2026, 3, 31, 20, 0), "Europe/Paris")
    assert due.astimezone(PARIS) == at(PARIS, 2026, 3, 27, 20, 0)
    assert due == dt.datetime(2026, 3, 27, 19, 0, tzinfo=dt.UTC)
