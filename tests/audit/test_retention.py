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
