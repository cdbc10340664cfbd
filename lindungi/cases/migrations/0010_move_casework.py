"""Case work moves to its own app (``lindungi.casework``): its models leave this app's state
and the attachments' sanction track points at case work's. Nothing in the database changes
here: ``casework.0001_initial`` takes the same tables over, and ``casework.0002`` renames
them. Every row stays where it is, with its id.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0009_encrypt_free_text"),
        ("casework", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='attachment',
                    name='sanction',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='casework.sanctiontrack', verbose_name='sanction track'),
                ),
                migrations.RemoveField(
                    model_name='approval',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='approval',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='approval',
                    name='requested_by',
                ),
                migrations.RemoveField(
                    model_name='closure',
                    name='approval',
                ),
                migrations.RemoveField(
                    model_name='assessment',
                    name='author',
                ),
                migrations.RemoveField(
                    model_name='assessment',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='casenote',
                    name='author',
                ),
                migrations.RemoveField(
                    model_name='casenote',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='casenote',
                    name='corrects',
                ),
                migrations.RemoveField(
                    model_name='closure',
                    name='by',
                ),
                migrations.RemoveField(
                    model_name='closure',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='plannedservice',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='plannedservice',
                    name='provider_unit',
                ),
                migrations.RemoveField(
                    model_name='policereport',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='policereport',
                    name='reported_by',
                ),
                migrations.RemoveField(
                    model_name='sanctiontrack',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='sanctiontrack',
                    name='perpetrator',
                ),
    
                migrations.RemoveField(
                    model_name='serviceplan',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='task',
                    name='assignee',
                ),
                migrations.RemoveField(
                    model_name='task',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='task',
                    name='created_by',
                ),
                migrations.DeleteModel(
                    name='Approval',
                ),
                migrations.DeleteModel(
                    name='Assessment',
                ),
                migrations.DeleteModel(
                    name='CaseNote',
                ),
                migrations.DeleteModel(
                    name='Closure',
                ),
                migrations.DeleteModel(
                    name='PlannedService',
                ),
                migrations.DeleteModel(
                    name='PoliceReport',
                ),
                migrations.DeleteModel(
                    name='SanctionTrack',
                ),
                migrations.DeleteModel(
                    name='ServicePlan',
                ),
                migrations.DeleteModel(
                    name='Task',
                ),
    
            ],
        ),
    ]
