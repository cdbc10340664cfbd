"""A supervisor removes an attachment with a reason: the file is destroyed, the fact (who,
when, why, type, size) stays on the timeline and in the audit trail, never the file name."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from lindungi.audit.models import AuditEvent
from lindungi.cases.attachments import (
    remove_attachment,
    rotate_attachment_blobs,
    storage_dir,
    upload_attachment,
)
from lindungi.cases.models import Attachment, CaseEvent
from tests.browser.marks import commits
from tests.cases.factories import make_case
from tests.cases.test_attachments import data_dir, logged_in  # noqa: F401
from tests.concurrency import at_once
from tests.test_permission_matrix import ROUTES

FILE_NAME = "visum-siti-aminah.txt"
CONTENT = b"Canary statement: a medical report of the wrong survivor.\n"
REASON = "Uploaded to the wrong case by mistake."


@pytest.fixture
def case(personas):
    return make_case(personas, "a")


@pytest.fixture
def attachment(personas, case):
    upload = SimpleUploadedFile(FILE_NAME, CONTENT, content_type="text/plain")
    return upload_attachment(personas.case_worker_a, case, upload, "Visum of Siti")


def remove_url(attachment):
    return reverse("cases:attachment_remove", args=[attachment.pk])


def blob(attachment):
    return storage_dir() / attachment.storage_name


def test_a_supervisor_removes_a_file_and_it_is_gone_from_disk(
    personas, attachment, django_capture_on_commit_callbacks
):
    assert blob(attachment).exists()
    client = logged_in(personas.supervisor_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url(attachment), {"reason": REASON})
    assert response.status_code == 302
    assert not blob(attachment).exists()
    removed = Attachment.objects.get(pk=attachment.pk)
    assert removed.removed_by == personas.supervisor_a and removed.removed_at is not None
    assert removed.removal_reason == REASON
    assert removed.original_name == "" and removed.description == ""
    assert (removed.content_type, removed.size) == ("text/plain", len(CONTENT))


def test_the_fact_stays_on_the_timeline_and_in_the_audit_trail_without_the_name(
    personas, case, attachment
):
    remove_attachment(personas.supervisor_a, attachment, REASON)
    event = CaseEvent.objects.get(case=case, kind="attachment_removed")
    assert event.actor == personas.supervisor_a
    assert event.detail["content_type"] == "text/plain" and event.detail["size"] == len(CONTENT)
    assert REASON not in str(event.detail) and "siti" not in str(event.detail).lower()
    audit = AuditEvent.objects.get(action="attachment.remove")
    assert audit.actor == personas.supervisor_a and audit.object_id == str(attachment.pk)
    assert str(len(CONTENT)) in audit.reason and "text/plain" in audit.reason
    row = " ".join(str(v) for v in AuditEvent.objects.filter(pk=audit.pk).values().get().values())
    assert "siti" not in row.lower() and REASON not in row
    page = logged_in(personas.case_worker_a).get(reverse("cases:detail", args=[case.pk]))
    text = page.content.decode()
    assert "Document removed" in text and "TXT" in text and REASON in text
    assert FILE_NAME not in text


def test_the_list_shows_the_removal_and_no_longer_the_name(personas, case, attachment):
    remove_attachment(personas.supervisor_a, attachment, REASON)
    page = logged_in(personas.case_worker_a).get(reverse("cases:attachments", args=[case.pk]))
    text = page.content.decode()
    assert FILE_NAME not in text and "Visum of Siti" not in text
    assert "TXT file, removed" in text and REASON in text
    assert reverse("cases:attachment_download", args=[attachment.pk]) not in text


def test_the_download_of_a_removed_file_answers_removed(personas, attachment):
    remove_attachment(personas.supervisor_a, attachment, REASON)
    client = logged_in(personas.case_worker_a)
    response = client.get(reverse("cases:attachment_download", args=[attachment.pk]))
    assert response.status_code == 404
    assert "was removed" in response.content.decode()


def test_a_case_worker_of_the_case_may_not_remove_a_file(personas, attachment):
    # The same answer as for a file that does not exist (the route needs SUPERVISE).
    response = logged_in(personas.case_worker_a).post(remove_url(attachment), {"reason": REASON})
    assert response.status_code == 404
    assert blob(attachment).exists()
    assert Attachment.objects.get(pk=attachment.pk).removed_at is None
    with pytest.raises(PermissionDenied):
        remove_attachment(personas.case_worker_a, attachment, REASON)


@pytest.mark.parametrize("persona", ["supervisor_b", "case_worker_b", "intake_officer", "analyst"])
def test_someone_outside_the_case_gets_404(personas, attachment, persona):
    client = logged_in(getattr(personas, persona))
    assert client.post(remove_url(attachment), {"reason": REASON}).status_code == 404
    assert Attachment.objects.get(pk=attachment.pk).removed_at is None


def test_only_a_supervisor_sees_the_remove_button(personas, case, attachment):
    url = reverse("cases:attachments", args=[case.pk])
    assert remove_url(attachment) in logged_in(personas.supervisor_a).get(url).content.decode()
    assert remove_url(attachment) not in logged_in(personas.case_worker_a).get(url).content.decode()


@pytest.mark.parametrize("reason", ["", "   ", "mistake", "x" * 2001])
def test_a_removal_without_a_real_reason_is_refused_and_changes_nothing(
    personas, attachment, reason
):
    response = logged_in(personas.supervisor_a).post(remove_url(attachment), {"reason": reason})
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert blob(attachment).exists()
    assert Attachment.objects.get(pk=attachment.pk).removed_at is None
    assert not AuditEvent.objects.filter(action="attachment.remove").exists()


def test_a_second_removal_is_refused_and_leaves_one_record(personas, attachment):
    remove_attachment(personas.supervisor_a, attachment, REASON)
    with pytest.raises(ValidationError):
        remove_attachment(personas.supervisor_a, attachment, "Removed a second time, by mistake.")
    response = logged_in(personas.supervisor_a).post(remove_url(attachment), {"reason": REASON})
    assert response.status_code == 400
    assert "already removed" in response.content.decode()
    assert CaseEvent.objects.filter(kind="attachment_removed").count() == 1
    assert AuditEvent.objects.filter(action="attachment.remove").count() == 1
    assert Attachment.objects.get(pk=attachment.pk).removal_reason == REASON


def test_key_rotation_passes_over_removed_files(personas, case, attachment):
    remove_attachment(personas.supervisor_a, attachment, REASON)
    blob(attachment).unlink(missing_ok=True)  # as after the commit
    assert rotate_attachment_blobs() == 0


def test_the_permission_matrix_walks_the_removal_route():
    assert "cases:attachment_remove" in {name for name, _params in ROUTES}


@commits
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database locks whole tables between threads",
)
def test_two_supervisors_removing_at_once_make_one_removal(settings, tmp_path):
    from tests.personas import make_personas

    settings.DATA_DIR = tmp_path
    personas = make_personas()
    case = make_case(personas, "a")
    upload = SimpleUploadedFile(FILE_NAME, CONTENT, content_type="text/plain")
    attachment = upload_attachment(personas.case_worker_a, case, upload)
    outcomes = at_once(lambda: remove_attachment(personas.supervisor_a, attachment, REASON))
    outcomes = ["refused" if isinstance(o, ValidationError) else "removed" for o in outcomes]
    assert sorted(outcomes) == ["refused", "removed"]
    assert CaseEvent.objects.filter(kind="attachment_removed").count() == 1
    assert not blob(attachment).exists()
