"""How the sheets' progress rolls up to their axis and to the strategy.

The rule, kept simple so a committee can redo it by hand:
- a sheet's progress is the one set by its last evaluation (`ActionSheet.progress`);
- an axis's progress is the plain mean of its sheets' progress, over the sheets that have been
  evaluated and are not stopped (a stopped action no longer moves and would drag the mean
  down; it is still counted in the status figures);
- the strategy's progress is the mean over all such sheets of the strategy, every sheet
  weighing the same (not the mean of the axes: an area with 12 actions weighs more than one
  with 3);
- means are rounded half up to a whole percent; with no sheet evaluated, there is no progress
  (None), never 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from tranquillite.strategy.models import SheetStatus


@dataclass(frozen=True)
class Rollup:
    progress: int | None
    evaluated: int
    total: int
    by_status: dict[str, int] = field(default_factory=dict)


def rollup(sheets: Iterable[tuple[str, int | None]]) -> Rollup:
    """Roll up `(status, progress)` pairs, one per sheet."""
    total = 0
    counted: list[int] = []
    statuses: Counter[str] = Counter()
    for status, progress in sheets:
        total += 1
        statuses[status] += 1
        if progress is not None and status != SheetStatus.STOPPED:
            counted.append(progress)
    mean = (
        int((Decimal(sum(counted)) / len(counted)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        if counted
        else None
    )
    return Rollup(progress=mean, evaluated=len(counted), total=total, by_status=dict(statuses))
