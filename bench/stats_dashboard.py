"""The statistics dashboards' aggregates from the rollups against DuckDB (issue 16): "≤ 1×
from the rollups", each dashboard's aggregates no slower than DuckDB computing the same
aggregates over the same rows in Parquet.

Usage: ``nice .venv/bin/python bench/stats_dashboard.py [--cases 20000] [--rounds 20]``
(a scratch PostgreSQL database, seeded here), or ``--database-url URL`` for a database
already seeded and counted (``lindungi stats-rebuild``), which is only read: the timing
process sets its session read-only.

Seeding here: ``lindungi seed``'s code adds the cases; it writes no consent to statistics
and no case work, so this script adds what the counts read, with the ORM in bulk: a
consent to statistics for every survivor with an incident, and for a share of the cases a
first note, a needs assessment, a service plan and a service given, at random times after
the opening (``RATES``). Then ``rollup.rebuild()``, timed.

The rows: each case's contribution to the rollups (``Contribution``: one row per case and
key, with its day, kota, type, measure, dimension, value and count), the records already
read through the one definition of each count (``counts.case_keys``), written to Parquet
in the run. DuckDB reads that file; the rollups are the same rows summed by day and key
(``Tally``) and by month and key (``MonthTally``, which the pages read: whole months).
Each dashboard's aggregates are the page's own code (``dashboard.dashboard_context`` for the
analyst, ``head.head_context`` for the head of service) run twice: once on the
rollups (``tables.by`` and ``tables.total``: PostgreSQL), once with those two functions
answered by DuckDB from the Parquet file (the same SQL, grouped there). Both must give the
same figures; the median of ``--rounds`` rounds after a warm-up is reported, interleaved so
that a burst of load on the shared machine hits both alike.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import describe, machine, measured_on, postgres, publish, run_child

SCRATCH = "postgres://postgres@127.0.0.1:5432/lindungi_bench_dashboard"
CENTRE = "UPTD PPA DKI Jakarta"
# The share of the seeded cases given each part of the course the quality indicators read.
RATES = {"note": 0.8, "assessment": 0.6, "plan": 0.5, "service": 0.4}
WARM_UP = 2
TARGET = 1.0
# The blocks of RESULTS.md a run may write (``--name``): the sizes measured.
BLOCKS = (
    "stats_dashboard",
    "stats_dashboard_100k",
    "stats_dashboard_1m",
    "stats_dashboard_1m_month",
)


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- Seeding what the counts read ------------------------------------------------------------


def _consents(actor):
    from lindungi.cases.models import Consent, ConsentPurpose, Incident

    pairs = Incident.objects.values_list("case_id", "survivor_id", "case__opened_at").distinct()
    consents = [
        Consent(case_id=case, client_id=client, purpose=ConsentPurpose.STATISTICS, how="spoken",
                given_at=opened, recorded_by=actor)
        for case, client, opened in pairs
    ]  # fmt: skip
    Consent.objects.bulk_create(consents, batch_size=2000)
    return len(consents)


def _course(rng, actor):
    """Notes, assessments, plans and services for a share of the cases (``RATES``)."""
    from datetime import timedelta

    from lindungi.cases.models import Case
    from lindungi.casework.models import Assessment, CaseNote, PlannedService, ServicePlan

    made = {name: [] for name in RATES}
    for case_id, opened in Case.objects.values_list("pk", "opened_at"):
        if rng.random() < RATES["note"]:
            made["note"].append(CaseNote(case_id=case_id, author=actor, body="seeded"))
        if rng.random() < RATES["assessment"]:
            made["assessment"].append(
                Assessment(case_id=case_id, kind="needs", number=1, author=actor, answers={})
            )
        if rng.random() < RATES["plan"]:
            made["plan"].append(ServicePlan(case_id=case_id, goals=""))
        if rng.random() < RATES["service"]:
            due = opened.date() + timedelta(days=rng.randint(3, 30))
            done = due + timedelta(days=rng.randint(-5, 5))
            made["service"].append(
                PlannedService(case_id=case_id, type=rng.choice(["health", "legal_aid",
                               "psychosocial", "shelter"]), due_on=due, status="done",
                               done_on=done, provider_name="seeded")
            )  # fmt: skip
    models = (CaseNote, Assessment, ServicePlan, PlannedService)
    for model, rows in zip(models, made.values(), strict=True):
        model.objects.bulk_create(rows, batch_size=2000)
    return {name: len(rows) for name, rows in made.items()}


# The records' times, after the opening: hours, spread so the medians and deadlines vary.
AFTER_OPENING = {
    "casework_casenote": "random() * random() * 200",
    "casework_assessment": "24 + random() * 400",
    "casework_serviceplan": "48 + random() * 600",
}


def _times():
    from django.db import connection

    with connection.cursor() as cursor:
        for table, hours in AFTER_OPENING.items():
            cursor.execute(
                f"UPDATE {table} AS r SET created_at = c.opened_at + ({hours}) * interval '1 hour' "  # noqa: S608 - constants
                "FROM cases_case AS c WHERE r.case_id = c.id"
            )
        cursor.execute("VACUUM ANALYZE")


def prepare(cases):
    """Migrate, seed ``cases`` cases, add what the counts read, count: the scratch run."""
    import random

    from cases_pages import setup_centre
    from django.core.management import call_command

    from lindungi.accounts.models import Membership, Unit
    from lindungi.accounts.roles import Role
    from lindungi.ops.seed import seed_cases
    from lindungi.stats import rollup

    call_command("migrate", verbosity=0)
    setup_centre()
    unit = Unit.objects.get(name=CENTRE)
    seconds = seed_cases(cases, unit=unit, seed=2026).seconds
    actor = Membership.objects.filter(unit=unit, role=Role.CASE_WORKER).first().user
    consents = _consents(actor)
    course = _course(random.Random(2026), actor)
    _times()
    start = time.perf_counter()
    counted = rollup.rebuild()
    return {
        "seed_seconds": seconds,
        "consents": consents,
        "course": course,
        "counted": counted,
        "rebuild_seconds": time.perf_counter() - start,
    }


# --- The rows in Parquet, and DuckDB answering tables.by/total ----------------------------------


def export_parquet(path):
    """Every case's contribution rows to ``path``; how many rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from lindungi.stats.models import Contribution
    from lindungi.stats.rollup import contribution_rows

    names = ["unit_id", "day", "kota", "gbv_type", "measure", "dimension", "value", "count"]
    schema = pa.schema([*((n, pa.string()) for n in names[:-1]), ("count", pa.int64())])
    schema = schema.set(1, pa.field("day", pa.date32()))
    writer, rows, buffer = pq.ParquetWriter(path, schema), 0, []

    def flush():
        columns = list(zip(*buffer, strict=True))
        arrays = [pa.array(c) for c in columns]
        arrays[1] = arrays[1].cast(pa.date32())
        writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
        buffer.clear()

    for keys in Contribution.objects.values_list("keys", flat=True).iterator(chunk_size=5000):
        buffer.extend(contribution_rows(keys))
        if len(buffer) >= 500_000:
            rows += len(buffer)
            flush()
    rows += len(buffer)
    if buffer:
        flush()
    writer.close()
    return rows


class DuckTables:
    """``tables.by`` and ``tables.total`` answered by DuckDB from the Parquet rows."""

    GROUPS = {"month": "strftime(day, '%Y-%m')", "kota": "kota", "gbv_type": "gbv_type",
              "value": "value"}  # fmt: skip

    def __init__(self, path):
        import duckdb

        self.db = duckdb.connect()
        self.db.execute(f"CREATE VIEW facts AS SELECT * FROM read_parquet('{path}')")  # noqa: S608

    def _where(self, filters, measure, dimension):
        sql = "measure = ? AND dimension = ? AND day BETWEEN ? AND ?"
        params = [measure, dimension, filters.start, filters.end]
        for name in ("kota", "gbv_type"):
            if getattr(filters, name):
                sql += f" AND {name} = ?"
                params.append(getattr(filters, name))
        if filters.units is not None:
            sql += f" AND unit_id IN ({', '.join('?' for _u in filters.units)})"
            params += list(filters.units)
        return sql, params

    def total(self, filters, measure):
        where, params = self._where(filters, measure, "total")
        row = self.db.execute(f"SELECT sum(count) FROM facts WHERE {where}", params).fetchone()  # noqa: S608
        return int(row[0] or 0)

    def by(self, filters, measure, dimension, *group):
        where, params = self._where(filters, measure, dimension)
        columns = ", ".join(self.GROUPS[g] for g in group)
        query = f"SELECT {columns}, sum(count) FROM facts WHERE {where} GROUP BY ALL"  # noqa: S608
        return {tuple(row[:-1]): int(row[-1]) for row in self.db.execute(query, params).fetchall()}


# --- Timing ------------------------------------------------------------------------------------


def _dashboards():
    """The pages' filters, as their form makes them (whole months): the default year, and
    this month in Jakarta Pusat."""
    from lindungi.stats import dashboard, head

    today = dashboard.today()

    def filters(query):
        form = dashboard.FilterForm(query, today)
        assert form.is_valid(), form.errors
        return form.filters(None)

    month = today.strftime("%Y-%m")
    year = filters(dashboard.default_query(today))
    busiest = filters({"start": month, "end": month, "kota": "31.71"})
    return {
        ("analyst", "default 13 months, every kota"): (dashboard.dashboard_context, year),
        ("analyst", "this month, Jakarta Pusat"): (dashboard.dashboard_context, busiest),
        ("head of service", "default 13 months, every kota"): (head.head_context, year),
        ("head of service", "this month, Jakarta Pusat"): (head.head_context, busiest),
    }


def _timed(function, filters):
    start = time.perf_counter()
    result = function(filters)
    return time.perf_counter() - start, result


def time_dashboards(rounds):
    from django.db import connection

    from lindungi.stats import tables
    from lindungi.stats.models import Contribution, MonthTally, Tally

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    tally_rows = Tally.objects.count()
    if not tally_rows:
        raise SystemExit("no rollups in this database: run `lindungi stats-rebuild` first")
    by_month = MonthTally._meta.db_table in connection.introspection.table_names()
    if not by_month:
        # A database migrated before stats.0003 (only read here, so not migrated): the
        # pages' code on the rollup by day, as it ran before the rollup by month.
        tables.whole_months = lambda _filters: False
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "contributions.parquet"
        start = time.perf_counter()
        rows = export_parquet(path)
        export_seconds = time.perf_counter() - start
        duck = DuckTables(path)
        own = (tables.by, tables.total)
        found = {}
        for key, (function, filters) in _dashboards().items():
            seconds = {"rollups": [], "duckdb": []}
            for n in range(WARM_UP + rounds):
                tables.by, tables.total = own
                took, from_rollups = _timed(function, filters)
                tables.by, tables.total = duck.by, duck.total
                took_duck, from_duck = _timed(function, filters)
                tables.by, tables.total = own
                if from_rollups != from_duck:
                    raise SystemExit(f"{key}: DuckDB's figures differ from the rollups'")
                if n >= WARM_UP:
                    seconds["rollups"].append(took)
                    seconds["duckdb"].append(took_duck)
            found[" / ".join(key)] = {k: statistics.median(v) * 1e3 for k, v in seconds.items()}
    return {
        "database": describe(connection),
        "cases": Contribution.objects.count(),
        "tally_rows": tally_rows,
        "month_rows": MonthTally.objects.count() if by_month else None,
        "parquet_rows": rows,
        "export_seconds": export_seconds,
        "dashboards": found,
    }


def child(step, argument):
    import django

    django.setup()
    if step == "prepare":
        return prepare(argument)
    return time_dashboards(argument)


def _month_rows(timed):
    if timed["month_rows"] is None:
        return "no rollup by month (migrated before stats.0003: the pages read the day rows)"
    return f"{timed['month_rows']:,} by month"


def _lines(where, command, prepared, timed, rounds):
    settings = (
        f"`{command}`; {timed['database']}, {timed['cases']:,} counted cases, "
        f"{timed['tally_rows']:,} rollup rows by day and {_month_rows(timed)}, "
        f"{timed['parquet_rows']:,} contribution rows in "
        f"Parquet (written in {timed['export_seconds']:.1f} s); median of {rounds} rounds."
    )
    if prepared:
        settings += (
            f" Seeded here: {prepared['counted']:,} cases counted, rebuild "
            f"{prepared['rebuild_seconds']:.1f} s."
        )
    lines = [
        measured_on(where, settings),
        "",
        "| dashboard / filters | rollups (ms) | DuckDB on Parquet (ms) | rollups ÷ DuckDB | ≤ 1× |",
        "|---|---:|---:|---:|---|",
    ]
    for name, ms in timed["dashboards"].items():
        ratio = ms["rollups"] / ms["duckdb"]
        ok = "yes" if ratio <= TARGET else "no"
        lines.append(f"| {name} | {ms['rollups']:.1f} | {ms['duckdb']:.1f} | {ratio:.2f} | {ok} |")
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", help="an existing seeded and counted database (read)")
    parser.add_argument("--postgres", default=SCRATCH, help="the scratch database to seed")
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--name", default=BLOCKS[0], choices=BLOCKS, help="the RESULTS.md block")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        step, argument = args.child
        print(json.dumps(child(step, int(argument))))
        return
    where = machine()
    command = "python bench/stats_dashboard.py " + " ".join(sys.argv[1:])
    prepared = None
    if args.database_url:
        url = args.database_url
    else:
        url = args.postgres
        postgres(url, "create")
        log(f"seeding {args.cases:,} cases")
        prepared = json.loads(run_child(__file__, url, "prepare", args.cases))
    try:
        timed = json.loads(run_child(__file__, url, "time", args.rounds))
    finally:
        if not args.database_url:
            postgres(url, "drop")
    publish(args.name, _lines(where, command, prepared, timed, args.rounds))


if __name__ == "__main__":
    main()
