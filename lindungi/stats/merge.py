"""Adding many counts to the rollups at once: what ``lindungi seed`` and the rebuild write,
a row per key rather than the worker's update per key (``rollup._apply``), which would
take hours at a million cases. ``add_counts``'s caller holds the rollups' lock and the
transaction; ``Staging.merge`` takes the lock itself, in a transaction of its own."""

import threading
import uuid
from collections import Counter
from datetime import date
from functools import cache

from django.db import connections, transaction

from lindungi.core.bulk import Writer, copy
from lindungi.stats.models import MonthTally, Tally

# A rollup row's key after its period (the day, or the month's first day).
KEY = ("unit_id", "kota", "gbv_type", "measure", "dimension", "value")
# Staged rows from which a second connection merges half the days (about 10 seconds' work),
# as estimated from a sample of this share of the table's pages.
PARALLEL_ROWS = 500_000
SAMPLE_PERCENT = 1


@cache
def _day(text):
    return date.fromisoformat(text)


@cache
def _unit(value):
    """A unit's key as the table's converter takes it, from the text a contribution holds."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def add_counts(writer: Writer, counts: Counter) -> None:
    """Add ``counts`` ((unit id, day as 'yyyy-mm-dd', kota, gbv type, measure, dimension,
    value) -> count) to the rollups by day and by month: a key already there has its count
    raised, a new one is inserted."""
    months: Counter = Counter()
    for (unit, day, *key), n in counts.items():
        months[(unit, day[:8] + "01", *key)] += n
    _merge(writer, Tally, "day", counts)
    _merge(writer, MonthTally, "month", months)


def _merge(writer, model, period, counts):
    table = writer.table(model)
    rows = (
        table.row(
            {
                period: _day(first),
                "unit_id": _unit(unit),
                "kota": kota,
                "gbv_type": gbv,
                "measure": measure,
                "dimension": dimension,
                "value": value,
                "count": n,
            }
        )
        for (unit, first, kota, gbv, measure, dimension, value), n in counts.items()
        if n
    )
    key = ", ".join((period, *KEY))
    merge = f"ON CONFLICT ({key}) DO UPDATE SET count = {table.name}.count + excluded.count"
    insert = f"INSERT INTO {table.name} ({table.columns})"
    with writer.connection.cursor() as cursor:
        if writer.connection.vendor == "postgresql":
            # COPY into a scratch table, then one merging INSERT: row by row takes minutes.
            empty = f"SELECT {table.columns} FROM {table.name} WITH NO DATA"  # noqa: S608
            cursor.execute(f"CREATE TEMPORARY TABLE rollup_merge AS {empty}")
            copy(writer.connection, "rollup_merge", table.column_names, rows)
            # In the unique index's order: its pages are then visited once each, in turn.
            ordered = f"SELECT {table.columns} FROM rollup_merge ORDER BY {key}"  # noqa: S608
            cursor.execute(f"{insert} {ordered} {merge}")
            # Dropped here, not on commit: a caller's outer transaction may merge again.
            cursor.execute("DROP TABLE rollup_merge")
        else:
            marks = ", ".join(["%s"] * table.count)
            cursor.executemany(f"{insert} VALUES ({marks}) {merge}", rows)


class Staging:
    """A scratch table of counts, written by several processes without a lock and merged
    into the rollups once (``lindungi seed``): each process merging its own counts with
    ``add_counts`` wrote most rollup rows twice or more (both seeders' cases fall on the same
    days), each time through the rollups' three indexes. Staged rows are summed by key in
    the database, then the sums merged in the unique index's order, each key once. The table
    is a plain one (other connections write to it), unlogged on PostgreSQL: it lives only
    until the merge."""

    COLUMNS = ("day", "kota", "gbv_type", "measure", "dimension", "value", "count")

    def __init__(self, name):
        self.name = name

    def create(self, connection):
        unlogged = "UNLOGGED " if connection.vendor == "postgresql" else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE {unlogged}TABLE {self.name} (day date, kota varchar(13), "
                "gbv_type varchar(24), measure varchar(16), dimension varchar(16), "
                "value varchar(32), count integer)"
            )

    def add(self, connection, counts: Counter) -> None:
        """Stage ``counts`` ((day as 'yyyy-mm-dd', kota, gbv type, measure, dimension,
        value) -> count)."""
        if connection.vendor == "postgresql":
            rows = ((_day(day), *key, n) for (day, *key), n in counts.items() if n)
            copy(connection, self.name, self.COLUMNS, rows)
            return
        rows = [(*key, n) for key, n in counts.items() if n]
        marks = ", ".join(["%s"] * len(self.COLUMNS))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {self.name} VALUES ({marks})", rows)  # noqa: S608

    def merge(self, connection, unit_id, lock) -> None:
        """Add the staged counts, all of ``unit_id``, to the rollups by day and by month, in
        a transaction that first calls ``lock()`` (the rollups' lock: the worker's recount
        and every other merge wait). On PostgreSQL, outside any transaction and with many
        rows staged, the later days and the months are merged by two more connections at
        the same time (``_Alongside``): the merge is the database's work, and the seeders
        are done by then (the months alone took 45 s after the days at a million cases).
        A rollup without a single row yet (a fresh database) takes plain inserts: a third
        cheaper than an upsert, which looks each key up first."""
        split = self._split(connection)
        alias = connection.alias
        with transaction.atomic(using=alias):
            lock()
            # Under the lock nobody else writes the rollups: empty now, empty until merged.
            upsert = {m: m.objects.using(alias).exists() for m in (Tally, MonthTally)}
            if split is None:
                self._insert(connection, unit_id, Tally, upsert[Tally])
                self._insert(connection, unit_id, MonthTally, upsert[MonthTally])
                return
            alongside = [
                _Alongside(self, alias, unit_id, Tally, upsert[Tally], "day >= %s", split),
                _Alongside(self, alias, unit_id, MonthTally, upsert[MonthTally]),
            ]
            for thread in alongside:
                thread.start()
            try:
                self._insert(connection, unit_id, Tally, upsert[Tally], "day < %s", split)
            except BaseException:
                _finish(alongside, commit=False)
                raise
            _finish(alongside, commit=True)

    def _split(self, connection):
        """The day from which the second connection merges (from a sample: half the staged
        rows are from then on; a third merges the months), or
        None for a merge on this connection alone: SQLite has one writer, a caller's
        transaction is not seen by another connection, and a small merge is quick."""
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY day) "  # noqa: S608
                f"FROM {self.name} TABLESAMPLE SYSTEM (%s)",
                [SAMPLE_PERCENT],
            )
            sampled, day = cursor.fetchone()
        many = sampled * 100 / SAMPLE_PERCENT >= PARALLEL_ROWS
        return day if many and day is not None else None

    def _insert(self, connection, unit_id, model, upsert, where="true", *params):
        """One rollup's rows from the staged rows ``where`` holds, summed by key, in the
        unique index's order; with ``upsert``, added to the rows already there. ``WHERE``:
        SQLite's grammar needs one before an upsert's ON CONFLICT."""
        postgres = connection.vendor == "postgresql"
        unit = Tally._meta.get_field("unit_id").get_db_prep_value(unit_id, connection)
        period, first = "day", "day"
        if model is MonthTally:
            period = "month"
            first = "date_trunc('month', day)::date" if postgres else "substr(day, 1, 8) || '01'"
        table = connection.ops.quote_name(model._meta.db_table)
        key = ", ".join((period, *KEY))
        group = "1, 3, 4, 5, 6, 7"  # the key's columns but the unit (the same for every row)
        with connection.cursor() as cursor:
            if postgres:
                # A million cases' sums sorted in memory, not on disk; and sorted once,
                # then summed in order: PostgreSQL would rather hash the staged rows, then
                # sort the sums for the ORDER BY (it expects few keys of an unanalysed
                # table), which took 2.5 times as long (33 s against 13 s for 2 million
                # rows, 100,000 cases).
                cursor.execute("SET LOCAL work_mem = '512MB'")
                cursor.execute("SET LOCAL enable_hashagg = off")
            merge = f"ON CONFLICT ({key}) DO UPDATE SET count = {table}.count + excluded.count"
            cursor.execute(
                f"INSERT INTO {table} ({key}, count) "  # noqa: S608
                f"SELECT {first}, %s, kota, gbv_type, measure, dimension, value, sum(count) "
                f"FROM {self.name} WHERE {where} GROUP BY {group} ORDER BY {group} "
                f"{merge if upsert else ''}",
                [unit, *params],
            )

    def drop(self, connection):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")


def _finish(threads, *, commit):
    """Once every thread has written (or failed), commit all their transactions, or roll
    them all back if ``commit`` is false or one failed; wait for them, and raise the first
    error."""
    for thread in threads:
        thread.written.wait()
    failed = next((t.error for t in threads if t.error is not None), None)
    for thread in threads:
        thread.commit = commit and failed is None
        thread.decided.set()
    for thread in threads:
        thread.join()
    failed = failed or next((t.error for t in threads if t.error is not None), None)
    if failed is not None:
        raise failed


class _Alongside(threading.Thread):
    """One rollup's rows (``where`` the staged rows hold), merged on a connection of this
    thread's own while the caller's merges the earlier days. Its transaction waits, its
    rows written, for the caller's word: committed just before the caller's (which holds
    the rollups' lock until then, so the worker never sees half a merge), rolled back if
    the caller or another such thread failed. Only a failure of a commit after another's
    would leave part of the merge alone (``lindungi stats-rebuild`` repairs it)."""

    def __init__(self, staging, alias, unit_id, model, upsert, where="true", *params):
        super().__init__(name="rollup-merge")
        self.staging, self.alias = staging, alias
        self.args_ = (unit_id, model, upsert, where, *params)
        self.written = threading.Event()
        self.decided = threading.Event()
        self.commit = False
        self.error = None

    def run(self):
        alias = self.alias
        try:
            with transaction.atomic(using=alias):
                self.staging._insert(connections[alias], *self.args_)
                self.written.set()
                self.decided.wait()
                if not self.commit:
                    transaction.set_rollback(True, using=alias)
        except BaseException as error:  # handed to the caller's thread, raised there
            self.error = error
        finally:
            self.written.set()
            connections[alias].close()
