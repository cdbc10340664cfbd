"""Vulnerable groups count the survivor's age at her first incident, not today's: a girl
hurt at 17 is a child of the case when she is 19; a woman hurt at 59 is not an older
person at 61. Everywhere: the caseload's filter and rows, the case page, the API."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from lindungi.cases import actions
from lindungi.cases.vocabulary import GbvType, Sex
from tests.login import log_in

WIB = ZoneInfo("Asia/Jakarta")
TODAY = datetime(2026, 6, 15, 10, 0, tzinfo=WIB)
CASELOAD = reverse("cases:caseload")


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _case(personas, born, occurred_on=None, reported_on=date(2024, 12, 3)):
    worker = personas.case_worker_a
    case = actions.open_case(worker, personas.unit_a)
    survivor = actions.add_client(
        worker, case, {"role": "survivor", "birth_date": born, "sex": Sex.FEMALE}
    )
    actions.add_incident(
        worker,
        case,
        {
            "survivor": survivor,
            "occurred_on": occurred_on,
            "reported_on": reported_on,
            "place_type": "rumah_tangga",
            "gbv_answers": {GbvType.RAPE: False, GbvType.SEXUAL_ASSAULT: True},
            "violence_types": ["seksual"],
        },
    )
    return case


def _found(client, group):
    rows = client.get(CASELOAD, {"group": group}).context["page"].rows
    return {row.survivor_code: row.groups for row in rows}


def test_a_girl_hurt_at_17_is_a_child_of_the_case_at_19(client, personas, today):
    case = _case(personas, born=date(2007, 3, 1), occurred_on=date(2024, 12, 1))
    assert case.clients.get().age_on(date(2026, 6, 15)) == 19
    log_in(client, personas.case_worker_a)
    assert _found(client, "child") == {case.survivor_code: ["child"]}
    assert _found(client, "woman") == {}
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "<dd>Child</dd>" in page
    clients = client.get(f"/api/v1/cases/{case.pk}/clients").json()
    assert [row["vulnerable_groups"] for row in clients] == [["child"]]


def test_a_woman_hurt_at_59_is_not_an_older_person_at_61_and_one_hurt_at_60_is(
    client, personas, today
):
    at_59 = _case(personas, born=date(1965, 3, 1), occurred_on=date(2024, 12, 1))
    at_60 = _case(personas, born=date(1964, 12, 1), occurred_on=date(2024, 12, 1))
    assert at_59.clients.get().age_on(date(2026, 6, 15)) == 61
    log_in(client, personas.case_worker_a)
    older = _found(client, "older_person")
    assert older == {at_60.survivor_code: ["older_person", "woman"]}
    assert set(_found(client, "woman")) == {at_59.survivor_code, at_60.survivor_code}


def test_without_an_incident_date_the_day_it_was_reported_counts(client, personas, today):
    # 17 when she reported it on 3 December 2024, 18 on 1 January 2025.
    case = _case(personas, born=date(2007, 1, 1), reported_on=date(2024, 12, 3))
    log_in(client, personas.case_worker_a)
    assert case.survivor_code in _found(client, "child")


def test_the_first_incident_counts_when_there_are_several(client, personas, today):
    case = _case(personas, born=date(2007, 3, 1), occurred_on=date(2024, 12, 1))
    survivor = case.clients.get()
    actions.add_incident(
        personas.case_worker_a,
        case,
        {
            "survivor": survivor,
            "occurred_on": date(2026, 5, 1),
            "reported_on": date(2026, 5, 2),
            "place_type": "rumah_tangga",
            "violence_types": ["psikis"],
        },
    )
    log_in(client, personas.case_worker_a)
    assert case.survivor_code in _found(client, "child")
    assert survivor.groups_at_incident() == {"child"}


def test_before_any_incident_the_age_when_the_case_was_opened_counts(client, personas):
    with time_machine.travel(datetime(2025, 6, 1, 9, 0, tzinfo=WIB), tick=False):
        case = actions.open_case(personas.case_worker_a, personas.unit_a)
        actions.add_client(
            personas.case_worker_a,
            case,
            {"role": "survivor", "birth_date": date(2007, 7, 1), "sex": Sex.FEMALE},
        )
    with time_machine.travel(TODAY, tick=False):
        log_in(client, personas.case_worker_a)
        assert _found(client, "child") == {case.survivor_code: ["child"]}
