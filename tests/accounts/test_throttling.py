"""Login throttling: ten failures lock an account or an address for fifteen minutes, and
nothing in any answer tells whether an email address has an account."""

import re
import statistics
import time
from datetime import UTC, datetime, timedelta

import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client
from django.urls import reverse

from tests.login import authenticator_for, totp_code
from tests.personas import PASSWORD

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:mfa_verify")
UNKNOWN = "nobody.at.all@test.lindungi.id"
NOON = datetime(2026, 3, 2, 5, 0, 10, tzinfo=UTC)


def attempt(email, password, ip="10.0.0.1", **headers):
    client = Client(REMOTE_ADDR=ip, **headers)
    return client, client.post(LOGIN, {"username": email, "password": password})


def fail_ten_times(email, ips):
    answers = [attempt(email, "wrong password " * 2, ip)[1] for ip in ips]
    assert [a.status_code for a in answers] == [200] * 9 + [429]
    return answers[-1]


def comparable(response, email):
    """The body with what legitimately differs (the typed email, the CSRF token) masked."""
    body = response.content.decode().replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)


def test_ten_wrong_passwords_lock_the_account_for_fifteen_minutes(personas):
    email = personas.case_worker_a.email
    with time_machine.travel(NOON, tick=False):
        # From ten addresses, so that only the account's count reaches the limit.
        locked = fail_ten_times(email, [f"10.0.1.{n}" for n in range(10)])
        assert "_auth_user_id" not in locked.wsgi_request.session
        client, right_password = attempt(email, PASSWORD, "10.0.2.1")
        assert right_password.status_code == 429
        assert "_auth_user_id" not in client.session
    with time_machine.travel(NOON + timedelta(minutes=14, seconds=50), tick=False):
        assert attempt(email, PASSWORD, "10.0.2.2")[1].status_code == 429
    with time_machine.travel(NOON + timedelta(minutes=15, seconds=1), tick=False):
        response = attempt(email, PASSWORD, "10.0.2.3")[1]
        assert response.status_code == 302
        assert response.url == reverse("accounts:mfa_enrol")


def test_ten_failures_from_one_address_lock_that_address(personas):
    for n in range(9):
        assert attempt(f"someone{n}@test.lindungi.id", PASSWORD, "10.0.3.1")[1].status_code == 200
    assert attempt("someone9@test.lindungi.id", PASSWORD, "10.0.3.1")[1].status_code == 429
    assert attempt(personas.analyst.email, PASSWORD, "10.0.3.1")[1].status_code == 429
    assert attempt(personas.analyst.email, PASSWORD, "10.0.3.2")[1].status_code == 302


def test_an_unknown_email_and_a_wrong_password_get_the_same_answer(personas):
    email = personas.case_worker_a.email
    wrong = attempt(email, "x" * 14, "10.0.4.1")[1]
    unknown = attempt(UNKNOWN, "x" * 14, "10.0.4.2")[1]
    assert wrong.status_code == unknown.status_code == 200
    assert comparable(wrong, email) == comparable(unknown, UNKNOWN)
    assert wrong["Content-Type"] == unknown["Content-Type"]


def test_the_lock_looks_the_same_for_an_unknown_email_and_an_account(personas):
    email = personas.case_worker_a.email
    known = fail_ten_times(email, [f"10.0.5.{n}" for n in range(10)])
    unknown = fail_ten_times(UNKNOWN, [f"10.0.6.{n}" for n in range(10)])
    assert comparable(known, email) == comparable(unknown, UNKNOWN)
    assert attempt(email, PASSWORD, "10.0.7.1")[1].status_code == 429


class FasterPBKDF2(PBKDF2PasswordHasher):
    """Django's real hasher with fewer rounds: slow enough to time, fast enough to test."""

    iterations = 100_000


def test_an_unknown_email_takes_about_as_long_as_a_wrong_password(personas, settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_throttling.FasterPBKDF2"]
    user = personas.case_worker_a
    user.set_password(PASSWORD)
    user.save()

    def median_seconds(email, network):
        """The work the attempt costs this process: its CPU time, not the wall clock, which
        other processes on the machine (the suite's other workers) stretch at random."""
        times = []
        for n in range(5):
            started = time.process_time()
            attempt(email, "x" * 14, f"10.0.{network}.{n}")
            times.append(time.process_time() - started)
        return statistics.median(times)

    ratio = median_seconds(user.email, 81) / median_seconds(UNKNOWN, 82)
    assert 0.6 < ratio < 1.6


def test_the_lock_page_is_in_the_persons_language(indonesian, personas):
    fail_ten_times(UNKNOWN, ["10.0.9.1"] * 10)
    client = Client(REMOTE_ADDR="10.0.9.1")
    client.cookies["lindungi_language"] = "en"
    english = client.post(LOGIN, {"username": UNKNOWN, "password": "x" * 14})
    assert english.status_code == 429
    assert '<html lang="en">' in english.content.decode()
    assert "logging in is paused for 15 minutes" in english.content.decode()
    indonesian = attempt(UNKNOWN, "x" * 14, "10.0.9.1")[1]
    assert '<html lang="id">' in indonesian.content.decode()


def test_wrong_codes_at_the_code_step_count_towards_the_lock(personas):
    user = personas.supervisor_b
    authenticator_for(user)
    with time_machine.travel(NOON, tick=True):
        client, response = attempt(user.email, PASSWORD, "10.0.10.1")
        assert response.url == VERIFY
        answers = [client.post(VERIFY, {"code": "000000"}).status_code for _ in range(10)]
        assert answers == [200] * 9 + [429]
        # Locked out means logged out: the password step starts again after the lock.
        assert client.get("/").url.startswith(LOGIN)
        assert attempt(user.email, PASSWORD, "10.0.10.2")[1].status_code == 429


def test_a_complete_login_clears_the_accounts_earlier_failures(personas):
    user = personas.supervisor_b
    device = authenticator_for(user)
    with time_machine.travel(NOON, tick=False):
        for n in range(5):
            attempt(user.email, "x" * 14, f"10.0.11.{n}")
        client, _ = attempt(user.email, PASSWORD, "10.0.11.9")
        assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302
        for n in range(9):
            assert attempt(user.email, "x" * 14, f"10.0.12.{n}")[1].status_code == 200


def test_only_the_last_forwarded_address_counts_and_junk_is_ignored(personas):
    # The proxy appends the address it saw; anything before it came from the client.
    for n in range(10):
        forwarded = f"203.0.113.{n}, 10.0.14.1"
        attempt(f"someone{n}@test.lindungi.id", "x" * 14, HTTP_X_FORWARDED_FOR=forwarded)
    assert (
        attempt(personas.analyst.email, PASSWORD, HTTP_X_FORWARDED_FOR="10.0.14.1")[1].status_code
        == 429
    )
    response = attempt(personas.analyst.email, PASSWORD, HTTP_X_FORWARDED_FOR="not an address")[1]
    assert response.status_code == 302


def test_the_throttling_table_holds_no_email_and_no_password(personas):
    attempt(personas.analyst.email, "a secret guess 123", "10.0.13.1")
    attempt(UNKNOWN, "a secret guess 123", "10.0.13.1")
    rows = list(AccessAttempt.objects.values_list("username", "post_data", "get_data"))
    assert len(rows) == 2
    for row in rows:
        text = " ".join(row)
        assert "@" not in text
        assert "secret guess" not in text
