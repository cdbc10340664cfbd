"""One consent record (issue 14): the referrals app's consent records become the cases
app's, so every app that reads a consent (the messages to the survivor, intake, referrals,
statistics) reads the same record. Here the intake app's yes/no consents step aside
(``cases.IntakeConsent``, table ``cases_intakeconsent``) and the cases app takes the
referrals app's model over in its state, still on its table (``referrals_consent``);
``referrals.0005`` lets go of it, ``cases.0013`` renames the table and ``cases.0014``
carries the intake consents over. Nothing in the database changes here but the intake
consents' table's name and indexes.
"""

import django.db.models.deletion
import lindungi.core.fields
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_user_alert_channels'),
        ('cases', '0011_survivor_messages'),
        ('referrals', '0004_referral'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel('Consent', 'IntakeConsent'),
        # Its indexes still bear the old table's name, which the records' table is about to
        # take: they go (the table goes in 0014, after its rows are carried over).
        migrations.AlterField(
            model_name='intakeconsent',
            name='case',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.case'),
        ),
        migrations.AlterField(
            model_name='intakeconsent',
            name='recorded_by',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='intakeconsent',
            name='report',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='intake.report'),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Consent',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('purpose', models.CharField(choices=[('services', 'To receive services'), ('contact', 'To be contacted'), ('referral', 'To be referred to another organisation'), ('statistics', 'To include non-identifying data in statistics reporting'), ('police', 'To give information to the police')], max_length=12, verbose_name='purpose')),
                        ('recipient_kind', models.CharField(blank=True, choices=[('health', 'Health'), ('legal_aid', 'Legal aid'), ('law_enforcement', 'Law enforcement'), ('social_rehabilitation', 'Social rehabilitation'), ('social_reintegration', 'Social reintegration'), ('repatriation', 'Repatriation'), ('religious_counselling', 'Religious counselling'), ('psychosocial', 'Psychosocial support'), ('shelter', 'Shelter'), ('mediation', 'Mediation'), ('economic', 'Economic empowerment')], max_length=24, verbose_name='recipient kind of service')),
                        ('categories', models.JSONField(blank=True, default=list, verbose_name='data categories')),
                        ('given_by', models.CharField(choices=[('survivor', 'The survivor'), ('parent', 'A parent'), ('guardian', 'A guardian'), ('other', 'Someone else')], default='survivor', max_length=10, verbose_name='given by')),
                        ('given_by_name', lindungi.core.fields.EncryptedCharField(blank=True, max_length=200, verbose_name='name of who gave it')),
                        ('child_view', lindungi.core.fields.EncryptedTextField(blank=True, verbose_name="the child's own view")),
                        ('how', models.CharField(choices=[('spoken', 'Spoken'), ('signed', 'Signed'), ('intake_form', 'By the form at intake')], max_length=12, verbose_name='how')),
                        ('given_at', models.DateTimeField(verbose_name='given')),
                        ('valid_until', models.DateField(blank=True, null=True, verbose_name='valid until')),
                        ('withdrawn_at', models.DateTimeField(blank=True, null=True, verbose_name='withdrawn')),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consent_records', to='cases.case')),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consent_records', to='cases.client', verbose_name='about')),
                        ('recipient', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.unit', verbose_name='recipient organisation')),
                        ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                        ('withdrawn_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='withdrawn by')),
                    ],
                    options={
                        'db_table': 'referrals_consent',
                        'verbose_name': 'consent',
                        'verbose_name_plural': 'consents',
                        'ordering': ['-given_at'],
                        'indexes': [models.Index(fields=['case', 'purpose'], name='consent_case_purpose'), models.Index(fields=['purpose', 'withdrawn_at'], name='consent_purpose')],
                    },
                ),
            ],
        ),
    ]
