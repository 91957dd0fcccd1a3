"""The small-count rule: 1 to 4 read "< 5", zero is zero, and in a group that adds up to a
published total no withheld cell can be recomputed."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tranquillite.observatory.suppression import (
    SMALL,
    WITHHELD,
    Cell,
    Mark,
    feasible_range,
    primary,
    protect_columns,
    protect_group,
    recoverable,
)


def shown(cells):
    return [cell.shown for cell in cells]


def test_primary_rule():
    assert [primary(value).shown for value in (0, 1, 4, 5, 120)] == ["0", SMALL, SMALL, "5", "120"]


def test_one_small_cell_in_a_column_takes_the_smallest_other_with_it():
    cells, total = protect_group([3, 12, 6, 40])
    assert shown(cells) == [SMALL, "12", WITHHELD, "40"]
    assert total.shown == "61"
    # 61 − 12 − 40 = 9 for the two withheld cells: the "< 5" may be 1, 2, 3 or 4.
    assert feasible_range(cells, 61, 0) == (1, 4)
    assert recoverable(cells, 61) == []


def test_without_secondary_suppression_the_small_cell_is_the_total_minus_the_others():
    cells = [Cell(3, Mark.SMALL), Cell(12), Cell(6), Cell(40)]
    assert recoverable(cells, 61) == [0]


def test_two_small_cells_that_pin_each_other_are_protected():
    # 1 + 1 = 2 and each is at least 1: both would be known exactly.
    cells, _total = protect_group([1, 1, 10])
    assert shown(cells) == [SMALL, SMALL, WITHHELD]
    assert recoverable(cells, 12) == []


def test_only_small_cells_and_zeros_withhold_a_zero():
    # 4 + 4 = 8 with each at most 4: both exactly 4, unless the zero is withheld too.
    cells, total = protect_group([4, 4, 0])
    assert total.shown == "8"
    assert shown(cells) == [SMALL, SMALL, WITHHELD]
    assert recoverable(cells, 8) == []


def test_as_a_last_resort_a_small_cell_says_nothing_at_all():
    cells, _total = protect_group([1, 1, 1, 1, 1])
    assert WITHHELD in shown(cells)
    assert recoverable(cells, 5) == []


def test_a_small_total_hides_everything_small_and_needs_nothing_more():
    cells, total = protect_group([3, 0, 0])
    assert (shown(cells), total.shown) == ([SMALL, "0", "0"], SMALL)


def test_nothing_small_nothing_withheld():
    cells, total = protect_group([0, 7, 12])
    assert (shown(cells), total.shown) == (["0", "7", "12"], "19")


def test_columns_are_protected_one_by_one():
    rows, totals = protect_columns([[3, 9], [8, 6], [9, 0]])
    assert [shown(row) for row in rows] == [[SMALL, "9"], [WITHHELD, "6"], ["9", "0"]]
    assert shown(totals) == ["20", "15"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=9))
def test_no_withheld_value_can_be_recomputed_from_a_published_total(values):
    cells, total = protect_group(values)
    assert [cell.value for cell in cells] == values
    for cell in cells:
        if 0 < cell.value < 5:
            assert cell.is_suppressed  # every small count is hidden
        if cell.mark == Mark.SMALL:
            assert cell.shown == SMALL and 0 < cell.value < 5
    if total.is_suppressed:
        assert 0 < total.value < 5
        return
    assert recoverable(cells, total.value) == []
    # And the truth is among what a reader may still believe, for every withheld cell.
    for index, cell in enumerate(cells):
        if cell.is_suppressed:
            low, high = feasible_range(cells, total.value, index)
            assert low <= cell.value <= high and low < high


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=9))
def test_an_attacker_enumerating_every_assignment_never_finds_a_single_value(values):
    """Brute force, independent of the interval formula: every assignment of the withheld
    cells consistent with the total and the marks' bounds; each withheld cell must take at
    least two values across them."""
    cells, total = protect_group(values)
    if total.is_suppressed:
        return
    withheld = [i for i, cell in enumerate(cells) if cell.is_suppressed]
    if not withheld or len(withheld) > 4:
        return
    rest = total.value - sum(c.value for c in cells if not c.is_suppressed)
    ranges = [
        range(1, 5) if cells[i].mark == Mark.SMALL else range(0, total.value + 1) for i in withheld
    ]
    seen: list[set[int]] = [set() for _ in withheld]

    def walk(position, remaining, chosen):
        if position == len(withheld):
            if remaining == 0:
                for slot, value in enumerate(chosen):
                    seen[slot].add(value)
            return
        for value in ranges[position]:
            if value > remaining:
                break
            walk(position + 1, remaining - value, [*chosen, value])

    walk(0, rest, [])
    assert all(len(values_seen) >= 2 for values_seen in seen), (values, shown(cells))
