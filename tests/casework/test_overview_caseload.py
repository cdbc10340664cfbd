"""The caseload's deadline column: each row's next deadline and whether it has passed,
from the page's own queries (tests/cases/test_query_counts.py holds the count fixed)."""

import time_machine
from django.urls import reverse

from lindungi.cases import actions
from lindungi.casework import actions as work
from tests.casework.overdue_fixtures import MONDAY_AFTER, MONDAY_BEFORE, MONDAY_EARLY, sexual_case
from tests.login import log_in


def caseload_at(client, user, when):
    with time_machine.travel(when, tick=True):
        log_in(client, user)
        response = client.get(reverse("cases:caseload"))
    assert response.status_code == 200
    return response


def test_each_row_shows_its_next_deadline_in_jakarta_time(client, personas):
    case = sexual_case(personas, service_due=None)
    response = caseload_at(client, personas.case_worker_a, MONDAY_BEFORE)
    (row,) = response.context["page"].rows
    assert row.pk == case.pk and row.next_deadline.kind in {"police_report", "follow_up"}
    page = response.content.decode()
    assert "30 Nov 2026, 19:30 WIB" in page
    assert "overdue" not in page.lower()


def test_a_row_with_passed_deadlines_says_so_in_words(client, personas):
    sexual_case(personas)
    early = caseload_at(client, personas.supervisor_a, MONDAY_EARLY).content.decode()
    assert ">1 overdue<" in early  # Sunday's service only
    client.logout()
    late = caseload_at(client, personas.supervisor_a, MONDAY_AFTER).content.decode()
    assert ">3 overdue<" in late


def test_a_row_with_nothing_running_shows_a_dash(client, personas):
    case = sexual_case(personas, service_due=None)
    with time_machine.travel(MONDAY_BEFORE, tick=False):
        work.record_police_report(personas.case_worker_a, case, not_reported_reason="Declined.")
    actions.update_case(personas.supervisor_a, case, case.version, {"priority": "low"})
    (row,) = caseload_at(client, personas.supervisor_a, MONDAY_AFTER).context["page"].rows
    assert row.next_deadline is None and row.overdue == []
