"""The hash chain: canonical content, keyed tags and hashes, and verification.

A row is written with a ``tag``: HMAC-SHA256, under a key derived from the current audit
key (lindungi/audit/keys.py), over a canonical serialisation of its content. The sealer
(lindungi/audit/sealer.py) later gives it a sequence number, the previous row's hash and
its own ``hash``: HMAC-SHA256 over its content, tag, sequence number and previous hash.
Without the key, nobody can write a row (or rewrite a row and all rows after it) so that
the chain still verifies.
"""

import hmac
import json
from dataclasses import dataclass
from datetime import UTC

from django.db.models import Min

from lindungi.audit.keys import audit_keys
from lindungi.audit.models import AuditEvent

GENESIS = "0" * 64
# Every column that carries meaning, in a fixed order: the tag covers them at insertion.
INSERTED = (
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
)
# What a row's hash covers: rows sealed before tags existed (empty tag) without the last
# two, so that their hashes still verify.
CONTENT = ("sequence", *INSERTED, "prev_hash")
TAGGED = (*CONTENT, "key_id", "tag")
SEALED = (*TAGGED, "hash")


def derived_key(purpose, kid=None):
    return audit_keys().derived(purpose, kid)


def canonical(values, names):
    """Bytes that depend on the content only, never on the database that returned it."""
    content = {name: values[name] for name in names}
    content["at"] = values["at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    for name in ("actor_id", "unit_id"):
        content[name] = None if values[name] is None else str(values[name])
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def insert_tag(values, kid):
    return hmac.new(derived_key("insert", kid), canonical(values, INSERTED), "sha256").hexdigest()


def row_hash(values, key=None):
    """The sealed hash of a row (``values`` has the TAGGED names, or CONTENT for a row
    sealed before tags); ``key``: the chain key, derived once per batch by the caller."""
    key = key or derived_key("chain", values.get("key_id") or None)
    names = TAGGED if values.get("tag") else CONTENT
    return hmac.new(key, canonical(values, names), "sha256").hexdigest()


def head(using="default"):
    """The last sealed row's sequence and hash, or None for an empty chain."""
    return (
        AuditEvent.objects.using(using)
        .filter(sequence__isnull=False)
        .order_by("-sequence")
        .values("sequence", "hash")
        .first()
    )


@dataclass
class Verdict:
    intact: bool
    count: int
    head: str
    bad_sequence: int | None = None
    problem: str = ""


class _Keys(dict):
    """Chain and tag keys per key id, derived once; None for an id not configured."""

    def __missing__(self, kid):
        ring = audit_keys()
        self[kid] = (
            (ring.derived("chain", kid), ring.derived("insert", kid))
            if kid in ring.secrets
            else None
        )
        return self[kid]


def _problem(row, expected, previous, keys, tagged_before):
    """What is wrong with ``row`` at position ``expected`` after hash ``previous``, or ''."""
    if row["sequence"] != expected:
        return "missing"
    if row["prev_hash"] != previous:
        return "out of order"
    pair = keys[row["key_id"]]
    if pair is None:
        return "unknown key"
    chain_key, tag_key = pair
    if not hmac.compare_digest(row_hash(row, chain_key), row["hash"]):
        return "altered"
    if row["tag"]:
        content = canonical(row, INSERTED)
        if not hmac.compare_digest(hmac.new(tag_key, content, "sha256").hexdigest(), row["tag"]):
            return "forged"
    elif tagged_before:
        # Untagged rows are the ones sealed before tags existed: they all come first.
        return "forged"
    return ""


def verify(using="default", chunk_size=5000):
    """Walk the sealed chain in order, streaming, and stop at the first row that does not fit."""
    rows = (
        AuditEvent.objects.using(using)
        .filter(sequence__isnull=False)
        .order_by("sequence")
        .values(*SEALED)
        .iterator(chunk_size=chunk_size)
    )
    keys = _Keys()
    count, previous, tagged = 0, GENESIS, False
    for row in rows:
        expected = count + 1
        problem = _problem(row, expected, previous, keys, tagged)
        if problem:
            return Verdict(False, count, previous, expected, problem)
        count, previous, tagged = expected, row["hash"], tagged or bool(row["tag"])
    return Verdict(True, count, previous)


def unsealed(using="default"):
    """How many committed events wait for the sealer, and when the oldest was recorded."""
    pending = AuditEvent.objects.using(using).filter(sequence__isnull=True)
    return pending.count(), pending.aggregate(oldest=Min("at"))["oldest"]
