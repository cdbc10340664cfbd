"""Assignment.case_opened_at: the case's opening time, copied for a case worker's list."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_opening_times(apps, schema_editor):
    Assignment = apps.get_model("cases", "Assignment")
    Case = apps.get_model("cases", "Case")
    opened = Case.objects.filter(pk=OuterRef("case_id")).values("opened_at")[:1]
    Assignment.objects.using(schema_editor.connection.alias).update(
        case_opened_at=Subquery(opened)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_attachment_sanction"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="case_opened_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(copy_opening_times, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="assignment",
            name="case_opened_at",
            field=models.DateTimeField(),
        ),
        migrations.RemoveIndex(
            model_name="assignment",
            name="assignment_user",
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["user", "-case_opened_at", "-case"], name="assignment_user_opened"
            ),
        ),
    ]
