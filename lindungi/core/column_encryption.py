"""Make plain columns encrypted in a migration, the values already stored included.

The migration first turns the fields into ``EncryptedCharField`` / ``EncryptedTextField``
(the column becomes ``text``, wide enough for ciphertext), then runs
``encrypt_columns(app_label, model_name, *fields)``, which encrypts every stored value
under the current field key. Empty strings are encrypted too: an encrypted field reads
every non-null value as ciphertext. Reversed, it decrypts them before the column type is
put back.

Values are read and written as raw text, around the field, so the step does the same
whatever the historical field class does. A value already in Lindungi's ciphertext form is
left alone (encrypting) or is the only kind changed (decrypting), so running it twice, or
again after an interruption, changes nothing more.
"""

import re

from django.db import migrations, models
from django.db.models import Value

from lindungi.core import crypto
from lindungi.core.rotation import raw_column

# v1.<key id>.<base64url>: see lindungi.core.crypto. Free text never looks like this.
CIPHERTEXT = re.compile(r"v1\.[0-9a-f]{8}\.[A-Za-z0-9_=-]+")
BATCH_SIZE = 500


def encrypt_columns(app_label, model_name, *field_names):
    """A RunPython operation that encrypts the named columns, and decrypts them reversed."""

    def forward(apps, schema_editor):
        _convert(apps, schema_editor, app_label, model_name, field_names, _encrypted)

    def backward(apps, schema_editor):
        _convert(apps, schema_editor, app_label, model_name, field_names, _decrypted)

    return migrations.RunPython(forward, backward)


def _encrypted(value, field):
    if value is None or CIPHERTEXT.fullmatch(value):
        return None
    return crypto.encrypt(value)


def _decrypted(value, field):
    if value is None or not CIPHERTEXT.fullmatch(value):
        return None
    return crypto.decrypt(value, f"{field.model._meta.label_lower}.{field.name}")


def _convert(apps, schema_editor, app_label, model_name, field_names, change):
    """Rewrite each stored value of the fields that ``change`` returns a new text for."""
    model = apps.get_model(app_label, model_name)
    using = schema_editor.connection.alias
    fields = [model._meta.get_field(name) for name in field_names]
    raw_names = [f"raw_{field.name}" for field in fields]
    rows = (
        models.QuerySet(model, using=using)
        .annotate(**{raw: raw_column(field) for raw, field in zip(raw_names, fields, strict=True)})
        .order_by("pk")
    )
    last_pk = None
    while True:
        batch = rows if last_pk is None else rows.filter(pk__gt=last_pk)
        found = list(batch.values_list("pk", *raw_names)[:BATCH_SIZE])
        for pk, *stored in found:
            changes = {}
            for field, value in zip(fields, stored, strict=True):
                text = change(value, field)
                if text is not None:
                    # A plain-text expression: written as given, not through the field.
                    changes[field.name] = Value(text, output_field=models.TextField())
            if changes:
                models.QuerySet(model, using=using).filter(pk=pk).update(**changes)
        if len(found) < BATCH_SIZE:
            return
        last_pk = found[-1][0]
