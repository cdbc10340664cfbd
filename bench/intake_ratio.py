"""The intake API against plain psycopg inserting the same rows, on PostgreSQL (issue 12).

Usage: ``.venv/bin/python bench/intake_ratio.py [--postgres URL] [--clients 1 8 16]
[--requests 400] [--write]``

A scratch PostgreSQL database, migrated, with Jakarta's regions and an API key. In a child
process with Django, one report goes through ``actions.receive_api_report`` as the API
route calls it (an Idempotency-Key's claim, encryption, blind indexes, risk, audit) with an
execute wrapper recording every statement; its INSERTs are kept, in order, with their
parameters. The same child then replays them with psycopg alone, no Django code on the
path: each client a thread with its own connection (bound as Django's backend binds:
server-side with prepared statements on PostgreSQL, see lindungi/config.py, or client-
side), each transaction the captured INSERTs with every key renewed (UUIDs, consistently
within the transaction; the report's reference) and a commit. Beside it, ``--requests``
POST /api/v1/reports go through ``lindungi serve`` (gunicorn, as deployed: API key,
validation, idempotency, audit) from the same number of client threads, each with its own
Idempotency-Key, no retries. Replay and HTTP run one after the other at each client count,
on the same database; then as many GET /healthz through the same server (one ``SELECT 1``,
no middleware skipped), and as many POST /ceiling through a second server of the same
shape (bench/intake_ceiling.py: Django's connection runs the replayed INSERTs and nothing
else, with the intake route's middleware).

The ratio (HTTP requests/s over replayed transactions/s) is what the whole stack keeps of
what the database alone could do with these rows. The ceiling's ratio bounds it: what a
route on gunicorn and Django keeps when it writes these rows and does no other work (no
key, validation, encryption, blind index, idempotency or audit).
"""

import argparse
import http.client
import json
import os
import re
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, measured_on, postgres, publish, run_child
from intake_load import environment, fire, jobs, lindungi, serving

TARGET = 0.5
TARGET_CLIENTS = (8, 16)
UUID_TEXT = re.compile(r"\A[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\Z")
REFERENCE = re.compile(r"\ALP-[0-9A-Z]{5}-[0-9A-Z]{5}\Z")


def _renewed(value, keys):
    """``value`` with a fresh key where it was one (the same fresh key for the same old one
    within a transaction, so that foreign keys still point at their rows)."""
    if isinstance(value, uuid.UUID):
        return keys.setdefault(value, uuid.uuid4())
    if isinstance(value, str) and UUID_TEXT.match(value):
        fresh = keys.setdefault(value, uuid.uuid4())
        return fresh.hex if "-" not in value else str(fresh)
    if isinstance(value, str) and REFERENCE.match(value):
        from lindungi.intake.references import new_reference  # a random text, no Django

        return keys.setdefault(value, new_reference())
    return value


def _transaction(statements):
    keys = {}
    return [(sql, [_renewed(p, keys) for p in params]) for sql, params in statements]


def capture():
    """The INSERTs one report through the action makes, with their parameters: as the API
    calls it, with an Idempotency-Key, so the key's claim is among them."""
    from django.db import connection

    from lindungi.api.intake import SCOPE, _answer
    from lindungi.core.once import SubmitOnce, digest_of
    from lindungi.intake import actions
    from lindungi.intake.models import ApiKey
    from lindungi.places.models import Region

    inserts = []

    def record(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT"):
            inserts.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    data = {
        "channel": "api",
        "reporter_type": "survivor",
        "what_happened": "Replay: " + "kekerasan dalam rumah tangga. " * 20,
        "kelurahan": Region.objects.get(code="31.74.01.1001"),
        "in_danger_now": False,
        "injuries": True,
        "contact_phone": "+6281234567890",
        "consent_contact": True,
        "safe_channels": ["sms"],
    }
    api_key = ApiKey.objects.get(name="bench")
    once = SubmitOnce(
        SCOPE, f"apikey:{api_key.pk}", str(uuid.uuid4()), digest_of({"n": 1}), answer=_answer
    )
    with connection.execute_wrapper(record):
        actions.receive_api_report(api_key, data, once=once)
    return inserts


def binding():
    """psycopg's connection options as Django's backend sets them: client-side binding, or
    server-side with statements prepared after ``prepare_threshold`` runs."""
    import psycopg
    from django.db import connection

    options = connection.settings_dict["OPTIONS"]
    if not options.get("server_side_binding"):
        return {"cursor_factory": psycopg.ClientCursor}
    return {"prepare_threshold": options.get("prepare_threshold")}


def per_second(count, clients, connect, send):
    """``count`` calls of ``send(connection)`` from ``clients`` threads, each on a connection
    of its own from ``connect()``, taking the next call until none is left; calls/s."""
    left = [count]
    lock = threading.Lock()

    def client():
        connection = connect()
        try:
            while True:
                with lock:
                    if not left[0]:
                        return
                    left[0] -= 1
                send(connection)
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count / (time.perf_counter() - started)


def replay(url, inserts, count, clients):
    """``count`` transactions of ``inserts`` from ``clients`` threads, each connection bound
    as Django's are; transactions/s."""
    import psycopg

    options = binding()

    def insert(connection):
        with connection.transaction():
            for sql, params in _transaction(inserts):
                connection.execute(sql, params)

    return per_second(count, clients, lambda: psycopg.connect(url, **options), insert)


def answered(port, count, clients, path, body=None):
    """``count`` requests for ``path`` (a GET, or a POST of ``body``) from ``clients``
    threads, each on its own kept-alive connection, as ``fire`` sends the reports;
    requests/s. Any answer but 200 or 201 stops the run."""

    def ask(connection):
        if body is None:
            connection.request("GET", path)
        else:
            connection.request("POST", path, body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        if response.status not in (200, 201):
            raise RuntimeError(f"{path} answered {response.status}")

    def connect():
        return http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    return per_second(count, clients, connect, ask)


def child(url, requests, clients):
    """Capture, then the replay rate at each client count."""
    import django

    django.setup()
    inserts = capture()
    tables = [re.search(r'INTO "?(\w+)"?', sql).group(1) for sql, _params in inserts]
    rates = {c: replay(url, inserts, requests, c) for c in clients}
    return {"tables": tables, "replay": rates}


def ceiling_env(env):
    """The server of the ceiling: the deployed settings with ``POST /ceiling``
    (bench/intake_ceiling.py), the bench's directory on the path for its capture."""
    bench = str(Path(__file__).resolve().parent)
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "intake_ceiling_settings",
        "PYTHONPATH": os.pathsep.join([bench, env["PYTHONPATH"]]),
    }


def run(url, requests, clients):
    """At each client count in turn, on one database: the replay, the intake API, GET
    /healthz, and POST /ceiling on a second server; each a dict of rates by client count."""
    with tempfile.TemporaryDirectory() as scratch:
        env = environment(url, scratch)
        lindungi(env, "migrate", "--noinput")
        lindungi(env, "load-regions", "31")
        key = lindungi(env, "apikey", "create", "bench").strip()
        rates = {name: {} for name in ("http", "replay", "healthz", "ceiling")}
        tables = []
        body = jobs(1, retry_share=0)[0][1]
        ceiling_logs = Path(scratch) / "ceiling"
        ceiling_logs.mkdir()
        with (
            serving(env, scratch, "2") as port,
            serving(ceiling_env(env), ceiling_logs, "2") as ceiling_port,
        ):
            answered(ceiling_port, 1, 1, "/ceiling", body)  # its capture, before timing
            for c in clients:
                out = json.loads(run_child(__file__, url, requests, c, env=env, timeout=1200))
                rates["replay"][c], tables = out["replay"][str(c)], out["tables"]
                seconds, answers, _conflicts, failures = fire(
                    port, key, jobs(requests, retry_share=0), c
                )
                if failures or len(answers) != requests:
                    sys.exit(f"HTTP at {c} clients: {len(failures)} failures")
                rates["http"][c] = requests / seconds
                rates["healthz"][c] = answered(port, requests, c, "/healthz")
                rates["ceiling"][c] = answered(ceiling_port, requests, c, "/ceiling", body)
    return tables, rates


def write(where, requests, tables, rates):
    rows = [
        "| clients | HTTP requests/s | psycopg replay transactions/s | ratio | target "
        "| POST /ceiling requests/s | its ratio (any route's most) "
        "| GET /healthz requests/s | its ratio |",
        "|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for c, replayed in rates["replay"].items():
        ratio = rates["http"][c] / replayed
        target = ("met" if ratio >= TARGET else "MISSED") if c in TARGET_CLIENTS else "–"
        rows.append(
            f"| {c} | {rates['http'][c]:,.0f} | {replayed:,.0f} | {ratio:.2f} | {target} "
            f"| {rates['ceiling'][c]:,.0f} | {rates['ceiling'][c] / replayed:.2f} "
            f"| {rates['healthz'][c]:,.0f} | {rates['healthz'][c] / replayed:.2f} |"
        )
    counted = ", ".join(f"{t} {tables.count(t)}" for t in dict.fromkeys(tables))
    settings = (
        f"{requests} requests and {requests} replayed transactions at each client count; "
        f"gunicorn with 2 workers. The action's INSERTs, one transaction: {counted}."
    )
    publish("intake_ratio", [measured_on(where, settings), "", *rows])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/lindungi_bench_ratio"
    )
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 16])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--write", action="store_true", help="write the figures to RESULTS.md")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        requests, clients = map(int, args.child)
        print(json.dumps(child(os.environ["DATABASE_URL"], requests, [clients])))
        return
    where = machine()
    postgres(args.postgres, "create")
    try:
        tables, rates = run(args.postgres, args.requests, args.clients)
    finally:
        postgres(args.postgres, "drop")
    for c, replayed in rates["replay"].items():
        print(
            f"{c} clients: HTTP {rates['http'][c]:.0f}/s, replay {replayed:.0f}/s, "
            f"/ceiling {rates['ceiling'][c]:.0f}/s, /healthz {rates['healthz'][c]:.0f}/s",
            file=sys.stderr,
        )
    if args.write:
        write(where, args.requests, tables, rates)


if __name__ == "__main__":
    main()
