"""The public report form at /lapor/: no login, no JavaScript needed, abuse protection."""

import json
import re
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from lindungi.audit.models import AuditEvent
from lindungi.core.models import SubmittedKey
from lindungi.core.once import SubmitOnce
from lindungi.intake import actions, public
from lindungi.intake.models import PublicSubmission, Report, ReportStatus
from lindungi.intake.public_forms import MAX_STORY, read_form_token
from tests.browser.marks import commits

URL = "/lapor/"
KELURAHAN = "31.74.01.1001"  # Kebayoran Baru, Jakarta Selatan (loaded by conftest)


def opened_form(client):
    """GET the form and hand back its token, as a browser would carry it."""
    page = client.get(URL).content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)


def report(token, **changes):
    data = {
        "form_token": token,
        "website": "",
        "reporter_type": "survivor",
        "what_happened": "Canary-story: my husband hit me last night.",
        "occurred_on": "",
        "occurred_estimate": "last night",
        "kelurahan": KELURAHAN,
        "in_danger_now": "yes",
        "injuries": "no",
        "consent_contact": "on",
        "contact_phone": "0812-3456-7890",
        "safe_channels": ["sms", "whatsapp"],
        "safe_times": "weekdays 9-12",
        "code_word": "mangga",
        "voicemail_safe": "no",
        "consent_services": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def after_a_while(seconds=6):
    """Some seconds after opening the form: a person, not a robot."""
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


@pytest.fixture
def later(db):
    return after_a_while


def send(client, later, **changes):
    token = opened_form(client)
    with later():
        return client.post(URL, report(token, **changes))


def test_the_form_opens_without_login_in_indonesian_and_is_not_cached(indonesian, client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Language"] == "id"
    assert "no-store" in response["Cache-Control"]
    # Not no-referrer: Chromium would send "Origin: null" and CSRF would refuse the form.
    assert response["Referrer-Policy"] == "same-origin"
    assert '<html lang="id">' in response.content.decode()


def test_the_quick_exit_link_comes_first_and_the_page_has_no_inline_script(client, db):
    page = client.get(URL).content.decode()
    body = page.split("<body", 1)[1]
    first_link = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body).group(0)
    assert 'id="quick-exit"' in first_link
    assert public.QUICK_EXIT_URL.replace("&", "&amp;") in first_link
    assert re.search(r"<script(?![^>]*\bsrc=)", page) is None
    assert re.search(r"\son[a-z]+=", page) is None
    assert "quick-exit.js" in page


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client, db):
    page = client.get(URL).content.decode()
    trap = re.search(r'<div class="trap" aria-hidden="true">(.*?)</div>', page, re.S).group(1)
    assert 'tabindex="-1"' in trap
    assert 'autocomplete="off"' in trap


def test_every_input_has_a_label_and_choices_are_grouped_in_fieldsets(client, db):
    page = client.get(URL).content.decode()
    form = page.split('action="/lapor/"', 1)[1]
    for input_id in re.findall(
        r'<(?:input(?! type="hidden")|textarea|select)[^>]*\bid="([^"]+)"', form
    ):
        assert f'for="{input_id}"' in form, input_id
    assert form.count("<fieldset") >= 1 + 4 + 7 + 2  # sections, danger questions, choices
    assert "<legend>" in form


def test_a_person_sends_a_report_and_sees_the_reference_and_pin_once(client, later):
    response = send(client, later)
    assert response.status_code == 200
    page = response.content.decode()
    reference = re.search(r'id="reference">([^<]+)<', page).group(1)
    pin = re.search(r'id="pin">(\d{6})<', page).group(1)
    stored = Report.objects.get(reference=reference)
    assert stored.channel == "online"
    assert stored.status == ReportStatus.RECEIVED
    assert stored.risk == "high"
    assert stored.what_happened.startswith("Canary-story")
    assert stored.kelurahan_id == KELURAHAN
    assert stored.contact_phone == "+6281234567890"
    assert stored.safe_channels == ["sms", "whatsapp"]
    assert stored.voicemail_safe is False
    assert stored.injuries is False and stored.child_alone is None
    assert pin not in stored.pin_hash
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="report.public_submit", object_id=str(stored.pk))
    # The answer is the POST's own: nothing personal or secret went into a URL.
    assert not hasattr(response, "url")


def test_without_consent_no_contact_details_are_kept(client, later):
    send(
        client,
        later,
        consent_contact=None,
        reporter_name="Canary-name",
        window_start="09:00",
        window_end="12:00",
        safe_person_name="Canary-sister",
    )
    stored = Report.objects.get()
    assert stored.contact_phone == "" and stored.reporter_name == ""
    assert stored.code_word == "" and stored.safe_channels == []
    assert stored.contact_windows == {} and stored.safe_person_name == ""
    assert stored.consent_contact is False


def test_one_span_of_safe_times_applies_to_every_safe_way_of_contact(client, later):
    send(
        client,
        later,
        window_days=["1", "2", "3", "4", "5"],
        window_start="09:00",
        window_end="12:00",
        safe_person_name="Canary-sister",
        safe_person_phone="0813 1111 2222",
        safe_person_relation="sister",
    )
    stored = Report.objects.get()
    window = {"days": [1, 2, 3, 4, 5], "start": "09:00", "end": "12:00"}
    assert stored.contact_windows == {"sms": [window], "whatsapp": [window]}
    assert stored.safe_person_name == "Canary-sister" and stored.safe_person_relation == "sister"
    assert stored.is_safe_to_contact("sms", datetime(2026, 11, 30, 3, 0, tzinfo=UTC))  # Mon 10:00
    assert not stored.is_safe_to_contact("call", datetime(2026, 11, 30, 3, 0, tzinfo=UTC))


def test_an_anonymous_reporter_leaves_no_name(client, later):
    send(client, later, reporter_type="anonymous", reporter_name="Canary-name")
    stored = Report.objects.get()
    assert stored.reporter_type == "anonymous"
    assert stored.reporter_name == ""


def test_asking_to_be_contacted_without_a_phone_or_email_is_explained(client, later):
    response = send(client, later, contact_phone="")
    assert response.status_code == 400
    assert 'id="id_contact_phone_error"' in response.content.decode()
    assert Report.objects.count() == 0


def test_the_form_follows_the_language_switch(client, db):
    client.cookies["lindungi_language"] = "en"
    response = client.get(URL)
    assert response["Content-Language"] == "en"
    assert "Report violence" in response.content.decode()


# --- Abuse protection --------------------------------------------------------------------


def test_sending_too_fast_is_refused_and_keeps_the_text(client, db):
    token = opened_form(client)
    response = client.post(URL, report(token))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Canary-story: my husband hit me last night." in page
    assert token in page  # the clock keeps running from the first opening
    assert Report.objects.count() == 0


def test_a_filled_honeypot_sends_nothing(client, later):
    response = send(client, later, website="http://spam.example")
    assert response.status_code == 400
    assert Report.objects.count() == 0


def test_a_forged_token_is_refused_keeping_the_text_with_a_fresh_token(client, later):
    with later():
        response = client.post(URL, report("not-a-signed-token"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Canary-story" in page
    assert "not-a-signed-token" not in page
    assert Report.objects.count() == 0


def test_more_than_five_reports_an_hour_from_one_address_are_refused(client, later):
    for _ in range(actions.PUBLIC_RATE_LIMIT):
        assert send(client, later).status_code == 200
    response = send(client, later)
    assert response.status_code == 429
    assert "Canary-story" in response.content.decode()
    assert "112" in response.content.decode()
    assert Report.objects.count() == actions.PUBLIC_RATE_LIMIT
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert send(other, later).status_code == 200


def test_the_rate_limit_stores_no_address(client, later):
    send(client, later)
    submission = PublicSubmission.objects.get()
    assert "127.0.0.1" not in submission.address
    assert len(submission.address) == 64


def test_the_limit_lifts_after_an_hour_and_old_rows_are_removed(client, later):
    for _ in range(actions.PUBLIC_RATE_LIMIT):
        send(client, later)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        token = opened_form(client)
        with time_machine.travel(timezone.now() + timedelta(seconds=6), tick=False):
            assert client.post(URL, report(token)).status_code == 200
    assert PublicSubmission.objects.count() == 1


# --- Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"what_happened": ""}, "what_happened"),
        ({"what_happened": "   "}, "what_happened"),
        ({"what_happened": "x" * (MAX_STORY + 1)}, "what_happened"),
        ({"reporter_type": "robot"}, "reporter_type"),
        ({"kelurahan": "99.99.99.9999"}, "kelurahan"),
        ({"occurred_on": "2023-02-30"}, "occurred_on"),
        ({"occurred_on": "not a date"}, "occurred_on"),
        ({"in_danger_now": "maybe"}, "in_danger_now"),
        ({"safe_channels": ["pigeon"]}, "safe_channels"),
        ({"contact_phone": "12"}, "contact_phone"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"occurred_estimate": "x" * 101}, "occurred_estimate"),
    ],
)
def test_bad_input_is_explained_beside_the_field_and_keeps_the_rest(client, later, changes, field):
    response = send(client, later, **changes)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert f'href="#id_{field}' in page  # the error summary links to the field
    assert "last night" in page
    assert Report.objects.count() == 0


def test_a_future_date_is_refused(client, later):
    tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = send(client, later, occurred_on=tomorrow)
    assert response.status_code == 400
    assert 'id="id_occurred_on_error"' in response.content.decode()


def test_a_megabyte_of_text_is_refused_with_a_message(client, later):
    response = send(client, later, what_happened="a" * 1_000_000)
    assert response.status_code == 400
    assert 'id="id_what_happened_error"' in response.content.decode()
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    "story",
    [
        "Kekerasan – ibu".encode("utf-16"),
        # A browser set to Latin-1 sends "café" percent-encoded, but not as UTF-8.
        quote("Kekerasan di café".encode("latin-1")).encode(),
    ],
)
def test_text_that_is_not_utf8_is_refused_and_changes_nothing(client, later, story):
    token = opened_form(client)
    body = f"form_token={token}&reporter_type=survivor&what_happened=".encode() + story
    with later():
        response = client.post(URL, body, content_type="application/x-www-form-urlencoded")
    # Refused as every form post is (lindungi.core.input_policy), before the view runs.
    assert response.status_code == 400
    assert "Some characters could not be read." in response.content.decode()
    assert Report.objects.count() == 0


def test_sending_the_same_form_twice_answers_the_same_reference_and_pin(client, later):
    token = opened_form(client)
    with later():
        first = client.post(URL, report(token)).content.decode()
        second = client.post(URL, report(token)).content.decode()
    ids = [
        re.search(r'id="reference">([^<]+)<.*id="pin">(\d+)<', p, re.S).groups()
        for p in (first, second)
    ]
    assert ids[0] == ids[1]
    assert Report.objects.count() == 1


def test_the_same_form_sent_again_with_other_answers_is_not_taken_for_the_first(client, later):
    """A page sent, then changed (the back button) and sent again: not silently the first
    report; the person is told and can send it as a new one."""
    token = opened_form(client)
    with later():
        client.post(URL, report(token))
        changed = client.post(URL, report(token, what_happened="Canary-story: and more"))
    assert changed.status_code == 409
    page = changed.content.decode()
    assert "Canary-story: and more" in page and token not in page
    assert Report.objects.count() == 1


def test_a_resent_form_shows_its_receipt_again_after_the_upgrade(client, later):
    """A sending kept from before lindungi.core.once (no request digest): any resending of
    that form shows its receipt."""
    token = opened_form(client)
    nonce, _opened = read_form_token(token)
    made, pin = actions.receive_public_report({"what_happened": "Canary"})
    SubmittedKey.objects.create(
        scope=public.SCOPE,
        key=public._token_hash(nonce),
        outcome=json.dumps({"reference": made.reference, "pin": pin}),
    )
    with later():
        page = client.post(URL, report(token)).content.decode()
    assert f'id="reference">{made.reference}<' in page and f'id="pin">{pin}<' in page
    assert Report.objects.count() == 1


def test_a_sending_that_fails_half_way_leaves_nothing_and_can_be_sent_again(
    client, later, monkeypatch
):
    token = opened_form(client)

    def dies_before_the_commit(self, result):
        raise ConnectionResetError("the process died")

    monkeypatch.setattr(SubmitOnce, "done", dies_before_the_commit)
    with later(), pytest.raises(ConnectionResetError):
        client.post(URL, report(token))
    assert not PublicSubmission.objects.exists() and not Report.objects.exists()
    assert not SubmittedKey.objects.exists()
    monkeypatch.undo()
    with later():
        assert 'id="reference"' in client.post(URL, report(token)).content.decode()
    assert Report.objects.count() == 1


@commits
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database locks whole tables between threads; "
    "bench/intake_load.py races real server requests on SQLite",
)
def test_two_sendings_of_one_form_at_once_make_one_report():
    token = opened_form(Client())
    answers = []
    barrier = threading.Barrier(2)

    def post():
        try:
            barrier.wait()
            answers.append(Client().post(URL, report(token)))
        finally:
            connections.close_all()

    with after_a_while():
        threads = [threading.Thread(target=post) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert Report.objects.count() == 1
    reference = Report.objects.get().reference
    assert [a.status_code for a in answers] == [200, 200]
    assert all(reference in a.content.decode() for a in answers)
