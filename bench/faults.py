"""Fault test: intake under load while the app server, and PostgreSQL, die with kill -9.

Usage: ``.venv/bin/python bench/faults.py [--api 200] [--forms 40] [--clients 8]
[--only sqlite|postgresql] [--write]`` (``make faults``).

For each database, a fresh deployment as bench/intake_load.py makes one (migrated,
Jakarta's regions, an API key), served by ``lindungi serve`` (gunicorn, 2 workers). On
PostgreSQL the database is a private cluster this script creates under /tmp with
``initdb`` and ``pg_ctl`` (never the machine's shared server, which is not touched).

Client threads send ``--api`` reports to POST /api/v1/reports (intake_load's requests: one
in ten repeats an earlier Idempotency-Key) and ``--forms`` reports through the public form
``/lapor/`` (each from its own address behind the proxy, with its form token and CSRF
cookie), as people and integrations do: a request without an answer (connection refused
or cut, 5xx) is sent again, with the same key or form token, until it is answered; a 409
is waited out. Meanwhile the app server's whole process group is killed with SIGKILL
(``--app-kills`` times) and started again; on PostgreSQL the postmaster is killed too
(``--db-kills`` times) and the cluster started again (crash recovery).

Then every key and every form token is sent once more, and the run fails unless:

- each key and each form token has exactly one reference, and the last sending answers
  it again at once (no key or token left stuck "in progress");
- the database holds exactly the acknowledged references, each once;
- ``lindungi audit-verify`` passes, and on SQLite ``PRAGMA integrity_check`` says ok.

The figures (requests, answers, retries, kills, time) are printed; ``--write`` puts them in
bench/RESULTS.md.
"""

import argparse
import glob
import http.client
import json
import os
import queue
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import intake_load as load
from _common import ROOT, machine, measured_on, publish, run_child

KELURAHAN = "31.74.01.1001"
DEADLINE = 300  # seconds for the load on one database, whatever happens
FORM_FIELDS = {
    "website": "",
    "reporter_type": "survivor",
    "what_happened": "Fault test: my husband hit me last night.",
    "occurred_estimate": "last night",
    "kelurahan": KELURAHAN,
    "in_danger_now": "yes",
    "injuries": "no",
    "consent_contact": "on",
    "contact_phone": "0812-3456-7890",
    "safe_channels": "sms",
    "voicemail_safe": "no",
    "consent_services": "on",
}
CONFIRMATION = re.compile(r'id="reference">([^<]+)<.*id="pin">(\d+)<', re.S)
NO_ANSWER = (OSError, http.client.HTTPException)


class App:
    """``lindungi serve`` on a fixed port, started again after each kill."""

    def __init__(self, env, folder):
        self.env, self.port, self.log = env, load.free_port(), Path(folder) / "server.log"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - our own console command
            [load.LINDUNGI, "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "2"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("a"),
            start_new_session=True,  # its own group: the master and its workers die together
        )
        load.wait_until_up(self.port, self.process, self.log)

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


class Cluster:
    """A private PostgreSQL cluster under ``folder``, listening on loopback only.

    PostgreSQL refuses to run as root: as root, the cluster runs as the ``postgres`` user.
    """

    def __init__(self):
        self.bin = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
        # Its own folder under /tmp: the postgres user could not enter the scratch folder.
        self.folder = Path(tempfile.mkdtemp(prefix="lindungi-faults-pg-"))
        self.data = self.folder / "data"
        self.port = load.free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/lindungi"

    def _run(self, *command, check=True):
        return subprocess.run(  # noqa: S603 - PostgreSQL's own programs
            [*self.as_user, *command], capture_output=True, text=True, check=check, timeout=120
        )

    def create(self):
        if self.as_user:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                  "--auth=trust", "-E", "UTF8", "--no-instructions")  # fmt: skip
        self.start()
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                  "-U", "postgres", "lindungi")  # fmt: skip

    def start(self):
        """Start (again): after a kill -9 the old backends must first notice and exit."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        deadline = time.monotonic() + 60
        while True:
            started = self._run(
                str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"),
                "-o", options, "-w", "start", check=False,
            )  # fmt: skip
            if started.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not start again: " + started.stdout)
            time.sleep(0.5)

    def kill(self):
        """kill -9 of the postmaster: its backends go with it, crash recovery at start."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        os.kill(postmaster, signal.SIGKILL)

    def destroy(self):
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop",
                  check=False)  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


class Figures:
    def __init__(self):
        self.lock = threading.Lock()
        self.sent = self.retries = self.conflicts = self.app_kills = self.db_kills = 0
        self.failures = []

    def add(self, name, count=1):
        with self.lock:
            setattr(self, name, getattr(self, name) + count)


class Traffic:
    """What the clients send to whichever server is up, and what they were answered."""

    def __init__(self, app, api_key, figures):
        self.app, self.api_key, self.figures = app, api_key, figures
        self.stop_at = time.monotonic() + DEADLINE
        self.answered = []  # (kind, key or token, reference, pin or None)
        self.lock = threading.Lock()

    def _request(self, method, path, body=None, headers=None):
        """One request and its answer (status, headers, text), or None for no answer."""
        self.figures.add("sent")
        connection = http.client.HTTPConnection("127.0.0.1", self.app.port, timeout=30)
        try:
            connection.request(method, path, body, headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read().decode(errors="replace")
        except NO_ANSWER:
            return None
        finally:
            connection.close()

    def _until_answered(self, send):
        """``send()`` again until it is answered, as the person or integration would."""
        first = True
        while time.monotonic() < self.stop_at:
            if not first:
                self.figures.add("retries")
                time.sleep(0.25)
            first = False
            answer = send()
            if answer is None or answer[0] >= 500:
                continue  # no answer, or the server or database is down: send it again
            if answer[0] == 409:
                self.figures.add("conflicts")  # the same key still running elsewhere
                continue
            return answer
        raise RuntimeError("no answer before the deadline")

    def api_report(self, idempotency_key, body):
        headers = {
            "Authorization": f"Bearer {self.api_key}",
            "Idempotency-Key": idempotency_key,
            "Content-Type": "application/json",
        }
        status, _headers, text = self._until_answered(
            lambda: self._request("POST", "/api/v1/reports", body, headers)
        )
        if status != 201:
            self.figures.failures.append(f"API {status}: {text[:200]}")
            return None
        return json.loads(text)["reference"]

    def open_form(self, address):
        """The form's token and the CSRF cookie and token, as a browser gets them."""
        _status, headers, page = self._until_answered(
            lambda: self._request("GET", "/lapor/", headers={"X-Forwarded-For": address})
        )
        cookie = next(
            value.split(";", 1)[0]
            for name, value in headers.items()
            if name.lower() == "set-cookie" and "csrf" in value.split("=", 1)[0]
        )
        fields = dict(re.findall(r'name="(form_token|csrfmiddlewaretoken)" value="([^"]+)"', page))
        return cookie, fields

    def send_form(self, address, opened):
        cookie, fields = opened
        body = urlencode({**FORM_FIELDS, **fields})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "X-Forwarded-For": address,
        }
        status, _headers, page = self._until_answered(
            lambda: self._request("POST", "/lapor/", body, headers)
        )
        found = CONFIRMATION.search(page) if status == 200 else None
        if not found:
            self.figures.failures.append(f"form {status}")
            return None
        return found.groups()

    def run_job(self, job):
        if job[0] == "api":
            reference = self.api_report(job[1], job[2])
            answer = ("api", job[1], reference, None)
        else:
            address = job[1]
            opened = job[2] or self.open_form(address)
            job[2] = opened  # the retry at the end sends this same form again
            reference, pin = self.send_form(address, opened) or (None, None)
            answer = ("form", address, reference, pin)
        if answer[2] is not None:
            with self.lock:
                self.answered.append(answer)


def _jobs(api_count, form_count):
    """intake_load's API requests with the public form's interleaved among them."""
    api = [("api", key, body) for key, body in load.jobs(api_count)]
    forms = [["form", f"10.{n // 250}.{n % 250}.1", None] for n in range(form_count)]
    mixed, step = [], max(1, len(api) // max(1, len(forms)))
    for n, job in enumerate(api):
        mixed.append(job)
        if n % step == 0 and forms:
            mixed.append(forms.pop())
    return mixed + forms


def _drive(traffic, jobs, clients, kills):
    """Send ``jobs`` from ``clients`` threads; run each of ``kills`` (a callable) once the
    share of the jobs before it is answered. Returns the seconds taken."""
    work = queue.Queue()
    for job in jobs:
        work.put(job)

    def client():
        while True:
            try:
                job = work.get_nowait()
            except queue.Empty:
                return
            traffic.run_job(job)

    started = time.monotonic()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for n, kill in enumerate(kills, 1):
        while len(traffic.answered) < len(jobs) * n / (len(kills) + 1):
            if not any(thread.is_alive() for thread in threads):
                break
            time.sleep(0.02)
        kill()
    for thread in threads:
        thread.join(timeout=DEADLINE)
    return time.monotonic() - started


def _send_all_again(traffic, jobs):
    """Every key and form token once more: the same reference (and PIN), at once."""
    first = {(kind, key): (reference, pin) for kind, key, reference, pin in traffic.answered}
    stuck, started = [], time.monotonic()
    traffic.stop_at = started + DEADLINE
    for job in {(job[0], job[1]): job for job in jobs}.values():
        before = first.get((job[0], job[1]))
        try:
            if job[0] == "api":
                again = (traffic.api_report(job[1], job[2]), None)
            else:
                again = tuple(traffic.send_form(job[1], job[2]) or (None, None))
        except RuntimeError:  # still "in progress" at the deadline
            again = None
        if again != before:
            stuck.append(job[0])
    return stuck, time.monotonic() - started


def _app_kill(app, figures):
    def kill():
        app.kill()
        figures.add("app_kills")
        time.sleep(0.5)  # the clients find nobody listening meanwhile
        app.start()

    return kill


def _db_kill(cluster, figures):
    def kill():
        cluster.kill()
        figures.add("db_kills")
        time.sleep(0.5)  # the app answers 5xx meanwhile
        cluster.start()

    return kill


def check_stored(answers_file):
    """Runs in a child on the tested database: every reference stored, each once."""
    import django

    django.setup()
    from lindungi.intake.models import Report

    answered = json.loads(Path(answers_file).read_text())
    acknowledged = {reference for _kind, _key, reference, _pin in answered}
    per_key = {}
    for kind, key, reference, _pin in answered:
        per_key.setdefault((kind, key), set()).add(reference)
    stored = list(Report.objects.values_list("reference", flat=True))
    return {
        "one_reference_a_key": all(len(refs) == 1 for refs in per_key.values()),
        "acknowledged": len(acknowledged),
        "stored": len(stored),
        "stored_once_and_acknowledged": sorted(stored) == sorted(acknowledged),
    }


def run(database_url, folder, args, cluster=None):
    env = {
        **load.environment(database_url, folder),
        "LINDUNGI_PROXY_HOPS": "1",  # each form from its own address (X-Forwarded-For)
        "LINDUNGI_PUBLIC_FORM_MIN_SECONDS": "0",
    }
    load.lindungi(env, "migrate", "--noinput")
    load.lindungi(env, "collectstatic", "--noinput")
    load.lindungi(env, "load-regions", "31")
    api_key = load.lindungi(env, "apikey", "create", "faults").strip()
    figures = Figures()
    app = App(env, folder)
    kills = [_app_kill(app, figures) for _ in range(args.app_kills)]
    if cluster:
        for n in range(args.db_kills):
            kills.insert(2 * n + 1, _db_kill(cluster, figures))
    jobs = _jobs(args.api, args.forms)
    app.start()
    try:
        traffic = Traffic(app, api_key, figures)
        seconds = _drive(traffic, jobs, args.clients, kills)
        stuck, again_seconds = _send_all_again(traffic, jobs)
    finally:
        app.stop()
    answers_file = Path(folder) / "answers.json"
    answers_file.write_text(json.dumps(traffic.answered))
    result = json.loads(run_child(__file__, database_url, answers_file, timeout=300, env=env))
    audit = subprocess.run(  # noqa: S603 - our own console command
        [load.LINDUNGI, "audit-verify"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    result.update(
        jobs=len(jobs),
        sent=figures.sent,
        retries=figures.retries,
        conflicts=figures.conflicts,
        failures=figures.failures,
        app_kills=figures.app_kills,
        db_kills=figures.db_kills,
        seconds=seconds,
        stuck=len(stuck),
        again_seconds=again_seconds,
        audit_ok=audit.returncode == 0,
    )
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as db:
            result["integrity"] = db.execute("PRAGMA integrity_check").fetchone()[0]
    result["passed"] = (
        result["one_reference_a_key"]
        and result["stored_once_and_acknowledged"]
        and result["acknowledged"] > 0
        and not stuck
        and not figures.failures
        and result["audit_ok"]
        and result.get("integrity", "ok") == "ok"
    )
    return result


def report(name, r):
    integrity = f", integrity_check {r['integrity']}" if "integrity" in r else ""
    print(
        f"{name}: {r['jobs']} reports ({r['acknowledged']} acknowledged, {r['stored']} stored), "
        f"{r['sent']} requests, {r['retries']} retries without an answer, {r['conflicts']} "
        f"409 waited out, {r['app_kills']} app kills, {r['db_kills']} database kills, "
        f"{r['seconds']:.1f} s; every key and token again: {r['stuck']} stuck, "
        f"{r['again_seconds']:.1f} s; audit-verify {'ok' if r['audit_ok'] else 'FAILED'}"
        f"{integrity}; {'PASSED' if r['passed'] else 'FAILED'}"
    )
    for failure in r["failures"][:10]:
        print(f"  {failure}", file=sys.stderr)


def write_results(results, args, where):
    rows = [
        "| database | sendings (API + form) | reports stored | requests | retries without "
        "answer | kills (app, database) | time | stuck keys | exactly once | audit-verify |",
        "|---|---:|---:|---:|---:|---|---:|---:|---|---|",
    ]
    for name, r in results.items():
        rows.append(
            f"| {name} | {r['jobs']} | {r['stored']} | {r['sent']:,} | {r['retries']} "
            f"| {r['app_kills']}, "
            f"{r['db_kills']} | {r['seconds']:.1f} s | {r['stuck']} "
            f"| {'yes' if r['stored_once_and_acknowledged'] else 'NO'} "
            f"| {'ok' if r['audit_ok'] else 'FAILED'} |"
        )
    settings = (
        f"{args.api} API reports and {args.forms} public-form sendings from {args.clients} "
        f"client threads; {args.app_kills} app kills, {args.db_kills} database kills."
    )
    publish("faults", [measured_on(where, settings), "", *rows])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", type=int, default=200)
    parser.add_argument("--forms", type=int, default=40)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--app-kills", type=int, default=3)
    parser.add_argument("--db-kills", type=int, default=2)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--write", action="store_true", help="write the figures to RESULTS.md")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(check_stored(args.child)))
        return
    results, where = {}, machine()
    with tempfile.TemporaryDirectory(prefix="lindungi-faults-") as scratch:
        if args.only in (None, "sqlite"):
            folder = Path(scratch) / "sqlite"
            folder.mkdir()
            results["SQLite"] = run(f"sqlite:///{folder}/faults.sqlite3", folder, args)
            report("SQLite", results["SQLite"])
        if args.only in (None, "postgresql"):
            folder = Path(scratch) / "postgresql"
            folder.mkdir()
            cluster = Cluster()
            try:
                cluster.create()
                results["PostgreSQL"] = run(cluster.url, folder, args, cluster)
            finally:
                cluster.destroy()
            report("PostgreSQL", results["PostgreSQL"])
    if args.write:
        write_results(results, args, where)
    sys.exit(0 if all(r["passed"] for r in results.values()) else 1)


if __name__ == "__main__":
    main()
