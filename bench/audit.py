"""What auditing costs, on SQLite and PostgreSQL: per write, under concurrent reads, and
how fast the sealer links events into the chain.

Usage: ``.venv/bin/python bench/audit.py [--postgres URL] [--writes N] [--seconds S]
[--before DIR]``

Each database gets a fresh, migrated copy (a temporary SQLite file in WAL mode, as
deployed; a scratch PostgreSQL database).

- Per write: one write is saving a Unit in its own transaction; the audited write does the
  same plus ``record()`` in that transaction, which is what every action does (and the
  seal: after the commit on PostgreSQL, by the process's sealing thread beside the next
  writes, before it on SQLite). Rounds alternate the two so
  that drift in the machine's load hits both alike; the median round is reported.
- Sealer throughput: 20,000 events recorded with nothing sealing them, then one
  ``seal(wait=True)`` (the worker's call) timed; then ``audit-verify`` over the chain.
- Audited reads: ``lindungi serve`` (gunicorn, as deployed) on loopback; 1, 4 and 8
  client threads, each with its own logged-in session, request the case page (an audited
  read: ``case.read``) for ``--seconds``, then the home page (the trivial page) as long;
  pages per second, and their ratio, which should not fall as clients grow. ``--before
  DIR`` runs this part again with the code in DIR (a checkout of the previous version),
  for the before/after figures.
- Seal latency: the intake API (bench/intake_load.py's requests, 8 clients) through
  ``lindungi serve`` with ``lindungi worker`` running beside it; a monitor polls the
  chain's head every 20 ms, and an event's latency is the first poll that saw it sealed
  minus its recorded time (taken just before its transaction commits).

Results go to this script's section of bench/RESULTS.md.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, describe, machine, measured_on, percentile, postgres, publish, run_child
from intake_load import LINDUNGI, environment, fire, free_port, jobs, lindungi, wait_until_up

ROUNDS = 7
CHAIN_EVENTS = 20000
CLIENTS = (1, 4, 8)
INTAKE_REQUESTS = 400
INTAKE_CLIENTS = 8
POLL = 0.02


def measure(writes):
    """Runs inside a child process whose DATABASE_URL is the database to measure."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from lindungi.accounts.models import Unit
    from lindungi.audit import events
    from lindungi.audit.chain import verify
    from lindungi.audit.events import record
    from lindungi.audit.sealer import background, seal
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

    # As if every process died between its commit and its seal: the worker seals them all
    # (once the sealing thread has sealed the writes above).
    background.settle()
    events.seal_after_commit = lambda using: None
    unsealed = CHAIN_EVENTS - (ROUNDS + 1) * writes
    for n in range(unsealed):
        record("case.read", object_type="cases.case", object_id=f"bench-{n}")
    start = time.perf_counter()
    sealed = seal(wait=True)
    seal_seconds = time.perf_counter() - start
    assert sealed == unsealed
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
        "sealed": sealed,
        "seal_per_s": sealed / seal_seconds,
    }


def make_sessions(count):
    """Runs inside a child process on the server's settings: migrated, Jakarta's regions,
    the test personas, a case, and ``count`` logged-in sessions of its case worker."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from lindungi.places.loader import load_province
    from tests.cases.factories import make_case
    from tests.login import log_in
    from tests.personas import make_personas

    call_command("migrate", verbosity=0)
    load_province("31")
    personas = make_personas()
    case = make_case(personas)
    cookies = []
    for _ in range(count):
        browser = Client()
        log_in(browser, personas.case_worker_a)
        cookies.append("; ".join(f"{k}={v.value}" for k, v in browser.cookies.items()))
    return {"case_page": reverse("cases:detail", args=[case.pk]), "cookies": cookies}


def pages_per_second(port, path, cookies, seconds):
    """Each cookie a client thread requesting ``path`` over and over for ``seconds``."""
    done, failures = [], []
    stop = time.monotonic() + seconds

    def client(cookie):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        count = 0
        while time.monotonic() < stop:
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
            count += 1
        done.append(count)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(cookie,)) for cookie in cookies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{path}: HTTP {sorted(set(failures))}, see the server's log")
    return sum(done) / (time.perf_counter() - started)


class Serving:
    """``lindungi serve`` (and, if asked, ``lindungi worker``) for the length of a block."""

    def __init__(self, env, data_dir, worker=False):
        self.env, self.worker = env, worker
        self.log = Path(os.environ.get("BENCH_SERVER_LOG") or Path(data_dir) / "server.log")
        self.port = free_port()
        self.processes = []

    def __enter__(self):
        lindungi(self.env, "collectstatic", "--noinput")  # pages name hashed static files
        workers = str(max(2, os.cpu_count() or 2))
        command = [LINDUNGI, "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", workers]
        commands = [command] + ([[LINDUNGI, "worker"]] if self.worker else [])
        for arguments in commands:
            self.processes.append(
                subprocess.Popen(  # noqa: S603 - our own console command
                    arguments,
                    cwd=ROOT,
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=self.log.open("a"),
                )
            )
        wait_until_up(self.port, self.processes[0], self.log)
        return self

    def __exit__(self, *exc):
        for process in self.processes:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def audited_reads(database_url, data_dir, seconds, code=None):
    """Case pages and home pages per second at each client count, through the server."""
    env = environment(database_url, data_dir)
    if code:
        env.update(PYTHONPATH=str(code), PYTHONDONTWRITEBYTECODE="1")
    sessions = json.loads(
        run_child(__file__, database_url, "--sessions", max(CLIENTS), env=env, timeout=900)
    )
    figures = {}
    with Serving(env, data_dir) as server:
        for clients in CLIENTS:
            cookies = sessions["cookies"][:clients]
            pages_per_second(server.port, sessions["case_page"], cookies, 1)  # warm up
            case = pages_per_second(server.port, sessions["case_page"], cookies, seconds)
            home = pages_per_second(server.port, "/", cookies, seconds)
            figures[clients] = {"case": case, "home": home}
            log(f"  {clients} clients: case page {case:.1f}/s, home {home:.1f}/s")
    return figures


def head_poller(database_url, stop, polls):
    """Every POLL seconds, (time, highest sealed sequence), until ``stop`` is set."""
    if database_url.startswith("sqlite:///"):
        import sqlite3

        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"))
    else:
        import psycopg

        connection = psycopg.connect(database_url, autocommit=True)
    sql = "SELECT max(sequence) FROM audit_auditevent"
    while not stop.is_set():
        polls.append((time.time(), connection.execute(sql).fetchone()[0] or 0))
        time.sleep(POLL)
    rows = connection.execute(
        "SELECT sequence, at FROM audit_auditevent WHERE sequence IS NOT NULL"
    ).fetchall()
    connection.close()
    return rows


def timestamp(value):
    if isinstance(value, str):  # SQLite: UTC, without an offset
        value = datetime.fromisoformat(value.replace(" ", "T") + "+00:00")
    return value.timestamp()


def seal_latency(database_url, data_dir):
    """Intake requests through the server with a worker beside it; commit -> sealed."""
    env = environment(database_url, data_dir)
    key = lindungi(env, "apikey", "create", "bench").strip()
    polls, stop = [], threading.Event()
    with Serving(env, data_dir, worker=True) as server:
        monitor_rows = []
        monitor = threading.Thread(
            target=lambda: monitor_rows.extend(head_poller(database_url, stop, polls))
        )
        monitor.start()
        seconds, answers, _conflicts, failures = fire(
            server.port, key, jobs(INTAKE_REQUESTS), INTAKE_CLIENTS
        )
        time.sleep(3)  # the worker's backstop comes round
        stop.set()
        monitor.join()
    latencies = []
    for sequence, at in monitor_rows:
        seen = next((t for t, head in polls if head >= sequence), None)
        if seen is not None:
            latencies.append(max(0.0, seen - timestamp(at)))
    return {
        "intake_per_s": (len(answers) + len(failures)) / seconds,
        "events": len(latencies),
        "p50_ms": percentile(latencies, 50) * 1e3,
        "p95_ms": percentile(latencies, 95) * 1e3,
        "max_ms": max(latencies) * 1e3,
    }


def log(message):
    print(message, file=sys.stderr, flush=True)


def measured(database_url, writes, seconds, before):
    result = json.loads(run_child(__file__, database_url, "--writes", writes))
    log(f"{result['database']}: writes done; audited reads")
    reset(database_url)
    with tempfile.TemporaryDirectory() as data_dir:
        result["reads"] = audited_reads(database_url, data_dir, seconds)
    if before:
        reset(database_url)
        log("  the same with the code before")
        with tempfile.TemporaryDirectory() as data_dir:
            result["reads_before"] = audited_reads(database_url, data_dir, seconds, before)
    reset(database_url)
    log("  seal latency under intake load")
    with tempfile.TemporaryDirectory() as data_dir:
        lindungi(environment(database_url, data_dir), "migrate", "--noinput")
        lindungi(environment(database_url, data_dir), "load-regions", "31")
        result["latency"] = seal_latency(database_url, data_dir)
    return result


def reset(database_url):
    """A fresh, empty database for the next part."""
    if database_url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(database_url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        postgres(database_url, "create")


def write_results(results, writes, seconds, where, before):
    rows = [
        "| database | write alone | write + audit event | added by auditing | sealer | verify |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        added = r["audited_us"] - r["plain_us"]
        rows.append(
            f"| {r['database']} | {r['plain_us']:.0f} µs | {r['audited_us']:.0f} µs "
            f"| {added:.0f} µs ({added / r['plain_us']:.0%}) "
            f"| {r['seal_per_s']:,.0f} events/s over {r['sealed']:,} "
            f"| {r['verify_rows_per_s']:,.0f} events/s over {r['events']:,} |"
        )
    reads = [
        "| database | code | clients | case pages/s | home pages/s | ratio |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        for code, key in (("before", "reads_before"), ("sealing", "reads")):
            for clients, f in r.get(key, {}).items():
                reads.append(
                    f"| {r['database']} | {code} | {clients} | {f['case']:.1f} "
                    f"| {f['home']:.1f} | {f['case'] / f['home']:.2f} |"
                )
    latency = [
        "| database | intake requests/s | events | p50 | p95 | max |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lat = r["latency"]
        latency.append(
            f"| {r['database']} | {lat['intake_per_s']:.0f} | {lat['events']:,} "
            f"| {lat['p50_ms']:.0f} ms | {lat['p95_ms']:.0f} ms | {lat['max_ms']:.0f} ms |"
        )
    command = f"`.venv/bin/python bench/audit.py --seconds {seconds}" + (
        f" --before DIR` (DIR: `{before}`)" if before else "`"
    )
    settings = f"{command}; median of {ROUNDS} rounds of {writes} writes."
    publish("audit", [measured_on(where, settings), "", *rows])
    publish(
        "audit_reads", [measured_on(where, f"{seconds} s per page and client count."), "", *reads]
    )
    settings = (
        f"{INTAKE_REQUESTS} intake requests, {INTAKE_CLIENTS} clients, "
        f"polled every {POLL * 1000:.0f} ms."
    )
    publish("audit_seal", [measured_on(where, settings), "", *latency])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/lindungi_bench_audit"
    )
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5, help="per page and client count")
    parser.add_argument("--before", help="a checkout of the previous code, for before/after")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sessions", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        answer = make_sessions(args.sessions) if args.sessions else measure(args.writes)
        print(json.dumps(answer))
        return
    where = machine()
    results = []
    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as scratch:
            url = f"sqlite:///{scratch}/bench.sqlite3"
            results.append(measured(url, args.writes, args.seconds, args.before))
    if args.only != "sqlite":
        postgres(args.postgres, "create")
        try:
            results.append(measured(args.postgres, args.writes, args.seconds, args.before))
        finally:
            postgres(args.postgres, "drop")
    write_results(results, args.writes, args.seconds, where, args.before)


if __name__ == "__main__":
    main()
