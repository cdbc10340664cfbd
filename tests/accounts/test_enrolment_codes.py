"""Enrolment codes: the password alone never puts someone's phone on an account.

An account without a second factor (new, or reset by an administrator) asks for a one-time
code an administrator issued to that user before any secret is shown.
"""

import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from lindungi.accounts.mfa import enrolment
from lindungi.accounts.mfa.models import Authenticator, EnrolmentCode
from lindungi.audit.models import AuditEvent
from tests.accounts.test_mfa import ENROL, QR, password_step, pending_secret
from tests.core.test_headers import inline_code
from tests.login import authenticator_for, code_for_secret, log_in

ADMIN_CHANGE = "/admin/accounts/user/{}/change/"
ISSUE = "/admin/accounts/user/{}/enrolment-code/"


def test_the_password_alone_shows_no_secret_and_enrols_nothing(personas):
    """The take-over the review found: password, then the secret, then the attacker's code."""
    user = personas.case_worker_a
    attacker, response = password_step(user)
    assert response.url == ENROL
    page = attacker.get(ENROL)
    assert page.status_code == 200
    assert "lindungi_mfa_pending_secret" not in attacker.session
    assert "secret" not in page.context
    assert attacker.get(QR).status_code == 404
    attacker.post(ENROL, {"code": "123456"})
    assert "lindungi_mfa_pending_secret" not in attacker.session
    assert not Authenticator.objects.filter(user=user).exists()
    assert attacker.get("/").status_code == 302


def enter_code(client, code):
    return client.post(ENROL, {"code": code})


def test_the_right_code_opens_enrolment_and_is_used_up(personas):
    user = personas.case_worker_a
    code = enrolment.issue(user)
    client, _ = password_step(user)
    response = enter_code(client, enrolment.display(code))  # as read out: upper case, hyphens
    assert response.status_code == 302 and response.url == ENROL
    assert client.get(ENROL).context["secret"]
    client.post(ENROL, {"code": code_for_secret(pending_secret(client))})
    assert client.get("/").status_code == 200
    assert not EnrolmentCode.objects.filter(user=user).exists()
    actions = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert {"mfa.enrolment_code_used", "mfa.enrolled"} <= actions


def test_a_code_works_once(personas):
    user = personas.responder
    code = enrolment.issue(user)
    first, _ = password_step(user)
    assert enter_code(first, code).status_code == 302
    second, _ = password_step(user)
    response = enter_code(second, code)
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert second.get(QR).status_code == 404


def test_a_code_expires_after_24_hours(personas):
    user = personas.responder
    issued_at = timezone.now()
    with time_machine.travel(issued_at, tick=False):
        code = enrolment.issue(user)
    with time_machine.travel(issued_at + timedelta(hours=24, seconds=1), tick=False):
        client, _ = password_step(user)
        assert enter_code(client, code).status_code == 200
    with time_machine.travel(issued_at + timedelta(hours=23, minutes=59), tick=False):
        client, _ = password_step(user)
        assert enter_code(client, code).status_code == 302


def test_issuing_again_replaces_the_earlier_code(personas):
    user = personas.responder
    old = enrolment.issue(user)
    new = enrolment.issue(user)
    client, _ = password_step(user)
    assert enter_code(client, old).status_code == 200
    assert enter_code(client, new).status_code == 302


def test_wrong_codes_count_like_wrong_passwords_and_lock_the_account(personas, settings):
    user = personas.responder
    code = enrolment.issue(user)
    client, _ = password_step(user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert enter_code(client, "aaaa-bbbb-cccc").status_code == 200
    response = enter_code(client, "aaaa-bbbb-cccc")
    assert response.status_code == 429
    # Locked: the right code is refused too, and the session no longer holds the password step.
    assert enter_code(client, code).status_code == 302
    assert EnrolmentCode.objects.filter(user=user).exists()
    assert "mfa.enrolment_code_failed" in AuditEvent.objects.values_list("action", flat=True)


def test_the_code_is_stored_only_as_a_hash(personas):
    code = enrolment.issue(personas.responder)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_enrolmentcode")
        rows = cursor.fetchall()
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0]).lower()
    assert code not in stored and code[:6] not in stored


def issue_as(client, user):
    return client.post(ISSUE.format(user.pk))


def shown_code(response):
    return re.search(r"<code>([A-Z2-7-]+)</code>", response.content.decode()).group(1)


def test_an_administrator_issues_a_code_shown_once_that_the_user_enrols_with(personas):
    user = personas.case_worker_b
    admin = Client()
    log_in(admin, personas.administrator)
    change_page = admin.get(ADMIN_CHANGE.format(user.pk)).content.decode()
    assert ISSUE.format(user.pk) in change_page
    assert "Not set up" in change_page or "Belum" in change_page
    confirm = admin.get(ISSUE.format(user.pk))
    assert confirm.status_code == 200 and "<code>" not in confirm.content.decode()
    response = issue_as(admin, user)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    code = shown_code(response)
    event = AuditEvent.objects.get(action="mfa.enrolment_code_issued")
    assert event.actor == personas.administrator
    assert event.object_id == str(user.pk)
    assert code.lower().replace("-", "") not in str(event.__dict__).lower()
    # The change page says a code is waiting; it never shows the code again.
    later = admin.get(ADMIN_CHANGE.format(user.pk)).content.decode()
    assert code not in later
    client, _ = password_step(user)
    assert enter_code(client, code).status_code == 302


def test_other_roles_cannot_issue_codes(personas):
    client = Client()
    log_in(client, personas.supervisor_a)
    response = issue_as(client, personas.case_worker_a)
    assert response.status_code == 302  # to the admin login: not an administrator
    assert not EnrolmentCode.objects.exists()


def test_no_code_for_someone_who_has_a_second_factor(personas):
    user = personas.case_worker_b
    authenticator_for(user)
    admin = Client()
    log_in(admin, personas.administrator)
    response = issue_as(admin, user)
    assert response.status_code == 302
    assert not EnrolmentCode.objects.exists()


def test_a_reset_needs_a_new_code(personas):
    user = personas.case_worker_b
    authenticator_for(user)
    waiting = enrolment.issue(user)  # e.g. issued earlier and seen by someone
    admin = Client()
    log_in(admin, personas.administrator)
    admin.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [str(user.pk)]},
    )
    client, response = password_step(user)
    assert response.url == ENROL
    assert enter_code(client, waiting).status_code == 200
    new = shown_code(issue_as(admin, user))
    assert enter_code(client, new).status_code == 302


def test_the_command_issues_a_code_for_the_first_administrator(personas):
    out = StringIO()
    call_command("enrolment-code", personas.administrator.email.upper(), stdout=out)
    code = re.search(r"[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}", out.getvalue()).group(0)
    client, _ = password_step(personas.administrator)
    assert enter_code(client, code).status_code == 302
    authenticator_for(personas.analyst)
    with pytest.raises(CommandError):
        call_command("enrolment-code", personas.analyst.email, stdout=StringIO())


def test_the_enrolment_code_page_speaks_indonesian(personas, indonesian):
    client, _ = password_step(personas.responder)
    page = client.get(ENROL).content.decode()
    assert "kode pendaftaran" in page.lower()


@pytest.fixture(autouse=True)
def _english_admin(settings):
    """Admin pages in English, so that the assertions above read their words."""
    settings.LANGUAGE_CODE = "en"


def test_the_enrolment_code_pages_have_no_inline_code_the_csp_would_block(personas):
    user = personas.case_worker_b
    admin = Client()
    log_in(admin, personas.administrator)
    client, _ = password_step(user)
    for response in (
        admin.get(ADMIN_CHANGE.format(user.pk)),
        admin.get(ISSUE.format(user.pk)),
        issue_as(admin, user),
        client.get(ENROL),
    ):
        assert response.status_code == 200
        assert inline_code(response) == []
