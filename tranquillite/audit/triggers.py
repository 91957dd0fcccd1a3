"""The database trigger that refuses to change an access-log row.

Installed by migration 0002 and re-ensured after every `migrate` (post_migrate): SQLite
rebuilds a table when one of its columns is altered, and the rebuilt table has no trigger.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE = [
    """
    CREATE TRIGGER IF NOT EXISTS audit_accesslogentry_no_update
    BEFORE UPDATE ON audit_accesslogentry
    BEGIN
        SELECT RAISE(ABORT, 'The access log is append-only');
    END;
    """
]
POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION audit_accesslogentry_refuse_update() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'The access log is append-only';
    END;
    $$ LANGUAGE plpgsql;
    """,
    "DROP TRIGGER IF EXISTS audit_accesslogentry_no_update ON audit_accesslogentry;",
    """
    CREATE TRIGGER audit_accesslogentry_no_update
    BEFORE UPDATE ON audit_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION audit_accesslogentry_refuse_update();
    """,
]


def ensure_append_only_trigger(connection: BaseDatabaseWrapper) -> None:
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    if "audit_accesslogentry" in connections[using].introspection.table_names():
        ensure_append_only_trigger(connections[using])
