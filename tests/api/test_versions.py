"""No silent overwrite: ETag out, If-Match in; 428 without it, 412 when stale."""

import pytest

JSON = "application/json"


@pytest.fixture
def worker(personas, api_client):
    return api_client(personas.case_worker_a)


def test_a_read_answers_the_records_version_as_its_etag(worker, cases):
    response = worker.get(f"/api/v1/cases/{cases['a'].pk}")
    assert response["ETag"] == f'"{cases["a"].version}"'
    assert response.json()["version"] == cases["a"].version


def test_an_update_without_if_match_is_refused_with_428(worker, cases):
    url = f"/api/v1/cases/{cases['a'].pk}"
    response = worker.patch(url, {"priority": "high"}, content_type=JSON)
    assert response.status_code == 428
    assert response.json()["error"] == "precondition_required"
    star = worker.patch(url, {"priority": "high"}, content_type=JSON, headers={"If-Match": "*"})
    assert star.status_code == 428


def test_an_update_answers_the_new_etag(worker, cases):
    response = worker.patch(
        f"/api/v1/cases/{cases['a'].pk}",
        {"status": "assessment"},
        content_type=JSON,
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    cases["a"].refresh_from_db()
    assert cases["a"].status == "assessment"


def test_a_stale_update_is_refused_with_412_and_the_current_etag(worker, cases):
    client_id = cases["a"].clients.get().pk
    url = f"/api/v1/clients/{client_id}"
    first = worker.patch(
        url, {"occupation": "guru"}, content_type=JSON, headers={"If-Match": '"1"'}
    )
    assert first.status_code == 200
    second = worker.patch(
        url, {"occupation": "pedagang"}, content_type=JSON, headers={"If-Match": '"1"'}
    )
    assert second.status_code == 412
    assert second["ETag"] == '"2"'
    assert second.json()["error"] == "stale_version"
    assert worker.get(url).json()["occupation"] == "guru"


def test_a_weak_or_unreadable_if_match_is_handled(worker, cases):
    url = f"/api/v1/incidents/{cases['a'].incidents.get().pk}"
    weak = worker.patch(url, {"abducted": True}, content_type=JSON, headers={"If-Match": 'W/"1"'})
    assert weak.status_code == 200
    garbage = worker.patch(url, {"abducted": False}, content_type=JSON, headers={"If-Match": "x"})
    assert garbage.status_code == 412
    assert garbage["ETag"] == '"2"'


def test_an_outsider_gets_404_before_any_talk_of_versions(personas, api_client, cases):
    outsider = api_client(personas.case_worker_b)
    response = outsider.patch(
        f"/api/v1/cases/{cases['a'].pk}", {"priority": "high"}, content_type=JSON
    )
    assert response.status_code == 404
