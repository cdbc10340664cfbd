"""A kill -9 of `lindungi worker` in the middle of sending loses no message and delivers
none twice. The worker is the real command, on a deployment of the suite's database kind
(SQLite in `make test`, PostgreSQL in CI's second run); the SMS gateway is an HTTP server
in this test that keeps every request and holds up the first one, so the kill lands after
the claim and during the send. Once the lease has passed, the next run sends every
message; the one caught in the crash goes again with the same Idempotency-Key, which the
gateway drops as a duplicate."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.deployments import ROOT, deployment, run

LEASE_SECONDS = 1
QUEUE = """
import django
django.setup()
from django.utils import timezone
from lindungi.accounts.models import User
from lindungi.notifications.outbound import Verdict, queue
user = User.objects.create_user("crash@test.lindungi.id", "x", display_name="Crash",
                                alert_phone="0812-0000-1111")
for n in range(3):
    queue("sms", f"message {n}", Verdict(), timezone.now(), user=user)
"""
STATES = """
import django, json
django.setup()
from lindungi.notifications.outbound import OutboundMessage
print(json.dumps({str(m.pk): m.state for m in OutboundMessage.objects.all()}))
"""


class Gateway(BaseHTTPRequestHandler):
    """Delivers a message once per Idempotency-Key; holds the first request until told."""

    delivered: dict[str, int] = {}
    duplicates: list[str] = []
    first_arrived = threading.Event()
    release = threading.Event()

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        key = self.headers["Idempotency-Key"]
        if key in self.delivered:
            self.duplicates.append(key)
        else:
            self.delivered[key] = 1
        if not self.first_arrived.is_set():
            self.first_arrived.set()
            self.release.wait(60)  # the worker is killed meanwhile
        try:
            self.send_response(200)
            self.end_headers()
        except OSError:
            pass  # the worker died waiting for this answer

    def log_message(self, *args):
        return


@pytest.fixture
def gateway():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    Gateway.release.set()
    server.shutdown()
    server.server_close()


def test_a_kill_9_mid_send_neither_loses_nor_doubles_a_message(tmp_path, databases, gateway):
    env = deployment(
        tmp_path,
        "data",
        databases.migrated("messages"),
        LINDUNGI_GATEWAY="http",
        LINDUNGI_GATEWAY_URL=f"http://127.0.0.1:{gateway.server_port}/send",
        LINDUNGI_GATEWAY_KEY="crash-test",
        LINDUNGI_MESSAGE_LEASE_SECONDS=str(LEASE_SECONDS),
    )
    run(env, code=QUEUE)
    worker = subprocess.Popen(
        [sys.executable, "-m", "lindungi.cli", "worker", "--seal-interval", "0.2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert Gateway.first_arrived.wait(120), "the worker never sent"
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    Gateway.release.set()
    caught = next(iter(Gateway.delivered))
    states = json.loads(run(env, code=STATES).stdout.splitlines()[-1])
    assert set(states.values()) == {"sending"}  # claimed, and nobody marked them

    time.sleep(LEASE_SECONDS + 0.2)  # the dead worker's lease runs out
    run(env, "worker", "--once")

    states = json.loads(run(env, code=STATES).stdout.splitlines()[-1])
    assert set(states.values()) == {"sent"}
    assert set(Gateway.delivered) == set(states)  # every message delivered...
    assert Gateway.duplicates == [caught]  # ...once: the resent one was dropped
