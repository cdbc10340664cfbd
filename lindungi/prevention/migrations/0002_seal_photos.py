"""Outreach photos stored before they were encrypted at rest are sealed now, as new ones
are (``prevention/photos.py``: the field keys, the photo's id as associated data); going
back opens them again, for the code that served them plain."""

from django.db import migrations

from lindungi.cases.attachments import seal, unseal
from lindungi.core import crypto


def _each(apps, change):
    photo_model = apps.get_model("prevention", "OutreachPhoto")
    sealed = f"{crypto.VERSION}.".encode("ascii")
    for photo in photo_model.objects.order_by("pk").iterator():
        data = bytes(photo.data)
        new = change(data, data.startswith(sealed), f"outreach-photo/{photo.pk}")
        if new is not None:
            photo.data = new
            photo.save(update_fields=["data"])


def seal_stored_photos(apps, schema_editor):
    _each(apps, lambda data, sealed, name: None if sealed else seal(data, name))


def open_stored_photos(apps, schema_editor):
    _each(apps, lambda data, sealed, name: unseal(data, name) if sealed else None)


class Migration(migrations.Migration):
    dependencies = [("prevention", "0001_initial")]

    operations = [migrations.RunPython(seal_stored_photos, open_stored_photos)]
