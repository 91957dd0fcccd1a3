"""Retention of tension alerts: a lifted alert is kept 3 years after it was lifted, then
destroyed with its response log by the daily `purge_tension_alerts` command. An active alert
is never purged (the coordinator lifts it first).

Basis: the CNIL's reference for the municipal prevention files (AU-038, deliberation
2014-262) keeps a daily log (main courante) 3 years; an alert and its responses are the same
kind of operational record of the council's watch on public space, and name no one (the
description and notes pass the free-text guard). What outlives them is the anonymous
`AlertFigure` of each (month, highest level, outcome, minutes to lift, neighbourhoods), from
which the observatory's figures and the indicator sources are computed: its link to the alert
is cleared, the counts stay. TENSION_ALERT_RETENTION_DAYS (default 3 × 365 + 1) sets the
period.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tranquillite.tensions.models import TensionAlert

DEFAULT_RETENTION_DAYS = 3 * 365 + 1


def alert_cutoff(now: datetime | None = None) -> datetime:
    days = getattr(settings, "TENSION_ALERT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    return (now or timezone.now()) - timedelta(days=days)


def purge_tension_alerts(*, now: datetime | None = None, batch_size: int = 1_000) -> int:
    """Destroy the alerts lifted before the cutoff, oldest first, one short transaction per
    batch; their responses go with them (CASCADE), their figures stay (SET_NULL)."""
    cutoff = alert_cutoff(now)
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(
                TensionAlert.objects.filter(lifted_at__lt=cutoff)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not batch:
                return deleted
            TensionAlert.objects.filter(pk__in=batch).delete()
            deleted += len(batch)
