from django.test import Client

from tests.login import log_in


def test_a_page_answers_in_full_for_a_normal_request(personas):
    client = Client()
    log_in(client, personas.case_worker_a)
    response = client.get("/tempat/layanan/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith("<!doctype html>")
    assert 'class="skip-link"' in body
    assert response.headers["Vary"].count("HX-Request") == 1


def test_the_same_page_answers_only_its_content_for_htmx(personas):
    client = Client()
    log_in(client, personas.case_worker_a)
    response = client.get("/tempat/layanan/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert "skip-link" not in body
    assert "Test safe house" in body


def test_a_boosted_navigation_gets_the_full_page(personas):
    client = Client()
    log_in(client, personas.case_worker_a)
    response = client.get("/tempat/layanan/", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<!doctype html>" in response.content.decode()
