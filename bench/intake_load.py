"""Load test of the intake API, on SQLite and PostgreSQL.

Usage: ``.venv/bin/python bench/intake_load.py [--postgres URL] [--requests 1000]
[--clients 16]``

For each database: a throwaway data dir and a fresh database (a temporary SQLite file; a
scratch PostgreSQL database, created and dropped), migrated, with Jakarta's regions and
an API key (``lindungi apikey create``). ``lindungi serve`` (gunicorn, as deployed) runs
on a free loopback port. Then ``--requests`` POST /api/v1/reports come from ``--clients``
threads; one in ten is a retry of an earlier report with the same Idempotency-Key, queued
close behind it so that some retries arrive while the first is still running (409: the
client waits a little and retries, as a real one would). Afterwards every acknowledged
report must exist exactly once, and there must be no other. In the same run, on the same
database, ``actions.receive_api_report`` inserts the same kind of rows directly in a loop:
the rate beside the HTTP rate shows what HTTP, auth, validation, idempotency and the
server add. Results go to this script's section of bench/RESULTS.md.
"""

import argparse
import http.client
import json
import os
import queue
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, describe, machine, measured_on, postgres, publish, run_child

LINDUNGI = str(Path(sys.executable).parent / "lindungi")
RETRY_SHARE = 0.1
DIRECT_INSERTS = 300
DEADLINE = 600  # seconds for the whole HTTP phase: bounded whatever happens
KELURAHAN = ["31.74.01.1001", "31.71.01.1001", "31.72.01.1001", None]


def environment(database_url, data_dir):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lindungi.settings",
        "DATABASE_URL": database_url,
        "LINDUNGI_DEBUG": "0",
        "LINDUNGI_DATA_DIR": str(data_dir),
        "LINDUNGI_SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
        "LINDUNGI_FIELD_KEYS": "YmVuY2gtZmllbGQta2V5LTAwMDAwMDAwMDAwMDAwMDA=",
        "LINDUNGI_INDEX_KEY": "YmVuY2gtaW5kZXgta2V5LTAwMDAwMDAwMDAwMDAwMDA=",
        "LINDUNGI_AUDIT_KEY": "YmVuY2gtYXVkaXQta2V5LTAwMDAwMDAwMDAwMDAwMDA=",
        "LINDUNGI_ALLOWED_HOSTS": "127.0.0.1",
        "LINDUNGI_SSL_REDIRECT": "0",
        "PYTHONPATH": str(ROOT),
    }


def lindungi(env, *arguments):
    return subprocess.run(  # noqa: S603 - our own console command
        [LINDUNGI, *arguments],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port, server, log):
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError("lindungi serve stopped: " + log.read_text()[-2000:])
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("lindungi serve did not answer /healthz")


def jobs(count, retry_share=RETRY_SHARE):
    """``count`` requests: distinct reports, and one in ten (``retry_share``) a retry of a
    recent one."""
    rng = random.Random(4)
    originals = []
    order = []
    for n in range(count):
        if originals and rng.random() < retry_share:
            order.append(originals[-rng.randint(1, min(len(originals), 20))])
            continue
        body = {
            "channel": rng.choice(["api", "call_112"]),
            "reporter_type": rng.choice(["survivor", "other", "anonymous"]),
            "what_happened": f"Bench report {n}: " + "kekerasan dalam rumah tangga. " * 20,
            "kelurahan": rng.choice(KELURAHAN),
            "in_danger_now": rng.random() < 0.2,
            "injuries": rng.random() < 0.3,
            "contact_phone": f"0812{rng.randint(10_000_000, 99_999_999)}",
            "consent_contact": True,
            "safe_channels": ["sms"],
        }
        job = (str(uuid.UUID(int=rng.getrandbits(128))), json.dumps(body))
        originals.append(job)
        order.append(job)
    return order


def fire(port, key, order, clients):
    """Send every job; returns (seconds, answers) with answers (idempotency key, status,
    reference, replayed) for each 201, and the count of 409s waited out."""
    work = queue.Queue()
    for job in order:
        work.put(job)
    answers, conflicts, failures = [], [0], []
    lock = threading.Lock()
    stop_at = time.monotonic() + DEADLINE

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop_at:
            try:
                idem, body = work.get_nowait()
            except queue.Empty:
                return
            while time.monotonic() < stop_at:
                headers = {
                    "Authorization": f"Bearer {key}",
                    "Idempotency-Key": idem,
                    "Content-Type": "application/json",
                }
                try:
                    connection.request("POST", "/api/v1/reports", body, headers)
                    response = connection.getresponse()
                    payload = response.read()
                except (OSError, http.client.HTTPException):
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    continue  # a lost connection is what the Idempotency-Key is for
                if response.status == 409:
                    with lock:
                        conflicts[0] += 1
                    time.sleep(0.05)
                    continue
                with lock:
                    if response.status == 201:
                        answers.append(
                            (
                                idem,
                                json.loads(payload)["reference"],
                                response.getheader("Idempotent-Replayed") == "true",
                            )
                        )
                    else:
                        failures.append((response.status, payload[:200]))
                break

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, answers, conflicts[0], failures


def check_and_insert(answers_file):
    """Runs inside a child process on the measured database: the exactly-once check,
    then the direct insert rate of the same rows."""
    import django

    django.setup()
    from django.db import connection

    from lindungi.intake import actions
    from lindungi.intake.models import ApiKey, Report
    from lindungi.places.models import Region

    answers = json.loads(Path(answers_file).read_text())
    by_key = {}
    for idem, reference, _replayed in answers:
        by_key.setdefault(idem, set()).add(reference)
    stored = list(
        Report.objects.filter(channel__in=["api", "call_112"]).values_list("reference", flat=True)
    )
    acknowledged = {ref for refs in by_key.values() for ref in refs}
    result = {
        "database": describe(connection),
        "keys_with_one_reference": all(len(refs) == 1 for refs in by_key.values()),
        "acknowledged": len(acknowledged),
        "stored": len(stored),
        "stored_distinct": len(set(stored)),
        "all_acknowledged_stored": acknowledged <= set(stored),
        "none_unacknowledged": set(stored) <= acknowledged,
    }
    api_key = ApiKey.objects.get(name="bench")
    region = Region.objects.get(code="31.74.01.1001")
    data = {
        "channel": "api",
        "reporter_type": "survivor",
        "what_happened": "Direct insert: " + "kekerasan dalam rumah tangga. " * 20,
        "kelurahan": region,
        "in_danger_now": False,
        "injuries": True,
        "contact_phone": "+6281234567890",
        "consent_contact": True,
        "safe_channels": ["sms"],
    }
    started = time.perf_counter()
    for _ in range(DIRECT_INSERTS):
        actions.receive_api_report(api_key, dict(data))
    result["direct_per_s"] = DIRECT_INSERTS / (time.perf_counter() - started)
    return result


@contextmanager
def serving(env, data_dir, workers):
    """``lindungi serve`` on a free port, answering, until the block ends; yields the port."""
    port = free_port()
    # The request log goes to a file: a pipe nobody reads would fill and stall the server.
    log = Path(data_dir) / "server.log"
    server = subprocess.Popen(  # noqa: S603 - our own console command
        [LINDUNGI, "serve", "--bind", f"127.0.0.1:{port}", "--workers", workers],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        wait_until_up(port, server, log)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def run(database_url, data_dir, requests, clients):
    env = environment(database_url, data_dir)
    lindungi(env, "migrate", "--noinput")
    lindungi(env, "load-regions", "31")
    key = lindungi(env, "apikey", "create", "bench").strip()
    workers = str(max(2, os.cpu_count() or 2))
    with serving(env, data_dir, workers) as port:
        seconds, answers, conflicts, failures = fire(port, key, jobs(requests), clients)
    answers_file = Path(data_dir) / "answers.json"
    answers_file.write_text(json.dumps(answers))
    result = json.loads(run_child(__file__, database_url, answers_file, timeout=600, env=env))
    result.update(
        requests=len(answers) + len(failures),
        seconds=seconds,
        http_per_s=(len(answers) + len(failures)) / seconds,
        replays=sum(1 for a in answers if a[2]),
        conflicts=conflicts,
        failures=len(failures),
        workers=workers,
    )
    result["exactly_once"] = (
        result["keys_with_one_reference"]
        and result["all_acknowledged_stored"]
        and result["none_unacknowledged"]
        and result["stored"] == result["stored_distinct"] == result["acknowledged"]
        and not failures
    )
    print(json.dumps(result), file=sys.stderr)
    return result


def write_results(results, clients, where):
    rows = [
        "| database | HTTP requests | clients | requests/s | retries replayed | 409 waited out "
        "| acknowledged = stored, once each | direct inserts/s |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in results:
        rows.append(
            f"| {r['database']} | {r['requests']:,} in {r['seconds']:.1f} s | {clients} "
            f"| {r['http_per_s']:,.0f} | {r['replays']} | {r['conflicts']} "
            f"| {'yes' if r['exactly_once'] else 'NO'} ({r['acknowledged']:,} reports) "
            f"| {r['direct_per_s']:,.0f} |"
        )
    settings = f"gunicorn with {results[0]['workers']} workers × 4 threads, {clients} clients."
    publish("intake_load", [measured_on(where, settings), "", *rows])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/lindungi_bench_intake"
    )
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(check_and_insert(args.child)))
        return
    where = machine()
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        results.append(
            run(f"sqlite:///{scratch}/bench.sqlite3", scratch, args.requests, args.clients)
        )
    postgres(args.postgres, "create")
    try:
        with tempfile.TemporaryDirectory() as scratch:
            results.append(run(args.postgres, scratch, args.requests, args.clients))
    finally:
        postgres(args.postgres, "drop")
    write_results(results, args.clients, where)
    if not all(r["exactly_once"] for r in results):
        sys.exit("FAILED: an acknowledged report is missing or stored twice")


if __name__ == "__main__":
    main()
