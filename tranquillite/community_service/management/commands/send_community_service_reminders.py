from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tranquillite.community_service.tasks import queue_work_reminders


class Command(BaseCommand):
    help = (
        "E-mail each coordinator and supervisor what is due in the community-service "
        "placements they see (start, deadline near, sessions to validate, final report). "
        "Case numbers only, never a name (daily)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="YYYY-MM-DD: as on another day (tests, catch-up).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError("--today expects YYYY-MM-DD.") from error
        queued = queue_work_reminders(today.isoformat())
        self.stdout.write(f"Community-service reminders queued for {queued} users.")
