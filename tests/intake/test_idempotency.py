"""Idempotency-Key on POST /api/v1/reports, with the semantics Stripe documents
(lindungi.core.once)."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from lindungi.core.models import SubmittedKey
from lindungi.intake import actions, apikeys
from lindungi.intake.models import Report
from tests.browser.marks import commits
from tests.concurrency import at_once

URL = "/api/v1/reports"
BODY = {"what_happened": "Canary-story", "in_danger_now": True}


def send(client, key, body=BODY, idempotency_key="retry-1"):
    return client.post(
        URL,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": idempotency_key},
    )


@pytest.fixture
def key(db):
    return apikeys.create_key("112-dispatch")[1]


def test_the_same_key_and_body_give_the_same_answer_and_one_report(client, key):
    first = send(client, key)
    again = send(client, key, body=dict(reversed(list(BODY.items()))))
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Report.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(client, key):
    send(client, key)
    response = send(client, key, body={**BODY, "in_danger_now": False})
    assert response.status_code == 422
    assert response.json()["error"] == "idempotency_key_reused"
    assert Report.objects.count() == 1


def test_a_crash_in_the_middle_of_the_work_leaves_nothing_and_the_retry_succeeds(
    client, key, monkeypatch
):
    """The claim, the report and the answer are one transaction: a process that dies after
    the report is written, before the commit (here, recording its audit event fails),
    leaves no trace, and the retry makes the report."""

    def dies_before_the_commit(*args, **kwargs):
        raise ConnectionResetError("the process died")

    monkeypatch.setattr(actions, "record", dies_before_the_commit)
    with pytest.raises(ConnectionResetError):
        send(client, key)
    assert not SubmittedKey.objects.exists() and not Report.objects.exists()
    monkeypatch.undo()
    retried = send(client, key)
    assert retried.status_code == 201 and Report.objects.count() == 1
    assert send(client, key)["Idempotent-Replayed"] == "true"


def test_a_request_that_fails_validation_leaves_the_key_free(client, key):
    assert send(client, key, body={"what_happened": ""}).status_code == 422
    assert send(client, key).status_code == 201


def test_a_request_refused_by_the_action_frees_the_key(client, key):
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    assert send(client, key, body={**BODY, "occurred_on": future}).status_code == 422
    assert not SubmittedKey.objects.exists()
    assert send(client, key).status_code == 201


def test_keys_are_per_integration(client, key):
    other = apikeys.create_key("citizen-app")[1]
    assert send(client, key).status_code == 201
    assert send(client, other, body={**BODY, "injuries": True}).status_code == 201
    assert Report.objects.count() == 2


def test_keys_expire_after_24_hours(client, key):
    first = send(client, key).json()
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        again = send(client, key)
    assert again.status_code == 201
    assert again.json()["reference"] != first["reference"]
    assert "Idempotent-Replayed" not in again


@pytest.mark.parametrize("bad", ["", "x" * 256, "k\u00e9y"])
def test_an_unusable_idempotency_key_is_refused(client, key, bad):
    response = client.post(
        URL,
        json.dumps(BODY),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": bad},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "idempotency_key_invalid"
    assert Report.objects.count() == 0


def test_without_a_key_every_request_makes_a_report(client, key):
    for _ in range(2):
        client.post(
            URL,
            json.dumps(BODY),
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
        )
    assert Report.objects.count() == 2


@commits
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database locks whole tables between threads; "
    "bench/intake_load.py races real server requests on SQLite",
)
def test_two_concurrent_requests_with_one_key_make_one_report_and_one_answer():
    key = apikeys.create_key("112-dispatch")[1]
    answers = at_once(lambda: send(Client(), key))
    # The second waits for the first's transaction and answers with its stored answer.
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert sorted("Idempotent-Replayed" in a for a in answers) == [False, True]
    assert Report.objects.count() == 1
