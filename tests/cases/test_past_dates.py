"""Dates of past facts are never after today (the day in Jakarta) nor before 1900, on the
pages and through the API alike; a report to the police cannot precede the survivor's
report; and the dates an edit form shows survive its saving, in Bahasa Indonesia."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from lindungi.cases import actions
from lindungi.cases.vocabulary import GbvType
from lindungi.casework import actions as work
from tests.cases.factories import make_case
from tests.cases.test_edits import form_on, page_form
from tests.login import log_in

JAKARTA = ZoneInfo("Asia/Jakarta")
# 00:30 on New Year's Day in Jakarta: still 31 December in UTC.
NOW = datetime(2027, 1, 1, 0, 30, tzinfo=JAKARTA)
TODAY = date(2027, 1, 1)
TOMORROW = TODAY + timedelta(days=1)
JSON = "application/json"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def case(personas, clock):
    return make_case(personas, "a", restricted=True)


def shows(response, text):
    """Whether the page shows ``text`` (a failure prints no page: it holds personal data)."""
    return text in response.content.decode()


def _refused(update, record, changes):
    """``update`` refuses ``changes`` naming their fields, and stores nothing."""
    with pytest.raises(ValidationError) as refused:
        update(record, record.version, changes)
    stored = type(record).objects.get(pk=record.pk)
    assert stored.version == record.version
    return refused.value.message_dict


def _worker_update(personas, action):
    return lambda record, version, changes: action(personas.case_worker_a, record, version, changes)


@pytest.mark.parametrize("day", [TOMORROW, date(1899, 12, 31), date(9999, 12, 31), date(1, 1, 1)])
def test_a_date_of_birth_after_today_or_before_1900_is_refused(personas, case, day):
    survivor = case.clients.get()
    errors = _refused(
        _worker_update(personas, actions.update_client), survivor, {"birth_date": day}
    )
    assert list(errors) == ["birth_date"]


@pytest.mark.parametrize("name", ["occurred_on", "reported_on"])
@pytest.mark.parametrize("day", [TOMORROW, date(1899, 12, 31)])
def test_an_incident_date_after_today_or_before_1900_is_refused(personas, case, name, day):
    incident = case.incidents.get()
    changes = {"occurred_on": None, name: day}
    errors = _refused(_worker_update(personas, actions.update_incident), incident, changes)
    assert list(errors) == [name]


def test_today_in_jakarta_is_not_the_future_though_utc_is_still_in_the_old_year(personas, case):
    incident = actions.update_incident(
        personas.case_worker_a,
        case.incidents.get(),
        case.incidents.get().version,
        {"occurred_on": TODAY, "reported_on": TODAY},
    )
    assert incident.occurred_on == TODAY


def test_an_emptied_report_date_is_refused_and_not_replaced(personas, case):
    incident = case.incidents.get()
    errors = _refused(
        _worker_update(personas, actions.update_incident), incident, {"reported_on": None}
    )
    assert errors == {
        "reported_on": ["Enter the date the incident was reported: it cannot be left empty."]
    }


def test_a_service_given_tomorrow_is_refused_but_due_tomorrow_is_planned(personas, case):
    service = work.add_service(
        personas.case_worker_a,
        case,
        {"type": "health", "provider_name": "RSUD", "due_on": TOMORROW + timedelta(days=300)},
    )
    update = _worker_update(personas, work.update_service)
    assert list(_refused(update, service, {"status": "done", "done_on": TOMORROW})) == ["done_on"]
    done = update(service, service.version, {"status": "done", "done_on": TODAY})
    assert done.done_on == TODAY


@pytest.mark.parametrize("name", ["notified_on", "decided_on"])
def test_a_sanction_date_after_today_is_refused(personas, case, name):
    track = case.sanctions.get()
    errors = _refused(_worker_update(personas, work.update_sanction), track, {name: TOMORROW})
    assert list(errors) == [name]


# --- The report to the police ------------------------------------------------------------


def _sexual_violence(personas, case):
    incident = case.incidents.get()
    actions.update_incident(
        personas.case_worker_a,
        incident,
        incident.version,
        {"gbv_answers": {GbvType.RAPE: True}, "violence_types": ["seksual"]},
    )


def test_a_report_to_the_police_before_the_survivors_report_is_refused(personas, case):
    _sexual_violence(personas, case)
    before_opening = case.opened_at - timedelta(minutes=1)
    with pytest.raises(ValidationError) as refused:
        work.record_police_report(personas.case_worker_a, case, reported_at=before_opening)
    assert list(refused.value.message_dict) == ["reported_at"]
    assert "before the survivor's report reached the service" in str(refused.value)
    case.police_report.refresh_from_db()
    assert case.police_report.reported_at is None


def test_a_report_to_the_police_in_the_minute_the_case_opened_is_recorded(personas, case):
    _sexual_violence(personas, case)
    same_minute = case.opened_at.replace(second=0, microsecond=0)
    report = work.record_police_report(personas.case_worker_a, case, reported_at=same_minute)
    assert report.reported_at == same_minute


def test_a_report_to_the_police_in_an_hour_from_now_is_refused(personas, case):
    _sexual_violence(personas, case)
    with pytest.raises(ValidationError) as refused:
        work.record_police_report(
            personas.case_worker_a, case, reported_at=NOW + timedelta(hours=1)
        )
    assert refused.value.message_dict == {"reported_at": ["The date cannot be in the future."]}


def test_the_police_report_page_says_why_in_indonesian(client, personas, case, indonesian):
    _sexual_violence(personas, case)
    log_in(client, personas.case_worker_a)
    url = reverse("cases:police_report", args=[case.pk])
    data = form_on(client.get(url), "police_reference")
    data["reported_at"] = (case.opened_at - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, data)
    assert response.status_code == 400
    assert shows(response, "sebelum laporan korban diterima layanan")


# --- Through the API ---------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2027-01-02"])
def test_the_api_refuses_an_absurd_or_future_date_on_its_field(client, personas, case, day):
    log_in(client, personas.case_worker_a)
    fields = [
        ("clients", case.clients.get(), "birth_date"),
        ("incidents", case.incidents.get(), "occurred_on"),
    ]
    for path, record, name in fields:
        response = client.patch(
            f"/api/v1/{path}/{record.pk}",
            {name: day},
            content_type=JSON,
            headers={"If-Match": f'"{record.version}"'},
        )
        assert response.status_code == 422, name
        assert list(response.json()["errors"]) == [name]


# --- Edit pages in Bahasa Indonesia ------------------------------------------------------


def test_an_emptied_report_date_is_refused_on_the_page_with_the_reason(
    client, personas, case, indonesian
):
    incident = case.incidents.get()
    log_in(client, personas.case_worker_a)
    url = reverse("cases:edit_incident", args=[incident.pk])
    data = page_form(client, url, containing="version")
    assert data["reported_on"] == "2026-11-22"
    data["reported_on"] = ""
    response = client.post(url, data)
    assert response.status_code == 200
    assert shows(response, "tidak boleh dikosongkan")
    incident.refresh_from_db()
    assert incident.reported_on == date(2026, 11, 22)


def test_a_service_is_marked_done_without_typing_its_due_date_again(
    client, personas, case, indonesian
):
    service = work.add_service(
        personas.case_worker_a,
        case,
        {"type": "health", "provider_name": "RSUD", "due_on": date(2026, 12, 30)},
    )
    log_in(client, personas.case_worker_a)
    url = reverse("cases:edit_service", args=[service.pk])
    data = page_form(client, url, containing="version")
    assert data["due_on"] == "2026-12-30"
    data.update(status="done", done_on="2027-01-01")
    assert client.post(url, data).status_code == 302
    service.refresh_from_db()
    assert (service.status, service.due_on, service.done_on) == (
        "done",
        date(2026, 12, 30),
        TODAY,
    )


def test_the_incident_page_refuses_a_future_date_in_indonesian(client, personas, case, indonesian):
    incident = case.incidents.get()
    log_in(client, personas.case_worker_a)
    url = reverse("cases:edit_incident", args=[incident.pk])
    assert shows(client.get(url), 'max="2027-01-01"')
    data = page_form(client, url, containing="version")
    data["occurred_on"] = "2027-01-02"
    response = client.post(url, data)
    assert shows(response, "Tanggal tidak boleh di masa depan.")
    incident.refresh_from_db()
    assert incident.occurred_on == date(2026, 11, 20)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2037-01-02"])
def test_the_api_refuses_a_due_date_before_1900_or_beyond_ten_years(client, personas, case, day):
    log_in(client, personas.case_worker_a)
    service = client.post(
        f"/api/v1/cases/{case.pk}/services",
        {"type": "health", "provider_name": "RSUD", "due_on": day},
        content_type=JSON,
    )
    task = client.post(
        f"/api/v1/cases/{case.pk}/tasks",
        {"assignee": str(personas.case_worker_a.pk), "title": "Call", "due_at": f"{day}T10:00"},
        content_type=JSON,
    )
    assert (service.status_code, list(service.json()["errors"])) == (422, ["due_on"])
    assert (task.status_code, list(task.json()["errors"])) == (422, ["due_at"])
    assert not case.services.exists() and not case.tasks.exists()


def test_a_due_date_years_ahead_is_planned(personas, case):
    service = work.add_service(
        personas.case_worker_a,
        case,
        {"type": "health", "provider_name": "RSUD", "due_on": date(2036, 12, 31)},
    )
    assert service.due_on == date(2036, 12, 31)
