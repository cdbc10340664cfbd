"""Synthetic cases for load tests and benchmarks (``lindungi seed --cases N``).

The mix follows the published figures for DKI Jakarta's service centre in 2024 (``mix``);
``maker`` draws each case. Rows are written with PostgreSQL's ``COPY`` or SQLite's
``executemany`` (``core.bulk``), not through the per-row actions (a hundred times slower), but
they are the rows the actions would write: encryption and blind indexes real (the fields'
own encryption, ``blind_index.row_tokens``'s tokens, ``tokens``), the derived fields computed
by the rules of ``classification``, the timeline events the actions add, named access for
restricted cases as ``restrict_case`` grants it, the survivors' consents to statistics, and
the statistics rollups the worker would compute (``rollups``). Seeding is one audit event
(``data.seed``), not one per row. Alerts are not sent: nobody is to be woken by test data.

Where the time went (cProfile, 4,000 cases on SQLite, with ``bulk_create``): 73% building SQL
and preparing values field by field, 27% drawing the cases. Now (1,000,000 cases on
PostgreSQL, bench/RESULTS.md): about 1 ms of Python a case (half drawing, a quarter the
statistics' keys, a quarter converting rows and ``COPY``) and 0.9 ms of PostgreSQL (a third
of it merging the rollups; since then each rollup key is merged once, ``rollups``). Each
batch is one transaction, so a stopped seed leaves whole cases.

Since (200,000 cases on PostgreSQL, 5 December): 0.54 ms of Python a case, two fifths less:
Python's garbage collector had been going through every object of every batch
(``_collector_held``), the name tokens' digests are worked out once a word (``tokens``);
and 0.12 ms of PostgreSQL while loading, a third of before: a fresh database's seeded
tables are loaded without their secondary indexes and foreign keys, built after (``bare``).
"""

import gc
import multiprocessing
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from queue import Empty

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    IntegrityError,
    connection,
    connections,
    transaction,
)

from lindungi.accounts.models import Unit
from lindungi.accounts.roles import UnitType
from lindungi.audit.events import record
from lindungi.cases.models import (
    Assignment,
    Case,
    CaseEvent,
    Client,
    Consent,
    Incident,
    NamedAccess,
    Perpetrator,
    new_survivor_code,
)
from lindungi.core.bulk import Writer
from lindungi.core.models import BlindToken
from lindungi.ops.demo import load_demo
from lindungi.ops.seed import rollups
from lindungi.ops.seed.bare import bare_tables
from lindungi.ops.seed.maker import Batch, CaseMaker, NoCaseWorkers
from lindungi.ops.seed.tokens import Tokens
from lindungi.stats.models import Contribution, MonthTally, Tally

BATCH_SIZE = 2000
COLLECT_BATCHES = 25
# The tables the seed writes (``_write``).
SEEDED = (
    Case,
    Assignment,
    NamedAccess,
    Client,
    BlindToken,
    Consent,
    Incident,
    Perpetrator,
    CaseEvent,
    Contribution,
)

__all__ = ["BATCH_SIZE", "NoCaseWorkers", "SeedFailed", "has_cases", "seed_cases", "target_unit"]


def has_cases(unit):
    """Whether ``unit`` has any case yet (the demo seeds an empty unit only, once)."""
    return Case.objects.filter(unit=unit).exists()


def target_unit(name=None):
    """The unit to seed: the one named, or the first service centre (demo data if none)."""
    if name:
        return Unit.objects.get(name=name)
    unit = Unit.objects.filter(type=UnitType.UPTD_PPA, is_active=True).order_by("name").first()
    if unit is None:
        # As `lindungi demo` does: demo users (published passwords) only in development.
        load_demo(create_users=settings.DEBUG)
        unit = Unit.objects.filter(type=UnitType.UPTD_PPA).order_by("name").first()
    return unit


def _unique_codes(cases):
    """Survivor codes are random: draw again the rare one already taken."""
    while True:
        codes = [c.survivor_code for c in cases]
        taken = set(
            Case.objects.filter(survivor_code__in=codes).values_list("survivor_code", flat=True)
        )
        seen = set()
        clashes = 0
        for case in cases:
            if case.survivor_code in taken or case.survivor_code in seen:
                case.survivor_code = new_survivor_code()
                clashes += 1
            seen.add(case.survivor_code)
        if not clashes:
            return


def _write(writer, batch, tally, tokens):
    """Everything ``batch`` drew in one transaction; once committed, its rollup keys are
    added to ``tally``."""
    keys: Counter = Counter()
    contributions = rollups.contributions(batch, keys)
    with transaction.atomic():
        writer.write(Case, batch.cases)
        writer.write(Assignment, batch.assignments)
        writer.write(NamedAccess, batch.named)
        writer.write(Client, batch.clients)
        writer.write(BlindToken, tokens.rows(batch.clients))
        writer.write(Consent, batch.consents)
        writer.write(Incident, batch.incidents)
        writer.write(Perpetrator, batch.perpetrators)
        writer.write(CaseEvent, batch.events)
        writer.write(Contribution, contributions)
    tally.update(keys)


def _checkpoint():
    """On SQLite, move the batch just committed from the write-ahead log into the database
    and start the log again. SQLite's own checkpoint after a commit never waits, so with two
    seeders taking turns at the write lock it always found the other one writing, the log
    was never restarted and it grew by every batch (57 GB at 790,000 cases, which filled
    the disk). ``TRUNCATE`` waits (busy timeout) for the other seeder's batch to commit and
    empties the log; when both seeders ask at once, one is told "busy" at once and goes on
    while the other's checkpoint empties it. The log holds a batch or two
    (tests/ops/test_seed_sqlite_log.py).
    Not inside a caller's transaction (a test's), whose batches are not committed yet."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _analyze(tables):
    """PostgreSQL plans from statistics that a bulk load leaves stale until autovacuum
    comes by; the pages should not wait for it. SQLite has none to refresh."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(tables))


@contextmanager
def _collector_held():
    """Python's garbage collector run every ``COLLECT_BATCHES`` batches instead of after
    every few hundred new objects: it went through every object each batch made (and
    Django's own), about two fifths of the seeder's time in Python. The objects already
    there are frozen (never gone through again); the seeder makes no reference cycles
    (``rollups.contributions`` undoes its own), so memory does not grow meanwhile."""
    gc.collect()
    gc.freeze()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.unfreeze()


def _seed(unit, count, seed, batch_size, report, staged):
    """Add ``count`` cases in batches, calling ``report(cases)`` after each, their rollup
    counts to ``staged``; the tables written to."""
    with _collector_held():
        return _batches(unit, count, seed, batch_size, report, staged)


def _batches(unit, count, seed, batch_size, report, staged):
    maker = CaseMaker(unit, seed)
    writer = Writer(connections[DEFAULT_DB_ALIAS], maker.now)
    tokens = Tokens(Client)
    tally: Counter = Counter()
    done = unstaged = batches = 0
    try:
        while done < count:
            batch = Batch()
            for _ in range(min(batch_size, count - done)):
                maker.add_case(batch)
            _unique_codes(batch.cases)
            try:
                _write(writer, batch, tally, tokens)
            except IntegrityError:
                _unique_codes(batch.cases)  # a parallel seeder took one of the codes since
                _write(writer, batch, tally, tokens)
            done += len(batch.cases)
            unstaged += len(batch.cases)
            if unstaged >= rollups.FLUSH_CASES:
                staged.add(connection, tally)
                tally.clear()
                unstaged = 0
            report(len(batch.cases))
            batches += 1
            _checkpoint()
            if batches % COLLECT_BATCHES == 0:
                gc.collect()
    finally:
        staged.add(connection, tally)
    return [table.name for table in writer.tables.values()]


def _child(unit_id, count, seed, batch_size, staged, queue):
    """One of the parallel seeders, in a process of its own with its own connection."""
    try:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                # The other seeder may hold the write lock for a whole batch.
                cursor.execute("PRAGMA busy_timeout = 3600000")
        tables = _seed(Unit.objects.get(pk=unit_id), count, seed, batch_size, queue.put, staged)
        queue.put(tables)
    finally:
        connections.close_all()


def _in_parallel(unit, count, seed, batch_size, workers, report, staged):
    """``workers`` processes (forked: Django is set up already) seeding a share each; the
    encryption, the drawing and the conversion of rows are Python's, one core each."""
    connections.close_all()  # a forked child must not share the parent's connection
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    children = [
        context.Process(
            target=_child,
            args=(
                unit.pk,
                count // workers + (i < count % workers),
                None if seed is None else f"{seed}-{i}",
                batch_size,
                staged,
                queue,
            ),
        )
        for i in range(workers)
    ]
    for child in children:
        child.start()
    tables, finished = set(), 0
    while finished < workers:
        try:
            message = queue.get(timeout=1)
        except Empty:
            if any(c.exitcode not in (None, 0) for c in children):
                break
            continue
        if isinstance(message, int):
            report(message)
        else:
            tables.update(message)
            finished += 1
    for child in children:
        child.join()
    if any(child.exitcode != 0 for child in children):
        raise SeedFailed
    return sorted(tables)


class SeedFailed(Exception):
    """A parallel seeder stopped with an error (its traceback is on stderr)."""


@dataclass
class SeedResult:
    cases: int
    seconds: float


def seed_cases(
    count, *, unit=None, seed=None, batch_size=BATCH_SIZE, progress=None, workers=1, merging=None
):
    """Add ``count`` synthetic cases to ``unit`` (default: ``target_unit()``), in
    ``workers`` processes.

    ``seed`` makes the drawn content repeatable (ids, codes and ciphertexts stay random).
    ``progress(done, count, seconds)`` is called after each batch, ``merging()`` before the
    rollups take the seeded counts (minutes at a million cases). Audited once, as
    ``data.seed``, with the number actually written, even when stopped half-way.
    """
    unit = unit or target_unit()
    start = time.perf_counter()
    done = 0

    def report(cases):
        nonlocal done
        done += cases
        if progress is not None:
            progress(done, count, time.perf_counter() - start)

    tables = []
    staged = rollups.staging()
    staged.create(connection)
    with bare_tables(connection, SEEDED) as rebuild:
        try:
            if workers > 1:
                tables = _in_parallel(unit, count, seed, batch_size, workers, report, staged)
            else:
                tables = _seed(unit, count, seed, batch_size, report, staged)
        finally:
            rebuild.start()  # the seeded tables' indexes while the rollups merge
            if merging is not None:
                merging()
            rollups.add_to_rollups(connection, unit, staged)
            if done:
                record("data.seed", obj=unit, unit=unit, reason=f"{done} synthetic cases")
    _analyze([*tables, *(connection.ops.quote_name(m._meta.db_table) for m in (Tally, MonthTally))])
    return SeedResult(cases=done, seconds=time.perf_counter() - start)
