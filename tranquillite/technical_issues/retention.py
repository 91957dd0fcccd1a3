"""Retention of the technical issues: a closed issue (resolved or refused) is destroyed
TECHNICAL_ISSUE_RETENTION_DAYS (default 3 years) after it closed, with its events and photo,
by the daily `purge_technical_issues` command. Open issues stay until they close.

Basis: an issue names no one (a category, a place, a name-checked description, a photo
without metadata), but it may come from the daily log, which the CNIL's reference (AU-038)
keeps 3 years; the same period covers the figures of three committee years. The routing
rules are settings and are not purged."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from tranquillite.technical_issues.conf import retention_days
from tranquillite.technical_issues.models import CLOSED_STATUSES, TechnicalIssue


def cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=retention_days())


def purge_technical_issues(*, now: datetime | None = None, batch_size: int = 5_000) -> int:
    limit = cutoff(now)
    deleted = 0
    while True:
        with transaction.atomic():
            rows = list(
                TechnicalIssue.objects.filter(status__in=CLOSED_STATUSES, closed_at__lt=limit)
                .order_by("pk")
                .values_list("pk", "photo")[:batch_size]
            )
            if not rows:
                return deleted
            TechnicalIssue.objects.filter(pk__in=[pk for pk, _photo in rows]).delete()
            deleted += len(rows)
            photos = [photo for _pk, photo in rows if photo]
            transaction.on_commit(partial(_delete_files, photos))


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
