"""The import benchmark's spreadsheet (benchmarks/field_import.py) is one a city could send:
every row checks without error and is imported, and a second run finds them all there."""

from __future__ import annotations

import random

from django.core.files.uploadedfile import SimpleUploadedFile

from benchmarks.field_import import build, spreadsheet
from tranquillite.field import imports
from tranquillite.field.models import ImportStatus, LogEntry


def test_the_benchmark_spreadsheet_imports_without_error_and_only_once(db):
    built = build()
    director, territory = built["director"], built["territory"]
    data = spreadsheet(300, random.Random(3))

    def checked():
        upload = SimpleUploadedFile("bench.csv", data, "text/csv")
        batch = imports.receive(actor=director, territory=territory, upload=upload)
        batch = imports.choose_columns(
            actor=director, batch=batch, mapping=batch.mapping, default_team=None
        )
        return imports.process(batch.pk, apply=False)

    batch = checked()
    assert batch.status == ImportStatus.CHECKED
    assert batch.counts["errors"] == 0, batch.errors[:3]
    assert batch.counts["new"] == 300
    batch = imports.process(imports.confirm(actor=director, batch=batch).pk, apply=True)
    assert batch.status == ImportStatus.DONE
    assert LogEntry.objects.filter(territory=territory).count() == 300
    again = checked()
    assert (again.counts["already"], again.counts["new"]) == (300, 0)
