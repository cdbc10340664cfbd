"""The public status page: reference + PIN by POST; received / being handled / closed only."""

import pytest

from lindungi.intake import actions

URL = "/lapor/status/"


@pytest.fixture
def sent(db):
    return actions.receive_public_report(
        {"reporter_type": "survivor", "what_happened": "Canary-story", "contact_phone": ""}
    )


def test_the_status_page_opens_without_login_and_is_not_cached(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_right_pin_shows_only_the_status(client, sent):
    report, pin = sent
    response = client.post(URL, {"reference": report.reference.lower(), "pin": pin})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Received" in page
    assert "Canary-story" not in page
    assert pin not in page and report.reference not in page


def test_a_report_being_handled_and_a_closed_one_say_so(client, sent, personas):
    report, pin = sent
    actions.refer_out(personas.intake_officer, report, report.version, "Puskesmas")
    page = client.post(URL, {"reference": report.reference, "pin": pin}).content.decode()
    assert "Being handled" in page


def test_a_wrong_pin_and_an_unknown_reference_answer_alike(client, sent):
    report, _pin = sent
    wrong = client.post(URL, {"reference": report.reference, "pin": "000000"})
    unknown = client.post(URL, {"reference": "LP-22222-22222", "pin": "000000"})
    assert wrong.status_code == unknown.status_code == 400
    assert "not right" in wrong.content.decode() and "not right" in unknown.content.decode()


def test_repeated_wrong_pins_lock_the_status_page_with_a_clear_message(client, sent):
    report, pin = sent
    for _ in range(actions.STATUS_LOCK_AFTER):
        client.post(URL, {"reference": report.reference, "pin": "000000"})
    response = client.post(URL, {"reference": report.reference, "pin": pin})
    assert response.status_code == 429
    assert "locked" in response.content.decode()
    assert "Received" not in response.content.decode()


def test_a_reference_that_cannot_be_one_is_explained(client, db):
    response = client.post(URL, {"reference": "hello", "pin": "1"})
    assert response.status_code == 400
    assert 'id="id_reference_error"' in response.content.decode()
