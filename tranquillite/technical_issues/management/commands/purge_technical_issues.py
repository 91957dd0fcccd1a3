from typing import Any

from django.core.management.base import BaseCommand

from tranquillite.technical_issues.retention import purge_technical_issues


class Command(BaseCommand):
    help = "Destroy the technical issues closed more than 3 years ago, with their photos (daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_technical_issues()
        self.stdout.write(f"Technical issues destroyed: {deleted}.")
