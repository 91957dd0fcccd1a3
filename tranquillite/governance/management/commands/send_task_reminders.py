from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from tranquillite.governance.services import send_task_reminders


class Command(BaseCommand):
    help = "E-mail task owners about follow-up tasks due in 3 days or late by one (daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        owners = send_task_reminders(timezone.localdate())
        self.stdout.write(f"Reminders queued for {owners} task owners.")
