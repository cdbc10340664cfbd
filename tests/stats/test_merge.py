"""``merge.Staging``: counts staged by several seeders, merged into the rollups once; on
PostgreSQL by two connections at once when many rows are staged."""

import uuid
from collections import Counter

import pytest
from django.db import connection

from lindungi.stats import merge
from lindungi.stats.models import MonthTally, RollupLock, Tally
from lindungi.stats.rollup import by_month

UNIT = uuid.uuid4()
DAYS = ["2025-01-30", "2025-02-01", "2025-02-14", "2025-03-02", "2025-03-31"]


def staged_counts(shift):
    """Counts of several days, kota and values ((day, kota, gbv, measure, dimension,
    value) -> count), as a seeder stages them."""
    counts: Counter = Counter()
    for i, day in enumerate(DAYS):
        for kota in ("31.71", "31.72"):
            counts[(day, kota, "rape", "cases", "total", "")] += i + shift
            counts[(day, kota, "", "survivors", "age_band", f"{i}-{shift}")] += 1
    return counts


def rollups(model, period):
    rows = model.objects.values_list(
        "unit_id", period, "kota", "gbv_type", "measure", "dimension", "value", "count"
    )
    return Counter({(str(u), p.isoformat(), *key): n for u, p, *key, n in rows})


def with_unit(counts):
    return Counter({(str(UNIT), *key): n for key, n in counts.items()})


@pytest.fixture(params=["live", "fresh"])
def staged(request, transactional_db):
    """Two seeders' counts staged, and on a live database a rollup row there already (the
    merge adds to it); on a fresh one the rollups are empty (plain inserts)."""
    staging = merge.Staging(f"test_staging_{uuid.uuid4().hex}")
    staging.create(connection)
    first, second = staged_counts(1), staged_counts(2)
    staging.add(connection, first)
    staging.add(connection, second)
    before: Counter = Counter()
    if request.param == "live":
        key = {"unit_id": UNIT, "kota": "31.71", "gbv_type": "rape", "measure": "cases"}
        Tally.objects.create(day="2025-02-14", dimension="total", value="", count=5, **key)
        MonthTally.objects.create(month="2025-02-01", dimension="total", value="", count=5, **key)
        before[(str(UNIT), "2025-02-14", "31.71", "rape", "cases", "total", "")] = 5
    yield staging, before + with_unit(first) + with_unit(second)
    staging.drop(connection)


def lock():
    RollupLock.objects.select_for_update().get_or_create(pk=1)


@pytest.fixture
def in_parallel(monkeypatch):
    """Every staged row sampled, and a merge in parallel however few rows."""
    monkeypatch.setattr(merge, "PARALLEL_ROWS", 1)
    monkeypatch.setattr(merge, "SAMPLE_PERCENT", 100)


def test_the_merged_rollups_are_the_sums_of_what_was_there_and_what_was_staged(staged, in_parallel):
    staging, expected = staged
    split = staging._split(connection)
    if connection.vendor == "postgresql":
        assert DAYS[0] < split.isoformat() <= DAYS[-1]  # both connections have days to merge
    else:
        assert split is None  # SQLite has one writer
    staging.merge(connection, UNIT, lock)
    assert rollups(Tally, "day") == expected
    assert rollups(MonthTally, "month") == by_month(expected)


def test_a_merge_failing_on_one_connection_leaves_the_rollups_as_they_were(
    staged, in_parallel, monkeypatch
):
    staging, _expected = staged
    before = rollups(Tally, "day"), rollups(MonthTally, "month")
    insert = merge.Staging._insert

    def failing(self, connection, unit_id, model, *args):
        if model is MonthTally:  # after the first connection's days, with the other's
            raise RuntimeError("the month's merge failed")
        insert(self, connection, unit_id, model, *args)

    monkeypatch.setattr(merge.Staging, "_insert", failing)
    with pytest.raises(RuntimeError):
        staging.merge(connection, UNIT, lock)
    assert (rollups(Tally, "day"), rollups(MonthTally, "month")) == before
