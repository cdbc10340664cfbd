import pytest
from django.db import connection
from django.test import RequestFactory

from lindungi.audit import events, guard
from lindungi.audit.sealer import seal


@pytest.fixture
def attacker():
    """Database access without the audit key: lifts the triggers and runs raw SQL."""

    class Attacker:
        def run(self, sql, params=()):
            with guard.lifted(connection), connection.cursor() as cursor:
                cursor.execute(sql, params)

    return Attacker()


@pytest.fixture
def staff_request(personas):
    """A request by the unit A supervisor, as the middleware leaves it."""
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")
    request.user = personas.supervisor_a
    request.membership = personas.supervisor_a.memberships.get()
    request.request_id = "req0000000000000001"
    return request


def sealed(*events):
    """Seal what the test recorded (its transaction never commits, so nothing seals it by
    itself) and return the events as stored, with their place in the chain."""
    seal()
    for event in events:
        event.refresh_from_db()
    return events


@pytest.fixture
def crash_before_sealing(monkeypatch):
    """Events recorded meanwhile stay unsealed, as if each process died right after its
    commit, before it sealed (on SQLite: as rows left by a version that did not seal)."""
    monkeypatch.setattr(events, "seal_after_commit", lambda using: None)
    return monkeypatch
