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
