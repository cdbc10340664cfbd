"""The PostgreSQL connection's health check reads the socket and sends nothing."""

import time

import psycopg
import pytest
from django.db import connection

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
    pytest.mark.django_db(transaction=True, available_apps=["lindungi.audit"]),
]


def _admin():
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    )


def _last_query(admin, pid):
    return admin.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()


def test_a_healthy_connection_is_usable_without_a_round_trip():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid() /* the last query */")
        (pid,) = cursor.fetchone()
    with _admin() as admin:
        assert connection.is_usable()
        assert _last_query(admin, pid) == ("SELECT pg_backend_pid() /* the last query */",)


def test_a_connection_whose_backend_was_terminated_is_not_usable():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    with _admin() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 10  # the server's goodbye reaches the socket soon after
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not connection.is_usable()
    connection.close()
    with connection.cursor() as cursor:  # a new connection, as the next request would open
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_connection_inside_a_transaction_is_not_called_usable():
    connection.set_autocommit(False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        assert not connection.is_usable()
    finally:
        connection.rollback()
        connection.set_autocommit(True)
