"""Checkpoints: the sealed head written out, to prove later that no newest rows were cut.

Someone with database access could delete the newest sealed rows (after dropping the
triggers): what remains is a shorter chain that still verifies. A checkpoint kept
outside the database (a file the worker writes, shipped elsewhere by the operator) says
how long the chain was and what its head was, so the cut shows.
"""

import json
import os
import tempfile
from pathlib import Path

from django.utils import timezone

from lindungi.audit.chain import head
from lindungi.audit.models import AuditEvent

FILE_NAME = "audit-checkpoint.json"


def current(using="default"):
    """The sealed head as a checkpoint: sequence, hash and when it was taken."""
    sealed = head(using) or {"sequence": 0, "hash": ""}
    return {**sealed, "taken_at": timezone.now().isoformat()}


def write(path, checkpoint):
    """Write ``checkpoint`` to ``path`` whole or not at all (a reader never sees half)."""
    path = Path(path)
    fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=".audit-checkpoint-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(checkpoint, handle)
        handle.write("\n")
    os.replace(scratch, path)


def read(path):
    with open(path, encoding="utf-8") as handle:
        checkpoint = json.load(handle)
    return {"sequence": int(checkpoint["sequence"]), "hash": str(checkpoint["hash"])}


def cut_off(checkpoint, using="default"):
    """Whether the chain no longer holds the checkpoint's head: shorter, or another row there."""
    if checkpoint["sequence"] == 0:
        return False
    return not (
        AuditEvent.objects.using(using)
        .filter(sequence=checkpoint["sequence"], hash=checkpoint["hash"])
        .exists()
    )
