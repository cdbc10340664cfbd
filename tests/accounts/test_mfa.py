"""The second factor: required everywhere, enrolled by QR code, codes used once."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from lindungi.accounts.mfa import devices, enrolment
from lindungi.accounts.mfa.models import Authenticator, RecoveryCode
from lindungi.audit.models import AuditEvent
from lindungi.core import crypto
from tests.login import authenticator_for, code_for_secret, log_in, totp_code
from tests.personas import PASSWORD

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:mfa_verify")
RECOVER = reverse("accounts:mfa_recover")
ENROL = reverse("accounts:mfa_enrol")
QR = reverse("accounts:mfa_qr")
MANAGE = reverse("accounts:mfa_manage")
REGENERATE = reverse("accounts:mfa_regenerate")
# The middle of a 30-second TOTP step, so that "the same step" is unambiguous.
NOON = datetime(2026, 3, 2, 5, 0, 10, tzinfo=UTC)


def password_step(user, client=None):
    client = client or Client()
    response = client.post(LOGIN, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client, response


def actions_of(user):
    return list(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))


@pytest.mark.parametrize(
    "path", ["/", "/tempat/layanan/", "/admin/", "/admin/accounts/user/", MANAGE]
)
def test_no_staff_page_opens_after_the_password_alone(personas, path):
    authenticator_for(personas.administrator)
    client, _ = password_step(personas.administrator)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next={path.replace('/', '%2F')}"


def test_every_persona_without_a_device_is_sent_to_enrolment(personas):
    for name, user in personas.everyone():
        client = Client()
        client.force_login(user)
        response = client.get("/")
        assert response.status_code == 302, name
        assert response.url.startswith(ENROL), name


def test_an_api_answer_needs_the_second_factor_and_is_json(personas):
    client = Client()
    client.force_login(personas.case_worker_a)
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["error"] == "second_factor_required"


def test_an_htmx_request_without_the_second_factor_reloads_the_whole_page(personas):
    authenticator_for(personas.case_worker_a)
    client = Client()
    client.force_login(personas.case_worker_a)
    response = client.get("/tempat/layanan/", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith(VERIFY)


def test_the_login_pages_the_language_switch_and_health_stay_open(personas):
    client = Client()
    client.force_login(personas.analyst)
    assert client.get(ENROL).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.post("/bahasa/", {"language": "en", "next": "/"}).status_code == 302
    assert client.post("/akun/keluar/").status_code == 302


def test_the_admin_site_opens_for_an_administrator_with_the_second_factor(personas):
    client = Client()
    log_in(client, personas.administrator)
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_page_is_lindungis_own(db):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=/admin/"


def test_a_person_logs_in_with_password_and_code(personas):
    device = authenticator_for(personas.supervisor_a)
    client, response = password_step(personas.supervisor_a)
    assert response.url == VERIFY
    page = client.get(VERIFY).content.decode()
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page
    assert '<label for="id_code">' in page
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/").status_code == 200
    assert "mfa.verified" in actions_of(personas.supervisor_a)


def test_the_code_step_gets_a_new_session_id(personas):
    device = authenticator_for(personas.analyst)
    client, _ = password_step(personas.analyst)
    before = client.session.session_key
    client.post(VERIFY, {"code": totp_code(device)})
    assert client.session.session_key != before


def test_the_page_asked_for_is_opened_after_the_code(personas):
    device = authenticator_for(personas.analyst)
    client = Client()
    response = client.post(
        f"{LOGIN}?next=/tempat/layanan/", {"username": personas.analyst.email, "password": PASSWORD}
    )
    assert response.url == f"{VERIFY}?next=%2Ftempat%2Flayanan%2F"
    response = client.post(response.url, {"code": totp_code(device)})
    assert response.url == "/tempat/layanan/"


def test_a_wrong_code_is_refused_and_recorded(personas):
    authenticator_for(personas.analyst)
    client, _ = password_step(personas.analyst)
    response = client.post(VERIFY, {"code": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert client.get("/").status_code == 302
    assert "mfa.failed" in actions_of(personas.analyst)


def test_a_reused_totp_code_is_refused(personas):
    device = authenticator_for(personas.case_worker_a)
    with time_machine.travel(NOON, tick=False):
        code = totp_code(device)
        client, _ = password_step(personas.case_worker_a)
        assert client.post(VERIFY, {"code": code}).status_code == 302
        # Someone who saw the code tries it in the same 30-second step, on another browser.
        other, _ = password_step(personas.case_worker_a)
        response = other.post(VERIFY, {"code": code})
        assert other.get("/").status_code == 302
    assert response.status_code == 200
    assert response.context["form"].errors["code"]


def test_the_next_step_s_code_works_after_one_was_used(personas):
    device = authenticator_for(personas.case_worker_a)
    with time_machine.travel(NOON, tick=False):
        client, _ = password_step(personas.case_worker_a)
        assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302
    with time_machine.travel(NOON + timedelta(seconds=30), tick=False):
        other, _ = password_step(personas.case_worker_a)
        assert other.post(VERIFY, {"code": totp_code(device)}).status_code == 302


def pending_secret(client):
    """The secret of the client's enrolment in progress (kept encrypted in the session)."""
    return crypto.decrypt(client.session["lindungi_mfa_pending_secret"])


def give_enrolment_code(client, user):
    """What the user does with the code an administrator issued them."""
    response = client.post(ENROL, {"code": enrolment.issue(user)})
    assert response.status_code == 302 and response.url == ENROL
    return response


def enrol(client, user):
    """Walk the enrolment: the code, the page, a code from the new app; returns the secret."""
    give_enrolment_code(client, user)
    page = client.get(ENROL)
    assert page.status_code == 200
    secret = pending_secret(client)
    return page, client.post(ENROL, {"code": code_for_secret(secret)}), secret


def test_enrolment_shows_a_qr_code_and_the_key_then_ten_recovery_codes(personas):
    user = personas.responder
    client = Client()
    client.force_login(user)
    with time_machine.travel(NOON, tick=False):
        page, response, secret = enrol(client, user)
        assert client.get("/").status_code == 200
    body = page.content.decode()
    assert f'<img src="{QR}"' in body
    assert devices.manual_entry_key(secret) in body
    assert "style=" not in body and "<script>" not in body
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == len(set(codes)) == 10
    for code in codes:
        assert code in response.content.decode()
    device = Authenticator.objects.get(user=user)
    assert device.confirmed and device.key == secret
    assert "mfa.enrolled" in actions_of(user)


def test_the_qr_code_is_an_svg_of_the_pending_secret_and_never_in_a_url(personas):
    client = Client()
    client.force_login(personas.responder)
    give_enrolment_code(client, personas.responder)
    page = client.get(ENROL).content.decode()
    secret = pending_secret(client)
    response = client.get(QR)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert b"<script" not in response.content
    assert "no-store" in response["Cache-Control"]
    # The page shows the key for typing, but no URL carries it: the image's address is fixed.
    assert secret not in page
    assert "?" not in QR


def test_the_qr_code_needs_an_enrolment_in_progress(personas):
    client = Client()
    log_in(client, personas.responder)
    assert client.get(QR).status_code == 404


def test_a_wrong_code_does_not_confirm_enrolment(personas):
    client = Client()
    client.force_login(personas.responder)
    give_enrolment_code(client, personas.responder)
    client.get(ENROL)
    response = client.post(ENROL, {"code": "123456"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not Authenticator.objects.filter(user=personas.responder).exists()


def test_the_code_that_confirmed_enrolment_cannot_log_in(personas):
    client = Client()
    client.force_login(personas.responder)
    with time_machine.travel(NOON, tick=False):
        _, _, secret = enrol(client, personas.responder)
        other, _ = password_step(personas.responder)
        response = other.post(VERIFY, {"code": code_for_secret(secret)})
    assert response.status_code == 200


def test_an_enrolled_user_cannot_enrol_again_without_re_authenticating(personas):
    client = Client()
    log_in(client, personas.responder)
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response.url == MANAGE


def recovery_codes_for(user):
    return devices.issue_recovery_codes(user)


def test_a_recovery_code_logs_in_once(personas):
    user = personas.shelter_officer
    authenticator_for(user)
    code = recovery_codes_for(user)[3]
    client, _ = password_step(user)
    response = client.post(RECOVER, {"code": code.upper()[:4] + "-" + code[4:]})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert RecoveryCode.objects.filter(device__user=user).count() == 9
    assert "mfa.recovery_used" in actions_of(user)
    other, _ = password_step(user)
    response = other.post(RECOVER, {"code": code})
    assert response.status_code == 200
    assert other.get("/").status_code == 302


def test_a_recovery_code_is_not_a_totp_code(personas):
    user = personas.shelter_officer
    authenticator_for(user)
    code = recovery_codes_for(user)[0]
    client, _ = password_step(user)
    assert client.post(VERIFY, {"code": code}).status_code == 200


def reauthenticate(client, user, code):
    return client.post(MANAGE, {"password": PASSWORD, "code": code})


def test_new_recovery_codes_need_re_authentication(personas):
    user = personas.partner_officer
    client = Client()
    device = log_in(client, user)
    old = recovery_codes_for(user)
    response = client.post(REGENERATE)
    assert response.status_code == 302
    assert response.url == MANAGE
    assert devices.recovery_codes_left(user) == 10
    with time_machine.travel(NOON, tick=False):
        assert reauthenticate(client, user, totp_code(device)).status_code == 302
        response = client.post(REGENERATE)
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert devices.recovery_codes_left(user) == 10
    assert all(devices.check_recovery_code(user, code) is None for code in old)
    assert "mfa.recovery_regenerated" in actions_of(user)
    # Each change needs its own re-authentication.
    assert client.post(REGENERATE).status_code == 302


def test_re_authentication_needs_the_password_and_a_current_code(personas):
    user = personas.partner_officer
    client = Client()
    device = log_in(client, user)
    with time_machine.travel(NOON, tick=False):
        wrong_password = client.post(MANAGE, {"password": "x" * 14, "code": totp_code(device)})
        wrong_code = client.post(MANAGE, {"password": PASSWORD, "code": "000000"})
    for response in (wrong_password, wrong_code):
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
        assert not response.context["reauthenticated"]


def test_re_authentication_lasts_five_minutes(personas):
    user = personas.partner_officer
    client = Client()
    device = log_in(client, user)
    with time_machine.travel(NOON, tick=False):
        reauthenticate(client, user, totp_code(device))
    with time_machine.travel(NOON + timedelta(minutes=4), tick=False):
        assert client.get(MANAGE).context["reauthenticated"]
    with time_machine.travel(NOON + timedelta(minutes=5, seconds=1), tick=False):
        assert not client.get(MANAGE).context["reauthenticated"]
        assert client.get(ENROL).url == MANAGE


def test_a_recovery_code_also_re_authenticates(personas):
    user = personas.partner_officer
    client = Client()
    log_in(client, user)
    code = recovery_codes_for(user)[0]
    assert reauthenticate(client, user, code).status_code == 302
    assert client.get(MANAGE).context["reauthenticated"]


def test_replacing_the_authenticator_needs_re_authentication_and_keeps_the_old_until_confirmed(
    personas,
):
    user = personas.analyst
    client = Client()
    old = log_in(client, user)
    with time_machine.travel(NOON, tick=False):
        reauthenticate(client, user, totp_code(old))
        page = client.get(ENROL)
        assert page.status_code == 200 and page.context["replacing"]
        assert Authenticator.objects.get(user=user).pk == old.pk
    with time_machine.travel(NOON + timedelta(minutes=1), tick=False):
        new_secret = pending_secret(client)
        response = client.post(ENROL, {"code": code_for_secret(new_secret)})
        assert client.get("/").status_code == 200
    assert response.status_code == 200
    assert [device.key for device in Authenticator.objects.filter(user=user)] == [new_secret]
    assert {"mfa.reset", "mfa.enrolled"} <= set(actions_of(user))


def test_an_administrator_resets_someone_elses_second_factor(personas):
    user = personas.case_worker_b
    victim = Client()
    log_in(victim, user)
    recovery_codes_for(user)
    admin = Client()
    log_in(admin, personas.administrator)
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [str(user.pk)]},
    )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(device__user=user).exists()
    assert victim.get("/").url.startswith(ENROL)
    event = AuditEvent.objects.get(action="mfa.reset")
    assert event.actor == personas.administrator
    assert event.object_id == str(user.pk)


def test_other_roles_cannot_reset_a_second_factor(personas):
    authenticator_for(personas.case_worker_a)
    client = Client()
    log_in(client, personas.supervisor_a)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [str(personas.case_worker_a.pk)]},
    )
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=personas.case_worker_a).exists()
    assert not AuditEvent.objects.filter(action="mfa.reset").exists()
