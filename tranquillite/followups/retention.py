"""How long a follow-up is kept — the rule as code (CNIL AU-038, deliberation 2014-262, and
its 2020 audit of city prevention files):

- while the follow-up is open, it is kept;
- at closure it moves to the archive, opened only for a stated reason (logged), for
  **3 years**; then it is destroyed;
- **nothing is kept past the person's 25th birthday**, whichever comes first — an open file
  included.

`destroy_on` is the first day the data must no longer exist: the daily purge destroys every
file whose date has come. Dates that do not exist (29 February in a common year) fall back to
28 February: the earlier day, so that the limit is never overrun.
"""

from __future__ import annotations

from datetime import MAXYEAR, date

ARCHIVE_YEARS = 3
AGE_LIMIT = 25


def add_years(day: date, years: int) -> date:
    if day.year + years > MAXYEAR:
        # A birth date mistyped far in the future (kept from before the date bounds) must not
        # break the purge nor the DPO's access-request export: the furthest day there is.
        return date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


def age_limit_day(birth_date: date) -> date:
    """The 25th birthday: from this day on, nothing about the person may be kept."""
    return add_years(birth_date, AGE_LIMIT)


def destroy_on(*, birth_date: date, closed_on: date | None) -> date:
    """When a file must be destroyed: 3 years after closure, or at the person's 25th
    birthday, whichever comes first (an open file: the 25th birthday)."""
    limit = age_limit_day(birth_date)
    if closed_on is None:
        return limit
    return min(add_years(closed_on, ARCHIVE_YEARS), limit)


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
