import pytest
from django.db import transaction

from lindungi.audit.chain import verify
from lindungi.audit.events import record
from lindungi.audit.models import AuditEvent


def test_a_recorded_event_joins_the_chain(db):
    first = record("case.read", object_type="cases.case", object_id="abc-1")
    second = record("case.update", object_type="cases.case", object_id="abc-1", fields=["b", "a"])
    assert second.sequence == first.sequence + 1
    assert second.prev_hash == first.hash
    assert AuditEvent.objects.get(pk=second.pk).fields == ["a", "b"]
    assert verify().intact


def test_an_event_rolls_back_with_the_write_it_describes(db):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record("case.update", object_type="cases.case", object_id="abc-1")
        raise RuntimeError
    assert AuditEvent.objects.count() == before
    assert verify().intact
