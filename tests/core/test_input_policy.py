"""One input policy for every form (lindungi.core.input_policy): a post whose text is not
UTF-8 or holds control characters is refused with 400 and a page that says why, in the
person's language, before any view runs, so nothing changes; the attachment upload, which
reads its own body, refuses them beside its field; the API refuses them in its JSON shape."""

import json
import re
from urllib.parse import quote, urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import encode_multipart
from django.urls import reverse

from lindungi.cases.models import Attachment
from lindungi.intake import public
from lindungi.intake.models import Report
from tests.cases.factories import make_case
from tests.cases.test_edits import page_form
from tests.login import log_in

FORM = "application/x-www-form-urlencoded"
NOT_UTF8 = "Beberapa karakter tidak dapat dibaca"
CONTROL = "karakter kendali"
# Values as they travel in a urlencoded body, each breaking the policy.
BAD_VALUES = {
    "latin-1 percent-encoded": (quote("Kebayoran café".encode("latin-1")), NOT_UTF8),
    "a lone surrogate in UTF-8": ("Siti%ED%A0%80", NOT_UTF8),
    "an invalid raw byte": ("Siti\udcff", NOT_UTF8),  # written out as byte 0xFF below
    "NUL": ("Siti%00Aminah", CONTROL),
    "escape": ("Siti%1B[31m", CONTROL),
    "vertical tab": ("Siti%0BAminah", CONTROL),
    "DEL": ("Siti%7F", CONTROL),
}


def _body(form, field, raw_value):
    """``form`` urlencoded with ``field`` set to ``raw_value``, which is already encoded."""
    rest = urlencode({k: v for k, v in form.items() if k != field}, doseq=True)
    return f"{rest}&{field}={raw_value}".encode("utf-8", "surrogateescape")


@pytest.fixture
def case(personas):
    return make_case(personas, "a")


@pytest.fixture
def worker(personas):
    browser = Client()
    log_in(browser, personas.case_worker_a)
    return browser


@pytest.mark.parametrize("value", list(BAD_VALUES))
def test_a_staff_form_with_bad_text_is_refused_and_changes_nothing(indonesian, case, worker, value):
    survivor = case.clients.get(role="survivor")
    url = reverse("cases:edit_client", args=[survivor.pk])
    form = page_form(worker, url, "version")
    raw, message = BAD_VALUES[value]
    response = worker.post(url, _body(form, "name", raw), content_type=FORM)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Tidak ada yang disimpan" in response.content.decode()
    assert response["Content-Language"] == "id"
    survivor.refresh_from_db()
    assert (survivor.name, survivor.version) == ("Siti Aminah", 1)
    # The same form with good text saves: the refusal was the text's.
    assert worker.post(url, {**form, "name": "Siti Aminah Rahma"}).status_code == 302


def test_the_refusal_speaks_english_to_whom_chose_it(case, worker, settings):
    settings.LANGUAGE_CODE = "en"
    survivor = case.clients.get(role="survivor")
    url = reverse("cases:edit_client", args=[survivor.pk])
    response = worker.post(url, _body(page_form(worker, url, "version"), "name", "a%01"), FORM)
    assert response.status_code == 400
    assert "Text cannot contain control characters such as NUL." in response.content.decode()


def test_a_multipart_post_to_a_staff_form_is_held_to_the_same_policy(case, worker):
    survivor = case.clients.get(role="survivor")
    url = reverse("cases:edit_client", args=[survivor.pk])
    form = page_form(worker, url, "version")
    for name in (b"Siti \xff Aminah", b"Siti\x00Aminah"):
        body = encode_multipart("BoUnDaRy", {**form, "name": "BAD-TEXT-GOES-HERE"})
        body = body.replace(b"BAD-TEXT-GOES-HERE", name)
        response = worker.post(url, body, content_type="multipart/form-data; boundary=BoUnDaRy")
        assert response.status_code == 400
    survivor.refresh_from_db()
    assert (survivor.name, survivor.version) == ("Siti Aminah", 1)


@pytest.mark.parametrize("value", ["NUL", "latin-1 percent-encoded"])
def test_the_public_form_refuses_bad_text_and_stores_nothing(indonesian, client, db, value):
    raw, message = BAD_VALUES[value]
    body = _body({"reporter_type": "survivor", "kelurahan": ""}, "what_happened", raw)
    response = client.post("/lapor/", body, content_type=FORM)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert Report.objects.count() == 0
    # On the public page's frame: its quick exit is still the first link.
    first_link = re.search(r"<a [^>]*>", page).group(0)
    assert 'id="quick-exit"' in first_link and public.QUICK_EXIT_URL.replace("&", "&amp;") in page


@pytest.mark.parametrize(
    ("description", "message"),
    [(b"Visum\x01", "control characters"), (b"Visum \xff", "could not be read")],
)
def test_the_upload_refuses_bad_text_in_its_description(
    case, worker, settings, description, message
):
    settings.LANGUAGE_CODE = "en"
    upload = SimpleUploadedFile("note.txt", b"A plain text note.", content_type="text/plain")
    body = encode_multipart("BoUnDaRy", {"file": upload, "description": "BAD-TEXT-GOES-HERE"})
    response = worker.post(
        reverse("cases:attachments", args=[case.pk]),
        body.replace(b"BAD-TEXT-GOES-HERE", description),
        content_type="multipart/form-data; boundary=BoUnDaRy",
    )
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b'{"what_happened": "caf\xe9"}', "malformed_body"),
        # UTF-8 as bytes, but of a surrogate, which UTF-8 never holds: json.loads given
        # bytes would let it through.
        (b'{"what_happened": "Siti \xed\xa0\x80"}', "malformed_body"),
        # Valid JSON, but not text: the field is refused.
        (b'{"what_happened": "Siti \\ud800"}', "invalid"),
    ],
    ids=["latin-1", "encoded surrogate", "lone surrogate escape"],
)
def test_the_api_refuses_text_that_is_not_unicode_in_its_json_shape(db, body, error):
    from lindungi.intake import apikeys

    key = apikeys.create_key("112-dispatch")[1]
    response = Client().post(
        "/api/v1/reports",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "k1"},
    )
    assert response.status_code == {"malformed_body": 400, "invalid": 422}[error]
    assert json.loads(response.content)["error"] == error
    assert Report.objects.count() == 0


@pytest.mark.parametrize("where", ["public form", "staff form"])
def test_a_form_post_that_cannot_be_parsed_gets_a_page_that_says_so(
    indonesian, personas, case, where
):
    # A multipart body without its boundary: nothing can parse it. (Its CSRF token then comes
    # from a header, which the test client's skipped check stands for; without one, the CSRF
    # check refuses it first with its own page.)
    client = Client()
    url = "/lapor/"
    if where == "staff form":
        log_in(client, personas.case_worker_a)
        url = reverse("cases:edit_client", args=[case.clients.get(role="survivor").pk])
    response = client.post(url, b"name=Siti", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Formulir tidak dapat dibaca" in response.content.decode()
    assert "Tidak ada yang disimpan" in response.content.decode()
    assert Report.objects.count() == 0
    assert case.clients.get(role="survivor").version == 1
