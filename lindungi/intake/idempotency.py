"""Idempotency-Key for the intake API, with the semantics Stripe documents.

- The same key with the same body gives the same answer (status and body) and no second
  report: a retry after a lost connection is safe.
- The same key with a different body is refused (422): a key names one request.
- A second request with a key whose first request is still running is refused (409);
  the client retries later and then gets the stored answer.
- Keys are remembered for 24 hours, per API key (two integrations never collide).

The record is inserted *before* the work, in its own committed transaction, so the
unique constraint on (API key, key) picks one winner among concurrent requests. If the
work fails, the record is removed, so that the same request can be sent again.
"""

import hashlib
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from lindungi.intake.models import IdempotencyRecord

KEEP_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255


class InProgress(Exception):
    """Another request with this key has not finished."""


class Mismatch(Exception):
    """This key was used with a different request body."""


def request_hash(data):
    """A hash of the request's content, whatever the order of its keys or its spacing."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def valid_key(key):
    """Printable ASCII, 1 to 255 characters: a UUID or anything a client generates."""
    return 0 < len(key) <= MAX_KEY_LENGTH and all(" " <= c <= "~" for c in key)


def begin(api_key, key, digest):
    """Claim ``key`` for this request. Returns (record, replay): ``replay`` is True when
    the record holds the finished answer of an earlier identical request."""
    now = timezone.now()
    with transaction.atomic():
        # Forget this integration's keys older than a day (the unique index covers api_key).
        IdempotencyRecord.objects.filter(api_key=api_key, created_at__lt=now - KEEP_FOR).delete()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(api_key=api_key, key=key, request_hash=digest)
        return record, False
    except IntegrityError:
        pass
    record = IdempotencyRecord.objects.filter(api_key=api_key, key=key).first()
    if record is None:
        raise InProgress  # the first request failed just now and freed the key: retry
    if record.request_hash != digest:
        raise Mismatch
    if record.status is None:
        raise InProgress
    return record, True


def finish(record, status, body):
    """Store the answer, so that retries get it back."""
    record.status = status
    record.body = body
    record.save(update_fields=["status", "body"])


def abandon(record):
    """The work failed and nothing was kept: free the key for another try."""
    IdempotencyRecord.objects.filter(pk=record.pk, status__isnull=True).delete()
