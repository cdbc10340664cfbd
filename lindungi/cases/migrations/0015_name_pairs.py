"""Index the sorted pairs of every stored name's tokens (lindungi.core.blind_index): a name
search starts from the rarest pair, so a row indexed before pairs existed would not be
found. Reads every name (decrypted with the current keys) in batches."""

from django.db import migrations

from lindungi.core.blind_index import index_name_pairs, pair_column

MODELS = ["Client"]


def index_pairs(apps, schema_editor):
    tokens = apps.get_model("core", "BlindToken")
    for name in MODELS:
        index_name_pairs(apps.get_model("cases", name), tokens)


def drop_pairs(apps, schema_editor):
    tokens = apps.get_model("core", "BlindToken")
    for name in MODELS:
        tokens.objects.filter(column=pair_column(apps.get_model("cases", name))).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_carry_intake_consents"),
        ("core", "0002_submitted_key"),
    ]

    operations = [migrations.RunPython(index_pairs, drop_pairs)]
