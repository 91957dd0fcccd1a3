from typing import Any

from django.core.management.base import BaseCommand

from tranquillite.audit.retention import access_log_cutoff, purge_access_log


class Command(BaseCommand):
    help = "Delete access-log rows past AUDIT_LOG_RETENTION_DAYS (run daily by a timer)."

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = access_log_cutoff()
        deleted = purge_access_log()
        self.stdout.write(f"{deleted} access-log rows older than {cutoff:%Y-%m-%d} deleted.")
