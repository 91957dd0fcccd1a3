from typing import Any

from django.core.management.base import BaseCommand

from tranquillite.technical_issues.tasks import remind_late_issues


class Command(BaseCommand):
    help = (
        "Remind the organisation of each technical issue past its deadline (again every week) "
        "and escalate it once to the territory's coordination. References only, never a name "
        "(daily)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        reminded, escalated = remind_late_issues()
        self.stdout.write(f"Technical issues: {reminded} reminded, {escalated} escalated.")
