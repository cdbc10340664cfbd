"""The upgrade that encrypts the outreach photos (prevention migration 0002) seals the ones
stored plain before it, so they open as before; going back opens them again."""

from lindungi.prevention import actions
from lindungi.prevention.models import OutreachPhoto
from lindungi.prevention.photos import open_photo
from tests.browser.marks import commits
from tests.migrations import migrate, models_at
from tests.prevention.test_outreach import _data

BEFORE = ("prevention", "0001_initial")
PLAIN = b"\xff\xd8\xff\xe0 a photo stored plain"


@commits
def test_photos_stored_plain_are_sealed_and_open_as_before(personas):
    made = actions.record_outreach(personas.case_worker_a, personas.unit_a, _data())
    migrate([BEFORE])
    old = models_at(BEFORE).get_model("prevention", "OutreachPhoto")
    stored = old.objects.create(
        outreach_id=made.pk,
        content_type="image/jpeg",
        data=PLAIN,
        added_by_id=personas.case_worker_a.pk,
    )
    migrate(None)
    photo = OutreachPhoto.objects.get(pk=stored.pk)
    assert bytes(photo.data).startswith(b"v1.") and PLAIN not in bytes(photo.data)
    assert open_photo(photo) == PLAIN
    migrate([BEFORE])
    assert bytes(old.objects.get(pk=stored.pk).data) == PLAIN
    migrate(None)
