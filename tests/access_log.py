"""Test helper: assert which access-log rows a block of code wrote."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tranquillite.audit.models import AccessLogEntry


class Captured:
    def __init__(self) -> None:
        self.rows: list[AccessLogEntry] = []

    def as_tuples(self) -> list[tuple[str, str, str]]:
        return [(row.action, row.object_type, row.object_id) for row in self.rows]


@contextmanager
def access_rows() -> Iterator[Captured]:
    """Collects the rows written inside the block, oldest first."""
    last = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    captured = Captured()
    yield captured
    captured.rows = list(AccessLogEntry.objects.filter(id__gt=last).order_by("id"))


@contextmanager
def assert_access_logged(*expected: tuple[str, object]) -> Iterator[Captured]:
    """Exactly these (action, record) rows, each once, and nothing else."""
    with access_rows() as captured:
        yield captured
    wanted = sorted(
        (str(action), record._meta.label_lower, str(record.public_id))  # type: ignore[attr-defined]
        for action, record in expected
    )
    assert sorted(captured.as_tuples()) == wanted
