"""Submit once: one outcome per key, for every form and endpoint that must not act twice.

A double click, a resend after a timeout, an autosave racing a click, an integration's
retry after a lost connection: each sends a key it drew before the first try (a form's
hidden token, an ``Idempotency-Key`` header). The action that does the work takes a
``SubmitOnce`` for it and, in its own transaction:

1. ``claim()``: inserts the key's row first (``INSERT ... ON CONFLICT DO NOTHING``: a
   key already there inserts nothing, with no error to roll back to a savepoint). A twin
   request running at the same time blocks on the unique index (PostgreSQL) or waits to
   begin its write transaction (SQLite, ``BEGIN IMMEDIATE``) until the first ends. If the
   first committed, the twin's claim raises ``Replayed`` with the first's outcome; if it
   rolled back (an error, a crash, a killed process), the key is free again and the twin
   does the work. Nothing waits on a clock or polls, and no key is ever left "in
   progress".
2. does the work, then ``done(result)``: stores what a replay needs (``answer(result)``:
   a status and body, the address of what was made, a receipt), in the same transaction.
   Work whose result is known before it is written (the intake API's report: its id,
   reference and triage are drawn and computed first) passes it to ``claim(result)``
   instead: the answer goes in with the key's row, one statement fewer, and no ``done``.

The same key with a different request (``digest``) raises ``KeyReused``: a key names one
request. A key claimed without a digest names one thing whose content may change (a
draft that every autosave continues) and answers any request with that key.

Keys are kept ``settings.SUBMIT_ONCE_KEEP`` (one rule for all): ``purge()``, a job of the
worker, deletes older rows, and a claim treats an older row as gone if the worker has not
run yet. Outcomes are encrypted: a receipt may hold a public report's PIN.
"""

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery, UpdateQuery
from django.utils import timezone

from lindungi.core.compiled import Param
from lindungi.core.compiled_query import CompiledStatement
from lindungi.core.models import SubmittedKey

Outcome = dict[str, Any]
# The columns a claim inserts; outcome is NULL until done(), unless the claim knew it.
INSERTED = ("scope", "owner", "key", "digest", "created_at", "outcome")
# claim()'s "no result known yet" (None is a result an action may return).
UNKNOWN = object()


class Replayed(Exception):
    """This key's request was done before: ``outcome`` is what it stored."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__("replayed")
        self.outcome = outcome


class KeyReused(Exception):
    """This key was used with a different request."""


def digest_of(data: object) -> str:
    """A hash of a request's content, whatever the order of its keys or its spacing."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def form_digest(data: Mapping[str, Any], *ignored: str) -> str:
    """The digest of a posted form (a ``QueryDict``), without its CSRF token and the
    ``ignored`` fields (the key itself, a field that changes on every sending)."""
    skip = {"csrfmiddlewaretoken", *ignored}
    getlist = getattr(data, "getlist", None)
    return digest_of(
        {name: getlist(name) if getlist else data[name] for name in data if name not in skip}
    )


@dataclass
class SubmitOnce:
    """One request's hold on a key: ``scope`` is the form or endpoint, ``owner`` whose keys
    they are (a user, an API key; "" for the public), ``answer`` turns the action's result
    into the outcome a replay gets (JSON types)."""

    scope: str
    owner: str
    key: str
    digest: str = ""
    answer: Callable[[Any], Outcome] = field(default=lambda result: result, repr=False)
    outcome: Outcome | None = field(default=None, init=False)
    _claimed: bool = field(default=False, init=False, repr=False)

    def _rows(self) -> QuerySet[SubmittedKey]:
        return SubmittedKey.objects.filter(scope=self.scope, owner=self.owner, key=self.key)

    def claim(self, result: Any = UNKNOWN) -> None:
        """Hold the key for this transaction, or raise ``Replayed`` / ``KeyReused``. With
        ``result`` (what the work will make, before it is written), its answer is stored
        at once and ``done`` is not called."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("claim() belongs inside the transaction that does the work")
        now = timezone.now()
        outcome = None if result is UNKNOWN else self.answer(result)
        for _attempt in range(3):
            if self._insert(now, outcome):
                self._claimed = True
                self.outcome = outcome
                return
            earlier = self._rows().first()
            if earlier is None:
                continue  # purged between the insert and the read: claim again
            if earlier.created_at <= now - settings.SUBMIT_ONCE_KEEP:
                earlier.delete()  # expired; the worker has not purged it yet
                continue
            if earlier.digest and earlier.digest != self.digest:
                raise KeyReused
            raise Replayed(json.loads(earlier.outcome or "{}"))
        raise IntegrityError("the key could not be claimed")

    def _insert(self, now: datetime, outcome: Outcome | None) -> bool:
        """Insert the key's row unless it is there; whether it was inserted (the row
        count of ``INSERT ... ON CONFLICT DO NOTHING``)."""
        row = {"scope": self.scope, "owner": self.owner, "key": self.key, "digest": self.digest}
        stored = None if outcome is None else json.dumps(outcome)
        return _CLAIM.execute(**row, created_at=now, outcome=stored) == 1

    def done(self, result: Any) -> Outcome:
        """Store the outcome of the work, in the transaction that claimed the key."""
        if not self._claimed:
            raise RuntimeError("done() without a claim")
        self.outcome = self.answer(result)
        _DONE.execute(
            scope=self.scope, owner=self.owner, key=self.key, outcome=json.dumps(self.outcome)
        )
        return self.outcome

    def earlier(self) -> Outcome | None:
        """The outcome this key stored and still keeps, or None (no claim, a plain read)."""
        since = timezone.now() - settings.SUBMIT_ONCE_KEEP
        row = self._rows().filter(created_at__gt=since).first()
        return json.loads(row.outcome or "{}") if row else None

    def run(self, work: Callable[[], Any]) -> Any:
        """Claim, ``work()`` and ``done`` in one transaction: for work made of actions that
        take no ``SubmitOnce`` themselves."""
        with transaction.atomic():
            self.claim()
            result = work()
            self.done(result)
        return result


def _param(name: str) -> Param:
    return Param(name, SubmittedKey._meta.get_field(name))


def _claim_query() -> InsertQuery:
    """The ORM's own INSERT with ``ON CONFLICT DO NOTHING`` (what
    ``bulk_create(ignore_conflicts=True)`` sends, which does not say whether a row went in:
    the row count does)."""
    query = InsertQuery(SubmittedKey, on_conflict=OnConflict.IGNORE)
    fields = [SubmittedKey._meta.get_field(name) for name in INSERTED]
    row = SubmittedKey(**{name: _param(name) for name in INSERTED})
    query.insert_values(fields, [row])  # type: ignore[arg-type] # concrete fields only
    return query


def _done_query() -> UpdateQuery:
    rows = SubmittedKey.objects.filter(
        scope=_param("scope"), owner=_param("owner"), key=_param("key")
    )
    query = rows.query.chain(UpdateQuery)  # what QuerySet.update() builds
    assert isinstance(query, UpdateQuery)
    query.add_update_values({"outcome": _param("outcome")})
    return query


# Every form and endpoint with a key makes both: compiled once (core/compiled_query.py).
_CLAIM = CompiledStatement(_claim_query)
_DONE = CompiledStatement(_done_query)


def claim(once: SubmitOnce | None, result: Any = UNKNOWN) -> None:
    """An action's first step when it was given a key (``once``), nothing otherwise."""
    if once is not None:
        once.claim(result)


def done(once: SubmitOnce | None, result: Any) -> None:
    """An action's last step when it was given a key."""
    if once is not None:
        once.done(result)


def purge() -> int:
    """Forget the keys older than ``SUBMIT_ONCE_KEEP``; the worker runs it every minute."""
    since = timezone.now() - settings.SUBMIT_ONCE_KEEP
    deleted, _by_model = SubmittedKey.objects.filter(created_at__lte=since).delete()
    return deleted
