from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tranquillite.followups.tasks import send_archive_digests, send_deadline_reminders


class Command(BaseCommand):
    help = (
        "E-mail the owners of follow-up deadlines due in 3 days or late by one, and, on "
        "Mondays, the coordinators about archived files destroyed within the week (daily). "
        "Case numbers only, never a name."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="YYYY-MM-DD: as on another day (tests, catch-up).")
        parser.add_argument(
            "--archive-digest",
            action="store_true",
            help="Send the archive digest today even if it is not Monday.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError("--today expects YYYY-MM-DD.") from error
        owners = send_deadline_reminders(today)
        digests = send_archive_digests(today, force=options["archive_digest"])
        self.stdout.write(
            f"Reminders queued for {owners} deadline owners; {digests} archive digests."
        )
