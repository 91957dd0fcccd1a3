"""The database itself refuses to change an access-log row (CNIL: the log is tamper-evident).

Deletes stay possible for the retention purge only (audit.retention), which the model
layer guards; UPDATE is refused outright.
"""

from django.db import migrations

SQLITE_FORWARD = """
CREATE TRIGGER IF NOT EXISTS audit_accesslogentry_no_update
BEFORE UPDATE ON audit_accesslogentry
BEGIN
    SELECT RAISE(ABORT, 'The access log is append-only');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS audit_accesslogentry_no_update;"

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION audit_accesslogentry_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The access log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_accesslogentry_no_update
BEFORE UPDATE ON audit_accesslogentry
FOR EACH ROW EXECUTE FUNCTION audit_accesslogentry_refuse_update();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS audit_accesslogentry_no_update ON audit_accesslogentry;
DROP FUNCTION IF EXISTS audit_accesslogentry_refuse_update();
"""


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
