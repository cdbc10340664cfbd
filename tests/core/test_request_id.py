from django.test import Client


def test_every_answer_carries_a_fresh_request_id(db):
    first = Client().get("/healthz").headers["X-Request-ID"]
    second = Client().get("/healthz").headers["X-Request-ID"]
    assert len(first) == 32
    assert first != second


def test_a_proxy_request_id_is_kept_when_it_looks_like_an_id(db):
    response = Client().get("/healthz", headers={"X-Request-ID": "lb-1234abcd"})
    assert response.headers["X-Request-ID"] == "lb-1234abcd"


def test_anything_else_from_outside_is_replaced(db):
    response = Client().get("/healthz", headers={"X-Request-ID": "Siti Aminah 0812 3456"})
    assert response.headers["X-Request-ID"] != "Siti Aminah 0812 3456"
    assert len(response.headers["X-Request-ID"]) == 32
