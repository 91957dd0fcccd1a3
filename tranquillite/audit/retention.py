"""Retention of the access log itself.

The trace of who saw what must last long enough to investigate a misuse, and not forever:
the CNIL's guidance on logging (recommendation of 2021 on "journalisation") sets 6 months to
1 year as the usual period. AUDIT_LOG_RETENTION_DAYS (default 365) sets it; the daily
`purge_access_log` command applies it. This is the only path that deletes log rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tranquillite.audit.models import AccessLogEntry


def access_log_cutoff() -> datetime:
    return timezone.now() - timedelta(days=settings.AUDIT_LOG_RETENTION_DAYS)


def purge_access_log(batch_size: int = 10_000) -> int:
    """Delete rows older than the retention period, oldest first, one short transaction per
    batch so that the log keeps being written meanwhile."""
    cutoff = access_log_cutoff()
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(
                AccessLogEntry.objects.filter(at__lt=cutoff)
                .order_by("id")
                .values_list("id", flat=True)[:batch_size]
            )
            if not ids:
                return deleted
            deleted += AccessLogEntry.objects.filter(id__in=ids)._raw_delete_for_retention()
