"""Events are inserted unsealed, without a lock, and sealed into the chain after commit."""

import threading
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, OperationalError, connection, transaction
from django.utils import timezone

from lindungi.audit import sealer
from lindungi.audit.chain import unsealed, verify
from lindungi.audit.events import record
from lindungi.audit.models import AuditEvent
from lindungi.audit.sealer import _PG_LOCK_ID, background, seal
from tests.audit.conftest import sealed
from tests.audit.marks import commits_audit_rows

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's one writer commits in the order it inserts; its in-memory test "
    "database locks whole tables between threads",
)


def read(n):
    return record("case.read", object_type="cases.case", object_id=f"abc-{n}")


def stored(event):
    return AuditEvent.objects.get(pk=event.pk)


@commits_audit_rows
def test_an_event_is_sealed_right_after_its_transaction_commits():
    with transaction.atomic():
        first, second = read(1), read(2)
        # SQLite's one writer seals in the transaction that holds the write lock.
        inside = 1 if connection.vendor == "sqlite" else None
        assert stored(first).sequence == inside
    assert background.settle()
    assert [stored(e).sequence for e in (first, second)] == [1, 2]
    assert stored(second).prev_hash == stored(first).hash
    assert verify().count == 2


@commits_audit_rows
def test_a_crash_between_commit_and_seal_loses_nothing(crash_before_sealing):
    crashed = [read(n) for n in range(3)]
    assert unsealed()[0] == 3
    assert verify().count == 0
    crash_before_sealing.undo()

    assert seal(wait=True) == 3  # the worker's backstop
    assert unsealed()[0] == 0
    assert [stored(e).sequence for e in crashed] == [1, 2, 3]
    assert verify().intact and verify().count == 3


@postgresql_only
@commits_audit_rows
def test_an_event_that_commits_late_is_sealed_in_the_next_batch():
    """An event inserted first but committed last is not skipped: it is sealed after the
    later one, and the chain's order is the order of sealing."""
    inserted, release = threading.Event(), threading.Event()
    early = []

    def slow_transaction():
        try:
            with transaction.atomic():
                early.append(read(1))
                inserted.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_transaction)
    thread.start()
    assert inserted.wait(30)
    late = read(2)  # committed (and sealed) while the first is still open
    assert background.settle()
    assert stored(late).sequence == 1
    release.set()
    thread.join(30)
    assert background.settle()
    assert early[0].pk < late.pk
    assert stored(early[0]).sequence == 2
    assert verify().count == 2 and unsealed()[0] == 0


@postgresql_only
@commits_audit_rows
def test_a_busy_chain_lock_never_makes_a_request_wait():
    locked, release = threading.Event(), threading.Event()

    def other_sealer():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_ID])
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_sealer)
    thread.start()
    assert locked.wait(30)
    event = read(1)  # the seal finds the lock taken and leaves the event unsealed
    assert background.settle()
    assert stored(event).sequence is None
    release.set()
    thread.join(30)
    assert seal(wait=True) == 1
    assert stored(event).sequence == 1


def test_sealing_twice_is_refused(db):
    (event,) = sealed(read(1))
    for change in (
        "sequence = 7",
        "sequence = NULL, prev_hash = '', hash = ''",
        "hash = 'f' || substr(hash, 2)",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE audit_auditevent SET {change} WHERE id = %s", [event.pk])  # noqa: S608
    assert stored(event).sequence == event.sequence


def test_sealing_cannot_change_what_the_event_says(db, crash_before_sealing):
    event = read(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditevent SET sequence = 1, prev_hash = 'a', hash = 'b', "
                "object_id = 'abc-9' WHERE id = %s",
                [event.pk],
            )
    assert stored(event).object_id == "abc-1"


def forge(tag):
    """Insert a row as someone with database access but without the audit key would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, role, action, object_type, object_id, fields, "
            "request_id, reason, key_id, tag, prev_hash, hash) "
            "SELECT at, role, 'case.export', object_type, object_id, fields, request_id, "
            "reason, key_id, %s, '', '' FROM audit_auditevent ORDER BY id LIMIT 1",
            [tag],
        )


def test_a_row_inserted_without_the_key_is_caught_once_sealed(db):
    first = read(1)
    forge("0" * 64)
    sealed(first)
    verdict = verify()
    assert (verdict.intact, verdict.count, verdict.problem) == (False, 1, "forged")


def test_a_row_inserted_without_a_tag_is_never_sealed(db):
    sealed(read(1))
    forge("")
    assert seal() == 0
    assert unsealed()[0] == 1
    assert verify().intact


def run_verify(*arguments):
    out = StringIO()
    call_command("audit-verify", *arguments, stdout=out)
    return out.getvalue()


def test_verify_reports_unsealed_events_and_fails_when_they_wait_too_long(db, crash_before_sealing):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sealed(read(1), read(2))
        read(3)
        traveller.shift(90)
        output = run_verify("--max-unsealed-age", "120")
        assert "Audit chain intact: 2 events" in output
        assert "Not sealed yet: 1 events, the oldest recorded 90 seconds ago" in output
        with pytest.raises(CommandError, match="wait too long") as failed:
            run_verify("--max-unsealed-age", "60")
        assert failed.value.returncode == 1
        seal()
        assert "Not sealed yet: 0 events" in run_verify("--max-unsealed-age", "60")


@postgresql_only
@commits_audit_rows
def test_a_failed_seal_leaves_the_events_to_the_next_round(monkeypatch, caplog):
    def fails(using="default", wait=False):
        raise OperationalError("the server closed the connection")

    monkeypatch.setattr(sealer, "seal", fails)
    first = read(1)
    assert background.settle()
    assert stored(first).sequence is None
    assert "audit sealing left to the worker (OperationalError)" in caplog.text
    monkeypatch.undo()
    second = read(2)  # the same thread, still running, seals both
    assert background.settle()
    assert [stored(e).sequence for e in (first, second)] == [1, 2]
