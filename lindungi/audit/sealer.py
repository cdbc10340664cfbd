"""The sealer: links committed, unsealed audit events into the hash chain, in batches.

A request inserts its events as ordinary rows, with no lock, in the transaction of the
write they describe. On PostgreSQL, right after that transaction commits, it asks its
process's sealing thread to seal (``seal_after_commit``) and returns: the request waits
neither for the lock nor for the seal. The thread seals in its own connection; whoever
gets the chain lock without waiting seals every committed, unsealed event, in insertion
order; the others go on at once, since the winner or the next round will seal theirs.
Every commit of the process while the thread seals is covered by its next round, so under
load one seal covers the events of many requests (``_Background``). SQLite has one writer
at a time: the transaction that records an event holds the database's write lock from its
BEGIN IMMEDIATE on, so it seals there and then, before its commit, rather than take that
lock a second time after it. ``lindungi worker`` seals every few seconds and waits for
the lock, the backstop for an event committed just after a batch was read or a process
that died between its commit and its seal.

The chain's order is the order of sealing: an event that commits after an event
inserted later is sealed in the next batch, never skipped.
"""

import atexit
import logging
import os
import threading
import time
from contextlib import ExitStack, contextmanager
from functools import lru_cache, partial

from django.db import OperationalError, connections, transaction

from lindungi.audit.chain import GENESIS, TAGGED, derived_key, row_hash
from lindungi.audit.keys import audit_keys
from lindungi.audit.models import AuditEvent

logger = logging.getLogger("lindungi.audit")

BATCH = 1000
# Any fixed 64-bit number, the same in every process: PostgreSQL's lock on the chain head.
_PG_LOCK_ID = 0x4C494E44554E4749  # "LINDUNGI"
TABLE = AuditEvent._meta.db_table


def seal(using="default", wait=False):
    """Seal every committed, unsealed event this process holds the key for; return how
    many. Without ``wait``, return 0 at once when another sealer (on SQLite: any writer)
    holds the lock."""
    total = 0
    while True:
        sealed = _seal_locked(connections[using], wait)
        total += sealed
        if sealed < BATCH:
            return total


def _seal_locked(connection, wait):
    """One batch, in a transaction holding the chain lock; 0 if not waiting and busy.

    PostgreSQL: a transaction-level advisory lock, released at commit; the head is read
    in a later statement, whose snapshot sees the previous batch committed. SQLite: the
    transaction's BEGIN IMMEDIATE takes the database's one write lock; not waiting means
    a busy timeout of zero for that BEGIN.
    """
    alias = connection.alias
    if connection.vendor == "postgresql":
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            function = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
            cursor.execute(f"SELECT {function}(%s)", [_PG_LOCK_ID])
            return _seal_batch(alias) if wait or cursor.fetchone()[0] else 0
    locked = ExitStack()
    if wait or connection.in_atomic_block:
        locked.enter_context(transaction.atomic(using=alias))
    else:
        with _busy_timeout(connection, 0):
            try:
                locked.enter_context(transaction.atomic(using=alias))
            except OperationalError:  # "database is locked": another writer is busy
                return 0
    with locked:
        return _seal_batch(alias)


@contextmanager
def _busy_timeout(connection, milliseconds):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(before)}")


def _seal_batch(using):
    """Seal up to BATCH events after the current head, inside the caller's locked transaction."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT sequence, hash FROM {TABLE} "  # noqa: S608 - constant
            "WHERE sequence IS NOT NULL ORDER BY sequence DESC LIMIT 1"
        )
        sequence, previous = cursor.fetchone() or (0, GENESIS)
        rows = _unsealed(cursor, tuple(audit_keys().secrets))
        keys = {kid: derived_key("chain", kid) for kid in {row["key_id"] for row in rows}}
        updates = []
        for row in rows:
            sequence += 1
            row.update(sequence=sequence, prev_hash=previous)
            previous = row_hash(row, keys[row["key_id"]])
            updates.append((sequence, row["prev_hash"], previous, row["id"]))
        if updates:
            cursor.executemany(
                f"UPDATE {TABLE} SET sequence = %s, prev_hash = %s, hash = %s "  # noqa: S608
                "WHERE id = %s",
                updates,
            )
    return len(rows)


def _unsealed(cursor, key_ids):
    """The next batch: up to BATCH committed, unsealed events, oldest first, as the ORM's
    ``values()`` gives them (the chain hashes what the ORM reads, so audit-verify, which
    reads through the ORM, computes the same)."""
    connection = cursor.db
    sql, params, names, converters = _batch_query(connection, key_ids)
    cursor.execute(sql, params)
    rows = []
    for values in cursor.fetchall():
        row = list(values)
        for position, (functions, expression) in converters.items():
            for function in functions:
                row[position] = function(row[position], expression, connection)
        rows.append(dict(zip(names, row, strict=True)))
    return rows


@lru_cache(maxsize=64)
def _batch_query(connection, key_ids):
    """The batch's SQL, parameters, column names and the ORM's converters for them,
    compiled once per connection (one per thread) and key ring: a process seals after
    nearly every commit, and building and compiling the queryset cost more than running
    it (about 0.5 ms of CPU)."""
    rows = (
        AuditEvent.objects.using(connection.alias)
        .filter(sequence__isnull=True, key_id__in=list(key_ids))
        # Untagged rows were all sealed before tags existed: one now is forged, and
        # stays unsealed, for audit-verify to report.
        .exclude(tag="")
        .order_by("id")
        .values("id", *TAGGED)[:BATCH]
    )
    compiler = rows.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
    return sql, params, ["id", *TAGGED], converters


class _Background:
    """The process's sealing thread. A commit asks it to seal and goes on at once; the
    thread seals, in a connection of its own, every database asked for since its last
    round. Under load, one round covers what every thread of the process committed
    meanwhile: one seal transaction for many requests, and none on a request's time."""

    # Seconds without a commit after which the thread closes its connections, as a
    # request's connection is closed after CONN_MAX_AGE.
    IDLE = 30
    # Seconds from one round's start to the next's, at most one round per this interval.
    ROUND = 0.02

    def __init__(self):
        self._changed = threading.Condition()
        self._asked = set()
        self._sealing = False
        self._stopping = False
        self._thread = None
        self._pid = None

    def ask(self, using):
        with self._changed:
            self._asked.add(using)
            # A process forked by gunicorn's master inherits no thread, only this object.
            if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
                self._start()
            self._changed.notify_all()

    def _start(self):
        if self._pid != os.getpid():
            # A command's process ends soon after its last write: its events are sealed
            # before it exits, not left to the worker.
            atexit.register(self.settle)
        self._pid, self._sealing, self._stopping = os.getpid(), False, False
        self._thread = threading.Thread(target=self._serve, name="audit-sealer", daemon=True)
        self._thread.start()

    def _serve(self):
        started = 0.0
        try:
            while self._next_round():
                # Under load, commits come faster than rounds: a round no sooner than ROUND
                # after the last one seals all of them in one transaction.
                time.sleep(max(0.0, started + self.ROUND - time.monotonic()))
                started = time.monotonic()
                with self._changed:
                    asked, self._asked = self._asked, set()
                for using in sorted(asked):
                    seal_quietly(using)
                with self._changed:
                    self._sealing = False
                    self._changed.notify_all()
        finally:
            connections.close_all()

    def _next_round(self):
        """Wait for work; False once stopped with none left. Closes idle connections."""
        with self._changed:
            while not self._asked and not self._stopping:
                if not self._changed.wait(self.IDLE):
                    connections.close_all()
            self._sealing = bool(self._asked)
            if not self._sealing:
                self._thread = None  # stopping: a commit from now on starts a new thread
            return self._sealing

    def settle(self, timeout=10):
        """Wait until what was asked so far is sealed (or left to the worker); True if it
        was within ``timeout`` seconds."""
        with self._changed:
            if self._pid != os.getpid():
                return True
            return self._changed.wait_for(lambda: not (self._asked or self._sealing), timeout)

    def stop(self):
        """Settle, then end the thread and close its connections (a test database is
        dropped at the end of a run). The next commit starts a new thread."""
        self.settle()
        with self._changed:
            thread, self._stopping = self._thread, True
            self._changed.notify_all()
        if thread is not None and self._pid == os.getpid():
            thread.join(10)


background = _Background()


def seal_quietly(using="default"):
    """Seal without waiting: a failure leaves the events to the next round or the worker,
    and closes the connection, which may be the one that broke. Nothing ends the thread:
    the error's type is logged, not its message, which may quote a row."""
    try:
        return seal(using)
    except Exception as error:  # the thread outlives any one failure
        logger.warning("audit sealing left to the worker (%s)", type(error).__name__)
        connections[using].close()
        return 0


def seal_after_commit(using="default"):
    """Have the events of the current transaction sealed once it commits (at once
    outside a transaction); once per transaction, however many events it records.
    SQLite: sealed now, in the caller's transaction, which holds the write lock."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        while _seal_batch(using) == BATCH:
            pass
        return
    waiting = (getattr(func, "func", None) for _ids, func, _robust in connection.run_on_commit)
    if background.ask not in waiting:
        transaction.on_commit(partial(background.ask, using), using=using)
