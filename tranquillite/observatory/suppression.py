"""The small-count rule of every published statistic of individual follow-ups.

In a city of 50,000 inhabitants, "2 girls aged 10–12 from Quatre-Chemins were heard for
absenteeism" points at two children. So:

1. **Primary suppression.** A count from 1 to 4 is never published: it reads "< 5".
   A zero is published as 0: it is a true absence that points at no one, and hiding it would
   make every small table unreadable. (The reader therefore knows a "< 5" is 1, 2, 3 or 4.)
2. **Secondary suppression.** A table publishes its totals (the same totals are on the key
   figures), so in a column that adds up to a published total, one "< 5" would be the total
   minus the other cells. Within each such group we withhold more cells, shown "×", until no
   withheld cell can be recomputed exactly from the published ones: first the smallest
   published non-zero cell, then, if none is left, a published zero, and as a last resort a
   "< 5" becomes "×" (which says nothing of its size). The reader's knowledge assumed is:
   published cells exact, "< 5" between 1 and 4, "×" between 0 and the total.
   With one equation (the total) and those bounds, a withheld cell's possible values form the
   interval [max(low, rest − others' highs), min(high, rest − others' lows)]; the rule is that
   this interval holds at least two values for every withheld cell.
3. A total of 1 to 4 is itself "< 5" (everywhere it appears): then its cells are all "< 5" or
   0 and there is nothing to subtract from.

`protect_group(values, total)` applies the rule to one group; `recoverable(cells, total)` is
the attacker's side, used by the tests to check that nothing can be recomputed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

THRESHOLD = 5
SMALL = "< 5"
WITHHELD = "×"


class Mark(StrEnum):
    PUBLISHED = "published"
    SMALL = "small"  # primary: a count from 1 to 4
    WITHHELD = "withheld"  # secondary: withheld so that no small count can be recomputed


@dataclass(frozen=True)
class Cell:
    value: int
    mark: Mark = Mark.PUBLISHED

    @property
    def shown(self) -> str:
        """What the page and the CSV show."""
        if self.mark == Mark.SMALL:
            return SMALL
        if self.mark == Mark.WITHHELD:
            return WITHHELD
        return str(self.value)

    @property
    def is_suppressed(self) -> bool:
        return self.mark != Mark.PUBLISHED


def is_small(value: int) -> bool:
    return 0 < value < THRESHOLD


def primary(value: int) -> Cell:
    """A count on its own (no total to subtract from): the primary rule only."""
    return Cell(value, Mark.SMALL if is_small(value) else Mark.PUBLISHED)


def _bounds(cell: Cell, total: int) -> tuple[int, int]:
    if cell.mark == Mark.PUBLISHED:
        return cell.value, cell.value
    if cell.mark == Mark.SMALL:
        return 1, THRESHOLD - 1
    return 0, total


def feasible_range(cells: Sequence[Cell], total: int, index: int) -> tuple[int, int]:
    """The values a reader can still attribute to withheld cell `index`, knowing the total,
    the published cells and the bounds of each mark."""
    rest = total - sum(cell.value for cell in cells if not cell.is_suppressed)
    others = [
        _bounds(cell, total) for i, cell in enumerate(cells) if i != index and cell.is_suppressed
    ]
    low, high = _bounds(cells[index], total)
    return (
        max(low, rest - sum(other_high for _, other_high in others)),
        min(high, rest - sum(other_low for other_low, _ in others)),
    )


def recoverable(cells: Sequence[Cell], total: int) -> list[int]:
    """The withheld cells a reader could recompute exactly (an empty list is the goal)."""
    exact = []
    for index, cell in enumerate(cells):
        if cell.is_suppressed:
            low, high = feasible_range(cells, total, index)
            if low >= high:
                exact.append(index)
    return exact


def protect_group(values: Sequence[int], total: int | None = None) -> tuple[list[Cell], Cell]:
    """The cells of one additive group (they add up to `total`, by default their sum) and
    the total, with the primary and secondary rules applied."""
    total = sum(values) if total is None else total
    cells = [primary(value) for value in values]
    total_cell = primary(total)
    if total_cell.is_suppressed:
        # Nothing to subtract from: every non-zero cell is already "< 5".
        return cells, total_cell
    while recoverable(cells, total):
        more = _withhold_one_more(cells)
        if more == cells:  # pragma: no cover - every cell already says nothing
            break
        cells = more
    return cells, total_cell


def _withhold_one_more(cells: list[Cell]) -> list[Cell]:
    published = [(cell.value, i) for i, cell in enumerate(cells) if not cell.is_suppressed]
    non_zero = [pair for pair in published if pair[0] > 0]
    if non_zero:
        index = min(non_zero)[1]
    elif published:
        index = published[0][1]
    else:
        smalls = [(cell.value, i) for i, cell in enumerate(cells) if cell.mark == Mark.SMALL]
        if not smalls:
            return cells
        index = max(smalls)[1]
    changed = list(cells)
    changed[index] = Cell(cells[index].value, Mark.WITHHELD)
    return changed


def protect_columns(rows: Sequence[Sequence[int]]) -> tuple[list[list[Cell]], list[Cell]]:
    """A table whose every column adds up to its total row: each column is one group."""
    width = len(rows[0]) if rows else 0
    protected_rows: list[list[Cell]] = [[] for _ in rows]
    totals: list[Cell] = []
    for column in range(width):
        cells, total = protect_group([row[column] for row in rows])
        for row_index, cell in enumerate(cells):
            protected_rows[row_index].append(cell)
        totals.append(total)
    return protected_rows, totals
