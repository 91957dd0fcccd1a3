"""core.bulk.write_rows: COPY on PostgreSQL, executemany elsewhere; what it writes reads back
through the ORM as written, JSON included (the CI runs this on both databases)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tranquillite.core.bulk import write_rows
from tranquillite.field.models import ImportBatch


def test_rows_written_in_bulk_read_back_as_written(territory):
    when = datetime(2025, 3, 31, 18, 30, tzinfo=UTC)
    fields = [
        "public_id",
        "territory_id",
        "file_name",
        "content",
        "prepared",
        "reference",
        "header_line",
        "headers",
        "mapping",
        "status",
        "total_rows",
        "processed_rows",
        "counts",
        "errors",
        "warnings",
        "preview",
        "created_at",
    ]
    rows = [
        [
            uuid.uuid4(),
            territory.pk,
            f"fichier\t{n}\\n.csv",  # a tab and a backslash survive COPY's text format
            b"",
            b"",
            "",
            1,
            ["Date", "Quartier « Hoche »"],
            {"date": 0, "neighbourhood": 1},
            "done",
            n,
            n,
            {"new": n},
            [],
            ['Ligne 2 : "guillemets" et\nretour'],
            [],
            when,
        ]
        for n in range(3)
    ]
    write_rows(ImportBatch, fields, rows)
    written = list(ImportBatch.objects.order_by("total_rows"))
    assert [b.file_name for b in written] == [f"fichier\t{n}\\n.csv" for n in range(3)]
    assert written[2].headers == ["Date", "Quartier « Hoche »"]
    assert written[2].mapping == {"date": 0, "neighbourhood": 1}
    assert written[1].counts == {"new": 1}
    assert written[0].warnings == ['Ligne 2 : "guillemets" et\nretour']
    assert written[0].created_at == when
