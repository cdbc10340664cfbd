"""The hash chain: canonical content, keyed hashes, serialised appends and verification.

Each row's hash is HMAC-SHA256, under a key derived from ``settings.AUDIT_KEY``, over a
canonical serialisation of the row's content including its sequence number and the
previous row's hash. Without the key, nobody can write a row (or rewrite a row and all
rows after it) so that the chain still verifies.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC

from django.conf import settings
from django.db import connections, transaction

from lindungi.audit.models import AuditEvent

GENESIS = "0" * 64
# Every column that carries meaning, in a fixed order; the hash covers all of them.
CONTENT = (
    "sequence",
    "at",
    "actor_id",
    "unit_id",
    "role",
    "action",
    "object_type",
    "object_id",
    "fields",
    "ip",
    "request_id",
    "reason",
    "prev_hash",
)
# Any fixed 64-bit number, the same in every process: PostgreSQL's lock on "the chain head".
_PG_LOCK_ID = 0x4C494E44554E4749  # "LINDUNGI"


def derived_key(purpose):
    """A key for one purpose, so the chain key and the login-email key are never the same."""
    return hmac.new(settings.AUDIT_KEY.encode(), purpose.encode(), hashlib.sha256).digest()


def canonical(values):
    """Bytes that depend on the content only, never on the database that returned it."""
    at = values["at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    content = {name: values[name] for name in CONTENT}
    content["at"] = at
    content["actor_id"] = None if values["actor_id"] is None else str(values["actor_id"])
    content["unit_id"] = None if values["unit_id"] is None else str(values["unit_id"])
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def row_hash(values, key=None):
    key = key or derived_key("chain")
    return hmac.new(key, canonical(values), hashlib.sha256).hexdigest()


def _head(connection):
    """The last row's sequence and hash, read while holding the chain's write lock.

    PostgreSQL: a transaction-level advisory lock, released at commit or rollback, so the
    next writer reads the head only after this row is committed. The lock and the read must
    be two statements: READ COMMITTED takes each statement's snapshot when it starts, before
    a lock taken inside it would be granted. SQLite: the connection's transactions are
    BEGIN IMMEDIATE (lindungi.config.sqlite), so being inside one means holding the write
    lock.
    Plain SQL: this runs on every audited write, and the ORM would double its cost.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_ID])
        cursor.execute(
            f"SELECT sequence, hash FROM {AuditEvent._meta.db_table} "  # noqa: S608 - constant
            "ORDER BY sequence DESC LIMIT 1"
        )
        return cursor.fetchone()


def append(event, using="default"):
    """Give ``event`` the next sequence number and its hash, and insert it.

    Runs inside the caller's transaction when there is one, so the audit row commits or
    rolls back together with the write it describes. No savepoint: if the audit row cannot
    be written, the caller's transaction must not commit either.
    """
    with transaction.atomic(using=using, savepoint=False):
        head = _head(connections[using])
        event.sequence, event.prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS)
        event.hash = row_hash({name: getattr(event, name) for name in CONTENT})
        event.save(using=using, force_insert=True)
    return event


@dataclass
class Verdict:
    intact: bool
    count: int
    head: str
    bad_sequence: int | None = None
    problem: str = ""


def verify(using="default", chunk_size=5000):
    """Walk the chain in order, streaming, and stop at the first row that does not fit."""
    key = derived_key("chain")
    rows = (
        AuditEvent.objects.using(using)
        .order_by("sequence")
        .values(*CONTENT, "hash")
        .iterator(chunk_size=chunk_size)
    )
    count, previous = 0, GENESIS
    for row in rows:
        expected = count + 1
        if row["sequence"] != expected:
            return Verdict(False, count, previous, expected, "missing")
        if row["prev_hash"] != previous:
            return Verdict(False, count, previous, expected, "out of order")
        if not hmac.compare_digest(row_hash(row, key), row["hash"]):
            return Verdict(False, count, previous, expected, "altered")
        count, previous = expected, row["hash"]
    return Verdict(True, count, previous)
