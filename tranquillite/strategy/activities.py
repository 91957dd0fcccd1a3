"""Activities of the action sheets (workshops, classroom sessions): reads and writes."""

from __future__ import annotations

from typing import Any

from tranquillite.strategy.models import ActionSheet


def activities_for_sheet(sheet: ActionSheet) -> list[Any]:
    return []
