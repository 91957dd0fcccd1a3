"""Tell the monitoring cell at once: queued after the commit of the write that calls it."""

from __future__ import annotations

from django.db import transaction

from tranquillite.tensions.mail import Event
from tranquillite.tensions.models import TensionAlert
from tranquillite.tensions.tasks import send_alert_notice

__all__ = ["Event", "notify_cell"]


def notify_cell(alert: TensionAlert, event: Event) -> None:
    alert_id, value = alert.pk, event.value
    transaction.on_commit(lambda: send_alert_notice.enqueue(alert_id, value))
