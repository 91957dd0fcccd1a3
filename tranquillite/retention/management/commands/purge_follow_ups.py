from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tranquillite.core.models import Territory
from tranquillite.retention.purge import BATCH_SIZE, purge


class Command(BaseCommand):
    help = (
        "Destroy the follow-ups whose retention period has ended (3 years after closure, never "
        "past the person's 25th birthday) with everything that hangs from them, then the people "
        "no follow-up refers to any more; keep anonymous counts (run daily by a timer)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be destroyed; change nothing."
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="Apply the rule as on this day (YYYY-MM-DD); default: today.",
        )
        parser.add_argument("--territory", help="Only this territory (its short name).")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        today: date = options["today"] or timezone.localdate()
        territories = None
        if options["territory"]:
            territories = list(Territory.objects.filter(slug=options["territory"]))
            if not territories:
                raise CommandError(f"No territory {options['territory']!r}.")
        results = purge(
            today,
            dry_run=options["dry_run"],
            territories=territories,
            batch_size=options["batch_size"],
        )
        verb = "would be destroyed" if options["dry_run"] else "destroyed"
        for territory, tally in results.items():
            if tally.failed:
                self.stderr.write(f"{territory.slug}: FAILED (see the log); nothing of it changed.")
            elif tally.follow_ups or tally.persons or tally.blocked:
                self.stdout.write(f"{territory.slug}: {tally.summary()} {verb}.")
        total_files = sum(t.follow_ups for t in results.values())
        total_people = sum(t.persons for t in results.values())
        self.stdout.write(
            f"{today:%Y-%m-%d}: {total_files} follow-ups and {total_people} people {verb} "
            f"in {len(results)} territories."
        )
        blocked = sum(t.blocked for t in results.values())
        failed = [t.slug for t, tally in results.items() if tally.failed]
        if blocked or failed:
            raise CommandError(
                f"{blocked} follow-ups kept by a protected reference; "
                f"failed: {', '.join(failed) or 'none'}."
            )
