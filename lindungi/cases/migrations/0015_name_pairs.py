"""Index the sorted pairs of every stored name's tokens (lindungi.core.blind_index): a name
search starts from the rarest pair, so a row indexed before pairs existed would not be
found. Reads every name (decrypted with the current keys) in batches."""

from django.db import migrations

from lindungi.core.blind_index import pairs_migration


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_carry_intake_consents"),
        ("core", "0002_submitted_key"),
    ]

    operations = [pairs_migration("cases", ["Client"])]
