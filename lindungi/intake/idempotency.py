"""Idempotency-Key for the intake API, with the semantics Stripe documents.

- The same key with the same body gives the same answer (status and body) and no second
  report: a retry after a lost connection, a crash of the app or of the database is safe.
- The same key with a different body is refused (422): a key names one request.
- Keys are remembered for 24 hours, per API key (two integrations never collide).

The claim, the work and the stored answer are one transaction. The unique constraint on
(API key, key) picks one winner among concurrent requests: on PostgreSQL the second
insert waits until the first transaction ends, on SQLite the write transactions queue
(BEGIN IMMEDIATE). If the first commits, the second gets its stored answer; if it rolls
back, or its process or the database dies before the commit, nothing of it remains and
the second does the work. So no crash can leave a key "in progress": a retry completes as
soon as the database has ended the failed transaction (at once for a dead client on
PostgreSQL or SQLite; a statement already running finishes first).
"""

import hashlib
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from lindungi.intake.models import IdempotencyRecord

KEEP_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255


class Mismatch(Exception):
    """This key was used with a different request body."""


def request_hash(data):
    """A hash of the request's content, whatever the order of its keys or its spacing."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def valid_key(key):
    """Printable ASCII, 1 to 255 characters: a UUID or anything a client generates."""
    return 0 < len(key) <= MAX_KEY_LENGTH and all(" " <= c <= "~" for c in key)


def _claim(api_key, key, digest):
    """The new claim, or None when a committed record already holds this key."""
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(api_key=api_key, key=key, request_hash=digest)
    except IntegrityError:
        return None


def run_once(api_key, key, digest, work):
    """``work()`` -> (status, body), done once per key. Returns (status, body, replayed)."""
    now = timezone.now()
    with transaction.atomic():
        # Forget this integration's keys older than a day (the unique index covers api_key).
        IdempotencyRecord.objects.filter(api_key=api_key, created_at__lt=now - KEEP_FOR).delete()
        claim = _claim(api_key, key, digest)
        if claim is None:
            earlier = IdempotencyRecord.objects.get(api_key=api_key, key=key)
            if earlier.request_hash != digest:
                raise Mismatch
            if earlier.status is not None:
                return earlier.status, earlier.body, True
            # A claim committed without its answer was left by a crashed request of an
            # earlier version (which committed claims first): take it over.
            earlier.delete()
            claim = _claim(api_key, key, digest)
        status, body = work()
        claim.status, claim.body = status, body
        claim.save(update_fields=["status", "body"])
    return status, body, False
