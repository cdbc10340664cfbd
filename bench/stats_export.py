"""The row-level export's memory and speed (issue 16): peak RSS for 1M rows within 1.2× of
100k rows; throughput at least 0.3× PostgreSQL's ``COPY`` of the same columns.

Usage: ``nice .venv/bin/python bench/stats_export.py [--postgres URL] [--sizes 100000,1000000]
[--cases 5000]``

Seeding a million cases through ``lindungi seed`` takes hours on this machine, so the two
targets are measured on the writer over synthetic rows: a table of the export's shape (its
14 columns, de-identified) filled to the largest size by ``generate_series`` in a scratch
PostgreSQL database. For each size, each measurement runs in a process of its own (so its
peak RSS is its own): ``COPY (SELECT the columns ...) TO STDOUT (FORMAT csv)`` read by
psycopg into a file, and the export's writers (``stats/exports/files.py``: every cell
through the formula-injection guard) over the same SELECT read in chunks from a
server-side cursor, as CSV, as CSV inside the AES-256 zip of an export with names, as XLSX
(our streaming writer, ``stats/exports/xlsx.py``), and as XLSX inside the AES-256 zip.

Beside it, the whole path once, at ``--cases`` seeded cases (``lindungi seed``): the
export's three ordered queries through the access module (``exports/rows.py``) and the
CSV writer, as the worker runs it, against ``COPY`` of the same join.
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, measured_on, postgres, publish, run_child

CENTRE = "UPTD PPA DKI Jakarta"
DOMAIN = "@bench.lindungi.id"
TABLE = "bench_export_rows"
COLUMNS = [
    "survivor_code", "sex", "age_band", "kota", "kecamatan", "status", "opened_on",
    "closed_on", "first_incident_on", "first_reported_on", "incidents", "gbv_types",
    "violence_types", "services",
]  # fmt: skip
# Values as the export writes them: codes, dates as ISO text (``exports/rows.py`` writes
# them so), a count, short lists.
FILL = """
CREATE TABLE bench_export_rows AS SELECT
  'S-' || lpad(to_hex(n), 8, '0') || '/1' AS survivor_code,
  (ARRAY['female','male','unknown'])[1 + n % 3] AS sex,
  (ARRAY['0-5','6-12','13-17','18-24','25-44','45-59','60+'])[1 + n % 7] AS age_band,
  '31.7' || (1 + n % 5) AS kota,
  '31.7' || (1 + n % 5) || '.0' || (1 + n % 8) AS kecamatan,
  (ARRAY['open','assessment','services','closed'])[1 + n % 4] AS status,
  (date '2016-01-01' + (n % 3650))::text AS opened_on,
  CASE WHEN n % 4 = 3 THEN (date '2016-02-01' + (n % 3650))::text ELSE '' END AS closed_on,
  (date '2015-12-20' + (n % 3650))::text AS first_incident_on,
  (date '2016-01-01' + (n % 3650))::text AS first_reported_on,
  1 + n % 3 AS incidents,
  (ARRAY['rape','sexual_assault','physical_assault','psychological_abuse'])[1 + n % 4]
    AS gbv_types,
  (ARRAY['seksual','fisik; psikis','psikis','seksual; fisik'])[1 + n % 4] AS violence_types,
  (ARRAY['','health','health; legal_aid','psychosocial; shelter'])[1 + n % 4] AS services
FROM generate_series(1, SIZE) AS n
"""
WRITERS = {
    "copy": "PostgreSQL COPY (CSV)",
    "csv": "export writer, CSV",
    "csv_zip": "export writer, CSV in AES-256 zip",
    "xlsx": "export writer, XLSX",
    "xlsx_zip": "export writer, XLSX in AES-256 zip",
}
TARGET_RSS = 1.2
TARGET_THROUGHPUT = 0.3


def log(message):
    print(message, file=sys.stderr, flush=True)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _select(size):
    columns = ", ".join(COLUMNS)
    return f"SELECT {columns} FROM {TABLE} ORDER BY survivor_code LIMIT {int(size)}"  # noqa: S608


def _synthetic_rows(connection, size):
    """The table's rows, read from a server-side cursor in chunks of the export's size."""
    from lindungi.stats.exports.rows import CHUNK

    with connection.chunked_cursor() as cursor:
        cursor.execute(_select(size))
        while chunk := cursor.fetchmany(CHUNK):
            yield from chunk


def _copy(connection, sql, out, params=()):
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)", params) as copy:
            for block in copy:
                out.write(block)


def _export_of(kind):
    """An export (not saved) of ``kind`` (``WRITERS``), for ``write_file``."""
    from django.utils import timezone

    from lindungi.stats.actions import new_password
    from lindungi.stats.models import ExportFormat, RowExport

    return RowExport(
        format=ExportFormat.XLSX if kind.startswith("xlsx") else ExportFormat.CSV,
        with_names=kind.endswith("_zip"),
        password=new_password(),
        created_at=timezone.now(),
    )


def _writer(kind):
    """The export's writer of ``kind``: a function of (rows, target). Imported here, before
    the clock starts."""
    from lindungi.stats.row_exports import write_file

    export = _export_of(kind)
    return lambda source, target: write_file(target, export, COLUMNS, source)


def time_writer(kind, size):
    """One measurement in this process: seconds, bytes written, peak RSS."""
    from django.db import connection

    write = None if kind == "copy" else _writer(kind)
    connection.ensure_connection()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "out"
        started = time.perf_counter()
        if write is None:
            with open(target, "wb") as out:
                _copy(connection, _select(size), out)
        else:
            write(_synthetic_rows(connection, size), target)
        seconds = time.perf_counter() - started
        written = target.stat().st_size
    return {"seconds": seconds, "bytes": written, "rss_mb": peak_rss_mb()}


# The plain join the whole path was compared with before it was one SELECT: the same tables,
# a row per survivor, incident and service, nothing aggregated or formatted.
PLAIN_JOIN = (
    "SELECT c.survivor_code, p.sex, p.birth_date, p.age_estimate, p.kelurahan_id, "
    "c.status, c.opened_at, c.closed_at, i.occurred_on, i.reported_on, i.gbv_type, "
    "i.violence_types, s.type FROM cases_client p JOIN cases_case c ON c.id = p.case_id "
    "LEFT JOIN cases_incident i ON i.survivor_id = p.id "
    "LEFT JOIN casework_plannedservice s ON s.case_id = c.id AND s.status = 'done' "
    "WHERE p.role = 'survivor'"
)


def _cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def time_whole_path(kind):
    """The worker's path over the seeded cases (``export``: the access module's narrowing
    and the export's one SELECT, as CSV, as the worker writes it), or ``COPY`` of that same
    SELECT (``copy``: the same planner settings, ``rows.without_jit``), or of the plain
    join (``join``). Seconds, the writer's CPU seconds, rows, peak RSS."""
    from django.db import connection

    from lindungi.accounts.models import User
    from lindungi.stats.exports import rows
    from lindungi.stats.row_exports import write_file

    supervisor = User.objects.get(email=f"supervisor{DOMAIN}")
    connection.ensure_connection()
    n = 0
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "out"
        started, cpu = time.perf_counter(), _cpu_seconds()
        if kind == "export":
            export = _export_of("csv")

            def counting(source):
                nonlocal n
                for n, row in enumerate(source, 1):  # noqa: B007
                    yield row

            write_file(target, export, rows.header(False), counting(rows.rows(supervisor, False)))
        else:
            sql, params = rows.query(supervisor, False) if kind == "copy" else (PLAIN_JOIN, ())
            with rows.without_jit(), open(target, "wb") as out:
                _copy(connection, sql, out, params)
        seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    return {"seconds": seconds, "cpu": cpu, "rows": n, "rss_mb": peak_rss_mb()}


def setup(size):
    from django.core.management import call_command
    from django.db import connection

    from lindungi.accounts.models import Membership, Unit, User
    from lindungi.accounts.roles import Role
    from lindungi.ops.demo import load_demo

    call_command("migrate", verbosity=0)
    load_demo(create_users=False)
    unit = Unit.objects.get(name=CENTRE)
    user = User.objects.create_user(f"supervisor{DOMAIN}", None, display_name="supervisor")
    Membership.objects.create(user=user, unit=unit, role=Role.SUPERVISOR)
    worker = User.objects.create_user(f"case.worker{DOMAIN}", None, display_name="worker")
    Membership.objects.create(user=worker, unit=unit, role=Role.CASE_WORKER)
    with connection.cursor() as cursor:
        cursor.execute(FILL.replace("SIZE", str(int(size))))
        cursor.execute("VACUUM ANALYZE")
    return {}


def seed(cases, seed_number):
    """``cases`` more seeded cases in the centre, then the statistics PostgreSQL plans by."""
    from django.db import connection

    from lindungi.accounts.models import Unit
    from lindungi.ops.seed import seed_cases

    started = time.perf_counter()
    seed_cases(cases, unit=Unit.objects.get(name=CENTRE), seed=seed_number)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"seconds": time.perf_counter() - started}


def child(step, *arguments):
    import django

    django.setup()
    if step == "setup":
        return setup(int(arguments[0]))
    if step == "seed":
        return seed(int(arguments[0]), int(arguments[1]))
    if step == "path":
        return time_whole_path(arguments[0])
    return time_writer(step, int(arguments[0]))


def run(database_url, *arguments):
    env = {"LINDUNGI_DATA_DIR": tempfile.mkdtemp(prefix="lindungi-bench-")}
    return json.loads(run_child(__file__, database_url, *arguments, env=env))


PATHS = ("export", "copy", "join")


def measure(database_url, sizes, cases):
    log(f"setting up: {max(sizes):,} synthetic rows")
    result = {"setup": run(database_url, "setup", max(sizes)), "sizes": {}, "paths": {}}
    for size in sizes:
        result["sizes"][size] = {}
        for kind in WRITERS:
            figures = run(database_url, kind, size)
            result["sizes"][size][kind] = figures
            log(f"  {size:,} rows, {kind}: {figures['seconds']:.1f} s, {figures['rss_mb']:.0f} MB")
    seeded = 0
    for n in cases:
        log(f"seeding {n - seeded:,} cases")
        result["paths"][n] = {"seed": run(database_url, "seed", n - seeded, n)["seconds"]}
        seeded = n
        # Each twice, in turns, the quicker kept: the machine is shared.
        for _turn in range(2):
            for kind in PATHS:
                figures = run(database_url, "path", kind)
                kept = result["paths"][n].get(kind)
                if kept is None or figures["seconds"] < kept["seconds"]:
                    result["paths"][n][kind] = figures
                log(f"  {n:,} cases, {kind}: {figures['seconds']:.2f} s")
    return result


def _writer_lines(result, sizes):
    small, large = result["sizes"][min(sizes)], result["sizes"][max(sizes)]
    header = "| writer | " + " | ".join(f"{n:,} rows: time, rows/s, peak RSS" for n in sizes)
    header += f" | RSS {max(sizes):,} vs {min(sizes):,} | rate vs COPY | targets |"
    lines = [header, "|---|" + "---:|" * len(sizes) + "---:|---:|---|"]
    copy_rate = max(sizes) / large["copy"]["seconds"]
    for kind, label in WRITERS.items():
        cells = [
            f"{result['sizes'][n][kind]['seconds']:.1f} s, "
            f"{n / result['sizes'][n][kind]['seconds']:,.0f}, "
            f"{result['sizes'][n][kind]['rss_mb']:.0f} MB"
            for n in sizes
        ]
        growth = large[kind]["rss_mb"] / small[kind]["rss_mb"]
        rate = max(sizes) / large[kind]["seconds"] / copy_rate
        ok = growth <= TARGET_RSS and (kind == "copy" or rate >= TARGET_THROUGHPUT)
        verdict = "–" if kind == "copy" else "met" if ok else "MISSED"
        lines.append(f"| {label} | {' | '.join(cells)} | {growth:.2f}× | {rate:.2f}× | {verdict} |")
    return lines


def _path_lines(result, cases):
    lines = [
        "| whole path: cases seeded | rows | export (CSV): time, its CPU, peak RSS | "
        "COPY of its SELECT | rate vs it | COPY of the plain join | rate vs it |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in cases:
        export, copy, join = (result["paths"][n][kind] for kind in PATHS)
        lines.append(
            f"| {n:,} | {export['rows']:,} | {export['seconds']:.2f} s, {export['cpu']:.2f} s, "
            f"{export['rss_mb']:.0f} MB | {copy['seconds']:.2f} s | "
            f"{copy['seconds'] / export['seconds']:.2f}× | {join['seconds']:.2f} s | "
            f"{join['seconds'] / export['seconds']:.2f}× |"
        )
    small, large = (result["paths"][n]["export"]["rss_mb"] for n in (min(cases), max(cases)))
    lines.append("")
    lines.append(
        f"Whole path, peak RSS at {max(cases):,} cases vs {min(cases):,}: {large / small:.2f}×."
    )
    return lines


def write_results(result, sizes, cases, where):
    seeded = ", ".join(f"{n:,} in {result['paths'][n]['seed']:.0f} s" for n in cases)
    settings = (
        f"Synthetic rows: a {len(COLUMNS)}-column table of the export's shape; whole path: "
        f"cases seeded in turn ({seeded}), each measurement the quicker of two; load average "
        f"{os.getloadavg()[0]:.1f} at the end."
    )
    lines = [*_writer_lines(result, sizes), "", *_path_lines(result, cases)]
    publish("stats_export", [measured_on(where, settings), "", *lines])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/lindungi_bench_export"
    )
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--cases", default="10000,100000")
    options = parser.parse_args()
    sizes = sorted(int(n) for n in options.sizes.split(","))
    cases = sorted(int(n) for n in options.cases.split(","))
    where = machine()
    postgres(options.postgres, "create")
    try:
        result = measure(options.postgres, sizes, cases)
    finally:
        postgres(options.postgres, "drop")
    write_results(result, sizes, cases, where)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(*sys.argv[2:])))
    else:
        main()
