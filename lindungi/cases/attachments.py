"""Attachments on a case: content checks, metadata stripping, encrypted storage, rotation.

- **Type by content.** The first bytes decide (``filetype``), never the name or the type the
  browser sent: PDF, JPEG, PNG, WebP, and UTF-8 plain text (WhatsApp and SMS exports are
  text). Anything else, a renamed ``.exe`` or an Office document included, is refused:
  survivors' evidence arrives as photos, scans and PDFs, and Office files carry macros,
  external links and author metadata we would have to clean. A PDF with active content
  (scripts, actions, links out, forms, embedded files), or that cannot be parsed or is
  encrypted, is refused too: ``pdf_check`` parses it and looks at every object.
- **Images are re-encoded** from their pixels after applying the EXIF orientation, so
  EXIF (GPS, camera, time), XMP, ICC profiles and comments are all left behind
  (``core.images``, which the prevention photos share).
- **Encrypted at rest** with the field keys of ``lindungi.core.crypto``: a blob is
  ``v1.<key id>.`` + nonce + AES-256-GCM ciphertext and tag, the same header as a field
  ciphertext, so ``rotate_attachment_blobs`` can tell the current key's blobs from the rest
  by their first 12 bytes. The associated data binds the blob to its storage name: a blob
  copied over another attachment's file fails to decrypt. The whole file is sealed in one
  piece, in memory: at the upload limit (``LINDUNGI_MAX_UPLOAD_MB``, 10 MB by default) that
  is cheap, and GCM's single-message limit (64 GB) is far away.
- **Random names** in ``DATA_DIR/files``, outside static files and any URL: the one way out
  is the download view, through the access choke point.
"""

import hashlib
import hmac
import io
import os
import re
import secrets
import unicodedata
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import filetype
from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.models import User
from lindungi.audit.events import record
from lindungi.cases.access import Need, check
from lindungi.cases.actions import _event, _log
from lindungi.cases.models import Attachment, Case
from lindungi.cases.pdf_check import check_pdf
from lindungi.cases.timeline import EventKind
from lindungi.core import crypto
from lindungi.core.images import IMAGE_FORMATS, clean_image

# Content type -> the extension a download gets, whatever the uploaded name said.
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "text/plain": "txt",
}
# Text may hold tabs, line and page breaks; other control characters mean binary data.
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
BLOB_HEADER_LENGTH = crypto.HEADER_LENGTH


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def too_large_error() -> ValidationError:
    return ValidationError(
        _("The file is larger than %(limit)s MB, the most that can be attached.")
        % {"limit": settings.MAX_UPLOAD_MB},
        code="too_large",
    )


def _not_allowed() -> ValidationError:
    return ValidationError(
        _(
            "This kind of file cannot be attached. Attach a PDF, a photo "
            "(JPEG, PNG or WebP) or a plain text file."
        ),
        code="type",
    )


class UploadLimitHandler(FileUploadHandler):
    """Keeps an upload in memory up to the limit, and skips it as soon as it passes it.

    Installed alone for the upload view, so a file never lands in a temporary file on
    disk in plaintext, and an oversized one is read off the wire and dropped chunk by
    chunk instead of held. ``too_large`` tells the view why the file is missing.
    """

    def __init__(self, request: HttpRequest | None = None, limit: int | None = None) -> None:
        super().__init__(request)
        self.limit = max_upload_bytes() if limit is None else limit
        self.too_large = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if start + len(raw_data) > self.limit:
            self.too_large = True
            raise SkipFile
        self.buffer.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer,
            self.field_name,
            self.file_name,
            self.content_type,
            file_size,
            self.charset,
            self.content_type_extra,
        )


# --- Checks ------------------------------------------------------------------------------


def inspect(data: bytes) -> tuple[str, bytes]:
    """(content type, bytes to store) for an allowed file; ValidationError otherwise."""
    kind = filetype.guess(data)
    if kind is None:
        return "text/plain", _checked_text(data)
    if kind.mime in IMAGE_FORMATS:
        return kind.mime, clean_image(data, IMAGE_FORMATS[kind.mime])
    if kind.mime == "application/pdf":
        check_pdf(data)
        return kind.mime, data
    raise _not_allowed()


def _checked_text(data: bytes) -> bytes:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _not_allowed() from None
    if not text.strip() or TEXT_CONTROL.search(text):
        raise _not_allowed()
    return data


def clean_file_name(name: str | None) -> str:
    """The uploaded name without folders or control characters, at most 255 characters."""
    name = unicodedata.normalize("NFC", Path(name or "").name)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    return name[:255] or "file"


def download_name(attachment: Attachment) -> str:
    """The stored name's stem with the extension of what the file really is."""
    stem = Path(attachment.original_name).stem or "file"
    return f"{stem}.{EXTENSIONS[attachment.content_type]}"


def content_disposition(name: str) -> str:
    """``attachment`` with a plain ASCII fallback name and the real one (RFC 6266/5987)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("._") or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


# --- Encrypted storage -------------------------------------------------------------------


def storage_dir() -> Path:
    path = Path(settings.DATA_DIR) / "files"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def seal(plaintext: bytes, storage_name: str) -> bytes:
    ring = crypto.keyring()
    header = ring.current_prefix.encode("ascii")
    nonce = os.urandom(crypto.NONCE_BYTES)
    sealed = ring.ciphers[ring.current_id].encrypt(nonce, plaintext, header + storage_name.encode())
    return header + nonce + sealed


def unseal(blob: bytes, storage_name: str) -> bytes:
    header = blob[:BLOB_HEADER_LENGTH]
    parts = header.decode("ascii", "replace").split(".")
    kid = parts[1] if len(parts) == 3 and parts[0] == crypto.VERSION else ""
    cipher = crypto.keyring().ciphers.get(kid)
    if cipher is None:
        raise crypto.DecryptionError(
            f"Cannot decrypt attachment blob {storage_name}: its key id is not in "
            "LINDUNGI_FIELD_KEYS. Add the old key back (after the current one) and run "
            "`lindungi rotate-keys`."
        )
    body = blob[BLOB_HEADER_LENGTH:]
    nonce, sealed = body[: crypto.NONCE_BYTES], body[crypto.NONCE_BYTES :]
    try:
        return cipher.decrypt(nonce, sealed, header + storage_name.encode())
    except (InvalidTag, ValueError):
        raise crypto.DecryptionError(
            f"Cannot decrypt attachment blob {storage_name} (key id {kid}): authentication "
            "failed, so the file was altered, damaged or swapped."
        ) from None


def _write(storage_name: str, blob: bytes) -> Path:
    """Write atomically (a temporary name, then rename), readable by this user only."""
    final = storage_dir() / storage_name
    partial = final.with_name(f".{storage_name}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(blob)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, final)
    return final


def open_attachment(attachment: Attachment) -> bytes:
    """The attachment's content, decrypted and checked against its recorded SHA-256."""
    plaintext = unseal(
        (storage_dir() / attachment.storage_name).read_bytes(), attachment.storage_name
    )
    if not hmac.compare_digest(hashlib.sha256(plaintext).hexdigest(), attachment.sha256):
        raise crypto.DecryptionError(
            f"Attachment blob {attachment.storage_name} does not match its recorded hash."
        )
    return plaintext


# --- Actions -----------------------------------------------------------------------------


class CasePart(Protocol):
    """A record of a case that a document may belong to: a sanction track of case work,
    which this module does not name (it sits above cases)."""

    pk: uuid.UUID
    case_id: uuid.UUID


def upload_attachment(
    actor: User,
    case: Case,
    uploaded_file: UploadedFile,
    description: str = "",
    *,
    sanction: CasePart | None = None,
    request: HttpRequest | None = None,
) -> Attachment:
    """Check, clean, encrypt and store ``uploaded_file`` on ``case``; return the Attachment.

    PermissionDenied without edit rights on the case; ValidationError (translated) for a
    file too large or of a kind not allowed.
    """
    check(actor, case, Need.EDIT)
    if sanction is not None and sanction.case_id != case.pk:
        raise ValidationError(_("Choose a sanction track of this case."))
    limit = max_upload_bytes()
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise too_large_error()
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise too_large_error()
    content_type, data = inspect(data)
    storage_name = secrets.token_urlsafe(32)
    path = _write(storage_name, seal(data, storage_name))
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                case=case,
                uploaded_by=actor,
                original_name=clean_file_name(uploaded_file.name),
                description=description,
                content_type=content_type,
                size=len(data),
                storage_name=storage_name,
                sha256=hashlib.sha256(data).hexdigest(),
                sanction_id=None if sanction is None else sanction.pk,
            )
            _log(
                request,
                actor,
                "attachment.upload",
                attachment,
                case,
                EventKind.ATTACHMENT_ADDED,
                attachment=str(attachment.pk),
            )
    except BaseException:
        # No row, no file: a blob nobody can reach is still personal data on disk.
        path.unlink(missing_ok=True)
        raise
    return attachment


REASON_MIN, REASON_MAX = 10, 2000


def remove_attachment(
    actor: User, attachment: Attachment, reason: str | None, *, request: HttpRequest | None = None
) -> Attachment:
    """Destroy an attachment's file, keeping the fact: a supervisor's decision, with a reason.

    The encrypted file is deleted once the removal commits; its name and description go
    with it (either may name the survivor). The row stays, marked removed, with what the
    timeline and the audit trail tell: who, when, why (encrypted: it may name people), the
    file's type, size and hash. Two supervisors removing the same file at once: the row
    lock lets one through and tells the other it is already removed.
    """
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise ValidationError({"reason": _("Say in a sentence why the file is removed.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Keep the reason under 2,000 characters.")})
    with transaction.atomic():
        current = (
            Attachment.objects.select_for_update().select_related("case").get(pk=attachment.pk)
        )
        case = current.case
        check(actor, case, Need.SUPERVISE)
        if current.removed_at is not None:
            raise ValidationError(_("This file was already removed."), code="removed")
        current.removed_at = timezone.now()
        current.removed_by = actor
        current.removal_reason = reason
        current.original_name = ""
        current.description = ""
        current.save(
            update_fields=[
                "removed_at",
                "removed_by",
                "removal_reason",
                "original_name",
                "description",
                "updated_at",
            ]
        )
        fact = {"content_type": current.content_type, "size": current.size}
        # The reason stays on the row, encrypted; the audit row names the row, type and size.
        record(
            "attachment.remove",
            request=request,
            actor=actor,
            obj=current,
            fields=["removal_reason"],
            reason=f"{current.content_type}, {current.size} bytes",
        )
        _event(case, actor, EventKind.ATTACHMENT_REMOVED, attachment=str(current.pk), **fact)
        path = storage_dir() / current.storage_name
        transaction.on_commit(lambda: path.unlink(missing_ok=True))
    return current


def type_label(content_type: str) -> str:
    """What a person calls the kind of file: PDF, JPG, PNG, WEBP, TXT."""
    return EXTENSIONS.get(content_type, content_type).upper()


def rotate_attachment_blobs(report: Callable[[int], object] | None = None) -> int:
    """Re-encrypt every attachment blob not under the current key; return how many.

    Reads only the 12-byte header of a blob already under the current key, so a second
    run costs little. Each blob is replaced atomically; the database is not touched.
    """
    current = crypto.keyring().current_prefix.encode("ascii")
    rotated = 0
    kept = Attachment.objects.filter(removed_at__isnull=True)
    names = kept.order_by("pk").values_list("storage_name", flat=True)
    for storage_name in names.iterator():
        path = storage_dir() / storage_name
        with path.open("rb") as blob:
            if blob.read(BLOB_HEADER_LENGTH) == current:
                continue
        _write(storage_name, seal(unseal(path.read_bytes(), storage_name), storage_name))
        rotated += 1
        if report:
            report(rotated)
    return rotated
