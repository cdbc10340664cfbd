"""One consent record, second step (``0012_consent_record``): the consent records' table
takes the cases app's name (``referrals_consent`` -> ``cases_consent``, every row, id and
foreign key kept, the referrals' too), and its content type follows. A record may now name
the intake report whose form carried it, and may be about the case as a whole. The intake
consents are carried over in ``0014`` (on PostgreSQL, rows written in a migration hold its
table against the indexes this one makes).
"""

import django.db.models.deletion
from django.db import migrations, models

def _move_content_type(apps, schema_editor):
    """The records' content type takes the cases app's label; a row already made for it
    (the intake consents' old one) gives way to the one permissions and history point to."""
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    if content_types.filter(app_label="referrals", model="consent").exists():
        content_types.filter(app_label="cases", model="consent").delete()
        content_types.filter(app_label="referrals", model="consent").update(app_label="cases")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0012_consent_record'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('intake', '0009_report_consent_statistics'),
        ('referrals', '0005_consent_to_cases'),
    ]

    operations = [
        migrations.AlterModelTable(
            name='consent',
            table=None,
        ),
        migrations.RunPython(_move_content_type, migrations.RunPython.noop),
        migrations.AddField(
            model_name='consent',
            name='report',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='intake.report'),
        ),
        migrations.AlterField(
            model_name='consent',
            name='client',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='consent_records', to='cases.client', verbose_name='about'),
        ),
    ]
