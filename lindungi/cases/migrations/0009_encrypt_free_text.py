"""Every free-text column of a case-bound record becomes encrypted, the values already
stored included (issue 11): occupations, agencies and reasons can name the people."""

import lindungi.core.fields
from django.db import migrations

from lindungi.core.column_encryption import encrypt_columns


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_first_account_contact_consent"),
    ]

    operations = [
        migrations.AlterField(
            model_name="breakglass",
            name="reason",
            field=lindungi.core.fields.EncryptedTextField(verbose_name="reason"),
        ),
        migrations.AlterField(
            model_name="breakglass",
            name="review_note",
            field=lindungi.core.fields.EncryptedTextField(blank=True, verbose_name="review note"),
        ),
        migrations.AlterField(
            model_name="client",
            name="occupation",
            field=lindungi.core.fields.EncryptedCharField(
                blank=True, max_length=100, verbose_name="occupation"
            ),
        ),
        migrations.AlterField(
            model_name="firstaccount",
            name="occurred_estimate",
            field=lindungi.core.fields.EncryptedCharField(
                blank=True, max_length=100, verbose_name="when, roughly"
            ),
        ),
        migrations.AlterField(
            model_name="firstaccount",
            name="reporter_relation",
            field=lindungi.core.fields.EncryptedCharField(
                blank=True, max_length=100, verbose_name="relation to the survivor"
            ),
        ),
        migrations.AlterField(
            model_name="firstaccount",
            name="risk_override_reason",
            field=lindungi.core.fields.EncryptedTextField(
                blank=True, verbose_name="reason for changing the risk"
            ),
        ),
        migrations.AlterField(
            model_name="perpetrator",
            name="employing_agency",
            field=lindungi.core.fields.EncryptedCharField(
                blank=True, max_length=200, verbose_name="employing agency"
            ),
        ),
        migrations.AlterField(
            model_name="perpetrator",
            name="occupation",
            field=lindungi.core.fields.EncryptedCharField(
                blank=True, max_length=100, verbose_name="occupation"
            ),
        ),
        migrations.AlterField(
            model_name="plannedservice",
            name="provider_name",
            field=lindungi.core.fields.EncryptedCharField(
                blank=True, max_length=200, verbose_name="provider (other agency)"
            ),
        ),
        migrations.AlterField(
            model_name="sanctiontrack",
            name="agency",
            field=lindungi.core.fields.EncryptedCharField(
                max_length=200, verbose_name="employing agency"
            ),
        ),
        migrations.AlterField(
            model_name="sanctiontrack",
            name="notified_how",
            field=lindungi.core.fields.EncryptedCharField(
                blank=True, max_length=200, verbose_name="how it was notified"
            ),
        ),
        encrypt_columns("cases", "BreakGlass", "reason", "review_note"),
        encrypt_columns("cases", "Client", "occupation"),
        encrypt_columns(
            "cases",
            "FirstAccount",
            "occurred_estimate",
            "reporter_relation",
            "risk_override_reason",
        ),
        encrypt_columns("cases", "Perpetrator", "employing_agency", "occupation"),
        encrypt_columns("cases", "PlannedService", "provider_name"),
        encrypt_columns("cases", "SanctionTrack", "agency", "notified_how"),
    ]
