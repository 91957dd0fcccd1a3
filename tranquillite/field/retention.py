"""Retention of the daily log: entries are kept 3 years after the moment they record, then
destroyed by the daily `purge_field_log` command, their photos with them.

Basis: the CNIL's reference for these files (AU-038, deliberation 2014-262) keeps a municipal
daily log (main courante) 3 years; the mediators' and park wardens' log serves the same
purpose of accounting for presence in the street, and names no one. Shifts (team, sector,
hours) stay: they are the hours of presence the figures are made of and hold no one from the
public. FIELD_LOG_RETENTION_DAYS (default 3 × 365 + 1) sets the period.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from tranquillite.field.models import LogEntry


def field_log_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.FIELD_LOG_RETENTION_DAYS)


def purge_field_log(*, now: datetime | None = None, batch_size: int = 5_000) -> int:
    """Destroy the entries past their retention, oldest first, one short transaction per
    batch; each batch's photos are deleted from storage once the batch is committed."""
    cutoff = field_log_cutoff(now)
    deleted = 0
    while True:
        with transaction.atomic():
            rows = list(
                LogEntry.objects.filter(occurred_at__lt=cutoff)
                .order_by("pk")
                .values_list("pk", "photo")[:batch_size]
            )
            if not rows:
                return deleted
            deleted += LogEntry.objects.filter(pk__in=[pk for pk, _photo in rows]).delete()[0]
            photos = [photo for _pk, photo in rows if photo]
            transaction.on_commit(partial(_delete_files, photos))


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
