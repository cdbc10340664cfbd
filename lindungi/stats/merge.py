"""Adding many counts to the rollups at once: what ``lindungi seed`` and the rebuild write,
a row per key rather than the worker's update per key (``rollup._apply``), which would
take hours at a million cases. The caller holds the rollups' lock and the transaction."""

import uuid
from collections import Counter
from datetime import date
from functools import cache

from lindungi.core.bulk import Writer
from lindungi.stats.models import MonthTally, Tally

# A rollup row's key after its period (the day, or the month's first day).
KEY = ("unit_id", "kota", "gbv_type", "measure", "dimension", "value")


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
            with cursor.cursor.copy(f"COPY rollup_merge ({table.columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
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
        rows = [(*key, n) for key, n in counts.items() if n]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                columns = ", ".join(self.COLUMNS)
                with cursor.cursor.copy(f"COPY {self.name} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.COLUMNS))
                cursor.executemany(f"INSERT INTO {self.name} VALUES ({marks})", rows)  # noqa: S608

    def merge(self, connection, unit_id) -> None:
        """Add the staged counts, all of ``unit_id``, to the rollups by day and by month.
        The caller holds the rollups' lock and the transaction."""
        postgres = connection.vendor == "postgresql"
        unit = Tally._meta.get_field("unit_id").get_db_prep_value(unit_id, connection)
        month = "date_trunc('month', day)::date" if postgres else "substr(day, 1, 8) || '01'"
        with connection.cursor() as cursor:
            if postgres:
                # A million cases' sums hashed and sorted in memory, not on disk.
                cursor.execute("SET LOCAL work_mem = '512MB'")
            for model, period, first in ((Tally, "day", "day"), (MonthTally, "month", month)):
                table = connection.ops.quote_name(model._meta.db_table)
                key = ", ".join((period, *KEY))
                # The key's columns but the unit (the %s, the same for every row). ``WHERE
                # true``: SQLite's grammar needs a WHERE before an upsert's ON CONFLICT.
                group = "1, 3, 4, 5, 6, 7"
                cursor.execute(
                    f"INSERT INTO {table} ({key}, count) "  # noqa: S608
                    f"SELECT {first}, %s, kota, gbv_type, measure, dimension, value, sum(count) "
                    f"FROM {self.name} WHERE true GROUP BY {group} ORDER BY {group} "
                    f"ON CONFLICT ({key}) DO UPDATE SET count = {table}.count + excluded.count",
                    [unit],
                )

    def drop(self, connection):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")
