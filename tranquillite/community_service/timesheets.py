"""The arithmetic of community service: hours of a session, the deadline, the pace.

Pure functions (no database), tested with hypothesis (tests/community_service/test_arithmetic.py).

- A session's hours are the time really elapsed between arrival and departure, minus the
  break. Times are read in the territory's zone (settings.TIME_ZONE, Europe/Paris): a session
  from 22:00 to 06:00 the night the clocks go back lasts 9 hours, the night they go forward 7.
  Aware datetimes are subtracted in UTC: Python subtracts two datetimes sharing one tzinfo as
  wall-clock times, which would be an hour wrong across a change of clock.
- The deadline is 18 months after the sentence by default (art. 131-22 code pénal).
- The pace: the hours left against what the planned sessions can still give before the
  deadline. When they cannot, the placement shows a warning.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

# Art. 131-22 code pénal: the sentence is carried out within 18 months.
DEFAULT_DEADLINE_MONTHS = 18


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months; the 31st becomes the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_deadline(sentence_date: date) -> date:
    return add_months(sentence_date, DEFAULT_DEADLINE_MONTHS)


def local_datetime(day: date, moment: time) -> datetime:
    """`day` at `moment` on the territory's clock, as an aware datetime. A time the clock
    skips (02:30 the night it goes forward) is read with the offset before the change."""
    return datetime.combine(day, moment, tzinfo=zone())


def session_bounds(
    day: date, start: time, end: time, *, overnight: bool = False
) -> tuple[datetime, datetime]:
    """Arrival and departure as aware datetimes; the departure is on the next day when the
    session goes past midnight (`overnight`)."""
    return local_datetime(day, start), local_datetime(
        day + timedelta(days=1) if overnight else day, end
    )


def elapsed_minutes(starts_at: datetime, ends_at: datetime) -> int:
    """Minutes really elapsed (in UTC, whatever the clock did in between)."""
    delta = ends_at.astimezone(UTC) - starts_at.astimezone(UTC)
    return int(delta.total_seconds() // 60)


def worked_minutes(starts_at: datetime, ends_at: datetime, break_minutes: int) -> int:
    """Minutes worked: elapsed minus the break. The caller has refused a break longer than
    the session (services.py); never below zero here."""
    return max(elapsed_minutes(starts_at, ends_at) - break_minutes, 0)


def planned_minutes_per_session(start: time, end: time, break_minutes: int) -> int:
    """What one planned session gives (a plan past midnight counts until the next day)."""
    today = date(2001, 1, 1)
    first, last = session_bounds(today, start, end, overnight=end <= start)
    return worked_minutes(first, last, break_minutes)


def planned_days_between(weekdays: list[int], first: date, last: date) -> int:
    """How many days of `weekdays` (0 = Monday) fall between `first` and `last`, both
    included; computed by whole weeks, so that a long sentence costs nothing."""
    if last < first or not weekdays:
        return 0
    wanted = set(weekdays)
    total_days = (last - first).days + 1
    weeks, rest = divmod(total_days, 7)
    count = weeks * len(wanted)
    start_weekday = first.weekday()
    count += sum(1 for offset in range(rest) if (start_weekday + offset) % 7 in wanted)
    return count


@dataclass(frozen=True)
class Pace:
    remaining_minutes: int
    # What the planned sessions still give before the deadline.
    available_minutes: int
    deadline: date

    @property
    def behind(self) -> bool:
        return self.remaining_minutes > self.available_minutes

    @property
    def remaining_hours(self) -> float:
        return round(self.remaining_minutes / 60, 1)

    @property
    def available_hours(self) -> float:
        return round(self.available_minutes / 60, 1)


def pace(
    *,
    ordered_hours: int,
    done_minutes: int,
    weekdays: list[int],
    minutes_per_session: int,
    today: date,
    deadline: date,
) -> Pace:
    """The hours left against what the planned sessions from today to the deadline give."""
    remaining = max(ordered_hours * 60 - done_minutes, 0)
    sessions = planned_days_between(weekdays, today, deadline)
    return Pace(
        remaining_minutes=remaining,
        available_minutes=sessions * minutes_per_session,
        deadline=deadline,
    )
