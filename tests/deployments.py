"""Whole deployments for tests that run the real commands and server in their own
processes (backup and restore, crashes, serve): a fresh database of the suite's own kind
(SQLite in `make test`, PostgreSQL in CI's second run), a data directory, the commands."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[1]


def server_url(name):
    """The URL of database ``name`` on the suite's PostgreSQL server."""
    database = settings.DATABASES["default"]
    return (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{name}"
    )


def is_sqlite():
    return settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


class Databases:
    """Makes databases of the suite's own kind, empty or migrated; drops them at the end."""

    def __init__(self, folder, template=None):
        self.folder, self.made, self.template = folder, [], template

    def new(self, label, template=None):
        """An empty database, or a copy of ``template`` (a URL this class made)."""
        if is_sqlite():
            url = self._sqlite_url(label)
            if template:
                with (
                    sqlite3.connect(_path(template)) as source,
                    sqlite3.connect(_path(url)) as copy,
                ):
                    source.backup(copy)
            return url
        name = f"lindungi_test_{label}_{uuid.uuid4().hex[:8]}"
        like = f' TEMPLATE "{template.rsplit("/", 1)[1]}"' if template else ""
        with psycopg.connect(server_url("postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"{like}')
        self.made.append(name)
        return server_url(name)

    def _sqlite_url(self, label):
        return f"sqlite:///{self.folder / label}-{uuid.uuid4().hex[:8]}.sqlite3"

    def copy_of_the_test_database(self, label):
        """A copy of this test process's own database as it is now."""
        if is_sqlite():
            url = self._sqlite_url(label)
            connection.ensure_connection()
            with sqlite3.connect(_path(url)) as copy:
                connection.connection.backup(copy)
                # A file the deployment made would be in WAL mode already (lindungi/config.py);
                # a copy of a database in memory is not, and the first connections of
                # processes started at once would each try to switch it, and find it locked.
                copy.execute("PRAGMA journal_mode=WAL")
            return url
        # PostgreSQL copies only a database nobody is connected to; Django reconnects.
        connections.close_all()
        return self.new(label, template=server_url(connection.settings_dict["NAME"]))

    def migrated(self, label):
        """A database with every migration applied, copied from the test process's template
        (a migrate of its own takes 10 to 90 seconds, a copy well under one)."""
        return self.new(label, template=self.template)

    def drop(self):
        if self.made:
            with psycopg.connect(server_url("postgres"), autocommit=True) as admin:
                for name in self.made:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _path(url):
    return url.removeprefix("sqlite:///")


@pytest.fixture(scope="session")
def migrated_template(django_db_setup):
    """A database of the suite's kind with every migration applied, for
    ``Databases.migrated`` to copy: the copy ``tests/conftest.py`` keeps of the test
    process's own database as migrated, before anything else is written to it. Nothing
    connects to it, as PostgreSQL requires of a template."""
    return django_db_setup


@pytest.fixture(scope="module")
def databases(tmp_path_factory, migrated_template):
    made = Databases(tmp_path_factory.mktemp("databases"), template=migrated_template)
    yield made
    made.drop()


@pytest.fixture
def new_database(databases):
    return databases.new


def deployment(folder, label, database_url, **changes):
    """The environment of a deployment with its own data directory, production settings."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="lindungi.settings",
        DATABASE_URL=database_url,
        LINDUNGI_DATA_DIR=str(folder / label),
        PYTHONPATH=str(ROOT),
        **changes,
    )
    return env


def run(env, *args, code=None, check=True):
    """A `lindungi` command (or a Python snippet with ``code``) in the deployment."""
    command = [sys.executable, *(["-c", code] if code else ["-m", "lindungi.cli", *args])]
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def server_log():
    """A file for a server's log, not a pipe: a server answering thousands of requests would
    fill a pipe nobody reads, and stop."""
    return tempfile.TemporaryFile()


def _said(log):
    """Everything in a server's log so far (pread: the server writes through the file's
    offset, which a seek here would move under it)."""
    return os.pread(log.fileno(), 1 << 20, 0).decode(errors="replace")


def wait_for(url, process, log, seconds=60):
    """The status of the first answer at ``url`` while ``process`` runs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, _said(log)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - localhost
                return response.status
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered at {url}")


def listening_port(process, log, host="127.0.0.1", seconds=60):
    """The port a server told to bind to port 0 took: gunicorn names the address in its log
    once bound, "Listening at: http://127.0.0.1:41517 (pid)".

    The server picks a free port itself when it binds: a port picked beforehand and left
    free until the server starts could be taken meanwhile by another test's server (the
    suite runs in parallel, and other suites run on the same machine)."""
    listening = re.compile(rf"Listening at: http://{re.escape(host)}:(\d+) ")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = listening.search(_said(log))
        if found:
            return int(found.group(1))
        assert process.poll() is None, _said(log)
        time.sleep(0.1)
    raise AssertionError(f"the server never said it listens on {host}")


def serve(env, workers=1):
    """`lindungi serve` on a port it picks, and that port; the caller stops it."""
    log = server_log()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lindungi.cli",
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--workers",
            str(workers),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    try:
        port = listening_port(server, log)
        wait_for(f"http://127.0.0.1:{port}/healthz", server, log)
    except BaseException:
        # Nobody else holds the process yet to stop it: a server left running outlives the run.
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        raise
    return server, port
