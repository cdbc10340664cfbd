"""Outreach photos stored before they were encrypted at rest are sealed now, as new ones
are (``prevention/photos.py``: the field keys, the photo's id as associated data)."""

from django.db import migrations

from lindungi.cases.attachments import seal
from lindungi.core import crypto


def seal_stored_photos(apps, schema_editor):
    photo_model = apps.get_model("prevention", "OutreachPhoto")
    sealed = f"{crypto.VERSION}.".encode("ascii")
    for photo in photo_model.objects.order_by("pk").iterator():
        data = bytes(photo.data)
        if not data.startswith(sealed):
            photo.data = seal(data, f"outreach-photo/{photo.pk}")
            photo.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [("prevention", "0001_initial")]

    operations = [migrations.RunPython(seal_stored_photos, migrations.RunPython.noop)]
