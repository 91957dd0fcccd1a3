"""Computes the month's value of every computed indicator (daily, docs/operations.md).

One measurement per indicator and month, dated the month's last day, holding that month's
figure. Without `--month`, the last complete month: run daily, the command picks up activities
and meetings recorded late during the following month. Re-running updates a value, never adds
a second one. An indicator whose source fails keeps its previous values; the others are
computed all the same, and the command ends with an error listing the failures.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tranquillite.strategy.indicators import Computed, compute_months, last_complete_month
from tranquillite.strategy.models import Indicator

logger = logging.getLogger(__name__)


def month_argument(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CommandError(f"--month expects YYYY-MM, e.g. 2026-03 (got {text!r}).")
    return int(match.group(1)), int(match.group(2))


class Command(BaseCommand):
    help = (
        "Compute the monthly value of every computed indicator (default: the last complete "
        "month). Daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM; default: the last complete month.")
        parser.add_argument("--territory", help="The territory's slug; default: all.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        year, month = (
            month_argument(options["month"]) if options["month"] else last_complete_month(today)
        )
        if (year, month) > (today.year, today.month):
            raise CommandError("--month cannot be a future month.")
        indicators = (
            Indicator.objects.exclude(source_key="")
            .select_related("sheet__territory", "territory")
            .order_by("territory__slug", "pk")
        )
        if options["territory"]:
            indicators = indicators.filter(territory__slug=options["territory"])
        total = Computed()
        failures: list[str] = []
        for indicator in indicators:
            try:
                outcome = compute_months(indicator, [(year, month)])
            except Exception as error:  # one source's failure must not stop the others
                logger.exception(
                    "Indicator %s (%s): source %s failed",
                    indicator.public_id,
                    indicator.territory.slug,
                    indicator.source_key,
                )
                failures.append(
                    f"{indicator.territory.slug} — {indicator.public_id} ({indicator.name}): "
                    f"{indicator.source_key}: {type(error).__name__}: {error}"
                )
                continue
            total.added += outcome.added
            total.updated += outcome.updated
            total.unchanged += outcome.unchanged
        self.stdout.write(
            f"{year}-{month:02d}: {total.added} added, {total.updated} updated, "
            f"{total.unchanged} unchanged, {len(failures)} failed."
        )
        if failures:
            for line in failures:
                self.stderr.write(f"  failed: {line}")
            raise CommandError(f"{len(failures)} computed indicator(s) failed (see above).")
