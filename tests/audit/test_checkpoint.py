"""A checkpoint of the sealed head shows a chain whose newest rows were cut off."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lindungi.audit.events import record
from lindungi.audit.sealer import seal
from lindungi.ops.management.commands.worker import write_audit_checkpoint
from tests.audit.conftest import sealed


@pytest.fixture
def chain(db):
    return sealed(
        *(record("case.read", object_type="cases.case", object_id=f"c-{n}") for n in range(5))
    )


def run(command, *arguments):
    out = StringIO()
    call_command(command, *arguments, stdout=out)
    return out.getvalue()


def test_the_checkpoint_names_the_sealed_head(chain):
    head = json.loads(run("audit-checkpoint"))
    assert (head["sequence"], head["hash"]) == (5, chain[-1].hash)
    assert head["taken_at"]


def test_a_chain_that_still_holds_the_checkpoint_passes(chain, tmp_path):
    run("audit-checkpoint", "--output", tmp_path / "head.json")
    sealed(record("case.read", object_type="cases.case", object_id="c-later"))
    output = run("audit-verify", "--checkpoint", tmp_path / "head.json")
    assert "Audit chain intact: 6 events" in output
    assert "holds the checkpoint's head (event 5)" in output


def test_a_tail_cut_past_the_checkpoint_is_caught(chain, tmp_path, attacker):
    run("audit-checkpoint", "--output", tmp_path / "head.json")
    attacker.run("DELETE FROM audit_auditevent WHERE sequence > 3")
    assert "Audit chain intact: 3 events" in run("audit-verify")
    with pytest.raises(CommandError, match=r"checkpoint's head \(event 5\)") as failed:
        run("audit-verify", "--checkpoint", tmp_path / "head.json")
    assert failed.value.returncode == 1


def test_a_tail_cut_and_written_again_is_caught(chain, tmp_path, attacker):
    run("audit-checkpoint", "--output", tmp_path / "head.json")
    attacker.run("DELETE FROM audit_auditevent WHERE sequence > 3")
    for n in range(3):
        record("case.read", object_type="cases.case", object_id=f"c-other-{n}")
    seal()
    assert "Audit chain intact: 6 events" in run("audit-verify")
    with pytest.raises(CommandError, match="cut off or replaced"):
        run("audit-verify", "--checkpoint", tmp_path / "head.json")


def test_the_worker_writes_a_checkpoint_when_a_directory_is_set(chain, settings, tmp_path):
    settings.AUDIT_CHECKPOINT_DIR = None
    assert write_audit_checkpoint() == 0
    settings.AUDIT_CHECKPOINT_DIR = tmp_path
    assert write_audit_checkpoint() == 1
    written = json.loads((tmp_path / "audit-checkpoint.json").read_text())
    assert (written["sequence"], written["hash"]) == (5, chain[-1].hash)
    assert [p.name for p in tmp_path.iterdir()] == ["audit-checkpoint.json"]
