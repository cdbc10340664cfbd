"""`lindungi backup` and `lindungi restore` at size, with writers running, on SQLite and
PostgreSQL.

Usage: ``.venv/bin/python bench/backup.py [--cases N] [--postgres URL]``

Each database gets a fresh, migrated copy with N synthetic cases (`lindungi seed`'s
generator) and one attachment. The backup is taken twice: alone, and while two threads
keep writing reports (each one audited, as the intake does); the writers' throughput and
their slowest write during the backup show whether the backup holds them up. The backup
is then restored into an empty database by the real `lindungi restore` in its own process.
Results go to this script's section of bench/RESULTS.md.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, describe, machine, measured_on, postgres, publish, run_child

WRITERS = 2


def _write_reports(stop, latencies):
    from django.db import connection

    from lindungi.intake.actions import receive_public_report

    while not stop.is_set():
        start = time.perf_counter()
        receive_public_report({"what_happened": "bench"})
        latencies.append(time.perf_counter() - start)
    connection.close()


@contextmanager
def _writers(count):
    """``count`` threads writing reports until the block ends; yields their latencies."""
    stop, latencies = threading.Event(), [[] for _ in range(count)]
    threads = [threading.Thread(target=_write_reports, args=(stop, found)) for found in latencies]
    for thread in threads:
        thread.start()
    try:
        yield latencies
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def _backup(directory, writers):
    from lindungi.ops.backup import take_backup

    with _writers(writers) as latencies:
        time.sleep(1 if writers else 0)  # the writers are at full speed when it starts
        before = sum(map(len, latencies))
        start = time.perf_counter()
        take_backup(directory)
        seconds = time.perf_counter() - start
        during = sum(map(len, latencies)) - before
    slowest = max((max(found) for found in latencies if found), default=0)
    size = sum(path.stat().st_size for path in Path(directory).rglob("*") if path.is_file())
    return {"seconds": seconds, "writes_per_s": during / seconds, "slowest": slowest, "size": size}


def measure(cases, restore_url):
    """Runs inside a child process whose DATABASE_URL is the database to measure."""
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection

    from lindungi.cases.attachments import upload_attachment
    from lindungi.ops.seed import seed_cases
    from lindungi.places.loader import load_province
    from tests.cases.factories import make_case
    from tests.cases.test_attachments import minimal_pdf
    from tests.personas import make_personas

    call_command("migrate", verbosity=0)
    load_province("31")
    personas = make_personas()
    upload_attachment(
        personas.case_worker_a,
        make_case(personas, "a"),
        SimpleUploadedFile("surat.pdf", minimal_pdf()),
    )
    seed_cases(cases, unit=personas.unit_a, seed=1)
    scratch = Path(tempfile.mkdtemp(prefix="lindungi-bench-backup-"))
    alone = _backup(scratch / "alone", writers=0)
    loaded = _backup(scratch / "loaded", writers=WRITERS)
    writes_alone = _backup_free_writes()
    target = dict(os.environ, DATABASE_URL=restore_url, LINDUNGI_DATA_DIR=str(scratch / "target"))
    start = time.perf_counter()
    subprocess.run(  # noqa: S603 - the project's own command
        [sys.executable, "-m", "lindungi.cli", "restore", str(scratch / "loaded")],
        env=target,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    restore_seconds = time.perf_counter() - start
    return {
        "database": describe(connection),
        "cases": cases,
        "alone": alone,
        "loaded": loaded,
        "writes_alone": writes_alone,
        "restore_seconds": restore_seconds,
    }


def _backup_free_writes(seconds=3):
    """The writers' throughput with no backup running, for comparison."""
    with _writers(WRITERS) as latencies:
        time.sleep(seconds)
    return sum(map(len, latencies)) / seconds


def write_results(results, cases, where):
    rows = [
        "| database | backup alone | backup under writes | writes/s during it (without) "
        "| slowest write during it | size | restore |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rows.append(
            f"| {r['database']} | {r['alone']['seconds']:.1f} s | {r['loaded']['seconds']:.1f} s "
            f"| {r['loaded']['writes_per_s']:.0f} ({r['writes_alone']:.0f}) "
            f"| {r['loaded']['slowest'] * 1000:.0f} ms | {r['loaded']['size'] / 1e6:.0f} MB "
            f"| {r['restore_seconds']:.1f} s |"
        )
    settings = f"{cases:,} cases, {WRITERS} writer threads."
    publish("backup", [measured_on(where, settings), "", *rows])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/lindungi_bench_backup"
    )
    parser.add_argument("--restore-url", help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.cases, args.restore_url)))
        return
    where = machine()
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        results.append(
            json.loads(
                run_child(
                    __file__,
                    f"sqlite:///{scratch}/bench.sqlite3",
                    "--cases",
                    args.cases,
                    "--restore-url",
                    f"sqlite:///{scratch}/restored.sqlite3",
                )
            )
        )
    restored = args.postgres + "_restored"
    postgres(args.postgres, "create")
    postgres(restored, "create")
    try:
        results.append(
            json.loads(
                run_child(__file__, args.postgres, "--cases", args.cases, "--restore-url", restored)
            )
        )
    finally:
        postgres(args.postgres, "drop")
        postgres(restored, "drop")
    write_results(results, args.cases, where)


if __name__ == "__main__":
    main()
