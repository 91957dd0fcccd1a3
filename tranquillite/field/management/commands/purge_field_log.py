from typing import Any

from django.core.management.base import BaseCommand

from tranquillite.field.imports import expire_files
from tranquillite.field.retention import field_log_cutoff, purge_field_log


class Command(BaseCommand):
    help = (
        "Destroy daily-log entries past FIELD_LOG_RETENTION_DAYS, with their photos, and the "
        "spreadsheets sent for import and left unimported past FIELD_IMPORT_KEEP_HOURS (daily)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = field_log_cutoff()
        deleted = purge_field_log()
        self.stdout.write(f"{deleted} daily-log entries older than {cutoff:%Y-%m-%d} destroyed.")
        expired = expire_files()
        self.stdout.write(f"{expired} spreadsheets left unimported deleted.")
