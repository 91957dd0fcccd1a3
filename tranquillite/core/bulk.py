"""Writing many rows at once, faster than the ORM's bulk_create can: the historical import of a
daily log (field/imports.py) and the benchmarks' generators share it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def write_rows(model: Any, fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """INSERT many rows fast: COPY on PostgreSQL (psycopg's C adaptation of each value),
    executemany elsewhere (each value prepared by its model field, as the ORM would). A
    JSONField's value is given as the Python object, as to the ORM; on PostgreSQL it goes as
    its JSON text, which COPY parses (psycopg's Jsonb wrapper cost 70 % more on 100,000 rows
    of the daily-log import)."""
    meta = model._meta
    model_fields = [meta.get_field(name) for name in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in model_fields)
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            json_columns = [
                i for i, f in enumerate(model_fields) if isinstance(f, models.JSONField)
            ]
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    if json_columns:
                        row = list(row)
                        for i in json_columns:
                            row[i] = None if row[i] is None else json.dumps(row[i])
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(model_fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        batch: list[list[Any]] = []
        for row in rows:
            batch.append(
                [
                    field.get_db_prep_save(value, connection)
                    for field, value in zip(model_fields, row, strict=True)
                ]
            )
            if len(batch) >= 5_000:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
