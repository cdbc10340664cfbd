"""The case API: the same access rules as the pages, audited reads, actions for writes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindungi.api.cases import PAGE_SIZE
from lindungi.audit.models import AuditEvent
from lindungi.cases import actions
from lindungi.cases.models import Case, NamedAccess

JSON = "application/json"
SECRET = "Rahasia Pribadi Sekali"  # stands for personal data a client sends


@pytest.fixture
def worker(personas, api_client):
    return api_client(personas.case_worker_a)


def test_the_case_list_shows_only_visible_cases_by_survivor_code(worker, cases):
    response = worker.get("/api/v1/cases")
    assert response.status_code == 200
    codes = {item["survivor_code"] for item in response.json()["items"]}
    assert codes == {cases["a"].survivor_code, cases["restricted"].survivor_code}
    assert "Siti" not in response.content.decode()
    assert AuditEvent.objects.filter(action="case.list").exists()


def test_the_case_list_is_paginated_and_filtered(personas, api_client, cases):
    supervisor = personas.supervisor_b
    for _ in range(PAGE_SIZE):
        actions.open_case(supervisor, personas.unit_b)
    client = api_client(supervisor)
    first = client.get("/api/v1/cases").json()
    second = client.get("/api/v1/cases?page=2").json()
    assert first["count"] == PAGE_SIZE + 1
    assert len(first["items"]) == PAGE_SIZE
    assert len(second["items"]) == 1
    assert client.get("/api/v1/cases?status=closed").json()["count"] == 0
    assert client.get("/api/v1/cases?page=0").status_code == 422


def test_reading_a_case_and_its_parts_is_audited(worker, cases):
    case = cases["a"]
    worker.get(f"/api/v1/cases/{case.pk}")
    worker.get(f"/api/v1/cases/{case.pk}/clients")
    worker.get(f"/api/v1/incidents/{case.incidents.get().pk}")
    reads = AuditEvent.objects.filter(action__endswith=".read")
    assert set(reads.values_list("action", flat=True)) == {
        "case.read",
        "client.read",
        "incident.read",
    }
    assert reads.filter(object_id=str(case.clients.get().pk)).exists()


def test_an_editor_sees_identity_and_a_break_glass_reader_does_not(personas, api_client, cases):
    case = cases["a"]
    client_url = f"/api/v1/clients/{case.clients.get().pk}"
    editor_view = api_client(personas.case_worker_a).get(client_url).json()
    assert editor_view["name"] == "Siti Aminah"
    assert editor_view["vulnerable_groups"] == ["woman"]
    actions.break_glass(personas.supervisor_b, case, "Survivor at the hospital tonight")
    reader = api_client(personas.supervisor_b)
    reader_view = reader.get(client_url).json()
    assert reader_view["name"] is reader_view["nik"] is reader_view["phone"] is None
    assert reader.get(f"/api/v1/cases/{case.pk}").json()["may_edit"] is False
    refused = reader.patch(
        client_url, {"occupation": "x"}, content_type=JSON, headers={"If-Match": '"1"'}
    )
    assert refused.status_code == 404


def test_out_of_scope_and_missing_ids_get_the_same_404_and_are_audited(personas, api_client, cases):
    other = api_client(personas.case_worker_b)
    before = AuditEvent.objects.filter(action="case.denied").count()
    answers = [
        other.get(f"/api/v1/clients/{cases['a'].clients.get().pk}"),
        other.get("/api/v1/clients/00000000-0000-0000-0000-000000000000"),
        other.get("/api/v1/cases/not-an-id"),
    ]
    assert {r.status_code for r in answers} == {404}
    assert len({r.content for r in answers}) == 1
    assert AuditEvent.objects.filter(action="case.denied").count() == before + 3


def test_an_outsiders_bad_input_gets_404_not_a_validation_error(personas, api_client, cases):
    other = api_client(personas.case_worker_b)
    url = f"/api/v1/cases/{cases['a'].pk}/clients"
    before = AuditEvent.objects.filter(action="case.denied").count()
    assert other.post(url, {"role": "nonsense"}, content_type=JSON).status_code == 404
    assert other.post(url, "{not json", content_type=JSON).status_code == 404
    assert AuditEvent.objects.filter(action="case.denied").count() == before + 2


def test_invalid_input_is_refused_field_by_field_without_echoing_it(worker, cases):
    url = f"/api/v1/cases/{cases['a'].pk}/clients"
    response = worker.post(
        url,
        {"role": SECRET, "name": SECRET * 20, "age_estimate": SECRET, "nickname": SECRET},
        content_type=JSON,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid"
    assert set(body["errors"]) == {"role", "name", "age_estimate", "nickname"}
    assert SECRET not in response.content.decode()
    assert cases["a"].clients.count() == 1


def test_a_rule_broken_in_the_action_is_reported_on_its_field(worker, cases):
    response = worker.post(
        f"/api/v1/cases/{cases['a'].pk}/clients",
        {"role": "dependant", "birth_date": "2999-01-01"},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["birth_date"]


def test_malformed_json_and_a_body_that_is_not_an_object_are_refused(worker, cases):
    url = f"/api/v1/cases/{cases['a'].pk}/clients"
    malformed = worker.post(url, '{"role": "survivor"', content_type=JSON)
    assert malformed.status_code == 400
    assert malformed.json()["error"] == "malformed_body"
    assert worker.post(url, [1, 2], content_type=JSON).status_code == 422
    assert worker.post(url, b"\xff\xfe\x00", content_type=JSON).status_code == 400


def test_a_client_is_added_with_a_kelurahan_and_a_guardian_of_the_same_case(worker, cases):
    case = cases["a"]
    child = worker.post(
        f"/api/v1/cases/{case.pk}/clients",
        {"role": "dependant", "age_estimate": 6, "kelurahan": "31.74.01.1001"},
        content_type=JSON,
    )
    assert child.status_code == 201
    assert child["Location"] == f"/api/v1/clients/{child.json()['id']}"
    assert child.json()["vulnerable_groups"] == ["child"]
    guardian = worker.post(
        f"/api/v1/cases/{case.pk}/clients",
        {"role": "guardian", "guardian_of": child.json()["id"], "name": "Budi"},
        content_type=JSON,
    )
    assert guardian.status_code == 201
    unknown_place = worker.post(
        f"/api/v1/cases/{case.pk}/clients",
        {"role": "dependant", "kelurahan": "31.74"},
        content_type=JSON,
    )
    assert unknown_place.status_code == 422
    assert list(unknown_place.json()["errors"]) == ["kelurahan"]


def test_an_incident_must_name_a_survivor_of_its_own_case(worker, cases):
    stranger = cases["restricted"].clients.get().pk
    response = worker.post(
        f"/api/v1/cases/{cases['a'].pk}/incidents",
        {"survivor": str(stranger), "place_type": "rumah_tangga"},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["survivor"]


def test_an_incident_is_classified_by_the_action(worker, cases):
    response = worker.post(
        f"/api/v1/cases/{cases['a'].pk}/incidents",
        {
            "survivor": str(cases["a"].clients.get().pk),
            "place_type": "rumah_tangga",
            "gbv_answers": {"rape": False, "sexual_assault": True},
            "violence_types": ["seksual"],
        },
        content_type=JSON,
    )
    assert response.status_code == 201
    assert response.json()["gbv_type"] == "sexual_assault"


def test_a_public_employee_perpetrator_restricts_the_case(worker, cases):
    case = cases["a"]
    incident = case.incidents.get()
    response = worker.post(
        f"/api/v1/incidents/{incident.pk}/perpetrators",
        {"relationship": "lainnya", "public_employment": "ppsu", "employing_agency": "Kelurahan"},
        content_type=JSON,
    )
    assert response.status_code == 201
    assert Case.objects.get(pk=case.pk).restricted
    listed = worker.get(f"/api/v1/incidents/{incident.pk}/perpetrators")
    assert [row["public_employment"] for row in listed.json()] == ["ppsu"]


def test_a_perpetrator_update_goes_through_the_action(worker, cases):
    perpetrator = cases["restricted"].incidents.get().perpetrators.get()
    url = f"/api/v1/perpetrators/{perpetrator.pk}"
    response = worker.patch(url, {"count": 2}, content_type=JSON, headers={"If-Match": '"1"'})
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert AuditEvent.objects.filter(action="perpetrator.update").exists()


def test_the_case_list_costs_the_same_queries_for_one_case_or_many(personas, api_client):
    supervisor = personas.supervisor_a
    client = api_client(supervisor)
    actions.open_case(supervisor, personas.unit_a)
    # The first list of a user also asks which cases of other units they reach by name or
    # break-glass, kept a minute (cases/queries/paging.py): counted from the second.
    client.get("/api/v1/cases")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/cases").status_code == 200
    for _ in range(20):
        actions.open_case(supervisor, personas.unit_a)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/cases").json()["items"]) == 21
    assert len(many) == len(one)


def test_a_case_workers_list_counts_and_orders_every_case_they_see(
    personas, api_client, cases, monkeypatch
):
    worker = personas.case_worker_a
    for _ in range(3):
        actions.open_case(worker, personas.unit_a)
    # A restricted case they are named on without an assignment (named while a supervisor).
    named = actions.open_case(personas.supervisor_a, personas.unit_a)
    actions.restrict_case(personas.supervisor_a, named, "conflict_of_interest")
    NamedAccess.objects.create(
        case=named, user=worker, granted_by=personas.supervisor_a, granted_at=named.opened_at
    )
    monkeypatch.setattr("lindungi.api.cases.PAGE_SIZE", 2)
    client = api_client(worker)
    pages = [client.get(f"/api/v1/cases?page={n}").json() for n in (1, 2, 3, 4)]
    visible = Case.objects.restrict(worker).order_by("-opened_at", "pk")
    assert {page["count"] for page in pages} == {visible.count()} == {6}
    listed = [item["id"] for page in pages for item in page["items"]]
    assert listed == [str(pk) for pk in visible.values_list("pk", flat=True)]
    assert str(named.pk) in listed
