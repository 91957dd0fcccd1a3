"""Who may open an archived (closed) file: whoever administers the files and sees this one,
until the day it is due for destruction."""

from datetime import timedelta

from tests.retention.conftest import TODAY, step
from tranquillite.retention.archive import is_due, may_read_archive


def test_only_the_administrator_who_sees_the_file_opens_the_archive(rao, coordinator, police, dpo):
    assert not may_read_archive(coordinator, rao)  # open: not in the archive
    step(coordinator, rao, "close", occurred_on=TODAY().isoformat(), outcome="withdrawn")
    assert may_read_archive(coordinator, rao)
    assert not may_read_archive(police, rao)  # a member, but does not administer the files
    assert not may_read_archive(dpo, rao)  # not a member of the group


def test_nobody_opens_a_file_on_or_after_its_destruction_day(rao, coordinator):
    step(coordinator, rao, "close", occurred_on=TODAY().isoformat(), outcome="withdrawn")
    last_day = rao.destroy_on - timedelta(days=1)
    assert not is_due(rao, last_day) and may_read_archive(coordinator, rao, last_day)
    assert is_due(rao, rao.destroy_on) and not may_read_archive(coordinator, rao, rao.destroy_on)
