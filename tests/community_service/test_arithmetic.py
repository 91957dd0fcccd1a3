"""Hours, breaks, pace and deadline arithmetic, with hypothesis (across midnight and DST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tranquillite.community_service import timesheets

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
times = st.times().map(lambda t: t.replace(second=0, microsecond=0))


def test_a_night_session_when_the_clocks_go_back_lasts_an_hour_more():
    start, end = timesheets.session_bounds(date(2026, 10, 24), time(22), time(6), overnight=True)
    assert timesheets.worked_minutes(start, end, 0) == 9 * 60


def test_a_night_session_when_the_clocks_go_forward_lasts_an_hour_less():
    start, end = timesheets.session_bounds(date(2026, 3, 28), time(22), time(6), overnight=True)
    assert timesheets.worked_minutes(start, end, 30) == 7 * 60 - 30


def test_an_ordinary_morning_with_a_break():
    start, end = timesheets.session_bounds(date(2026, 6, 3), time(8, 30), time(12, 30))
    assert timesheets.worked_minutes(start, end, 15) == 225


@given(days, times, times, st.booleans(), st.integers(min_value=0, max_value=240))
def test_hours_are_the_real_time_elapsed_minus_the_break(day, start, end, overnight, pause):
    first, last = timesheets.session_bounds(day, start, end, overnight=overnight)
    # The real time elapsed, measured in UTC by hand.
    elapsed = (last.astimezone(UTC) - first.astimezone(UTC)).total_seconds() // 60
    assert timesheets.worked_minutes(first, last, pause) == max(elapsed - pause, 0)
    if not overnight and end > start:
        # Away from a change of clock, the wall clock says the same.
        wall = (datetime.combine(day, end) - datetime.combine(day, start)).seconds // 60
        assert abs(timesheets.elapsed_minutes(first, last) - wall) in (0, 60)


@given(days)
def test_the_default_deadline_is_18_months_on_never_overrunning_the_month(day):
    deadline = timesheets.default_deadline(day)
    months = (deadline.year - day.year) * 12 + deadline.month - day.month
    assert months == 18
    assert deadline.day <= day.day
    assert deadline.day == day.day or (deadline + timedelta(days=1)).day == 1


@given(st.lists(st.integers(0, 6), unique=True), days, st.integers(0, 800))
def test_planned_days_counted_by_weeks_match_a_day_by_day_count(weekdays, first, length):
    last = first + timedelta(days=length)
    brute = sum(1 for n in range(length + 1) if (first + timedelta(days=n)).weekday() in weekdays)
    assert timesheets.planned_days_between(weekdays, first, last) == brute


@given(
    st.integers(20, 400),
    st.integers(0, 400 * 60),
    st.lists(st.integers(0, 6), unique=True),
    st.integers(30, 8 * 60),
    days,
    st.integers(0, 600),
)
def test_the_pace_warns_exactly_when_the_planned_sessions_cannot_cover_the_hours_left(
    ordered, done, weekdays, per_session, today, days_left
):
    deadline = today + timedelta(days=days_left)
    pace = timesheets.pace(
        ordered_hours=ordered,
        done_minutes=done,
        weekdays=weekdays,
        minutes_per_session=per_session,
        today=today,
        deadline=deadline,
    )
    sessions_left = timesheets.planned_days_between(weekdays, today, deadline)
    assert pace.remaining_minutes == max(ordered * 60 - done, 0)
    assert pace.behind == (max(ordered * 60 - done, 0) > sessions_left * per_session)


def test_a_plan_past_midnight_counts_until_the_next_day():
    assert timesheets.planned_minutes_per_session(time(22), time(2), 30) == 210
