"""Case work's models, taken over from the cases app with their tables and every row: only
Django's state changes here (``cases.0010_move_casework`` lets go of them). The tables keep
their old names until ``0002_rename_tables``.
"""

import django.db.models.deletion
import lindungi.core.fields
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0005_second_factor_move_legacy_devices'),
        ('cases', '0009_encrypt_free_text'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Approval',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('subject', models.CharField(choices=[('plan', 'Service plan'), ('closure', 'Closure')], max_length=8, verbose_name='subject')),
                        ('request_comment', lindungi.core.fields.EncryptedTextField(blank=True, verbose_name='comment')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('decision', models.CharField(blank=True, choices=[('approved', 'Approved'), ('rejected', 'Rejected'), ('withdrawn', 'Withdrawn: the plan changed')], max_length=12, verbose_name='decision')),
                        ('decision_comment', lindungi.core.fields.EncryptedTextField(blank=True, verbose_name="supervisor's comment")),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='approvals', to='cases.case')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                    ],
                    options={
                        'db_table': 'cases_approval',
                        'verbose_name': 'approval',
                        'verbose_name_plural': 'approvals',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Assessment',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('kind', models.CharField(choices=[('needs', 'Needs assessment'), ('risk', 'Risk assessment')], max_length=8, verbose_name='kind')),
                        ('number', models.PositiveIntegerField(verbose_name='number')),
                        ('answers', models.JSONField(default=dict, verbose_name='answers')),
                        ('level', models.CharField(blank=True, max_length=8, verbose_name='risk level')),
                        ('override_level', models.CharField(blank=True, max_length=8, verbose_name='level set by the worker')),
                        ('override_reason', lindungi.core.fields.EncryptedTextField(blank=True, verbose_name='reason for the level')),
                        ('summary', lindungi.core.fields.EncryptedTextField(blank=True, verbose_name='summary')),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assessments', to='cases.case')),
                    ],
                    options={
                        'db_table': 'cases_assessment',
                        'verbose_name': 'assessment',
                        'verbose_name_plural': 'assessments',
                        'ordering': ['kind', '-number'],
                    },
                ),
                migrations.CreateModel(
                    name='CaseNote',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('body', lindungi.core.fields.EncryptedTextField(verbose_name='note')),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notes', to='cases.case')),
                        ('corrects', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='corrections', to='casework.casenote', verbose_name='corrects')),
                    ],
                    options={
                        'db_table': 'cases_casenote',
                        'verbose_name': 'case note',
                        'verbose_name_plural': 'case notes',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Closure',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('kind', models.CharField(choices=[('close', 'Closure'), ('reopen', 'Reopening')], default='close', max_length=8, verbose_name='kind')),
                        ('reason', models.CharField(blank=True, choices=[('needs_met', 'Needs met'), ('no_contact', 'No contact for the set number of days'), ('survivor_asked', 'The survivor asked to close'), ('moved_away', 'Moved away'), ('transferred', 'Transferred'), ('other', 'Other')], max_length=16, verbose_name='reason')),
                        ('summary', lindungi.core.fields.EncryptedTextField(verbose_name='closing summary or reason to reopen')),
                        ('open_services_reason', lindungi.core.fields.EncryptedTextField(blank=True, verbose_name='why services are still open')),
                        ('approval', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='closure', to='casework.approval', verbose_name='approval')),
                        ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='closures', to='cases.case')),
                    ],
                    options={
                        'db_table': 'cases_closure',
                        'verbose_name': 'closure',
                        'verbose_name_plural': 'closures',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='PlannedService',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('type', models.CharField(choices=[('health', 'Health'), ('legal_aid', 'Legal aid'), ('law_enforcement', 'Law enforcement'), ('social_rehabilitation', 'Social rehabilitation'), ('social_reintegration', 'Social reintegration'), ('repatriation', 'Repatriation'), ('religious_counselling', 'Religious counselling'), ('psychosocial', 'Psychosocial support'), ('shelter', 'Shelter'), ('mediation', 'Mediation'), ('economic', 'Economic empowerment')], max_length=24, verbose_name='service')),
                        ('provider_name', lindungi.core.fields.EncryptedCharField(blank=True, max_length=200, verbose_name='provider (other agency)')),
                        ('due_on', models.DateField(verbose_name='due')),
                        ('status', models.CharField(choices=[('planned', 'Planned'), ('in_progress', 'In progress'), ('done', 'Done'), ('declined', 'Declined by the survivor'), ('unavailable', 'Unavailable')], default='planned', max_length=12, verbose_name='status')),
                        ('outcome', lindungi.core.fields.EncryptedTextField(blank=True, verbose_name='outcome')),
                        ('done_on', models.DateField(blank=True, null=True, verbose_name='date given')),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='services', to='cases.case')),
                        ('provider_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.unit', verbose_name='provider (unit)')),
                    ],
                    options={
                        'db_table': 'cases_plannedservice',
                        'verbose_name': 'service',
                        'verbose_name_plural': 'services',
                        'ordering': ['due_on', 'created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='PoliceReport',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('due_at', models.DateTimeField(verbose_name='due')),
                        ('reported_at', models.DateTimeField(blank=True, null=True, verbose_name='reported')),
                        ('police_reference', lindungi.core.fields.EncryptedCharField(blank=True, max_length=100, verbose_name='police reference')),
                        ('not_reported_reason', lindungi.core.fields.EncryptedTextField(blank=True, verbose_name='why it was not reported')),
                        ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='police_report', to='cases.case')),
                        ('reported_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reported by')),
                    ],
                    options={
                        'db_table': 'cases_policereport',
                        'verbose_name': 'police report',
                        'verbose_name_plural': 'police reports',
                    },
                ),
                migrations.CreateModel(
                    name='SanctionTrack',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('agency', lindungi.core.fields.EncryptedCharField(max_length=200, verbose_name='employing agency')),
                        ('notified_on', models.DateField(blank=True, null=True, verbose_name='agency notified on')),
                        ('notified_how', lindungi.core.fields.EncryptedCharField(blank=True, max_length=200, verbose_name='how it was notified')),
                        ('decision', models.CharField(choices=[('pending', 'No decision yet'), ('warning', 'Warning'), ('suspension', 'Suspension'), ('dismissal', 'Dismissal'), ('other', 'Other')], default='pending', max_length=12, verbose_name="agency's decision")),
                        ('decided_on', models.DateField(blank=True, null=True, verbose_name='decided on')),
                        ('notes', lindungi.core.fields.EncryptedTextField(blank=True, verbose_name='notes')),
                        ('concluded', models.BooleanField(default=False, verbose_name='concluded')),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sanctions', to='cases.case')),
                        ('perpetrator', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='sanction', to='cases.perpetrator', verbose_name='perpetrator')),
                    ],
                    options={
                        'db_table': 'cases_sanctiontrack',
                        'verbose_name': 'sanction track',
                        'verbose_name_plural': 'sanction tracks',
                    },
                ),
                migrations.CreateModel(
                    name='ServicePlan',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('goals', lindungi.core.fields.EncryptedTextField(blank=True, verbose_name="the survivor's goals, in their words")),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('pending', 'Waiting for approval'), ('approved', 'Approved'), ('rejected', 'Returned for changes')], default='draft', max_length=10, verbose_name='status')),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('case', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='plan', to='cases.case')),
                    ],
                    options={
                        'db_table': 'cases_serviceplan',
                        'verbose_name': 'service plan',
                        'verbose_name_plural': 'service plans',
                    },
                ),
                migrations.CreateModel(
                    name='Task',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('title', lindungi.core.fields.EncryptedCharField(max_length=300, verbose_name='task')),
                        ('due_at', models.DateTimeField(verbose_name='due')),
                        ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='done')),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('assignee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='case_tasks', to=settings.AUTH_USER_MODEL, verbose_name='assigned to')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tasks', to='cases.case')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                    ],
                    options={
                        'db_table': 'cases_task',
                        'verbose_name': 'task',
                        'verbose_name_plural': 'tasks',
                        'ordering': ['due_at'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='approval',
                    constraint=models.UniqueConstraint(condition=models.Q(('decided_at__isnull', True)), fields=('case', 'subject'), name='approval_one_pending'),
                ),
                migrations.AddConstraint(
                    model_name='assessment',
                    constraint=models.UniqueConstraint(fields=('case', 'kind', 'number'), name='assessment_number'),
                ),
                migrations.AddIndex(
                    model_name='plannedservice',
                    index=models.Index(fields=['status', 'due_on'], name='service_due'),
                ),
                migrations.AddIndex(
                    model_name='policereport',
                    index=models.Index(fields=['reported_at', 'due_at'], name='police_report_due'),
                ),
                migrations.AddIndex(
                    model_name='task',
                    index=models.Index(fields=['assignee', 'done_at', 'due_at'], name='task_assignee_due'),
                ),
                migrations.AddIndex(
                    model_name='task',
                    index=models.Index(fields=['done_at', 'due_at'], name='task_due'),
                ),
            ],
        ),
    ]
