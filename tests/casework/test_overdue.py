"""Overdue deadlines per unit, against a fixed clock in Asia/Jakarta."""

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindungi.cases.models import Case
from lindungi.casework import actions as work
from lindungi.casework.overdue import attach_deadlines, unit_overdue, with_deadline_facts
from tests.casework.overdue_fixtures import (
    MONDAY_AFTER,
    MONDAY_BEFORE,
    MONDAY_EARLY,
    second_supervisor,
    sexual_case,
)


def kinds(items):
    return sorted(item.deadline.kind for item in items)


def test_on_monday_morning_only_sundays_service_is_overdue(personas):
    sexual_case(personas)
    items, more = unit_overdue(personas.supervisor_a, personas.unit_a, MONDAY_EARLY)
    assert kinds(items) == ["service"]
    assert not more


def test_the_police_report_and_follow_up_pass_3x24_hours_after_friday_evening(personas):
    case = sexual_case(personas)
    before, _more = unit_overdue(personas.supervisor_a, personas.unit_a, MONDAY_BEFORE)
    assert kinds(before) == ["service"]
    after, _more = unit_overdue(personas.supervisor_a, personas.unit_a, MONDAY_AFTER)
    assert kinds(after) == ["follow_up", "police_report", "service"]
    assert {item.case.pk for item in after} == {case.pk}
    # Most overdue first: Sunday's service, then the two Monday evening deadlines.
    assert after[0].deadline.kind == "service"


def test_a_recorded_police_report_and_a_done_service_are_not_overdue(personas):
    case = sexual_case(personas)
    worker = personas.case_worker_a
    with time_machine.travel(MONDAY_BEFORE, tick=False):
        work.record_police_report(worker, case, reported_at=MONDAY_EARLY, police_reference="LP/1")
        service = case.services.get()
        work.update_service(worker, service, service.version, {"status": "done"})
        work.add_note(worker, case, "Called the survivor.")
    items, _more = unit_overdue(personas.supervisor_a, personas.unit_a, MONDAY_AFTER)
    assert items == []


def test_a_police_report_not_made_with_a_reason_is_not_overdue(personas):
    case = sexual_case(personas, service_due=None)
    with time_machine.travel(MONDAY_BEFORE, tick=False):
        work.record_police_report(
            personas.case_worker_a, case, not_reported_reason="The survivor declined."
        )
    items, _more = unit_overdue(personas.supervisor_a, personas.unit_a, MONDAY_AFTER)
    assert kinds(items) == ["follow_up"]


def test_a_new_note_restarts_the_follow_up_clock(personas):
    case = sexual_case(personas, service_due=None)
    with time_machine.travel(MONDAY_BEFORE, tick=False):
        work.add_note(personas.case_worker_a, case, "Visited at home.")
    items, _more = unit_overdue(personas.supervisor_a, personas.unit_a, MONDAY_AFTER)
    assert kinds(items) == ["police_report"]


def test_a_restricted_case_is_listed_only_for_its_named_users(personas):
    sexual_case(personas, restricted=True)
    named, _more = unit_overdue(personas.supervisor_a, personas.unit_a, MONDAY_AFTER)
    assert kinds(named) == ["follow_up", "police_report", "service"]
    late = second_supervisor(personas)
    hidden, _more = unit_overdue(late, personas.unit_a, MONDAY_AFTER)
    assert hidden == []


def test_another_units_supervisor_sees_none_of_unit_as_overdue_items(personas):
    sexual_case(personas)
    mine, _more = unit_overdue(personas.supervisor_b, personas.unit_b, MONDAY_AFTER)
    theirs, _more = unit_overdue(personas.supervisor_b, personas.unit_a, MONDAY_AFTER)
    assert mine == [] and theirs == []


def test_a_closed_case_has_nothing_overdue(personas):
    case = sexual_case(personas, service_due=None)
    case.status, case.closed_at = "closed", MONDAY_BEFORE
    case.save()
    items, _more = unit_overdue(personas.supervisor_a, personas.unit_a, MONDAY_AFTER)
    assert items == []


def _queries(callable_):
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


def test_the_unit_listing_costs_the_same_for_two_and_for_six_cases(personas):
    for _ in range(2):
        sexual_case(personas)
    few = _queries(lambda: unit_overdue(personas.supervisor_a, personas.unit_a, MONDAY_AFTER))
    for _ in range(4):
        sexual_case(personas)
    many = _queries(lambda: unit_overdue(personas.supervisor_a, personas.unit_a, MONDAY_AFTER))
    items, _more = unit_overdue(personas.supervisor_a, personas.unit_a, MONDAY_AFTER)
    assert len(items) == 18
    assert few == many


def test_the_listing_stops_at_its_limit_and_says_there_are_more(personas):
    for _ in range(3):
        sexual_case(personas, service_due=None)
    items, more = unit_overdue(personas.supervisor_a, personas.unit_a, MONDAY_AFTER, limit=2)
    assert len({item.case.pk for item in items}) == 2
    assert more


def test_deadlines_of_a_list_of_cases_cost_three_queries(personas):
    cases = [sexual_case(personas) for _ in range(3)]
    assert _queries(lambda: attach_deadlines(cases, MONDAY_AFTER)) == 3
    first = cases[0]
    assert first.next_deadline.kind == "service"
    assert len(first.overdue) == 3


def test_cases_read_with_their_deadline_facts_get_the_same_deadlines_without_a_query(personas):
    made = [sexual_case(personas) for _ in range(2)] + [sexual_case(personas, service_due=None)]
    loaded = list(with_deadline_facts(Case.objects.filter(pk__in=[c.pk for c in made])))
    assert _queries(lambda: attach_deadlines(loaded, MONDAY_AFTER)) == 0
    attach_deadlines(made, MONDAY_AFTER)
    by_pk = {case.pk: case for case in loaded}
    for case in made:
        assert by_pk[case.pk].deadlines == case.deadlines
    assert {d.kind for d in made[0].deadlines} >= {"service", "police_report"}
