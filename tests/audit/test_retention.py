from datetime import timedelta
from unittest import mock

from django.core.management import call_command
from django.utils import timezone

from tranquillite.audit.models import AccessAction, AccessLogEntry


def entry(territory, days_ago):
    then = timezone.now() - timedelta(days=days_ago)
    with mock.patch("django.utils.timezone.now", return_value=then):
        return AccessLogEntry.objects.create(
            territory=territory,
            actor_label="a@example.test",
            action=AccessAction.READ,
            object_type="accounts.user",
            object_id=str(days_ago),
        )


def test_the_purge_deletes_only_rows_past_the_retention_period(territory, settings, capsys):
    settings.AUDIT_LOG_RETENTION_DAYS = 365
    for days in (0, 100, 364, 366, 800):
        entry(territory, days)
    call_command("purge_access_log")
    kept = sorted(int(x) for x in AccessLogEntry.objects.values_list("object_id", flat=True))
    assert kept == [0, 100, 364]
    assert "2 access-log rows" in capsys.readouterr().out


def test_the_log_date_filter_keeps_exactly_the_days_asked(territory):
    from datetime import date

    from tranquillite.audit.selectors import LogFilter, access_log_for

    today = timezone.localdate()
    for days in (40, 11, 10, 9, 5, 1, 0):  # oldest first, as a log is written
        entry(territory, days)
    since, until = today - timedelta(days=10), today - timedelta(days=1)
    found = access_log_for(territory, LogFilter(since=since, until=until))
    days_found = sorted(int(x) for x in found.values_list("object_id", flat=True))
    # Entries back-dated by N whole days land on day today-N (local time), inclusive bounds.
    assert days_found == [1, 5, 9, 10]
    assert isinstance(since, date)
