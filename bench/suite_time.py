"""How long the whole test suite takes: serially, and across pytest-xdist workers.

    .venv/bin/python bench/suite_time.py --workers 0 2 3 \\
        --postgres postgres://postgres@127.0.0.1:5432/lindungi_suite_time [--write]

Each worker count runs the whole suite once on SQLite and, with ``--postgres``, once on
PostgreSQL (a scratch database of that name, created and dropped here; pytest makes its own
``test_<name>_gw<N>`` beside it); 0 is the serial run. ``--write`` puts the table in
bench/RESULTS.md, in "Test suite time".
"""

import argparse
import os
import re
import subprocess
import sys
import time

from _common import ROOT, machine, measured_on, postgres, publish

PYTEST = ROOT / ".venv" / "bin" / "pytest"
# pytest's last line: "1380 passed, 19 skipped in 123.45s (0:02:03)"; each part optional.
COUNTED = re.compile(r"(\d+) (passed|failed|skipped|errors?)")


def run_suite(workers, database_url):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if database_url:
        env["DATABASE_URL"] = database_url
    load = os.getloadavg()[0]
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603 - the project's own test runner
        [str(PYTEST), "-q", "-p", "no:cacheprovider", "-n", str(workers)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - started
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    counts = {kind.rstrip("s"): int(n) for n, kind in COUNTED.findall(summary)}
    print(f"workers={workers} {'PostgreSQL' if database_url else 'SQLite'}: {summary}", flush=True)
    if result.returncode != 0:
        print(result.stdout[-4000:], file=sys.stderr)
    return {
        "seconds": seconds,
        "counts": counts,
        "ok": result.returncode == 0,
        "load": (load, os.getloadavg()[0]),
    }


def row(database, workers, serial, figures):
    minutes, seconds = divmod(round(figures["seconds"]), 60)
    counts = figures["counts"]
    speedup = f"{serial / figures['seconds']:.2f}×" if serial else "–"
    outcome = f"{counts.get('passed', 0)} passed, {counts.get('skipped', 0)} skipped"
    if not figures["ok"]:
        outcome += f", {counts.get('failed', 0)} failed, {counts.get('error', 0)} errors"
    start, end = figures["load"]
    label = "serial (`-n 0`)" if workers == 0 else f"`-n {workers}`"
    return (
        f"| {database} | {label} | {minutes}:{seconds:02d} | {speedup} | {outcome} "
        f"| {start:.1f} → {end:.1f} |"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", nargs="+", default=["0", "2", "3"])
    parser.add_argument("--postgres", help="URL of a scratch database (created and dropped)")
    parser.add_argument("--postgres-workers", nargs="+", help="counts there (default: --workers)")
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    options = parser.parse_args()
    databases = [("SQLite", None, options.workers)]
    if options.postgres:
        databases.append(
            ("PostgreSQL", options.postgres, options.postgres_workers or options.workers)
        )
    where = machine()
    results = {}
    for database, url, counts in databases:
        if url:
            postgres(url, "create")
        try:
            for workers in counts:
                results[database, workers] = run_suite(workers, url)
        finally:
            if url:
                postgres(url, "drop")
    rows = [
        "| database | workers | wall time | vs serial | outcome | load average start → end |",
        "|---|---|---:|---:|---|---|",
    ]
    for database, _url, counts in databases:
        serial = results.get((database, "0"), {}).get("seconds")
        for workers in counts:
            rows.append(row(database, int(workers), serial, results[database, workers]))
    if options.write:
        publish("suite_time", [measured_on(where), "", *rows])
    else:
        print("\n".join(rows))


if __name__ == "__main__":
    main()
