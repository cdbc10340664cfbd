"""Sessions: a new id at login, server-side end at logout, idle and absolute limits,
deactivation and an administrator ending someone's sessions."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.sessions.backends.base import UpdateError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from lindungi.accounts.models import Session
from lindungi.accounts.session_store import SessionStore
from lindungi.accounts.sessions import end_sessions
from lindungi.audit.models import AuditEvent
from tests.login import log_in
from tests.personas import PASSWORD

LOGIN = "/akun/masuk/"
COOKIE = "__Host-lindungi_session"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ENDED = "Your session has ended. Please log in again."


def client_for(user, **options):
    client = Client(**options)
    log_in(client, user)
    return client


def ended_at_next_request(client):
    response = client.get("/")
    return response.status_code == 302 and response.url.startswith(LOGIN)


def test_logging_in_replaces_the_session_id_and_deletes_the_old_row(personas):
    client = Client()
    before = client.session.session_key  # an anonymous session, stored on the server
    assert Session.objects.filter(session_key=before).exists()
    client.post(LOGIN, {"username": personas.analyst.email, "password": PASSWORD})
    after = client.cookies[COOKIE].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert Session.objects.get(session_key=after).user == personas.analyst


def test_logging_out_deletes_the_session_on_the_server(personas):
    client = client_for(personas.analyst)
    key = client.session.session_key
    client.post("/akun/keluar/")
    assert not Session.objects.filter(session_key=key).exists()
    # Replaying the old cookie opens nothing.
    replay = Client()
    replay.cookies[COOKIE] = key
    assert ended_at_next_request(replay)


def test_a_session_idle_for_15_minutes_ends(personas):
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(personas.analyst)
        key = client.session.session_key
        for _ in range(3):  # active every 14 minutes: 42 minutes in all, never idle too long
            clock.shift(timedelta(minutes=14))
            assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=15))
        response = client.get("/?tab=cases")
        assert response.status_code == 302
        assert response.url == f"{LOGIN}?next=/%3Ftab%3Dcases"
        assert not Session.objects.filter(session_key=key).exists()
        assert ended_at_next_request(client)


def test_the_login_page_says_why_the_session_ended_in_the_users_language(indonesian, personas):
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(personas.analyst)
        clock.shift(timedelta(minutes=16))
        page = client.get("/", follow=True)
    with translation.override("id"):
        expected = gettext(ENDED)
    assert page.request["PATH_INFO"] == LOGIN
    assert expected in page.content.decode()


def test_a_session_ends_12_hours_after_login_however_active(personas):
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(personas.analyst)
        for _ in range(int(12 * 60 / 14)):
            clock.shift(timedelta(minutes=14))
            assert client.get("/").status_code == 200
        clock.shift(timedelta(hours=12) - timedelta(minutes=14 * int(12 * 60 / 14)))
        assert ended_at_next_request(client)


def test_the_limits_come_from_settings(personas, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(personas.analyst)
        clock.shift(timedelta(minutes=4))
        assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=5))
        assert ended_at_next_request(client)


def test_an_htmx_request_after_the_limit_reloads_the_whole_login_page(personas):
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(personas.analyst)
        clock.shift(timedelta(minutes=15))
        response = client.get("/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == f"{LOGIN}?next=/"


def test_a_deactivated_user_is_logged_out_at_the_next_request(personas):
    client = client_for(personas.case_worker_a)
    assert client.get("/").status_code == 200
    type(personas.case_worker_a).objects.filter(pk=personas.case_worker_a.pk).update(
        is_active=False
    )
    assert ended_at_next_request(client)
    assert not Session.objects.filter(user=personas.case_worker_a).exists()


def test_end_sessions_ends_every_session_of_that_user_only(personas):
    laptop = client_for(personas.case_worker_a)
    phone = client_for(personas.case_worker_a)
    colleague = client_for(personas.case_worker_b)
    assert end_sessions(personas.case_worker_a) == 2
    assert ended_at_next_request(laptop)
    assert ended_at_next_request(phone)
    assert colleague.get("/").status_code == 200


def test_an_administrator_ends_a_users_sessions_from_the_user_list(personas):
    target = client_for(personas.case_worker_a)
    admin = client_for(personas.administrator)
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "end_all_sessions", "_selected_action": [personas.case_worker_a.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert ended_at_next_request(target)
    assert admin.get("/").status_code == 200
    event = AuditEvent.objects.get(action="auth.sessions_ended")
    assert event.actor_id == personas.administrator.pk
    assert event.object_id == str(personas.case_worker_a.pk)


def test_deactivating_a_user_in_the_admin_ends_their_sessions_at_once(personas, rf):
    # Through UserAdmin.save_model: the change page itself is covered by the admin's tests.
    from django.contrib.admin import site

    from lindungi.accounts.models import User

    target = client_for(personas.case_worker_a)
    user_admin = site._registry[User]
    request = rf.post("/admin/")
    request.user = personas.administrator
    form_class = user_admin.get_form(request, personas.case_worker_a, change=True)
    data = {
        "email": personas.case_worker_a.email,
        "display_name": personas.case_worker_a.display_name,
        "is_active": "",
    }
    form = form_class(data, instance=personas.case_worker_a)
    assert form.is_valid(), form.errors
    user_admin.save_model(request, form.save(commit=False), form, change=True)
    assert not Session.objects.filter(user=personas.case_worker_a).exists()
    assert ended_at_next_request(target)


def test_an_ended_session_is_in_the_audit_trail(personas):
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(personas.analyst)
        clock.shift(timedelta(minutes=15))
        client.get("/")
    event = AuditEvent.objects.get(action="auth.session_expired")
    assert event.object_id == str(personas.analyst.pk)


def test_a_session_kept_inside_a_transaction_takes_no_savepoint_and_a_lost_row_still_fails(
    personas,
):
    """The store updates its row without Django's savepoint (two round trips) inside a
    caller's transaction; a row ended meanwhile still fails the update, as Django's does,
    and undoes the caller's transaction with it."""
    client = client_for(personas.analyst)
    store = SessionStore(session_key=client.cookies[COOKIE].value)
    store["note"] = "kept"
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        store.save()
    statements = [query["sql"] for query in queries.captured_queries]
    assert not any("SAVEPOINT" in sql for sql in statements), statements
    assert SessionStore(session_key=store.session_key)["note"] == "kept"
    Session.objects.filter(session_key=store.session_key).delete()
    store["note"] = "lost"
    with pytest.raises(UpdateError), transaction.atomic():
        AuditEvent.objects.filter(pk__in=[]).delete()
        store.save()
    assert not Session.objects.filter(session_key=store.session_key).exists()
