"""Several processes, each with several threads, recording at once leave one valid chain:
no event lost, none sealed twice, no duplicate sequence.

Processes, with threads in them, each thread on its own connection: what production runs
(gunicorn workers and threads, the job worker). SQLite's in-memory test database cannot
be shared between processes, so on SQLite the writers use a database file of their own, migrated
(tests/deployments.py). On PostgreSQL they write into the test database itself.
"""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from lindungi.audit.models import AuditEvent
from tests.audit.marks import commits_audit_rows

WRITERS = 3
THREADS = 3
EVENTS_EACH = 40
TOTAL = WRITERS * THREADS * EVENTS_EACH
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database_url(request):
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
        return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
    return request.getfixturevalue("databases").migrated("concurrent")


def environment(database_url):
    return {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "tests.settings"}


def django_command(database_url, *arguments):
    return subprocess.run(
        [sys.executable, "-m", "django", *arguments],
        cwd=ROOT,
        env=environment(database_url),
        capture_output=True,
        text=True,
        timeout=300,  # a loaded 2-core machine is slow
        check=False,
    )


@commits_audit_rows
def test_concurrent_writers_leave_a_valid_chain(database_url, tmp_path):
    go = tmp_path / "go"
    writers = []
    for n in range(WRITERS):
        ready = tmp_path / f"ready-{n}"
        command = [
            *(sys.executable, "-m", "tests.audit.writer"),
            *(str(EVENTS_EACH), ready, go, str(THREADS)),
        ]
        writers.append((ready, subprocess.Popen(command, cwd=ROOT, env=environment(database_url))))
    deadline = time.monotonic() + 60
    while not all(ready.exists() for ready, _ in writers) and time.monotonic() < deadline:
        time.sleep(0.05)
    go.touch()
    assert [process.wait(timeout=120) for _, process in writers] == [0] * WRITERS

    # The backstop seals what the writers' own seals after commit left behind.
    assert django_command(database_url, "worker", "--once").returncode == 0
    verified = django_command(database_url, "audit-verify", "--max-unsealed-age", "0")
    assert verified.returncode == 0, verified.stderr
    assert f"Audit chain intact: {TOTAL} events" in verified.stdout
    assert "Not sealed yet: 0 events" in verified.stdout
    if connection.vendor == "postgresql":
        sealed = AuditEvent.objects.order_by("sequence").values_list("sequence", "object_id")
        assert [sequence for sequence, _ in sealed] == list(range(1, TOTAL + 1))
        assert len({object_id for _, object_id in sealed}) == TOTAL


@commits_audit_rows
def test_the_command_line_exits_1_and_names_the_first_bad_row(database_url, tmp_path, attacker):
    (tmp_path / "go").touch()
    writer = [sys.executable, "-m", "tests.audit.writer", "4", tmp_path / "ready", tmp_path / "go"]
    subprocess.run(writer, cwd=ROOT, env=environment(database_url), check=True, timeout=120)
    tamper = "UPDATE audit_auditevent SET object_id = 'other' WHERE sequence = 2"
    if connection.vendor == "postgresql":
        attacker.run(tamper)
    else:
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as raw:
            raw.execute("DROP TRIGGER audit_seal_only")
            raw.execute(tamper)

    verified = django_command(database_url, "audit-verify")
    assert verified.returncode == 1
    assert "event 2:" in verified.stderr
