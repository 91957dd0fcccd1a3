"""The monitoring cell's e-mail, sent by the task worker after the write's commit."""

from __future__ import annotations

from django.tasks import task

from tranquillite.tensions.mail import send_notice


@task()
def send_alert_notice(alert_id: int, event: str) -> None:
    send_notice(alert_id, event)
