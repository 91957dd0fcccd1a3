from typing import Any

from django.core.management.base import BaseCommand

from tranquillite.tensions.retention import alert_cutoff, purge_tension_alerts


class Command(BaseCommand):
    help = "Destroy tension alerts lifted more than 3 years ago, with their responses (daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = alert_cutoff()
        deleted = purge_tension_alerts()
        self.stdout.write(
            f"{deleted} tension alerts lifted before {cutoff:%Y-%m-%d} destroyed "
            "(their anonymous figures kept)."
        )
