"""The supervisor's overview: counts, overdue deadlines, approvals, break-glass reviews,
sanction tracks and caseload per worker, for the active unit only."""

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindungi.cases import actions
from lindungi.casework import actions as work
from tests.cases.factories import make_case
from tests.casework.overdue_fixtures import (
    FRIDAY_EVENING,
    MONDAY_AFTER,
    MONDAY_BEFORE,
    second_supervisor,
    sexual_case,
)
from tests.login import log_in

URL = "/kasus/ikhtisar/"


def with_pending_plan(personas, case):
    worker = personas.case_worker_a
    with time_machine.travel(MONDAY_BEFORE, tick=False):
        work.save_plan(worker, case, None, "To feel safe at home.")
        return work.request_approval(worker, case, "plan", "Please look at the plan.")


def overview(client, user, **headers):
    """The page on Monday evening, after the Friday cases' deadlines passed."""
    with time_machine.travel(MONDAY_AFTER, tick=True):
        log_in(client, user)
        return client.get(URL, headers=headers)


def test_the_overview_lives_at_kasus_ikhtisar():
    assert reverse("cases:overview") == URL


def test_a_supervisor_sees_the_units_open_cases_deadlines_and_approvals(client, personas):
    case = sexual_case(personas)
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        # High priority: followed up within 24 hours, so overdue by Monday evening.
        other = make_case(personas, "a")
        actions.update_case(personas.supervisor_a, other, other.version, {"priority": "high"})
    with_pending_plan(personas, case)
    response = overview(client, personas.supervisor_a)
    assert response.status_code == 200
    page = response.content.decode()
    context = response.context
    assert context["open_total"] == 2
    assert dict(context["by_priority"]) == {"High": 1, "Medium": 1, "Low": 0}
    assert dict(context["by_status"])["Open"] == 2
    overdue = {(item.case.pk, item.deadline.kind) for item in context["overdue"]}
    assert overdue == {
        (case.pk, "police_report"),
        (case.pk, "follow_up"),
        (case.pk, "service"),
        (other.pk, "follow_up"),
    }
    assert case.survivor_code in page and "Overdue" in page
    assert [a.case_id for a in context["approvals"]] == [case.pk]
    assert reverse("cases:detail", args=[case.pk]) in page
    workers = {w.pk: w.open_cases for w in context["workers"]}
    assert workers == {personas.case_worker_a.pk: 2}
    assert "Canary" not in page and "Siti" not in page


def test_due_times_are_shown_in_jakarta_time(client, personas):
    sexual_case(personas, service_due=None)
    page = overview(client, personas.supervisor_a).content.decode()
    assert "30 Nov 2026, 19:30 WIB" in page


def test_a_restricted_case_counts_but_is_listed_only_for_its_named_users(client, personas):
    restricted = sexual_case(personas, restricted=True)
    late = second_supervisor(personas)
    named = overview(client, personas.supervisor_a)
    assert named.context["open_total"] == 1
    assert restricted.survivor_code in named.content.decode()
    assert [t.case_id for t in named.context["open_tracks"]] == [restricted.pk]
    client.logout()
    unnamed = overview(client, late)
    page = unnamed.content.decode()
    assert unnamed.context["open_total"] == 1  # a number names nobody
    assert unnamed.context["overdue"] == []
    assert unnamed.context["open_tracks"] == [] and unnamed.context["hidden_tracks"] == 1
    assert restricted.survivor_code not in page


def test_break_glass_uses_wait_in_the_overview_of_the_unit_that_used_them(client, personas):
    case = make_case(personas, "a")
    actions.break_glass(personas.supervisor_b, case, "The survivor called our hotline at night.")
    mine = overview(client, personas.supervisor_b)
    assert mine.context["break_glass_pending"] == 1
    assert reverse("cases:break_glass_reviews") in mine.content.decode()
    client.logout()
    assert overview(client, personas.supervisor_a).context["break_glass_pending"] == 0


def test_a_supervisor_of_another_unit_sees_none_of_unit_as_cases(client, personas):
    case = sexual_case(personas)
    with_pending_plan(personas, case)
    response = overview(client, personas.supervisor_b)
    assert response.status_code == 200
    context = response.context
    assert context["open_total"] == 0
    assert context["overdue"] == [] and context["approvals"] == []
    assert case.survivor_code not in response.content.decode()


def test_people_who_supervise_no_unit_are_refused(client, personas):
    for user in (personas.case_worker_a, personas.intake_officer, personas.analyst):
        assert overview(client, user).status_code == 403
        client.logout()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_an_htmx_request_gets_the_content_alone(client, personas):
    response = overview(client, personas.supervisor_a, **{"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.content and b"Overview of" in response.content


def test_supervisors_find_the_overview_in_the_navigation(client, personas):
    log_in(client, personas.supervisor_a)
    assert URL in client.get(reverse("cases:caseload")).content.decode()
    client.logout()
    log_in(client, personas.case_worker_a)
    assert URL not in client.get(reverse("cases:caseload")).content.decode()


def _queries(client, user):
    with time_machine.travel(MONDAY_AFTER, tick=True):
        log_in(client, user)
        client.get(URL)  # the first request after a login settles the session
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
    return len(captured)


def test_the_overview_costs_the_same_for_two_and_for_eight_cases(client, personas):
    def add_cases(n):
        for _ in range(n):
            with_pending_plan(personas, sexual_case(personas))
            sexual_case(personas, restricted=True)

    add_cases(1)
    few = _queries(client, personas.supervisor_a)
    add_cases(3)
    many = _queries(client, personas.supervisor_a)
    assert few == many
