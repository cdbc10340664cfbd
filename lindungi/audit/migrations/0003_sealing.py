"""Sealing off the request path: events are inserted unsealed and sealed afterwards.

The insertion id becomes the primary key, the sequence is given at sealing (NULL until
then, unique), each row names its audit key and carries an insert tag. Rows already in
the table were sealed as they were written: they keep their sequence and hash, and are
marked as written under the current key (they have no tag). The triggers of 0002 give
way to the ones in lindungi/audit/guard.py, which allow the sealer's one change.
"""

from django.conf import settings
from django.db import migrations, models

from lindungi.audit import guard
from lindungi.audit.keys import audit_keys

TABLE = "audit_auditevent"
OLD_TRIGGERS = {
    "postgresql": [f"DROP TRIGGER IF EXISTS audit_append_only ON {TABLE}"],
    "sqlite": ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"],
}


def lift_old_triggers(apps, schema_editor):
    """And, on PostgreSQL, drop the sequence's primary key, which Django's AlterField
    would otherwise keep while making the column nullable."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in OLD_TRIGGERS[connection.vendor]:
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT {TABLE}_pkey")


def mark_sealed_rows(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditEvent.objects.using(schema_editor.connection.alias).update(
        key_id=audit_keys().current_id
    )


def install_triggers(apps, schema_editor):
    guard.install(schema_editor.connection)


def remove_triggers(apps, schema_editor):
    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(lift_old_triggers, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.BigIntegerField(null=True, unique=True, verbose_name="sequence"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="id",
            field=models.BigAutoField(primary_key=True, serialize=False),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(default="", max_length=8, verbose_name="key id"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="tag",
            field=models.CharField(blank=True, max_length=64, verbose_name="insert tag"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="hash"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="previous hash"),
        ),
        migrations.RunPython(mark_sealed_rows, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="auditevent",
            options={
                "ordering": ["id"],
                "verbose_name": "audit event",
                "verbose_name_plural": "audit events",
            },
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("sequence__isnull", True)), fields=["id"], name="audit_unsealed"
            ),
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
