"""Make the audit table append-only with triggers.

The triggers as they were first installed, kept here as they were: 0003 replaces them
with the ones in lindungi/audit/guard.py, which allow the sealer's one change.
"""

from django.db import migrations

TABLE = "audit_auditevent"
INSTALL = {
    "postgresql": [
        """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
""",
        f"CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
    ],
    "sqlite": [
        f"CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END",
        f"CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END",
    ],
}
REMOVE = {
    "postgresql": [f"DROP TRIGGER IF EXISTS audit_append_only ON {TABLE}"],
    "sqlite": ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"],
}


def run(statements):
    def operation(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            for statement in statements[schema_editor.connection.vendor]:
                cursor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(run(INSTALL), run(REMOVE))]
