"""Roll-up arithmetic: a sheet's progress to its axis and the strategy."""

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from tranquillite.strategy.models import SheetStatus
from tranquillite.strategy.rollup import rollup


def test_the_mean_of_evaluated_sheets_leaving_out_stopped_and_never_evaluated_ones():
    result = rollup(
        [
            ("on_track", 40),
            ("late", 25),
            ("stopped", 0),
            ("planned", None),
            ("done", 100),
        ]
    )
    assert result.progress == 55  # (40 + 25 + 100) / 3
    assert (result.evaluated, result.total) == (3, 5)
    assert result.by_status == {"on_track": 1, "late": 1, "stopped": 1, "planned": 1, "done": 1}


def test_no_evaluation_means_no_progress_not_zero():
    assert rollup([("planned", None), ("planned", None)]).progress is None
    assert rollup([]).progress is None


def test_halves_round_up():
    assert rollup([("on_track", 50), ("on_track", 51)]).progress == 51  # 50.5


sheets = st.lists(
    st.tuples(
        st.sampled_from(list(SheetStatus.values)),
        st.one_of(st.none(), st.integers(min_value=0, max_value=100)),
    ),
    max_size=60,
)


@given(sheets)
def test_the_strategy_weighs_every_sheet_the_same(pairs):
    counted = [p for s, p in pairs if p is not None and s != "stopped"]
    result = rollup(pairs)
    assert result.total == len(pairs) == sum(result.by_status.values())
    if counted:
        exact = Decimal(sum(counted)) / len(counted)
        assert result.progress == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        assert min(counted) <= result.progress <= max(counted)
    else:
        assert result.progress is None


@given(sheets, sheets)
def test_the_strategy_lies_between_its_axes(first, second):
    whole = rollup(first + second).progress
    parts = [r.progress for r in (rollup(first), rollup(second)) if r.progress is not None]
    if parts:
        assert whole is not None
        assert min(parts) <= whole <= max(parts)
