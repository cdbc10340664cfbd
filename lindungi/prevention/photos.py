"""Outreach photos encrypted at rest, as the case attachments are (``cases.attachments``):
the cleaned image (no metadata, ``core.images``) is sealed with the field keys, the
photo's own id as associated data, so a blob copied onto another photo's row fails to
open; ``lindungi rotate-keys`` re-seals those under an older key."""

from collections.abc import Callable

from lindungi.cases.attachments import BLOB_HEADER_LENGTH, seal, unseal
from lindungi.core import crypto
from lindungi.prevention.models import OutreachPhoto


def _name(photo_id: object) -> str:
    return f"outreach-photo/{photo_id}"


def seal_photo(photo_id: object, image: bytes) -> bytes:
    return seal(image, _name(photo_id))


def open_photo(photo: OutreachPhoto) -> bytes:
    """The photo's image; DecryptionError if it was altered, swapped or its key is gone."""
    return unseal(bytes(photo.data), _name(photo.pk))


def rotate_photo_blobs(report: Callable[[int], object] | None = None) -> int:
    """Re-seal every photo not under the current key; return how many."""
    current = crypto.keyring().current_prefix.encode("ascii")
    rotated = 0
    for photo in OutreachPhoto.objects.order_by("pk").iterator():
        if bytes(photo.data[:BLOB_HEADER_LENGTH]) == current:
            continue
        photo.data = seal_photo(photo.pk, open_photo(photo))
        photo.save(update_fields=["data"])
        rotated += 1
        if report:
            report(rotated)
    return rotated
