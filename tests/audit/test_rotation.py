"""The audit key can be rotated: new rows go under the new key, old ones still verify."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from lindungi.audit.chain import unsealed, verify
from lindungi.audit.events import login_hash, record
from lindungi.audit.keys import build, key_id
from lindungi.audit.models import AuditEvent
from lindungi.audit.sealer import seal

OLD = "old-audit-key-for-the-rotation-test-0000000"
NEW = "new-audit-key-for-the-rotation-test-1111111"


def write(n):
    return record("case.read", object_type="cases.case", object_id=f"c-{n}")


def test_a_rotated_chain_verifies_under_each_segments_key(db, settings):
    settings.AUDIT_KEY = OLD
    write(1), write(2)
    seal()
    old_login = login_hash("someone@test.lindungi.id")
    settings.AUDIT_KEY = f"{NEW},{OLD}"
    write(3), write(4)
    seal()
    rows = AuditEvent.objects.order_by("sequence").values_list("key_id", flat=True)
    assert list(rows) == [key_id(OLD.encode())] * 2 + [key_id(NEW.encode())] * 2
    assert verify().intact and verify().count == 4
    assert login_hash("someone@test.lindungi.id") != old_login

    settings.AUDIT_KEY = NEW  # the old key dropped: its segment can no longer be proved
    verdict = verify()
    assert (verdict.intact, verdict.bad_sequence, verdict.problem) == (False, 1, "unknown key")


def test_an_event_is_sealed_only_by_a_process_that_holds_its_key(
    db, settings, crash_before_sealing
):
    settings.AUDIT_KEY = f"{NEW},{OLD}"
    write(1)
    settings.AUDIT_KEY = OLD  # a process not yet given the new key
    assert seal() == 0
    settings.AUDIT_KEY = f"{NEW},{OLD}"
    assert seal() == 1
    assert unsealed()[0] == 0 and verify().intact


def test_a_key_given_twice_stops_start_up():
    with pytest.raises(ImproperlyConfigured, match="repeats"):
        build(f"{NEW},{OLD},{NEW}")
    assert build(f" {NEW} , {OLD} ").current_id == key_id(NEW.encode())
