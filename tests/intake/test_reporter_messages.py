"""Messages to the reporter of an intake report obey the report's safe contact, by the
same rule as the messages to a survivor: every channel, inside and outside its safe time,
marked safe or not; held messages are asked again by the worker; refusals are kept with
their reason and shown; only those who may see the report's contact details send."""

import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from lindungi.audit.models import AuditEvent
from lindungi.intake import actions
from lindungi.intake.models import Report, ReporterMessage
from lindungi.intake.reporter_messages import send_to_reporter
from lindungi.notifications.outbound import OutboundMessage, Refusal, State
from lindungi.notifications.sending import send_due
from tests.login import log_in
from tests.notifications.safe_times import (
    CHANNELS,
    INSIDE,
    NEXT_OPENING,
    OUTSIDE,
    TEXT,
    WEEKDAYS,
    send_through_the_page,
)


@pytest.fixture(autouse=True)
def gateway(settings, tmp_path):
    settings.LINDUNGI_GATEWAY = "file"
    settings.DATA_DIR = tmp_path
    settings.LINDUNGI_EMAIL_HOST = "smtp.test"


def make_report(personas, safe, consent=True):
    """A report taken at 112, its reporter's contact marked safe on ``safe``."""
    officer = personas.intake_officer
    data = {
        "channel": "call_112",
        "what_happened": "x",
        "contact_phone": "0812-3333-4444",
        "contact_email": "reporter@example.test",
        "safe_channels": safe,
        "contact_windows": {channel: [WEEKDAYS] for channel in safe},
        "consent_contact": consent,
    }
    draft = actions.save_draft(officer, personas.call_centre, data)
    return actions.submit_report(officer, draft, draft.version)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("inside", [True, False], ids=["inside", "outside"])
@pytest.mark.parametrize("marked_safe", [True, False], ids=["safe", "not_safe"])
def test_a_message_goes_only_on_a_safe_channel_inside_its_window(
    personas, channel, inside, marked_safe
):
    others = [c for c in CHANNELS if c != channel]
    report = make_report(personas, [channel] if marked_safe else others[:1])
    with time_machine.travel(INSIDE if inside else OUTSIDE, tick=False):
        message = send_to_reporter(personas.intake_officer, report, channel, TEXT).message
        if not marked_safe:
            assert (message.state, message.refusal) == (State.REFUSED, Refusal.NOT_SAFE)
        elif inside:
            assert message.state == State.QUEUED
        else:
            assert (message.state, message.hold_until) == (State.HELD, NEXT_OPENING)
        send_due()
    message.refresh_from_db()
    # Nothing unsafe ever leaves: only the safe message inside its window was sent.
    assert (message.state == State.SENT) == (marked_safe and inside)
    audit = AuditEvent.objects.get(action="report.message")
    assert audit.object_id == str(ReporterMessage.objects.get().pk)
    assert TEXT not in str(audit.__dict__)


def test_the_worker_asks_again_before_a_held_message_goes(personas):
    report = make_report(personas, ["sms"])
    with time_machine.travel(OUTSIDE, tick=False):
        held = send_to_reporter(personas.intake_officer, report, "sms", TEXT).message
        second = send_to_reporter(personas.intake_officer, report, "sms", TEXT).message
    # The first goes when the window opens...
    with time_machine.travel(NEXT_OPENING.replace(minute=1), tick=False):
        OutboundMessage.objects.filter(pk=second.pk).update(next_attempt_at=None)
        assert send_due() == 1
    held.refresh_from_db()
    assert held.state == State.SENT and held.gateway == "file"
    # ...the second is asked again after the report's answers changed: refused, audited.
    Report.objects.filter(pk=report.pk).update(safe_channels=["email"])
    OutboundMessage.objects.filter(pk=second.pk).update(next_attempt_at=NEXT_OPENING)
    with time_machine.travel(NEXT_OPENING.replace(minute=2), tick=False):
        assert send_due() == 1
    second.refresh_from_db()
    assert (second.state, second.refusal) == (State.REFUSED, Refusal.NOT_SAFE)
    refused = AuditEvent.objects.get(action="report.message_refused")
    assert refused.reason == Refusal.NOT_SAFE


def test_no_consent_no_number_and_naming_words_are_refused(personas):
    report = make_report(personas, ["sms"], consent=False)
    sent = send_to_reporter(personas.intake_officer, report, "sms", TEXT)
    assert sent.message.refusal == Refusal.NO_CONSENT
    report = make_report(personas, ["sms"])
    for text in ("Dari Lindungi: hubungi kami", "Soal kekerasan kemarin", "Test 112"):
        with pytest.raises(ValidationError):
            send_to_reporter(personas.intake_officer, report, "sms", text)
    assert OutboundMessage.objects.count() == 1


def test_only_those_who_see_the_report_send(personas):
    report = make_report(personas, ["sms"])
    with pytest.raises(PermissionDenied):
        send_to_reporter(personas.case_worker_a, report, "sms", TEXT)
    assert not OutboundMessage.objects.exists()


def test_the_page_sends_lists_shows_a_refusal_and_is_404_to_others(personas, indonesian):
    report = make_report(personas, ["email"])
    url = f"/laporan/triase/{report.pk}/pesan/"
    client = Client()
    log_in(client, personas.case_worker_a)
    assert client.get(url).status_code == 404
    assert client.post(url, {"channel": "sms", "text": TEXT}).status_code == 404
    log_in(client, personas.intake_officer)
    assert url in client.get(f"/laporan/triase/{report.pk}/").content.decode()
    send_through_the_page(client, url)
    assert ReporterMessage.objects.filter(report=report).count() == 2


def test_the_api_takes_the_same_action_and_is_404_to_others(personas):
    report = make_report(personas, ["whatsapp"])
    url = f"/api/v1/reports/{report.pk}/messages"
    client = Client()
    log_in(client, personas.case_worker_a)
    body = json.dumps({"channel": "whatsapp", "text": TEXT})
    assert client.get(url).status_code == 404
    assert client.post(url, body, "application/json").status_code == 404
    log_in(client, personas.intake_officer)
    with time_machine.travel(OUTSIDE, tick=False):
        held = client.post(url, body, "application/json")
        refused = client.post(url, json.dumps({"channel": "sms", "text": TEXT}), "application/json")
        named = client.post(
            url, json.dumps({"channel": "whatsapp", "text": "Lindungi"}), "application/json"
        )
    assert held.status_code == 201 and held.json()["state"] == "held"
    assert held.json()["report_id"] == str(report.pk)
    assert refused.status_code == 201 and refused.json()["state"] == "refused"
    assert refused.json()["reason"]
    assert named.status_code == 422
    listed = client.get(url).json()
    assert sorted(row["state"] for row in listed) == ["held", "refused"]
    assert ReporterMessage.objects.filter(report=report).count() == 2
    assert AuditEvent.objects.filter(action="reportermessage.read").count() == 2
