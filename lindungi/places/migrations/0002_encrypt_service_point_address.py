# Encrypt service point addresses (docs/architecture.md, rule 3): existing rows first, then the field.

import lindungi.core.fields
from django.db import migrations

from lindungi.core import crypto


def _rewrite(apps, schema_editor, change):
    # Runs while the field is still a plain TextField, so values go in and out unchanged.
    ServicePoint = apps.get_model("places", "ServicePoint")
    points = ServicePoint.objects.using(schema_editor.connection.alias)
    for pk, address in points.values_list("pk", "address").iterator():
        points.filter(pk=pk).update(address=change(address))


def encrypt_addresses(apps, schema_editor):
    _rewrite(apps, schema_editor, crypto.encrypt)


def decrypt_addresses(apps, schema_editor):
    _rewrite(apps, schema_editor, lambda token: crypto.decrypt(token, "places.servicepoint.address"))


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(encrypt_addresses, decrypt_addresses),
        migrations.AlterField(
            model_name='servicepoint',
            name='address',
            field=lindungi.core.fields.EncryptedTextField(blank=True, verbose_name='address'),
        ),
    ]
