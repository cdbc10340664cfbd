"""Messages to the survivor obey her safe contact: every channel, inside and outside its
safe time, marked safe or not; held messages go when the window opens; refusals are kept
with their reason; the text stays neutral unless she agreed; the page and the API take
the same action."""

import json

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from lindungi.cases.contact_actions import save_contact
from lindungi.cases.models import CaseContact, SurvivorMessage
from lindungi.cases.safe_messages import NEUTRAL_TEXT, naming_words
from lindungi.cases.survivor_messages import send_to_survivor
from lindungi.cases.timeline import EventKind
from lindungi.notifications.outbound import OutboundMessage, Refusal, State
from lindungi.notifications.sending import send_due
from lindungi.referrals.actions import record_consent, withdraw_consent
from tests.cases.factories import make_case
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


@pytest.fixture
def case(personas, settings, tmp_path):
    settings.LINDUNGI_GATEWAY = "file"
    settings.DATA_DIR = tmp_path
    settings.LINDUNGI_EMAIL_HOST = "smtp.test"
    return make_case(personas)


def set_contact(personas, case, safe, **extra):
    contact = CaseContact.objects.filter(case=case).first()
    changes = {
        "contact_phone": "0812-1111-2222",
        "contact_email": "her@example.test",
        "safe_channels": safe,
        "contact_windows": {channel: [WEEKDAYS] for channel in safe},
        **extra,
    }
    return save_contact(personas.case_worker_a, case, contact.version if contact else 1, changes)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("inside", [True, False], ids=["inside", "outside"])
@pytest.mark.parametrize("marked_safe", [True, False], ids=["safe", "not_safe"])
def test_a_message_goes_only_on_a_safe_channel_inside_its_window(
    personas, case, channel, inside, marked_safe
):
    others = [c for c in CHANNELS if c != channel]
    set_contact(personas, case, [channel] if marked_safe else others[:1])
    with time_machine.travel(INSIDE if inside else OUTSIDE, tick=False):
        sent = send_to_survivor(personas.case_worker_a, case, channel, TEXT)
        message = sent.message
        if not marked_safe:
            assert (message.state, message.refusal) == (State.REFUSED, Refusal.NOT_SAFE)
        elif inside:
            assert message.state == State.QUEUED
        else:
            assert message.state == State.HELD
            assert message.hold_until == NEXT_OPENING
        send_due()
    message.refresh_from_db()
    # Nothing unsafe ever leaves: only the safe message inside its window was sent.
    assert (message.state == State.SENT) == (marked_safe and inside)
    assert case.events.filter(kind__startswith="message_").count() == 1


def test_a_held_message_goes_when_her_window_opens_and_is_asked_again(personas, case):
    set_contact(personas, case, ["sms"])
    with time_machine.travel(OUTSIDE, tick=False):
        held = send_to_survivor(personas.case_worker_a, case, "sms", TEXT).message
    with time_machine.travel(NEXT_OPENING.replace(minute=1), tick=False):
        assert send_due() == 1
    held.refresh_from_db()
    assert held.state == State.SENT and held.gateway == "file"

    # Held again, then she takes SMS off her safe ways before the window opens: refused.
    with time_machine.travel(OUTSIDE, tick=False):
        second = send_to_survivor(personas.case_worker_a, case, "sms", TEXT).message
    set_contact(personas, case, ["email"])
    with time_machine.travel(NEXT_OPENING.replace(minute=1), tick=False):
        send_due()
    second.refresh_from_db()
    assert (second.state, second.refusal) == (State.REFUSED, Refusal.NOT_SAFE)
    # The later refusal is on the case's timeline, with its reason's code, never the text.
    later = case.events.filter(kind=EventKind.MESSAGE_REFUSED).get()
    assert later.actor is None
    assert later.detail == {"fields": [], "channel": "sms", "reason": "not_safe"}
    assert TEXT not in str(later.detail)


def test_no_contact_record_or_no_number_is_a_visible_refusal(personas, case):
    sent = send_to_survivor(personas.case_worker_a, case, "sms", TEXT)
    assert sent.message.refusal == Refusal.NO_CONTACT
    set_contact(personas, case, ["whatsapp"], contact_phone="")
    sent = send_to_survivor(personas.case_worker_a, case, "whatsapp", TEXT)
    assert sent.message.refusal == Refusal.NO_ADDRESS
    assert SurvivorMessage.objects.filter(case=case).count() == 2


def test_once_she_withdraws_her_consent_to_be_contacted_nothing_goes(personas, case):
    """The consent record the messages ask is the one the case's consents page keeps."""
    worker = personas.case_worker_a
    with time_machine.travel(INSIDE, tick=False):
        case = make_case(personas)  # opened then, so that a consent may be given then
        set_contact(personas, case, ["sms"])
        consent = record_consent(
            worker, case, {"client": case.clients.get(), "purpose": "contact", "how": "spoken"}
        )
        assert send_to_survivor(worker, case, "sms", TEXT).message.state == State.QUEUED
        withdraw_consent(worker, consent, consent.version)
        refused = send_to_survivor(worker, case, "sms", TEXT).message
    assert (refused.state, refused.refusal) == (State.REFUSED, Refusal.WITHDRAWN)


def test_the_text_never_names_the_service_unless_she_agreed(personas, case):
    assert naming_words(str(NEUTRAL_TEXT), case.unit.name) == []
    set_contact(personas, case, ["sms"])
    for text in ("Dari Lindungi: hubungi kami", "Soal kekerasan kemarin", "Unit A (UPTD PPA)"):
        with pytest.raises(ValidationError):
            send_to_survivor(personas.case_worker_a, case, "sms", text)
    assert not OutboundMessage.objects.exists()
    set_contact(personas, case, ["sms"], may_name_service=True)
    with time_machine.travel(INSIDE, tick=False):
        sent = send_to_survivor(personas.case_worker_a, case, "sms", "Dari Lindungi: hubungi kami")
    assert sent.message.state == State.QUEUED


def test_only_those_who_may_edit_the_case_send(personas, case):
    set_contact(personas, case, ["sms"])
    with pytest.raises(PermissionDenied):
        send_to_survivor(personas.case_worker_b, case, "sms", TEXT)
    assert not OutboundMessage.objects.exists()


def test_the_page_sends_lists_and_shows_a_refusal(personas, case, indonesian):
    set_contact(personas, case, ["email"])
    client = Client()
    log_in(client, personas.case_worker_a)
    send_through_the_page(client, f"/kasus/{case.pk}/pesan/")
    assert mail.outbox[-1].body == TEXT and mail.outbox[-1].to == ["her@example.test"]


def test_the_api_takes_the_same_action(personas, case):
    set_contact(personas, case, ["whatsapp"])
    client = Client()
    log_in(client, personas.case_worker_a)
    url = f"/api/v1/cases/{case.pk}/messages"
    with time_machine.travel(OUTSIDE, tick=False):
        answer = client.post(
            url, json.dumps({"channel": "whatsapp", "text": TEXT}), "application/json"
        )
        refused = client.post(url, json.dumps({"channel": "sms", "text": TEXT}), "application/json")
        named = client.post(
            url, json.dumps({"channel": "whatsapp", "text": "Lindungi"}), "application/json"
        )
    assert answer.status_code == 201 and answer.json()["state"] == "held"
    assert refused.status_code == 201 and refused.json()["state"] == "refused"
    assert refused.json()["reason"]
    assert named.status_code == 422
    listed = client.get(url).json()
    assert sorted(row["state"] for row in listed) == ["held", "refused"]
