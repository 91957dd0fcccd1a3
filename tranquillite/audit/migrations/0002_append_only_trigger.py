"""The database itself refuses to change an access-log row (CNIL: the log is tamper-evident).

Deletes stay possible for the retention purge only (audit.retention), which the model layer
guards; UPDATE is refused outright. The SQL lives in tranquillite/audit/triggers.py, which
also re-ensures the trigger after every migrate.
"""

from django.db import migrations

from tranquillite.audit.triggers import ensure_append_only_trigger

BACKWARD = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_accesslogentry_no_update;"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_accesslogentry_no_update ON audit_accesslogentry;",
        "DROP FUNCTION IF EXISTS audit_accesslogentry_refuse_update();",
    ],
}


def forward(apps, schema_editor):
    ensure_append_only_trigger(schema_editor.connection)


def backward(apps, schema_editor):
    for statement in BACKWARD.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
