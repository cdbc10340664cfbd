"""``lindungi seed`` at scale: how fast a fresh database gets N synthetic cases.

Usage: ``.venv/bin/python bench/seed.py --database postgres|sqlite [--cases 1000000]
[--url URL] [--keep]``

The database is made fresh (PostgreSQL: dropped and created; SQLite: a new file in WAL mode,
as deployed), migrated, and given the Jakarta demo data with the service centre of
bench/cases_pages.py (a supervisor and 20 case workers). Then ``lindungi seed --cases N``
runs as an operator would run it, in a process of its own with its default parallelism,
and the time from its start to its exit is the figure: drawing, encryption, blind indexes,
statistics rollups, the audit event and PostgreSQL's ANALYZE included. ``--keep`` leaves
the database in place (for the page benchmarks at that size).

Each database's row in this script's table is replaced by its own run; the other rows stay.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import RESULTS, ROOT, SETTINGS, describe, machine, postgres, run_child

CENTRE = "UPTD PPA DKI Jakarta"
MARKER = "<!-- bench:seed -->"
HEADER = [
    "| database | cases | time | rate | database size | load average (start / end) |",
    "|---|---:|---:|---:|---:|---|",
]


def log(message):
    print(message, file=sys.stderr, flush=True)


def child(step):
    """``setup`` (migrate, the centre) or ``size`` (the database's bytes), in the database
    of DATABASE_URL."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if step == "setup":
        from cases_pages import setup_centre

        call_command("migrate", verbosity=0)
        setup_centre()
        return {"database": describe(connection)}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return {"bytes": cursor.fetchone()[0]}
    path = Path(connection.settings_dict["NAME"])
    wal = path.with_name(path.name + "-wal")
    return {"bytes": path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)}


def seed(url, cases):
    """Run ``lindungi seed`` against ``url``; seconds from start to exit."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": SETTINGS}
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "lindungi.cli", "seed", "--cases", str(cases)]
    started = time.perf_counter()
    subprocess.run([*command, "--unit", CENTRE], cwd=ROOT, env=env, check=True)  # noqa: S603
    return time.perf_counter() - started


def row(result):
    gigabytes = result["bytes"] / 1e9
    return (
        f"| {result['database']} | {result['cases']:,} | {result['seconds']:.0f} s "
        f"({result['seconds'] / 60:.1f} min) | {result['cases'] / result['seconds']:,.0f} "
        f"cases/s | {gigabytes:.1f} GB | {result['load'][0]:.1f} / {result['load'][1]:.1f} |"
    )


def publish_row(result, where):
    """This database's row replaced in the table, the others kept."""
    from _common import publish

    text = RESULTS.read_text(encoding="utf-8")
    kept = []
    if MARKER in text:
        block = text.split(MARKER, 1)[1].split("<!-- /bench:seed -->", 1)[0]
        vendor = result["database"].split()[0]
        kept = [
            line
            for line in block.splitlines()
            if line.startswith("| ") and not line.startswith(("| database", f"| {vendor}"))
        ]
    rows = sorted([*kept, row(result)])
    settings = f"Last run: {where}; `lindungi seed` with its default parallelism."
    publish("seed", [settings, "", *HEADER, *rows])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["postgres", "sqlite"])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--url", help="the database (default: a scratch one)")
    parser.add_argument("--keep", action="store_true", help="leave the database in place")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    if args.database is None:
        parser.error("--database is required")
    where = machine()
    scratch = tempfile.mkdtemp(prefix="lindungi-bench-seed-")
    if args.database == "postgres":
        url = args.url or "postgres://postgres@127.0.0.1:5432/lindungi_bench_seed"
        postgres(url, "create")
    else:
        url = args.url or f"sqlite:///{scratch}/seed.sqlite3"
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    result = json.loads(run_child(__file__, url, "setup"))
    load_start = os.getloadavg()[0]
    log(f"{result['database']}: seeding {args.cases:,} cases")
    result["seconds"] = seed(url, args.cases)
    result.update(json.loads(run_child(__file__, url, "size")))
    result.update(cases=args.cases, load=(load_start, os.getloadavg()[0]))
    publish_row(result, where)
    if not args.keep and args.database == "postgres":
        postgres(url, "drop")
    elif not args.keep:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
