"""Case notes: the list on the case, adding one, and correcting one by a new note.

A note is never edited: no route changes one and the model refuses a second save.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import Resolver404, get_resolver, resolve, reverse

from lindungi.accounts.models import Membership, User
from lindungi.audit.models import AuditEvent
from lindungi.casework import actions as work
from lindungi.casework.models import CaseNote, NoteIsFinal
from tests.cases.factories import make_case
from tests.cases.test_edits import page_form
from tests.login import log_in

JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def case(personas):
    return make_case(personas, "a")


def notes_url(case):
    return reverse("cases:notes", args=[case.pk])


def add_note(client, case, body, url=None):
    data = page_form(client, url or notes_url(case))
    data["body"] = body
    return client.post(url or notes_url(case), data)


def test_a_case_worker_adds_notes_and_reads_them_newest_first_in_jakarta_time(
    client, personas, case
):
    with time_machine.travel(datetime(2026, 12, 1, 9, 15, tzinfo=JAKARTA), tick=False) as clock:
        log_in(client, personas.case_worker_a)
        response = add_note(client, case, "Called the survivor, she is safe at her sister's")
        assert response.status_code == 302
        clock.move_to(datetime(2026, 12, 1, 16, 40, tzinfo=JAKARTA))
        log_in(client, personas.case_worker_a)  # the idle session ended meanwhile
        add_note(client, case, "Second visit planned for Thursday")
        page = client.get(notes_url(case)).content.decode()
    first = page.index("Second visit planned")
    assert first < page.index("Called the survivor")  # newest first
    assert "16:40 WIB" in page and "09:15 WIB" in page
    assert personas.case_worker_a.display_name in page
    assert {n.author for n in case.notes.all()} == {personas.case_worker_a}
    assert AuditEvent.objects.filter(action="note.list", object_id=str(case.pk)).exists()


def test_reading_the_notes_is_audited_without_their_words(client, personas, case):
    work.add_note(personas.case_worker_a, case, "Canary note words")
    log_in(client, personas.supervisor_a)
    client.get(notes_url(case))
    event = AuditEvent.objects.filter(action="note.list").latest("at")
    assert event.actor == personas.supervisor_a and "Canary" not in str(event.__dict__)


def test_a_correction_is_a_new_note_that_points_to_the_old_one_both_ways(client, personas, case):
    old = work.add_note(personas.case_worker_a, case, "Survivor is 23 years old")
    log_in(client, personas.case_worker_a)
    page = client.get(notes_url(case)).content.decode()
    correct_url = f"{notes_url(case)}?koreksi={old.pk}"
    assert f'href="{correct_url}#note-form"' in page
    form_page = client.get(correct_url).content.decode()
    assert "Survivor is 23 years old" in form_page
    response = add_note(client, case, "Correction: she is 32, not 23", url=correct_url)
    assert response.status_code == 302
    correction = CaseNote.objects.get(corrects=old)
    old.refresh_from_db()
    assert old.body == "Survivor is 23 years old"  # untouched
    assert correction.body == "Correction: she is 32, not 23"
    page = client.get(notes_url(case)).content.decode()
    assert f"#note-{old.pk}" in page and f"#note-{correction.pk}" in page
    assert page.count("correction-link") == 2  # "corrects" on the new, "corrected by" on the old


def test_a_note_of_another_case_cannot_be_corrected_here(client, personas, case):
    elsewhere = work.add_note(personas.case_worker_a, make_case(personas, "a"), "Other case")
    log_in(client, personas.case_worker_a)
    data = page_form(client, notes_url(case))
    data.update(body="A correction", corrects=str(elsewhere.pk))
    response = client.post(notes_url(case), data)
    assert response.status_code == 200
    assert not case.notes.exists()


def test_a_note_is_never_edited_no_route_changes_one_and_the_model_refuses(personas, case):
    note = work.add_note(personas.case_worker_a, case, "As written")
    # No route takes a note's id: nothing can address one note to change or delete it.
    for url in (f"/kasus/catatan/{note.pk}/ubah/", f"/kasus/catatan/{note.pk}/"):
        with pytest.raises(Resolver404):
            resolve(url)
    assert not any("casenote_id" in str(p.pattern) for p in _cases_patterns())
    note.body = "Rewritten"
    with pytest.raises(NoteIsFinal):
        note.save()
    note.refresh_from_db()
    assert note.body == "As written"


def _cases_patterns():
    return next(
        p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "cases"
    ).url_patterns


def test_posting_to_the_notes_adds_and_never_changes_a_note(client, personas, case):
    note = work.add_note(personas.case_worker_a, case, "As written")
    log_in(client, personas.case_worker_a)
    data = page_form(client, notes_url(case))
    data.update(body="Rewritten", id=str(note.pk), pk=str(note.pk))
    client.post(notes_url(case), data)
    note.refresh_from_db()
    assert note.body == "As written" and case.notes.count() == 2


def test_a_double_submission_adds_the_note_once(client, personas, case):
    log_in(client, personas.case_worker_a)
    data = page_form(client, notes_url(case))
    data["body"] = "Only once"
    client.post(notes_url(case), data)
    client.post(notes_url(case), data)
    assert case.notes.count() == 1


def test_an_empty_note_is_refused_with_a_message(client, personas, case):
    log_in(client, personas.case_worker_a)
    data = page_form(client, notes_url(case))
    response = client.post(notes_url(case), data)
    assert response.status_code == 200 and b"error-summary" in response.content
    assert not case.notes.exists()


def test_the_case_page_loads_the_notes_as_a_fragment_and_links_them_without_javascript(
    client, personas, case
):
    work.add_note(personas.case_worker_a, case, "Fragment note")
    log_in(client, personas.case_worker_a)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'href="{notes_url(case)}"' in page and 'id="case-notes"' in page
    fragment = client.get(notes_url(case), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="case-notes")
    text = fragment.content.decode()
    assert "Fragment note" in text and "<html" not in text and "breadcrumb" not in text


# --- Who may read and write ------------------------------------------------------------


def test_the_notes_need_a_login(client, case):
    response = client.get(notes_url(case))
    assert response.status_code == 302 and "/akun/" in response["Location"]


def test_another_units_case_worker_and_supervisor_get_404_and_are_audited(client, personas, case):
    work.add_note(personas.case_worker_a, case, "Unit A only")
    for user in (personas.case_worker_b, personas.supervisor_b):
        log_in(client, user)
        before = AuditEvent.objects.filter(action="case.denied").count()
        assert client.get(notes_url(case)).status_code == 404
        assert client.post(notes_url(case), {"body": "x"}).status_code == 404
        assert AuditEvent.objects.filter(action="case.denied").count() == before + 2
    assert case.notes.count() == 1


def test_a_restricted_cases_notes_are_for_its_named_users_only(client, personas):
    restricted = make_case(personas, "a", restricted=True)
    work.add_note(personas.case_worker_a, restricted, "Restricted words")
    log_in(client, personas.case_worker_a)
    assert b"Restricted words" in client.get(notes_url(restricted)).content
    # A supervisor who joined unit A after the restriction is not one of its named users.
    newcomer = User.objects.create_user("new.supervisor@test.lindungi.id", "x" * 20)
    Membership.objects.create(user=newcomer, unit=personas.unit_a, role="supervisor")
    for user in (newcomer, personas.supervisor_b):
        log_in(client, user)
        assert client.get(notes_url(restricted)).status_code == 404
        assert client.post(notes_url(restricted), {"body": "x"}).status_code == 404
    assert restricted.notes.count() == 1


def test_an_unassigned_case_worker_of_the_unit_gets_404(client, personas, case):
    other = User.objects.create_user("other.worker@test.lindungi.id", "x" * 20)
    Membership.objects.create(user=other, unit=personas.unit_a, role="case_worker")
    log_in(client, other)
    assert client.get(notes_url(case)).status_code == 404


def test_a_new_note_shows_on_the_case_timeline_by_its_label(client, personas, case):
    work.add_note(personas.case_worker_a, case, "Timeline words")
    log_in(client, personas.case_worker_a)
    client.cookies["lindungi_language"] = "en"
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Note added" in page and "note_added" not in page
    assert "Timeline words" not in page  # the words load with the notes section, audited
