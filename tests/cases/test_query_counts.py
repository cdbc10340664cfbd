"""The caseload and the case page cost a fixed number of queries, however many rows they
show: an N+1 anywhere fails here."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindungi.cases import actions
from lindungi.cases.vocabulary import Sex
from tests.cases.factories import make_case
from tests.login import log_in


def queries_for(client, url, **extra):
    """Queries of a request in the steady state: after one like it has filled the caches
    (a province's kota, a worker's cases outside their assignments)."""
    client.get(url, **extra)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(captured)


def grow_case(personas, case, people):
    """Add ``people`` more clients, each with an incident and a perpetrator."""
    worker = personas.case_worker_a
    for i in range(people):
        person = actions.add_client(
            worker,
            case,
            {"role": "survivor", "name": f"Person {i}", "sex": Sex.FEMALE, "age_estimate": 30},
        )
        incident = actions.add_incident(
            worker,
            case,
            {"survivor": person, "reported_on": date(2026, 11, 1), "place_type": "lainnya"},
        )
        actions.add_perpetrator(worker, incident, {"relationship": "tetangga"})


@pytest.mark.parametrize("htmx", [False, True])
def test_the_caseload_costs_the_same_for_3_and_for_30_cases(client, personas, htmx):
    url = reverse("cases:caseload")
    headers = {"HX-Request": "true"} if htmx else {}
    for _ in range(3):
        make_case(personas, "a")
    log_in(client, personas.supervisor_a)
    few = queries_for(client, url, headers=headers)
    for _ in range(27):
        make_case(personas, "a")
    many = queries_for(client, url, headers=headers)
    assert len(client.get(url).context["page"].rows) == 30
    assert few == many


def test_a_name_search_costs_the_same_for_few_and_many_matches(client, personas):
    url = reverse("cases:caseload")
    make_case(personas, "a")
    log_in(client, personas.supervisor_a)
    client.post(url, {"by": "name", "q": "Siti Aminah"})
    few = queries_for(client, url)
    for _ in range(9):
        make_case(personas, "a")
    assert queries_for(client, url) == few


def test_the_caseload_filters_cost_no_extra_query_per_row(client, personas):
    url = reverse("cases:caseload")
    filters = {"group": "woman", "kota": "31.74", "sort": "priority", "priority": "medium"}
    for _ in range(2):
        make_case(personas, "a")
    log_in(client, personas.supervisor_a)
    few = queries_for(client, url, data=filters)
    for _ in range(8):
        make_case(personas, "a")
    assert queries_for(client, url, data=filters) == few


@pytest.mark.parametrize("name", ["cases:detail", "cases:print"])
def test_the_case_page_costs_the_same_for_1_and_for_5_clients(client, personas, name):
    case = make_case(personas, "a")
    url = reverse(name, args=[case.pk])
    log_in(client, personas.case_worker_a)
    one = queries_for(client, url)
    grow_case(personas, case, 4)
    assert case.clients.count() == 5
    assert queries_for(client, url) == one


def test_the_case_page_reads_no_part_the_case_has_none_of(client, personas):
    """A case opened without a report, never dispatched, sheltered or referred: whether it
    has any is read with the case itself, and no part's own query runs."""
    case = make_case(personas, "a")
    log_in(client, personas.case_worker_a)
    url = reverse("cases:detail", args=[case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    parts = [
        "cases_firstaccount",
        "cases_consent",
        "cases_casecontact",
        "intake_report",
        "response_dispatch",
        "shelter_placement",
        "referrals_referral",
    ]
    read = [table for table in parts for q in captured if q["sql"].startswith(f'SELECT "{table}"')]
    assert read == []
