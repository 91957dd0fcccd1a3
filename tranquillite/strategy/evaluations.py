"""The committees' evaluations of the action sheets: reads and writes."""

from __future__ import annotations

from typing import Any

from tranquillite.strategy.models import ActionSheet


def history_for_sheet(sheet: ActionSheet) -> list[Any]:
    return []
