"""Retention arithmetic (CNIL AU-038): 3 years in the archive after closure, never past the
person's 25th birthday, whichever comes first; leap days fall back to the earlier day."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tranquillite.followups.retention import add_years, age_limit_day, age_on, destroy_on

births = st.dates(min_value=date(1990, 1, 1), max_value=date(2025, 12, 31))
closures = st.dates(min_value=date(2005, 1, 1), max_value=date(2040, 12, 31))


def test_the_examples_of_the_rule():
    born = date(2010, 5, 20)
    # Closed at 14: kept 3 years, until 17.
    assert destroy_on(birth_date=born, closed_on=date(2024, 9, 1)) == date(2027, 9, 1)
    # Closed at 23: the 25th birthday comes first.
    assert destroy_on(birth_date=born, closed_on=date(2033, 9, 1)) == date(2035, 5, 20)
    # Still open: the 25th birthday is the limit.
    assert destroy_on(birth_date=born, closed_on=None) == date(2035, 5, 20)


def test_leap_days_fall_back_to_the_28th_never_later():
    assert age_limit_day(date(2008, 2, 29)) == date(2033, 2, 28)
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


@given(births, closures)
def test_never_past_the_25th_birthday_nor_three_years_after_closure(born, closed):
    day = destroy_on(birth_date=born, closed_on=closed)
    assert day <= age_limit_day(born)
    assert day <= add_years(closed, 3)
    # And not earlier than the law asks: one of the two limits is the date.
    assert day in (age_limit_day(born), add_years(closed, 3))
    # On the day before, the person is still under 25.
    assert age_on(born, day - timedelta(days=1)) < 25


@given(births)
def test_the_age_limit_day_is_the_25th_birthday(born):
    limit = age_limit_day(born)
    assert age_on(born, limit) == 25 or (born.month, born.day) == (2, 29)
    assert age_on(born, limit - timedelta(days=1)) == 24
    assert limit.year == born.year + 25
