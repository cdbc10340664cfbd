"""Attachments: content checks, metadata stripping, encrypted storage, download through the
choke point, audit and key rotation."""

import base64
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from PIL import Image

from lindungi.audit.models import AuditEvent
from lindungi.cases.attachments import (
    BLOB_HEADER_LENGTH,
    open_attachment,
    rotate_attachment_blobs,
    storage_dir,
    upload_attachment,
)
from lindungi.cases.models import Attachment, CaseEvent
from lindungi.core import crypto
from tests.cases.factories import make_case
from tests.login import log_in

CANARY_TEXT = b"Canary statement: Siti Aminah was hurt on 20 November.\n"
CANARY_NAME = "kronologi-siti-aminah.txt"
GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def jpeg_with_gps(width=40, height=30):
    """A photo as a phone writes it: GPS position, camera make, rotated by EXIF."""
    exif = Image.Exif()
    exif[MAKE] = "CanaryCam"
    exif[ORIENTATION] = 6  # shown rotated 90° clockwise
    exif.get_ifd(GPS_IFD).update({1: "S", 2: (6.0, 14.0, 2.5), 3: "E", 4: (106.0, 50.0, 1.2)})
    out = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def raw_pdf(*objects):
    """A PDF written byte by byte: ``objects`` are the bodies of objects 1, 2, ..., the
    first the catalog; the cross-reference table gives each its true offset."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


PDF_PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PDF_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"


def minimal_pdf(extra=b""):
    """A one-page PDF; ``extra`` goes into its catalog."""
    return raw_pdf(b"<< /Type /Catalog /Pages 2 0 R " + extra + b">>", PDF_PAGES, PDF_PAGE)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """Each test its own data dir: files outlive the rolled-back rows that name them."""
    settings.DATA_DIR = tmp_path


@pytest.fixture
def case(personas):
    return make_case(personas, "a")


def logged_in(user):
    client = Client()
    log_in(client, user)
    return client


def post_file(client, case, name, content, content_type="application/octet-stream"):
    return client.post(
        reverse("cases:attachments", args=[case.pk]),
        {"file": upload(name, content, content_type), "description": "Kronologi"},
    )


# --- Types by content --------------------------------------------------------------------


def test_a_renamed_exe_is_refused_whatever_its_name_and_declared_type(personas, case):
    client = logged_in(personas.case_worker_a)
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    response = post_file(client, case, "foto-luka.jpg", exe, "image/jpeg")
    assert response.status_code == 400
    assert "cannot be attached" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not any(storage_dir().iterdir())


def test_an_office_document_is_refused(personas, case):
    docx = b"PK\x03\x04" + b"\x14\x00" * 10 + b"[Content_Types].xml" + b"\x00" * 100
    with pytest.raises(ValidationError):
        upload_attachment(personas.case_worker_a, case, upload("surat.docx", docx))


def test_binary_data_is_not_taken_for_text(personas, case):
    with pytest.raises(ValidationError):
        upload_attachment(personas.case_worker_a, case, upload("a.txt", b"abc\x00\x01def"))


def test_a_pdf_is_stored_as_it_came(personas, case):
    pdf = minimal_pdf()
    attachment = upload_attachment(personas.case_worker_a, case, upload("visum.bin", pdf))
    assert attachment.content_type == "application/pdf"
    assert open_attachment(attachment) == pdf


def test_a_pdf_with_javascript_is_refused(personas, case):
    pdf = minimal_pdf(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ")
    with pytest.raises(ValidationError) as refused:
        upload_attachment(personas.case_worker_a, case, upload("visum.pdf", pdf))
    assert refused.value.code == "pdf_active"


def test_an_oversized_file_is_refused_with_the_limit_in_the_message(personas, case, settings):
    settings.MAX_UPLOAD_MB = 1
    client = logged_in(personas.case_worker_a)
    response = post_file(client, case, "big.txt", b"a" * (1024 * 1024 + 1), "text/plain")
    assert response.status_code == 413
    assert "larger than 1 MB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_file_at_the_limit_is_accepted(personas, case, settings):
    settings.MAX_UPLOAD_MB = 1
    client = logged_in(personas.case_worker_a)
    response = post_file(client, case, "big.txt", b"a" * (1024 * 1024), "text/plain")
    assert response.status_code == 302
    assert Attachment.objects.get().size == 1024 * 1024


def test_the_upload_action_refuses_an_oversized_file_too(personas, case, settings):
    settings.MAX_UPLOAD_MB = 1
    with pytest.raises(ValidationError) as refused:
        upload_attachment(personas.case_worker_a, case, upload("a.txt", b"a" * (1024 * 1024 + 1)))
    assert refused.value.code == "too_large"


# --- Image metadata ----------------------------------------------------------------------


def test_exif_gps_is_removed_from_a_photo_and_its_orientation_applied(personas, case):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test is real
    attachment = upload_attachment(personas.case_worker_a, case, upload("foto.jpg", original))
    stored = open_attachment(attachment)
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert not image.getexif().get_ifd(GPS_IFD)
    assert b"Exif" not in stored and b"CanaryCam" not in stored
    assert image.size == (30, 40)  # turned upright, so no orientation tag is needed


def test_png_text_chunks_and_profiles_are_removed(personas, case):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "Canary comment")
    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 255, 128)).save(out, "PNG", pnginfo=info)
    attachment = upload_attachment(personas.case_worker_a, case, upload("x.png", out.getvalue()))
    stored = open_attachment(attachment)
    assert b"Canary comment" not in stored
    assert Image.open(io.BytesIO(stored)).mode == "RGBA"


def test_a_photo_with_too_many_pixels_is_refused_before_it_is_decoded(personas, case):
    out = io.BytesIO()
    Image.new("1", (8000, 6300)).save(out, "PNG")  # 50.4 megapixels in a few kilobytes
    with pytest.raises(ValidationError) as refused:
        upload_attachment(personas.case_worker_a, case, upload("x.png", out.getvalue()))
    assert refused.value.code == "pixels"


def test_a_damaged_image_is_refused(personas, case):
    broken = jpeg_with_gps()[:200]
    with pytest.raises(ValidationError) as refused:
        upload_attachment(personas.case_worker_a, case, upload("foto.jpg", broken))
    assert refused.value.code == "image"


def test_attachment_files_are_outside_every_folder_served_as_static(settings):
    settings.DATA_DIR = Path(settings.STATIC_ROOT).parent  # the real layout, not tmp_path
    for public in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]:
        assert not storage_dir().resolve().is_relative_to(Path(public).resolve())
    assert getattr(settings, "WHITENOISE_ROOT", None) is None


# --- Storage -----------------------------------------------------------------------------


def test_the_stored_file_holds_neither_the_content_nor_the_name(personas, case):
    attachment = upload_attachment(
        personas.case_worker_a, case, upload(CANARY_NAME, CANARY_TEXT), "Kronologi kejadian"
    )
    path = storage_dir() / attachment.storage_name
    raw = path.read_bytes()
    assert CANARY_TEXT not in raw and b"Siti" not in raw and b"kronologi" not in raw
    assert "siti" not in attachment.storage_name.lower()
    assert raw.startswith(crypto.keyring().current_prefix.encode())
    assert path.stat().st_mode & 0o077 == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT original_name, description FROM cases_attachment WHERE id = %s",
            [attachment.pk.hex if connection.vendor == "sqlite" else attachment.pk],
        )
        name, description = cursor.fetchone()
    assert "siti" not in name.lower() and "Kronologi" not in description
    assert open_attachment(attachment) == CANARY_TEXT


def test_a_blob_swapped_for_another_attachments_blob_does_not_decrypt(personas, case):
    first = upload_attachment(personas.case_worker_a, case, upload("a.txt", b"first\n"))
    second = upload_attachment(personas.case_worker_a, case, upload("b.txt", b"second\n"))
    folder = storage_dir()
    (folder / first.storage_name).write_bytes((folder / second.storage_name).read_bytes())
    with pytest.raises(crypto.DecryptionError):
        open_attachment(first)


def test_an_upload_is_audited_and_on_the_timeline(personas, case):
    attachment = upload_attachment(
        personas.case_worker_a, case, upload(CANARY_NAME, CANARY_TEXT), "Kronologi"
    )
    event = AuditEvent.objects.get(action="attachment.upload")
    assert event.object_id == str(attachment.pk)
    assert event.actor == personas.case_worker_a
    timeline = CaseEvent.objects.get(case=case, kind="attachment_added")
    assert timeline.detail["attachment"] == str(attachment.pk)
    assert "siti" not in str(timeline.detail).lower()


def test_someone_without_edit_rights_cannot_upload(personas, case):
    with pytest.raises(PermissionDenied):
        upload_attachment(personas.case_worker_b, case, upload("a.txt", CANARY_TEXT))
    assert not any(storage_dir().iterdir())


# --- Pages -------------------------------------------------------------------------------


def test_the_case_worker_uploads_and_sees_the_file_listed(personas, case):
    client = logged_in(personas.case_worker_a)
    response = post_file(client, case, CANARY_NAME, CANARY_TEXT, "text/plain")
    assert response.status_code == 302
    listing = client.get(reverse("cases:attachments", args=[case.pk]))
    assert listing.status_code == 200
    assert CANARY_NAME in listing.content.decode()
    assert AuditEvent.objects.filter(action="attachment.list", object_id=str(case.pk)).exists()


def test_the_list_answers_an_htmx_request_with_a_fragment(personas, case):
    client = logged_in(personas.case_worker_a)
    response = client.get(
        reverse("cases:attachments", args=[case.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert b"<html" not in response.content and b"attachment-upload" in response.content


@pytest.mark.parametrize("persona", ["outsider", "case_worker_b", "supervisor_b", "analyst"])
def test_someone_outside_the_case_gets_404_for_list_upload_and_download(personas, case, persona):
    attachment = upload_attachment(personas.case_worker_a, case, upload("a.txt", CANARY_TEXT))
    client = logged_in(getattr(personas, persona))
    listing = reverse("cases:attachments", args=[case.pk])
    assert client.get(listing).status_code == 404
    assert post_file(client, case, "b.txt", CANARY_TEXT, "text/plain").status_code == 404
    download = client.get(reverse("cases:attachment_download", args=[attachment.pk]))
    assert download.status_code == 404
    assert CANARY_TEXT not in download.content
    assert Attachment.objects.count() == 1
    assert not AuditEvent.objects.filter(action="attachment.download").exists()
    assert AuditEvent.objects.filter(
        action="case.denied", object_id=str(case.pk), actor=getattr(personas, persona)
    ).exists()


def test_a_download_is_an_audited_attachment_with_safe_headers(personas, case):
    attachment = upload_attachment(
        personas.case_worker_a, case, upload("Kronologi Ibu Ñ 1.html", CANARY_TEXT)
    )
    client = logged_in(personas.supervisor_a)
    response = client.get(reverse("cases:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response.content == CANARY_TEXT
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="Kronologi_Ibu_N_1.txt"; '
        "filename*=UTF-8''Kronologi%20Ibu%20%C3%91%201.txt"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="attachment.download")
    assert (event.object_id, event.actor) == (str(attachment.pk), personas.supervisor_a)


def test_an_upload_without_the_csrf_token_is_refused(personas, case):
    client = Client(enforce_csrf_checks=True)
    log_in(client, personas.case_worker_a)
    response = post_file(client, case, "a.txt", CANARY_TEXT, "text/plain")
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_no_file_chosen_is_a_form_error(personas, case):
    client = logged_in(personas.case_worker_a)
    response = client.post(reverse("cases:attachments", args=[case.pk]), {"description": "x"})
    assert response.status_code == 400
    assert "Choose a file" in response.content.decode()


# --- Key rotation --------------------------------------------------------------------------


def test_rotation_re_encrypts_blobs_under_the_new_key(personas, case, settings):
    old_key = settings.FIELD_KEYS[0]
    attachment = upload_attachment(personas.case_worker_a, case, upload("a.txt", CANARY_TEXT))
    path = storage_dir() / attachment.storage_name
    new_key = base64.urlsafe_b64encode(b"n" * 32).decode()
    settings.FIELD_KEYS = [new_key, old_key]
    assert rotate_attachment_blobs() == 1
    assert path.read_bytes()[:BLOB_HEADER_LENGTH] == crypto.keyring().current_prefix.encode()
    assert rotate_attachment_blobs() == 0
    settings.FIELD_KEYS = [new_key]
    assert open_attachment(attachment) == CANARY_TEXT


def test_a_blob_under_a_removed_key_says_which_key_it_needs(personas, case, settings):
    attachment = upload_attachment(personas.case_worker_a, case, upload("a.txt", CANARY_TEXT))
    settings.FIELD_KEYS = [base64.urlsafe_b64encode(b"n" * 32).decode()]
    with pytest.raises(crypto.DecryptionError, match="not in LINDUNGI_FIELD_KEYS"):
        open_attachment(attachment)


def test_rotate_keys_re_encrypts_attachment_files_too(personas, case, settings):
    attachment = upload_attachment(personas.case_worker_a, case, upload("a.txt", CANARY_TEXT))
    settings.FIELD_KEYS = [base64.urlsafe_b64encode(b"n" * 32).decode(), settings.FIELD_KEYS[0]]
    out = io.StringIO()
    call_command("rotate-keys", stdout=out)
    assert "Attachment files: 1 re-encrypted" in out.getvalue()
    blob = (storage_dir() / attachment.storage_name).read_bytes()
    assert blob.startswith(crypto.keyring().current_prefix.encode())
