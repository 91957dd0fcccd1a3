from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from tranquillite.core.models import Territory
from tranquillite.demo import data


class Command(BaseCommand):
    help = "Load the Pantin demo territory (and a second one) when the database has none."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Load even if territories exist.")
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the logins.")

    def handle(
        self, *args: Any, force: bool = False, quiet_logins: bool = False, **options: Any
    ) -> None:
        if settings.PRODUCTION:
            # The demo accounts' password and TOTP secret are public (README).
            raise CommandError("Demo data is refused when DJANGO_ENV=production.")
        if force or not Territory.objects.exists():
            data.load()
            self.stdout.write(self.style.SUCCESS("Demo territories loaded."))
        else:
            self.stdout.write("Territories already present: demo data left as it is.")
        if not quiet_logins:
            self.print_logins()

    def print_logins(self) -> None:
        with translation.override("fr"):
            self.stdout.write("")
            self.stdout.write(f"Demo logins — password for all: {data.DEMO_PASSWORD}")
            self.stdout.write(
                f"TOTP secret (authenticator app, 6 digits / 30 s): {data.DEMO_TOTP_SECRET}"
            )
            for territory, role, email, totp in data.demo_logins():
                mark = "TOTP" if totp else "    "
                self.stdout.write(f"  {mark}  {territory:22} {role:36} {email}")
