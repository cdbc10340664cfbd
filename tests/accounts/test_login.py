from django.test import Client
from django.urls import reverse

from tests.login import authenticator_for, log_in, totp_code
from tests.personas import PASSWORD

LOGIN = "/akun/masuk/"


def test_the_login_page_is_in_indonesian_by_default(indonesian, db):
    response = Client().get(LOGIN)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="id">' in body
    assert "Masuk" in body
    assert '<label for="id_username">' in body


def test_a_person_logs_in_with_email_in_any_case(personas):
    client = Client()
    device = authenticator_for(personas.case_worker_a)
    response = client.post(
        LOGIN, {"username": "CASE.WORKER.A@test.lindungi.id", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:mfa_verify")
    response = client.post(response.url, {"code": totp_code(device)})
    assert response.url == reverse("home")
    home = client.get("/")
    assert home.status_code == 200
    assert "Unit A (UPTD PPA)" in home.content.decode()


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(indonesian, personas):
    wrong = Client().post(
        LOGIN, {"username": "case.worker.a@test.lindungi.id", "password": "x" * 14}
    )
    unknown = Client().post(LOGIN, {"username": "nobody@test.lindungi.id", "password": "x" * 14})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].errors == unknown.context["form"].errors
    assert "tidak benar" in wrong.content.decode()


def test_logging_in_gives_a_new_session_id(personas):
    client = Client()
    client.get(LOGIN)
    client.cookies["__Host-lindungi_session"] = "attacker-fixed-session"
    client.post(LOGIN, {"username": personas.analyst.email, "password": PASSWORD})
    assert client.cookies["__Host-lindungi_session"].value != "attacker-fixed-session"


def test_logout_ends_the_session_on_the_server(personas):
    from lindungi.accounts.models import Session

    client = Client()
    log_in(client, personas.analyst)
    session_key = client.session.session_key
    assert Session.objects.filter(session_key=session_key).exists()
    response = client.post("/akun/keluar/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get("/").status_code == 302


def test_logout_by_get_is_refused(personas):
    client = Client()
    log_in(client, personas.analyst)
    assert client.get("/akun/keluar/").status_code == 405
    assert client.get("/").status_code == 200


def test_pages_need_a_login(db):
    response = Client().get("/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_a_disabled_user_cannot_log_in(personas):
    personas.analyst.is_active = False
    personas.analyst.save()
    response = Client().post(LOGIN, {"username": personas.analyst.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in Client().session


def test_a_demo_user_is_refused_when_debug_is_off(db, settings):
    from lindungi.accounts.models import User

    User.objects.create_user("demo@demo.lindungi.id", PASSWORD, display_name="Demo", is_demo=True)
    settings.DEBUG = False
    client = Client()
    response = client.post(LOGIN, {"username": "demo@demo.lindungi.id", "password": PASSWORD})
    assert response.status_code == 200
    settings.DEBUG = True
    response = client.post(LOGIN, {"username": "demo@demo.lindungi.id", "password": PASSWORD})
    assert response.status_code == 302
