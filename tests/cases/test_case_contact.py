"""The case's safe contact: carried from intake, changed on the case by those who may edit
it, versioned, and on the timeline by field name only."""

import pytest
from django.conf import settings

from lindungi.cases.first_account import CaseContact
from tests.cases.factories import make_case
from tests.login import log_in


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(case):
    return f"/kasus/{case.pk}/kontak-aman/"


def posted(version, **fields):
    return {
        "version": str(version),
        "contact_phone": "0812 3456 7890",
        "safe_channels": ["call", "visit"],
        "window_call_days": ["1", "3"],
        "window_call_start": "18:00",
        "window_call_end": "21:00",
        "voicemail_safe": "no",
        "code_word": "Canary-word",
        "safe_person_name": "Canary-sister",
        **fields,
    }


def test_a_case_opened_directly_asks_for_safe_contact_and_the_worker_records_it(english, personas):
    case = make_case(personas)
    log_in(english, personas.case_worker_a)
    page = english.get(f"/kasus/{case.pk}/").content.decode()
    assert "Not recorded yet" in page and url(case) in page
    response = english.post(url(case), posted(1))
    assert response.status_code == 302
    contact = CaseContact.objects.get(case=case)
    assert contact.contact_windows == {"call": [{"days": [1, 3], "start": "18:00", "end": "21:00"}]}
    assert contact.safe_channels == ["call", "visit"] and contact.voicemail_safe is False
    event = case.events.get(kind="contact_updated")
    assert "Canary" not in repr(event.detail) and "code_word" in event.detail["fields"]
    page = english.get(f"/kasus/{case.pk}/").content.decode()
    assert "Phone call: Monday, Wednesday: 18:00–21:00" in page and "Visit: at any time" in page
    assert "Safe contact changed" in page


def test_the_form_shows_what_is_stored_and_saving_it_unchanged_changes_nothing(english, personas):
    case = make_case(personas)
    log_in(english, personas.case_worker_a)
    english.post(url(case), posted(1))
    page = english.get(url(case)).content.decode()
    assert 'value="18:00"' in page and 'value="Canary-word"' in page
    english.post(url(case), posted(2))
    contact = CaseContact.objects.get(case=case)
    assert contact.version == 2
    assert case.events.filter(kind="contact_updated").count() == 1


def test_a_stale_save_is_refused_and_changes_nothing(english, personas):
    case = make_case(personas)
    log_in(english, personas.case_worker_a)
    english.post(url(case), posted(1))
    response = english.post(url(case), posted(1, code_word="Canary-other"))
    assert response.status_code == 409
    assert CaseContact.objects.get(case=case).code_word == "Canary-word"


@pytest.mark.parametrize(
    "fields",
    [
        {"window_call_end": ""},
        {"window_email_start": "08:00", "window_email_end": "09:00"},
        {"contact_phone": "12"},
        {"safe_channels": ["pigeon"]},
    ],
)
def test_bad_input_is_refused_clearly_and_changes_nothing(english, personas, fields):
    case = make_case(personas)
    log_in(english, personas.case_worker_a)
    response = english.post(url(case), posted(1, **fields))
    assert response.status_code == 400
    assert "Please check the form" in response.content.decode()
    assert not CaseContact.objects.filter(case=case).exists()


def test_only_those_who_may_edit_the_case_reach_the_page(english, personas):
    case = make_case(personas)
    log_in(english, personas.case_worker_b)
    assert english.get(url(case)).status_code == 404
    assert english.post(url(case), posted(1)).status_code == 404
    assert not CaseContact.objects.filter(case=case).exists()
