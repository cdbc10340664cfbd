"""``lindungi audit-verify`` proves an intact chain and names the first tampered row."""

import hashlib

import pytest
from django.core.management import CommandError, call_command

from lindungi.audit.chain import CONTENT
from lindungi.audit.events import record
from lindungi.audit.models import AuditEvent
from tests.audit.conftest import sealed


@pytest.fixture
def chain(db):
    return sealed(
        *(
            record(
                "case.update", object_type="cases.case", object_id=f"case-{n}", fields=["status"]
            )
            for n in range(1, 6)
        )
    )


def verify_output():
    from io import StringIO

    out = StringIO()
    call_command("audit-verify", stdout=out)
    return out.getvalue()


def broken_at():
    with pytest.raises(CommandError) as failed:
        verify_output()
    assert failed.value.returncode == 1
    return str(failed.value)


def test_an_intact_chain_passes_with_its_head_and_count(chain):
    output = verify_output()
    assert f"{len(chain)} events" in output
    assert chain[-1].hash in output


def test_an_empty_chain_is_intact(db):
    assert "0 events" in verify_output()


def test_an_edited_row_is_caught(chain, attacker):
    attacker.run("UPDATE audit_auditevent SET object_id = 'case-9' WHERE sequence = 3")
    assert "event 3:" in broken_at()


def test_an_edit_with_a_recomputed_unkeyed_hash_is_caught(chain, attacker):
    row = AuditEvent.objects.values(*CONTENT).get(sequence=3)
    forged = hashlib.sha256(repr({**row, "object_id": "case-9"}).encode()).hexdigest()
    attacker.run(
        "UPDATE audit_auditevent SET object_id = 'case-9', hash = %s WHERE sequence = 3", [forged]
    )
    assert "event 3:" in broken_at()


def test_a_deleted_row_is_caught(chain, attacker):
    attacker.run("DELETE FROM audit_auditevent WHERE sequence = 2")
    assert "event 2:" in broken_at()


def test_a_deleted_and_renumbered_row_is_caught(chain, attacker):
    attacker.run("DELETE FROM audit_auditevent WHERE sequence = 2")
    for sequence in (3, 4, 5):
        attacker.run(
            "UPDATE audit_auditevent SET sequence = %s WHERE sequence = %s",
            [sequence - 1, sequence],
        )
    assert "event 2:" in broken_at()


def test_two_swapped_rows_are_caught(chain, attacker):
    second, third = (AuditEvent.objects.values(*CONTENT, "hash").get(sequence=n) for n in (2, 3))
    columns = [c for c in (*CONTENT, "hash") if c != "sequence"]
    assignments = ", ".join(f"{c} = %s" for c in columns)
    for row, sequence in ((third, 2), (second, 3)):
        values = [row[c] for c in columns]
        values[columns.index("fields")] = '["status"]'
        attacker.run(
            f"UPDATE audit_auditevent SET {assignments} WHERE sequence = %s",  # noqa: S608
            [*values, sequence],
        )
    assert "event 2:" in broken_at()


def test_verification_streams_in_chunks(chain):
    from lindungi.audit.chain import verify

    verdict = verify(chunk_size=2)
    assert (verdict.intact, verdict.count, verdict.head) == (True, 5, chain[-1].hash)
