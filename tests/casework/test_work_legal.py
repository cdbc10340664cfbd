"""The legal tracks on a case: the UU TPKS report to the police (3×24 hours, Asia/Jakarta)
and the sanction track of a public-employee perpetrator (versioned, conflicts kept)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from lindungi.audit.models import AuditEvent
from lindungi.cases import actions
from lindungi.cases.vocabulary import GbvType
from lindungi.casework import actions as work
from tests.cases.factories import make_case
from tests.cases.test_edits import form_on, page_form
from tests.login import log_in

JAKARTA = ZoneInfo("Asia/Jakarta")
FRIDAY_EVENING = datetime(2026, 11, 27, 19, 30, tzinfo=JAKARTA)


def sexual_violence_case(personas):
    """A case whose incident is rape, reported on Friday evening: due Monday 19:30."""
    case = make_case(personas, "a")
    incident = case.incidents.get()
    actions.update_incident(
        personas.case_worker_a,
        incident,
        incident.version,
        {
            "gbv_answers": {GbvType.RAPE: True},
            "violence_types": ["seksual"],
            "reported_on": date(2026, 11, 27),
        },
    )
    return case


@pytest.fixture
def clock():
    with time_machine.travel(FRIDAY_EVENING, tick=False) as traveller:
        yield traveller


def police_url(case):
    return reverse("cases:police_report", args=[case.pk])


def english(client, user):
    log_in(client, user)
    client.cookies["lindungi_language"] = "en"


def test_the_police_report_shows_its_due_time_across_the_weekend_in_jakarta(
    client, personas, clock
):
    case = sexual_violence_case(personas)
    english(client, personas.case_worker_a)
    page = client.get(police_url(case)).content.decode()
    assert "30 Nov 2026, 19:30 WIB" in page and "Overdue" not in page
    clock.move_to(datetime(2026, 11, 30, 19, 31, tzinfo=JAKARTA))
    english(client, personas.case_worker_a)
    page = client.get(police_url(case)).content.decode()
    assert "Overdue: not reported and no reason recorded" in page
    assert AuditEvent.objects.filter(action="policereport.read").exists()


def test_the_report_to_the_police_is_recorded_with_who_and_the_reference(client, personas, clock):
    case = sexual_violence_case(personas)
    clock.move_to(datetime(2026, 11, 30, 12, 0, tzinfo=JAKARTA))
    english(client, personas.case_worker_a)
    data = form_on(client.get(police_url(case)), "police_reference")
    data.update(reported_at="2026-11-30T10:00", police_reference="LP/B/123/XI/2026")
    assert client.post(police_url(case), data).status_code == 302
    report = case.police_report
    report.refresh_from_db()
    assert report.reported_at == datetime(2026, 11, 30, 10, 0, tzinfo=JAKARTA)
    assert report.reported_by == personas.case_worker_a
    assert report.police_reference == "LP/B/123/XI/2026"
    page = client.get(police_url(case)).content.decode()
    assert "LP/B/123/XI/2026" in page and personas.case_worker_a.display_name in page
    assert "30 Nov 2026, 10:00 WIB" in page and "Overdue" not in page


def test_not_reporting_needs_a_reason_in_words(client, personas, clock):
    case = sexual_violence_case(personas)
    english(client, personas.case_worker_a)
    data = form_on(client.get(police_url(case)), "police_reference")
    response = client.post(police_url(case), data)
    assert response.status_code == 400
    assert b"Give the date of the report to the police, or why it was not made." in (
        response.content
    )
    report = case.police_report
    report.refresh_from_db()
    assert report.reported_at is None and report.not_reported_reason == ""
    data["not_reported_reason"] = "The survivor, an adult, decided not to report for now"
    assert client.post(police_url(case), data).status_code == 302
    report.refresh_from_db()
    assert report.not_reported_reason.startswith("The survivor, an adult")
    assert report.reported_by is None


def test_a_report_in_the_future_is_refused(client, personas, clock):
    case = sexual_violence_case(personas)
    english(client, personas.case_worker_a)
    data = form_on(client.get(police_url(case)), "police_reference")
    data["reported_at"] = "2026-11-28T10:00"
    assert client.post(police_url(case), data).status_code == 400
    case.police_report.refresh_from_db()
    assert case.police_report.reported_at is None


def test_a_case_without_sexual_violence_has_no_police_report_to_record(client, personas):
    case = make_case(personas, "a")
    english(client, personas.case_worker_a)
    response = client.get(police_url(case))
    assert response.status_code == 200 and b"No report to the police is due" in response.content
    assert b"police_reference" not in response.content
    fragment = client.get(police_url(case), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="case-police")
    assert fragment.content.strip() == b""


def test_the_police_report_pages_keep_to_the_access_model(client, personas, clock):
    case = sexual_violence_case(personas)
    assert client.get(police_url(case)).status_code == 302  # no login
    for user in (personas.case_worker_b, personas.supervisor_b):
        log_in(client, user)
        before = AuditEvent.objects.filter(action="case.denied").count()
        assert client.get(police_url(case)).status_code == 404
        response = client.post(police_url(case), {"not_reported_reason": "x"})
        assert response.status_code == 404
        assert AuditEvent.objects.filter(action="case.denied").count() == before + 2
    case.police_report.refresh_from_db()
    assert case.police_report.not_reported_reason == ""


# --- The sanction track ----------------------------------------------------------------


@pytest.fixture
def restricted(personas):
    return make_case(personas, "a", restricted=True)


def sanction_url(case):
    return reverse("cases:sanctions", args=[case.pk])


def edit_url(case, track=None):
    url = reverse("cases:edit_sanction", args=[case.pk])
    return f"{url}?jalur={track.pk}" if track else url


def test_the_sanction_track_is_shown_on_a_restricted_case_and_updated(client, personas, restricted):
    track = restricted.sanctions.get()
    english(client, personas.case_worker_a)
    page = client.get(sanction_url(restricted)).content.decode()
    assert "Kelurahan Tebet Timur" in page and "No decision yet" in page
    assert f'href="{edit_url(restricted, track)}"' in page.replace("&amp;", "&")
    data = page_form(client, edit_url(restricted, track), containing="version")
    data.update(
        notified_on=timezone.localdate().isoformat(),
        notified_how="Letter to the personnel office",
        decision="suspension",
        decided_on=timezone.localdate().isoformat(),
    )
    assert client.post(edit_url(restricted, track), data).status_code == 302
    track.refresh_from_db()
    assert (track.decision, track.notified_how, track.version) == (
        "suspension",
        "Letter to the personnel office",
        2,
    )
    assert AuditEvent.objects.filter(action="sanction.update").exists()
    assert "Suspension" in client.get(sanction_url(restricted)).content.decode()


def test_a_concluded_track_stays_on_the_case_as_history(client, personas, restricted):
    track = restricted.sanctions.get()
    english(client, personas.case_worker_a)
    data = page_form(client, edit_url(restricted), containing="version")
    data.update(decision="dismissal", concluded="on")
    assert client.post(edit_url(restricted), data).status_code == 302
    page = client.get(sanction_url(restricted)).content.decode()
    assert "Concluded" in page and "Dismissal" in page
    track.refresh_from_db()
    assert track.concluded


def test_a_stale_sanction_update_is_refused_with_409_keeping_what_was_typed(
    client, personas, restricted
):
    track = restricted.sanctions.get()
    english(client, personas.case_worker_a)
    data = page_form(client, edit_url(restricted, track), containing="version")
    # Someone else saves first.
    work.update_sanction(
        personas.supervisor_a, track, track.version, {"notified_how": "Phone call"}
    )
    data.update(decision="warning", notes="Written warning expected next week")
    response = client.post(edit_url(restricted, track), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this record while you were editing it" in page
    assert "Written warning expected next week" in page  # what was typed is kept
    assert "Phone call" in page  # and what the other person saved is taken over
    track.refresh_from_db()
    assert track.decision == "pending" and track.version == 2
    again = form_on(response, "version")
    assert client.post(edit_url(restricted, track), again).status_code == 302
    track.refresh_from_db()
    assert (track.decision, track.notified_how) == ("warning", "Phone call")


def test_a_case_without_a_sanction_track_says_so(client, personas):
    case = make_case(personas, "a")
    english(client, personas.case_worker_a)
    response = client.get(sanction_url(case))
    assert response.status_code == 200 and b"This case has no sanction track" in response.content
    assert client.post(edit_url(case), {"decision": "warning"}).status_code == 400


def test_the_sanction_pages_keep_to_the_access_model(client, personas, restricted):
    track = restricted.sanctions.get()
    assert client.get(sanction_url(restricted)).status_code == 302  # no login
    for user in (personas.case_worker_b, personas.supervisor_b, personas.analyst):
        log_in(client, user)
        assert client.get(sanction_url(restricted)).status_code == 404
        assert client.get(edit_url(restricted, track)).status_code == 404
        assert client.post(edit_url(restricted, track), {"decision": "warning"}).status_code == 404
    track.refresh_from_db()
    assert track.version == 1


def test_an_unknown_track_on_a_visible_case_is_404(client, personas, restricted):
    other = make_case(personas, "a", restricted=True).sanctions.get()
    log_in(client, personas.case_worker_a)
    assert client.get(edit_url(restricted, other)).status_code == 404
