"""The supervisor's indicators and the head of service's dashboard (issue 16), each figure
against a world built by hand through the actions, on a frozen clock: the unit's own
deadlines met, medians of the rapid response times, referral answers; the city's times to
contact, assessment and plan, plans, closures with goals met, services on time, coverage.
Who may open which statistics page, and that none of them names a person."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from lindungi.casework import actions as work
from lindungi.referrals import actions as referrals
from lindungi.response.models import Dispatch, DispatchStatus
from lindungi.stats import rollup
from tests.login import log_in
from tests.referrals.factories import make_world, send_visum, visum_consent
from tests.stats.world import RAPE, head_of_service, new_case

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
NOW = T0 + timedelta(days=18)
NOVEMBER = {"start": "2026-11", "end": "2026-11"}
INCIDENT = {"occurred_on": date(2026, 11, 22), "reported_on": date(2026, 11, 22)}


def _at(hours, do):
    with time_machine.travel(T0 + timedelta(hours=hours), tick=False):
        return do()


def _service(worker, case, due, done):
    data = {"type": "health", "status": "done", "done_on": done, "due_on": due}
    return work.add_service(worker, case, {**data, "provider_name": "Clinic"})


def _dispatch(personas, case, seconds):
    return Dispatch.objects.create(
        unit=personas.rapid_response,
        case=case,
        location="Canary location",
        danger="none",
        status=DispatchStatus.CLEARED,
        requested_at=T0,
        requested_by=personas.intake_officer,
        seconds_to_acknowledge=seconds,
    )


def _build(personas):
    """Unit A: three counted cases opened at T0 (medium priority: first contact within 72
    hours), one contacted in 2 hours, one in 100, one never; the first with a police report
    made in 10 hours, an assessment at 5 hours, a plan at 30; two services given, one on
    time; the second closed with its needs met. A referral answered in two days, one never;
    three dispatches. The third case is counted, and nothing more is done on it."""
    worker = personas.case_worker_a
    one, two, _three = (
        _at(0, lambda: new_case(personas, gbv_answers=RAPE, **INCIDENT)),
        _at(0, lambda: new_case(personas, **INCIDENT)),
        _at(0, lambda: new_case(personas, **INCIDENT)),
    )
    _at(2, lambda: work.add_note(worker, one, "Called"))
    _at(100, lambda: work.add_note(worker, two, "Called"))
    _at(10, lambda: work.record_police_report(worker, one, reported_at=T0 + timedelta(hours=9)))
    _at(5, lambda: work.record_assessment(worker, one, "needs", {"health": "some"}))
    _at(30, lambda: work.save_plan(worker, one, None, "Safety"))
    _at(100, lambda: _service(worker, one, date(2026, 11, 26), date(2026, 11, 25)))
    _at(140, lambda: _service(worker, two, date(2026, 11, 26), date(2026, 11, 28)))
    closure = _at(150, lambda: work.request_closure(worker, two, "needs_met", "Done"))
    _at(151, lambda: work.decide_approval(personas.supervisor_a, closure.approval, "approved"))
    world = _at(0, lambda: make_world(personas))
    _at(0, lambda: visum_consent(world))
    answered = _at(0, lambda: send_visum(world))
    _at(48, lambda: referrals.accept(personas.partner_officer, answered, answered.version))
    _at(0, lambda: send_visum(world))
    for seconds in (60, 120, 6000):
        _dispatch(personas, one, seconds)
    _at(300, rollup.apply_all)


@pytest.fixture(scope="module")
def world(module_personas):
    _build(module_personas)
    return module_personas, head_of_service(module_personas)


def _client(user):
    client = Client()
    log_in(client, user)
    return client


def _get(user, name, query=NOVEMBER):
    with time_machine.travel(NOW, tick=False):
        return _client(user).get(reverse(name), query)


def test_the_supervisor_s_figures_are_those_of_the_hand_built_world(world):
    personas, _head = world
    response = _get(personas.supervisor_a, "stats:dashboard")
    found = {caption: dict(rows) for caption, rows in response.context["indicators"]}
    # First contact: 1 of 4 (the referral world's case is never contacted); police report:
    # 1 of 1; services: 1 of 2. Seven deadlines came due, three were met.
    assert found["Deadlines in the period"] == {
        "Deadlines due in the period": 7,
        "Met": 3,
        "Deadlines met (%)": 42.9,
        "First contact within the follow-up deadline (%)": 25.0,
        "Police reports within 3×24 hours (%)": 100.0,
        "Services given by their due date (%)": 50.0,
    }
    dispatches = found["Rapid response in the period"]
    assert dispatches["Dispatches"] == 3
    assert dispatches["Minutes to acknowledge (median)"] == 2.0  # the mean would be 34
    assert dispatches["Minutes to set out (median)"] is None
    answers = found["Referrals in the period"]
    assert answers["Referrals sent"] == 2 and answers["Accepted"] == 1
    assert answers["Hours to an answer (median)"] == 48.0
    assert answers["Answered in the time asked (%)"] == 50.0
    other = _get(personas.supervisor_b, "stats:dashboard").context["indicators"]
    assert dict(other[1][1])["Deadlines due in the period"] == 0


def test_the_head_of_service_sees_the_city_s_quality_from_the_rollups(world):
    _personas, head = world
    context = _get(head, "stats:head").context
    times = {row["label"]: row for row in context["times"]}
    contact = times["Time to first contact"]
    # Hours 2 and 96 (100 hours is day 4): the median is 2, the 90th percentile 96; one of
    # the three counted cases met its deadline, one is still waiting.
    assert (contact["n"], contact["median"], contact["p90"]) == (2, 2, 96)
    assert (contact["within"], contact["waiting"]) == (33.3, 1)
    assert times["Time to first assessment"]["median"] == 5
    assert times["Time to the service plan"]["p90"] == 30
    assert dict(context["shares"]) == {
        "Cases opened": 3,
        "Cases with a service plan (%)": 33.3,
        "Police reports due": 1,
        "Police reports within 3×24 hours (%)": 100.0,
        "Cases closed": 1,
        "Closed with the survivor's goals met (%)": 100.0,
        "Services given": 2,
        "Services given by their due date (%)": 50.0,
    }
    labels = context["service_labels"]
    [(kota, opened, any_service, shares)] = context["coverage_rows"]
    assert (kota, opened, any_service) == ("Kota Administrasi Jakarta Pusat", 3, 66.7)
    assert shares[labels.index("Health")] == 66.7 and shares[labels.index("Shelter")] == 0


def test_the_head_of_service_sees_each_group_month_by_month(world):
    _personas, head = world
    context = _get(head, "stats:head", {"start": "2026-10", "end": "2026-11"}).context
    # The three survivors, women born in 1990, were counted in November; October is shown
    # with its zeros, so that a month without cases is not a gap in the line.
    assert context["group_labels"] == [
        "Child", "Older person", "Person with a disability", "Woman",
    ]  # fmt: skip
    assert context["group_rows"] == [("2026-10", [0, 0, 0, 0]), ("2026-11", [0, 0, 0, 3])]
    assert context["group_totals"] == [0, 0, 0, 3]
    chart = str(context["group_chart"])
    assert chart.count("<polyline") == 4 and 'aria-label="Survivors by vulnerable group' in chart


def test_who_opens_which_statistics_page_and_none_names_a_person(world):
    personas, head = world
    matrix = {
        "stats:dashboard": {"analyst": 200, "supervisor_a": 200, "supervisor_b": 200, "head": 200},
        "stats:head": {"head": 200},
    }
    people = {"head": head, **dict(personas.everyone())}
    names = ["Canary Survivor Name", "Siti Aminah", "Canary narrative text", "Canary location"]
    for route, allowed in matrix.items():
        for who, user in people.items():
            response = _get(user, route)
            expected = allowed.get(who, 404)
            assert response.status_code == expected, (route, who)
            if response.status_code == 200:
                text = response.content.decode()
                assert not [name for name in names if name in text], (route, who)


def test_only_the_head_of_service_finds_their_page_in_the_navigation(world):
    personas, head = world
    link = f'href="{reverse("stats:head")}"'
    assert link in _get(head, "home").content.decode()
    for user in (personas.supervisor_a, personas.analyst, personas.case_worker_a):
        assert link not in _get(user, "home").content.decode()
