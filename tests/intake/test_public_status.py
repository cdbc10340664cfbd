"""The public status page: reference + PIN by POST; received / being handled / closed only."""

import re

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from lindungi.intake import actions

URL = "/lapor/status/"


@pytest.fixture
def sent(db):
    return actions.receive_public_report(
        {"reporter_type": "survivor", "what_happened": "Canary-story", "contact_phone": ""}
    )


def test_the_status_page_opens_without_login_and_is_not_cached(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_right_pin_shows_only_the_status(client, sent):
    report, pin = sent
    response = client.post(URL, {"reference": report.reference.lower(), "pin": pin})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Received" in page
    assert "Canary-story" not in page
    assert pin not in page and report.reference not in page


def test_a_report_being_handled_and_a_closed_one_say_so(client, sent, personas):
    report, pin = sent
    actions.refer_out(personas.intake_officer, report, report.version, "Puskesmas")
    page = client.post(URL, {"reference": report.reference, "pin": pin}).content.decode()
    assert "Being handled" in page


def test_a_wrong_pin_and_an_unknown_reference_answer_alike(client, sent):
    report, _pin = sent
    wrong = client.post(URL, {"reference": report.reference, "pin": "000000"})
    unknown = client.post(URL, {"reference": "LP-22222-22222", "pin": "000000"})
    assert wrong.status_code == unknown.status_code == 400
    assert "not right" in wrong.content.decode() and "not right" in unknown.content.decode()


def test_repeated_wrong_pins_lock_the_status_page_with_a_clear_message(client, sent):
    report, pin = sent
    for _ in range(actions.STATUS_LOCK_AFTER):
        client.post(URL, {"reference": report.reference, "pin": "000000"})
    response = client.post(URL, {"reference": report.reference, "pin": pin})
    assert response.status_code == 429
    assert "locked" in response.content.decode()
    assert "Received" not in response.content.decode()


def test_a_reference_that_cannot_be_one_is_explained(client, db):
    response = client.post(URL, {"reference": "hello", "pin": "1"})
    assert response.status_code == 400
    assert 'id="id_reference_error"' in response.content.decode()


# --- No existence oracle (issue 11, item 3) ----------------------------------------------


def _tries(client, reference, pin, times, address):
    return [
        client.post(URL, {"reference": reference, "pin": pin}, REMOTE_ADDR=address).status_code
        for _ in range(times)
    ]


def test_an_unknown_reference_locks_exactly_like_a_real_one(client, sent, settings):
    settings.PROXY_HOPS = 0
    report, _pin = sent
    tries = actions.STATUS_LOCK_AFTER + 1
    real = _tries(client, report.reference, "000000", tries, "203.0.113.1")
    unknown = _tries(client, "LP-22222-22222", "000000", tries, "203.0.113.2")
    # The fifth wrong try locks, for a reference that exists or not.
    assert real == unknown == [400] * (actions.STATUS_LOCK_AFTER - 1) + [429, 429]
    pages = [
        _page_without(
            client.post(URL, {"reference": ref, "pin": "000000"}, REMOTE_ADDR=address), ref
        )
        for ref, address in ((report.reference, "203.0.113.1"), ("LP-22222-22222", "203.0.113.2"))
    ]
    assert pages[0] == pages[1] and "locked" in pages[0]


def _page_without(response, reference):
    """The page, less what differs between any two answers: the reference typed, echoed
    into the form, and the CSRF token, masked anew for each page."""
    page = response.content.decode().replace(reference, "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_one_address_trying_many_references_is_locked_out(client, sent, settings):
    settings.PROXY_HOPS = 0
    report, pin = sent
    guesser = "198.51.100.7"
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    answers = [
        _tries(client, f"LP-{letters[n]}2222-22222", "000000", 1, guesser)[0]
        for n in range(actions.STATUS_ADDRESS_LOCK_AFTER)
    ]
    assert answers == [400] * (actions.STATUS_ADDRESS_LOCK_AFTER - 1) + [429]
    # The next try from that address is refused, even with a right reference and PIN...
    assert _tries(client, report.reference, pin, 1, guesser) == [429]
    # ...while the survivor, from her own connection, still reads her status.
    response = client.post(
        URL, {"reference": report.reference, "pin": pin}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 200 and "Received" in response.content.decode()


class CountingHasher(MD5PasswordHasher):
    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


def test_an_unknown_reference_costs_the_same_hashing_as_a_wrong_pin(client, db, settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    report, _pin = actions.receive_public_report({"what_happened": "x"})
    for reference in (report.reference, "LP-22222-22222"):
        CountingHasher.calls = 0
        assert actions.check_status_pin(reference, "000000") == (None, False)
        assert CountingHasher.calls == 1
