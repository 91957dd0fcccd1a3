"""Indicators of the action sheets and their measurements: reads and writes."""

from __future__ import annotations

from typing import Any

from tranquillite.strategy.models import ActionSheet


def summaries_for_sheet(sheet: ActionSheet) -> list[Any]:
    return []
