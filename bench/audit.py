"""What auditing adds to a write, on SQLite and PostgreSQL.

Usage: ``.venv/bin/python bench/audit.py [--postgres URL] [--writes N]``

Each database gets a fresh, migrated copy (a temporary SQLite file in WAL mode, as
deployed; a scratch PostgreSQL database). One write is saving a Unit in its own
transaction; the audited write does the same plus ``record()`` in that transaction,
which is what every action does. Rounds alternate the two so that drift in the machine's
load hits both alike; the median round is reported. Then ``audit-verify`` is timed over
the whole chain. Results go to this script's section of bench/RESULTS.md.
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

ROUNDS = 7
CHAIN_EVENTS = 20000


def measure(writes):
    """Runs inside a child process whose DATABASE_URL is the database to measure."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from lindungi.accounts.models import Unit
    from lindungi.audit.chain import verify
    from lindungi.audit.events import record
    from lindungi.places.models import Region

    call_command("migrate", verbosity=0)
    region = Region.objects.create(code="99", name="Bench", level=1, type="provinsi")
    unit = Unit.objects.create(name="Bench unit", type="uptd_ppa", region=region)

    def plain(n):
        with transaction.atomic():
            unit.name = f"Bench unit {n}"
            unit.save(update_fields=["name", "updated_at"])

    def audited(n):
        with transaction.atomic():
            unit.name = f"Bench unit {n}"
            unit.save(update_fields=["name", "updated_at"])
            record("unit.update", obj=unit, fields=["name"])

    def per_write(write):
        start = time.perf_counter()
        for n in range(writes):
            write(n)
        return (time.perf_counter() - start) / writes * 1e6

    for write in (plain, audited):  # warm up connections, caches and statement plans
        per_write(write)
    rounds = {"plain": [], "audited": []}
    for _ in range(ROUNDS):
        rounds["plain"].append(per_write(plain))
        rounds["audited"].append(per_write(audited))
    plain_us, audited_us = (statistics.median(rounds[k]) for k in ("plain", "audited"))

    for n in range(CHAIN_EVENTS - (ROUNDS + 1) * writes):
        record("case.read", object_type="cases.case", object_id=f"bench-{n}")
    start = time.perf_counter()
    verdict = verify()
    verify_seconds = time.perf_counter() - start
    assert verdict.intact
    return {
        "database": describe(connection),
        "plain_us": plain_us,
        "audited_us": audited_us,
        "events": verdict.count,
        "verify_rows_per_s": verdict.count / verify_seconds,
    }


def measured(database_url, writes):
    return json.loads(run_child(__file__, database_url, "--writes", writes))


def write_results(results, writes, where):
    rows = [
        "| database | write alone | write + audit event | added by auditing | verify |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        added = r["audited_us"] - r["plain_us"]
        rows.append(
            f"| {r['database']} | {r['plain_us']:.0f} µs | {r['audited_us']:.0f} µs "
            f"| {added:.0f} µs ({added / r['plain_us']:.0%}) "
            f"| {r['verify_rows_per_s']:,.0f} events/s over {r['events']:,} |"
        )
    settings = f"Median of {ROUNDS} rounds of {writes} writes."
    publish("audit", [measured_on(where, settings), "", *rows])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/lindungi_bench_audit"
    )
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.writes)))
        return
    where = machine()
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        results.append(measured(f"sqlite:///{scratch}/bench.sqlite3", args.writes))
    postgres(args.postgres, "create")
    results.append(measured(args.postgres, args.writes))
    write_results(results, args.writes, where)


if __name__ == "__main__":
    main()
