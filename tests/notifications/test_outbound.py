"""The outbound queue: staff alerts on the channels each chose, the gateways (email, the
HTTP adapter, the development file adapter, none), retries with backoff until failure,
a lease that expires, and log lines that never hold a message's text."""

import json
import logging
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.core import mail
from django.db import connection

from lindungi.accounts.alert_settings import save_alert_settings
from lindungi.notifications.gateways import GatewayError, write_file
from lindungi.notifications.models import Kind, Notification, notify, notify_each
from lindungi.notifications.outbound import Attempt, OutboundMessage, State, Verdict, queue
from lindungi.notifications.sending import backoff, claim, deliver, send_due
from tests.browser.marks import commits
from tests.concurrency import at_once
from tests.login import log_in

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
SECRET = "Secret body text that must never be logged"


@pytest.fixture
def outbox(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.LINDUNGI_GATEWAY = "file"
    settings.LINDUNGI_EMAIL_HOST = "smtp.test"
    return tmp_path / "outbox"


def staff_message(user, channel="sms", body=SECRET):
    if not user.alert_phone:
        user.alert_phone = "0812-7777-8888"
        user.save()
    return queue(channel, body, Verdict(), NOW, user=user)


# --- Staff alerts on their chosen channels -----------------------------------------------


def test_every_alert_also_goes_on_each_chosen_channel_with_neutral_text(personas, outbox):
    worker, supervisor = personas.case_worker_a, personas.supervisor_a
    save_alert_settings(worker, ["email", "whatsapp"], "0812-9999-0000")
    with time_machine.travel(NOW, tick=False):
        notify([worker, supervisor, worker], Kind.TASK_ASSIGNED)
        assert Notification.objects.count() == 2  # in-app for both, once each
        sent = OutboundMessage.objects.all()
        assert sorted(m.channel for m in sent) == ["email", "whatsapp"]
        assert {m.recipient_user for m in sent} == {worker}
        assert send_due() == 2
    email = mail.outbox[-1]
    assert email.to == [worker.email]
    assert "/notifikasi/" in email.body
    whatsapp = json.loads(next((outbox / "whatsapp").iterdir()).read_text())
    assert whatsapp["to"] == "0812-9999-0000"
    assert "/notifikasi/" in whatsapp["body"]


def test_the_deadline_job_alerts_go_on_chosen_channels_too(personas, outbox):
    save_alert_settings(personas.supervisor_a, ["sms"], "0812-9999-0001")
    notify_each(
        [
            Notification(user=personas.supervisor_a, kind=Kind.DEADLINE_OVERDUE),
            Notification(user=personas.supervisor_b, kind=Kind.DEADLINE_OVERDUE),
        ]
    )
    message = OutboundMessage.objects.get()
    assert (message.recipient_user, message.channel) == (personas.supervisor_a, "sms")


def test_sms_or_whatsapp_needs_a_phone(personas):
    with pytest.raises(Exception, match="phone"):
        save_alert_settings(personas.case_worker_a, ["sms"], "")


def test_the_account_page_chooses_the_channels(client, personas, indonesian):
    log_in(client, personas.case_worker_a)
    assert client.get("/akun/pemberitahuan/").status_code == 200
    answer = client.post(
        "/akun/pemberitahuan/", {"alert_channels": ["sms"], "alert_phone": "0812-3333-4444"}
    )
    assert answer.status_code == 302
    personas.case_worker_a.refresh_from_db()
    assert personas.case_worker_a.alert_channels == ["sms"]
    refused = client.post("/akun/pemberitahuan/", {"alert_channels": ["whatsapp"]})
    assert refused.status_code == 200 and refused.context["form"].errors


# --- Gateways ----------------------------------------------------------------------------


def test_the_file_adapter_writes_a_message_once_whatever_the_retries(outbox):
    for _try in range(2):
        write_file("same-id", "sms", "0812", "first")
    write_file("same-id", "sms", "0812", "second")
    files = list((outbox / "sms").iterdir())
    assert len(files) == 1 and json.loads(files[0].read_text())["body"] == "first"


def test_without_a_gateway_nothing_is_faked_as_sent(personas, settings):
    settings.LINDUNGI_GATEWAY = ""
    settings.LINDUNGI_EMAIL_HOST = ""
    sms = staff_message(personas.case_worker_a, "sms")
    email = staff_message(personas.case_worker_a, "email")
    with time_machine.travel(NOW, tick=False):
        send_due()
    for message, code in ((sms, "no_gateway"), (email, "no_email")):
        message.refresh_from_db()
        assert message.state == State.QUEUED and message.sent_at is None
        assert message.tries.get().error == code
    assert not mail.outbox


class Gateway(BaseHTTPRequestHandler):
    """A gateway that answers with the next status of ``statuses`` and keeps what it got."""

    statuses: list[int] = []
    received: list[dict] = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        self.received.append({**body, "key": self.headers["Idempotency-Key"]})
        self.send_response(self.statuses.pop(0) if self.statuses else 200)
        self.end_headers()

    def log_message(self, *args):
        return


@pytest.fixture
def gateway(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.LINDUNGI_GATEWAY = "http"
    settings.LINDUNGI_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.LINDUNGI_GATEWAY_KEY = "test-key"
    settings.LINDUNGI_MESSAGE_MAX_ATTEMPTS = 3
    Gateway.statuses, Gateway.received = [], []
    yield Gateway
    server.shutdown()
    server.server_close()


def test_failures_are_retried_with_backoff_then_fail_for_good(personas, gateway, caplog):
    gateway.statuses = [503, 503, 503]
    message = staff_message(personas.case_worker_a)
    caplog.set_level(logging.DEBUG)
    moment = NOW
    for attempt in (1, 2, 3):
        with time_machine.travel(moment, tick=False):
            assert send_due() == 1
            # Not due again before its backoff.
            assert send_due() == 0
        message.refresh_from_db()
        moment += backoff(attempt)
    assert message.state == State.FAILED and message.attempts == 3
    assert list(message.tries.values_list("error", flat=True)) == ["http_503"] * 3
    assert backoff(2) == 2 * backoff(1)
    # Each try carried the message's stable id; no log line holds its text or number.
    assert {r["key"] for r in gateway.received} == {str(message.pk)}
    assert SECRET not in caplog.text and "0812" not in caplog.text
    assert str(message.pk) in caplog.text


def test_a_refused_request_fails_at_once_and_a_good_one_is_sent(personas, gateway):
    gateway.statuses = [400, 200]
    bad = staff_message(personas.case_worker_a)
    with time_machine.travel(NOW, tick=False):
        send_due()
        good = staff_message(personas.case_worker_a)
        send_due()
    bad.refresh_from_db()
    good.refresh_from_db()
    assert (bad.state, bad.attempts) == (State.FAILED, 1)
    assert (good.state, good.gateway) == (State.SENT, "http")
    assert gateway.received[-1]["text"] == SECRET


def test_an_expired_lease_is_a_try_and_the_message_goes_again(personas, gateway, settings):
    message = staff_message(personas.case_worker_a)
    with time_machine.travel(NOW, tick=False):
        assert len(claim(NOW)) == 1  # a worker that then dies
        assert claim(NOW) == []  # nobody else takes it while the lease runs
    later = NOW + timedelta(seconds=settings.LINDUNGI_MESSAGE_LEASE_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert send_due() == 1
    message.refresh_from_db()
    assert message.state == State.SENT
    assert list(message.tries.values_list("error", flat=True)) == ["lease_expired", ""]
    assert Attempt.objects.count() == 2


def test_a_slow_worker_whose_lease_was_taken_over_does_not_mark_the_message(personas, gateway):
    message = staff_message(personas.case_worker_a)
    [first] = claim(NOW)
    later = NOW + timedelta(hours=1)
    [second] = claim(later)
    assert first.claim != second.claim
    deliver(first, later)  # its mark finds another claim: nothing changes
    message.refresh_from_db()
    assert message.state == State.SENDING and message.claim == second.claim


def test_a_gateway_error_says_only_a_code():
    error = GatewayError("http_500")
    assert str(error) == "http_500" and not error.permanent


@commits
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite has one writer: two claims cannot overlap there",
)
def test_two_workers_claiming_at_once_share_the_messages_without_overlap():
    from tests.personas import make_personas

    user = make_personas().case_worker_a
    made = {staff_message(user).pk for _n in range(20)}
    outcomes = at_once(lambda: [m.pk for m in claim(NOW, batch=15)])
    first, second = outcomes
    assert not set(first) & set(second)
    assert set(first) | set(second) == made


def test_a_broken_adapter_is_a_failed_try_named_by_its_kind_only(personas, gateway, settings):
    settings.LINDUNGI_GATEWAY_TEMPLATE = '{"to": $to, "text": $missing}'
    message = staff_message(personas.case_worker_a)
    with time_machine.travel(NOW, tick=False):
        send_due()
    message.refresh_from_db()
    assert message.state == State.QUEUED
    assert message.tries.get().error == "error_KeyError"
