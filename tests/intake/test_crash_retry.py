"""A report through the intake API survives a crash at any point: kill -9 of the app
server (and, on PostgreSQL, the request's database backend terminated) in the middle of
the work, or after the commit before the answer left; a retry with the same
Idempotency-Key then gets the report stored exactly once, at once, never a key stuck "in
progress". So does the public form: the reporter's browser sends the same form (the same
form token) again and gets one report and the same reference and PIN page each time. The
server is the real one (`lindungi serve`, gunicorn), on a deployment of its own of the
suite's database kind."""

import http.client
import json
import os
import re
import signal
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from contextlib import closing
from urllib.parse import urlencode

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
    url = databases.migrated("crash")
    env = deployment(
        folder,
        "data",
        url,
        LINDUNGI_SSL_REDIRECT="0",
        LINDUNGI_PROXY_HOPS="0",
        LINDUNGI_PUBLIC_FORM_MIN_SECONDS="0",  # the public form sent at once, no robot check
    )
    run(env, "collectstatic", "--noinput")  # the public form is a page
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

    PostgreSQL: a lock on ``table``, by default that of the people a report names, which
    the work writes after the report itself (a statement inside the transaction, not its
    commit: a backend whose client died during COMMIT still commits). SQLite: the
    database's write lock; the request's transaction waits to begin.
    """

    def __init__(self, site, table="intake_reportperson"):
        self.site = site
        if is_sqlite():
            self.connection = sqlite3.connect(site["url"].removeprefix("sqlite:///"))
            self.connection.isolation_level = None
            self.connection.execute("BEGIN IMMEDIATE")
        else:
            self.connection = psycopg.connect(site["url"])
            self.connection.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")

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


# The public form /lapor/

ANSWER = re.compile(r'id="reference">([^<]+)<.*id="pin">(\d+)<', re.S)
FIELDS = {
    "website": "",
    "reporter_type": "survivor",
    "what_happened": "Crash test: my husband hit me last night.",
    "kelurahan": KELURAHAN,
    "in_danger_now": "yes",
    "injuries": "no",
    "voicemail_safe": "no",
}


class Browser:
    """One person's browser on the public form: its CSRF cookie and the form it opened."""

    def __init__(self, port):
        page = self._request(port, "GET", "/lapor/")
        self.cookie = next(
            value.split(";", 1)[0]
            for name, value in page.getheaders()
            if name.lower() == "set-cookie" and "csrf" in value.split("=", 1)[0]
        )
        text = page.read().decode()
        self.form = {
            **FIELDS,
            **dict(re.findall(r'name="(form_token|csrfmiddlewaretoken)" value="([^"]+)"', text)),
        }

    @staticmethod
    def _request(port, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request(method, path, body, headers or {})
        return connection.getresponse()

    def send(self, port):
        """The form sent (again): the reference and PIN its page shows."""
        answer = self._request(
            port,
            "POST",
            "/lapor/",
            urlencode(self.form),
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie},
        )
        assert answer.status == 200, answer.status
        return ANSWER.search(answer.read().decode()).groups()

    def send_in_background(self, port):
        def send():
            try:
                self.send(port)
            except (OSError, http.client.HTTPException):
                pass  # the server was killed under it

        threading.Thread(target=send, daemon=True).start()


def references(site):
    """The stored references, read straight from the database (no process to start)."""
    query = "SELECT reference FROM intake_report WHERE reference IS NOT NULL ORDER BY 1"
    if is_sqlite():
        with closing(sqlite3.connect(site["url"].removeprefix("sqlite:///"))) as db:
            return [row[0] for row in db.execute(query)]
    with psycopg.connect(site["url"]) as db:
        return [row[0] for row in db.execute(query)]


def test_a_kill_9_while_the_form_is_sent_gives_one_report_to_the_retry(site, server):
    first = server()
    browser = Browser(first.port)
    before = references(site)
    lock = HeldLock(site, table="intake_report")
    browser.send_in_background(first.port)
    lock.wait_for_the_request()
    first.kill()
    lock.release()
    assert references(site) == before  # nothing of the killed sending remains

    second = server()
    started = time.monotonic()
    answer = browser.send(second.port)
    assert time.monotonic() - started < 5
    assert browser.send(second.port) == answer  # the same reference and PIN page
    new = sorted(set(references(site)) - set(before))
    assert new == [answer[0]]
    assert len(references(site)) == len(before) + 1


def test_a_kill_9_after_the_commit_shows_the_stored_report_to_the_retry(site, server):
    first = server()
    browser = Browser(first.port)
    before = set(references(site))
    browser.send_in_background(first.port)
    deadline = time.monotonic() + 30
    while not set(references(site)) - before:
        assert time.monotonic() < deadline, "the report was never committed"
    first.kill()
    (made,) = set(references(site)) - before
    second = server()
    reference, pin = browser.send(second.port)
    assert reference == made
    assert browser.send(second.port) == (reference, pin)
    assert len(references(site)) == len(before) + 1
