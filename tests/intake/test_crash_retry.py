"""A report through the intake API survives a crash at any point: kill -9 of the app
server (and, on PostgreSQL, the request's database backend terminated) in the middle of
the work, or after the commit before the answer left; a retry with the same
Idempotency-Key then gets the report stored exactly once, at once, never a key stuck "in
progress". The server is the real one (`lindungi serve`, gunicorn), on a deployment of
its own of the suite's database kind."""

import json
import os
import signal
import sqlite3
import threading
import time
import urllib.error
import urllib.request

import psycopg
import pytest

from tests.deployments import deployment, is_sqlite, run, serve

KELURAHAN = "31.74.01.1001"
MAKE_REGION = f"""
import django
django.setup()
from lindungi.places.models import Region
parent = None
for code, level, kind in (("31", 1, "provinsi"), ("31.74", 2, "kota"),
                          ("31.74.01", 3, "kecamatan"), ("{KELURAHAN}", 4, "kelurahan")):
    parent = Region.objects.create(code=code, name=code, level=level, type=kind, parent=parent)
"""
COUNT_REPORTS = """
import django, json
django.setup()
from lindungi.core.models import SubmittedKey
from lindungi.intake.models import Report
print(json.dumps({"reports": sorted(Report.objects.values_list("reference", flat=True)),
                  "pending": SubmittedKey.objects.filter(outcome__isnull=True).count()}))
"""
BODY = {
    "what_happened": "Crash test",
    "in_danger_now": True,
    "kelurahan": KELURAHAN,
    "people": [{"age": 30, "sex": "female"}],
}


@pytest.fixture(scope="module")
def site(tmp_path_factory, databases):
    folder = tmp_path_factory.mktemp("crash")
    url = databases.new("crash")
    env = deployment(folder, "data", url, LINDUNGI_SSL_REDIRECT="0", LINDUNGI_PROXY_HOPS="0")
    run(env, "migrate", "--noinput")
    run(env, code=MAKE_REGION)
    key = run(env, "apikey", "create", "112-dispatch").stdout.strip()
    return {"env": env, "url": url, "key": key, "folder": folder}


class Server:
    def __init__(self, site):
        self.site = site
        self.process, self.port = serve(site["env"])

    def send(self, idempotency_key, timeout=30):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/v1/reports",
            data=json.dumps(BODY).encode(),
            headers={
                "Authorization": f"Bearer {self.site['key']}",
                "Idempotency-Key": idempotency_key,
                "Content-Type": "application/json",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def send_in_background(self, idempotency_key):
        """The request, in a thread whose answer (or failure) nobody waits for."""

        def send():
            try:
                self.send(idempotency_key)
            except OSError:
                pass  # the server was killed under it

        thread = threading.Thread(target=send, daemon=True)
        thread.start()
        return thread

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


@pytest.fixture
def server(site):
    started = []

    def start():
        started.append(Server(site))
        return started[-1]

    yield start
    for each in started:
        each.stop()


def stored(site):
    return json.loads(run(site["env"], code=COUNT_REPORTS).stdout.splitlines()[-1])


class HeldLock:
    """Holds up the report's write half-way, after the key is claimed and before commit.

    PostgreSQL: a lock on the table of the people a report names, which the work writes
    after the report itself (a statement inside the transaction, not its commit: a backend
    whose client died during COMMIT still commits). SQLite: the database's write lock; the
    request's transaction waits to begin.
    """

    def __init__(self, site):
        self.site = site
        if is_sqlite():
            self.connection = sqlite3.connect(site["url"].removeprefix("sqlite:///"))
            self.connection.isolation_level = None
            self.connection.execute("BEGIN IMMEDIATE")
        else:
            self.connection = psycopg.connect(site["url"])
            self.connection.execute("LOCK TABLE intake_reportperson IN EXCLUSIVE MODE")

    def wait_for_the_request(self):
        """Until the request waits on the lock (PostgreSQL), or has had time to (SQLite)."""
        if is_sqlite():
            time.sleep(1.5)
            return None
        deadline = time.monotonic() + 30
        with psycopg.connect(self.site["url"], autocommit=True) as watcher:
            while time.monotonic() < deadline:
                row = watcher.execute(
                    "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                ).fetchone()
                if row:
                    return row[0]
                time.sleep(0.05)
        raise AssertionError("the request never reached the lock")

    def release(self):
        if is_sqlite():
            self.connection.execute("ROLLBACK")
        else:
            self.connection.rollback()
        self.connection.close()


def retry_until_stored(server, key):
    """The retry, timed: a client retries at once after a failure."""
    started = time.monotonic()
    status, body = server.send(key)
    return status, body, time.monotonic() - started


def test_a_kill_9_in_the_middle_of_a_report_leaves_nothing_stuck(site, server):
    first = server()
    lock = HeldLock(site)
    first.send_in_background("crash-mid-work")
    lock.wait_for_the_request()
    first.kill()
    lock.release()
    second = server()
    status, body, seconds = retry_until_stored(second, "crash-mid-work")
    assert status == 201, body
    assert seconds < 5
    facts = stored(site)
    assert facts["reports"].count(body["reference"]) == 1
    assert facts["pending"] == 0
    assert second.send("crash-mid-work") == (201, body)


def test_a_kill_9_after_the_commit_gives_the_stored_answer_to_the_retry(site, server):
    first = server()
    before = set(stored(site)["reports"])
    first.send_in_background("crash-after-commit")
    deadline = time.monotonic() + 30
    while not set(stored(site)["reports"]) - before:
        assert time.monotonic() < deadline, "the report was never committed"
    first.kill()
    (made,) = set(stored(site)["reports"]) - before
    second = server()
    status, body = second.send("crash-after-commit")
    assert (status, body["reference"]) == (201, made)
    assert stored(site)["reports"].count(made) == 1


@pytest.mark.skipif(is_sqlite(), reason="a database backend to terminate is PostgreSQL's")
def test_a_terminated_database_backend_in_the_middle_of_a_report_leaves_nothing_stuck(site, server):
    web = server()
    lock = HeldLock(site)
    answer = {}

    def send():
        answer["first"] = web.send("crash-backend")

    thread = threading.Thread(target=send)
    thread.start()
    backend = lock.wait_for_the_request()
    with psycopg.connect(site["url"], autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend])
    lock.release()
    thread.join(timeout=30)
    assert answer["first"][0] == 503 and answer["first"][1]["error"] == "unavailable"
    status, body, seconds = retry_until_stored(web, "crash-backend")
    assert status == 201, body
    assert seconds < 5
    assert stored(site)["reports"].count(body["reference"]) == 1
