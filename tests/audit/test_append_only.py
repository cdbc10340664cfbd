"""The database itself refuses to change or remove audit rows."""

import pytest
from django.db import DatabaseError, connection, transaction

from lindungi.audit import sealer
from lindungi.audit.events import record
from lindungi.audit.models import AuditEvent
from tests.audit.marks import commits_audit_rows


@pytest.fixture
def event(db):
    return record("case.read", object_type="cases.case", object_id="abc-1")


def refused(sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_the_database_refuses_an_update(event):
    refused("UPDATE audit_auditevent SET object_id = 'other'")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="cover-up")
    assert AuditEvent.objects.get(pk=event.pk).object_id == "abc-1"


def test_the_database_refuses_a_delete(event):
    refused("DELETE FROM audit_auditevent")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
@commits_audit_rows
def test_postgresql_refuses_a_truncate():
    # Committed first: TRUNCATE is refused anyway beside the row's pending foreign-key checks.
    event = record("case.read", object_type="cases.case", object_id="abc-1")
    refused("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_user_who_acted_cannot_be_deleted(personas):
    from django.db.models import ProtectedError

    record("auth.login", actor=personas.case_worker_a)
    with pytest.raises(ProtectedError):
        personas.case_worker_a.delete()


@commits_audit_rows
def test_flush_empties_the_trail_with_everything_else_and_keeps_the_guard():
    from django.core.management import call_command

    record("case.read", object_type="cases.case", object_id="abc-1")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    event = record("case.read", object_type="cases.case", object_id="abc-2")
    assert sealer.background.settle()  # sealed as soon as it committed
    event.refresh_from_db()
    assert event.sequence == 1
    refused("DELETE FROM audit_auditevent")
