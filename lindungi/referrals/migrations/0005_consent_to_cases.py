"""The consent records are the cases app's now (``cases.0012_consent_record``): a referral's
consent points at ``cases.Consent``, on the same table and column, and this app's state
lets go of its model. Nothing in the database changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0012_consent_record'),
        ('referrals', '0004_referral'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='referral',
                    name='consent',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='cases.consent', verbose_name='consent'),
                ),
                migrations.DeleteModel(name='Consent'),
            ],
        ),
    ]
