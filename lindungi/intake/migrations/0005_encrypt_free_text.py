"""The report's free-text columns become encrypted, the values already stored included
(issue 11): a relation, an estimate or a reason may name the survivor."""

import lindungi.core.fields
from django.db import migrations

from lindungi.core.column_encryption import encrypt_columns


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0004_structured_safe_contact"),
    ]

    operations = [
        migrations.AlterField(
            model_name="report",
            name="closed_reason",
            field=lindungi.core.fields.EncryptedTextField(
                blank=True, verbose_name="reason for closing"
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="occurred_estimate",
            field=lindungi.core.fields.EncryptedCharField(
                blank=True, max_length=100, verbose_name="when, roughly"
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="referred_to",
            field=lindungi.core.fields.EncryptedCharField(
                blank=True, max_length=200, verbose_name="referred to"
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="reporter_relation",
            field=lindungi.core.fields.EncryptedCharField(
                blank=True, max_length=100, verbose_name="relation to the survivor"
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="risk_override_reason",
            field=lindungi.core.fields.EncryptedTextField(
                blank=True, verbose_name="reason for changing the risk"
            ),
        ),
        encrypt_columns(
            "intake",
            "Report",
            "closed_reason",
            "occurred_estimate",
            "referred_to",
            "reporter_relation",
            "risk_override_reason",
        ),
    ]
