"""Who gets in: a staff session past the second factor; writes need the CSRF token."""

from django.conf import settings
from django.test import Client


def test_an_anonymous_request_gets_a_401_in_json(db):
    response = Client().get("/api/v1/cases")
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


def test_a_session_without_the_second_factor_gets_a_401_in_json(personas):
    client = Client()
    client.force_login(personas.case_worker_a)
    response = client.get("/api/v1/cases")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_a_verified_session_gets_in(personas, api_client):
    response = api_client(personas.case_worker_a).get("/api/v1/cases")
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_a_deactivated_user_gets_nothing(personas, cases, api_client):
    client = api_client(personas.case_worker_a)
    personas.case_worker_a.is_active = False
    personas.case_worker_a.save()
    response = client.get(f"/api/v1/cases/{cases['a'].pk}")
    # The session middleware ends the session first, with a JSON 401 for the API.
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"
    assert cases["a"].survivor_code not in response.content.decode()


def test_a_write_without_the_csrf_token_is_refused(personas, cases, api_client):
    client = api_client(personas.case_worker_a, enforce_csrf_checks=True)
    url = f"/api/v1/cases/{cases['a'].pk}"
    response = client.patch(
        url, {"priority": "high"}, content_type="application/json", headers={"If-Match": '"1"'}
    )
    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"
    cases["a"].refresh_from_db()
    assert cases["a"].priority == "medium"


def test_a_write_with_the_csrf_token_goes_through(personas, cases, api_client):
    client = api_client(personas.case_worker_a, enforce_csrf_checks=True)
    token = "k" * 32
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    response = client.patch(
        f"/api/v1/cases/{cases['a'].pk}",
        {"priority": "high"},
        content_type="application/json",
        headers={"If-Match": '"1"', "X-CSRFToken": token},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["priority"] == "high"


def test_reads_need_no_csrf_token(personas, cases, api_client):
    client = api_client(personas.case_worker_a, enforce_csrf_checks=True)
    assert client.get(f"/api/v1/cases/{cases['a'].pk}").status_code == 200
