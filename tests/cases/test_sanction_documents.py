"""Documents of the public-employee sanction track: attached to the case, marked for the track."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lindungi.cases.attachments import upload_attachment
from tests.cases.factories import make_case
from tests.cases.test_attachments import logged_in, minimal_pdf, upload


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def test_a_letter_to_the_agency_is_filed_under_its_sanction_track(personas):
    case = make_case(personas, "a", restricted=True)
    track = case.sanctions.get()
    client = logged_in(personas.case_worker_a)
    response = client.post(
        reverse("cases:attachments", args=[case.pk]),
        {
            "file": upload("surat-ke-instansi.pdf", minimal_pdf()),
            "description": "Surat pemberitahuan",
            "sanction": str(track.pk),
        },
    )
    assert response.status_code == 302
    document = track.documents.get()
    assert document.original_name == "surat-ke-instansi.pdf"
    page = client.get(reverse("cases:sanctions", args=[case.pk])).content.decode()
    assert "surat-ke-instansi.pdf" in page
    assert reverse("cases:attachment_download", args=[document.pk]) in page


def test_the_track_choice_appears_only_on_cases_that_have_one(personas):
    case = make_case(personas, "a")
    page = logged_in(personas.case_worker_a).get(reverse("cases:attachments", args=[case.pk]))
    assert 'name="sanction"' not in page.content.decode()


def test_another_cases_sanction_track_is_refused(personas):
    mine = make_case(personas, "a")
    other = make_case(personas, "a", restricted=True)
    with pytest.raises(ValidationError):
        upload_attachment(
            personas.case_worker_a,
            mine,
            upload("x.pdf", minimal_pdf()),
            sanction=other.sanctions.get(),
        )
    assert not other.sanctions.get().documents.exists()
