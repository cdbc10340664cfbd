"""Second factors at rest: nothing in the database or the session logs anyone in.

Someone holding a copy of the database (a backup, a dump) must not be able to compute
TOTP codes from a stored secret, or read recovery codes off a table.
"""

from datetime import timedelta
from importlib import import_module
from io import StringIO
from types import SimpleNamespace

import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from lindungi.accounts.mfa import devices, enrolment
from lindungi.accounts.mfa.models import Authenticator
from lindungi.accounts.session_store import SessionStore
from lindungi.core import crypto
from tests.accounts.test_mfa import ENROL, NOON, RECOVER, VERIFY, password_step
from tests.core.encryption_app.support import NEW_KEY
from tests.login import authenticator_for, code_for_secret, totp_code

legacy = import_module("lindungi.accounts.migrations.0005_second_factor_move_legacy_devices")


def raw(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def db_id(pk):
    """A UUID as the database column holds it (SQLite: 32 hex digits)."""
    return pk if connection.vendor == "postgresql" else pk.hex


def stored_key(user):
    return raw("SELECT key FROM accounts_authenticator WHERE user_id = %s", db_id(user.pk))[0][0]


def codes_a_dump_would_suggest(value):
    """TOTP codes computed from a stored value, read as hex (as django-otp kept it) or raw."""
    candidates = []
    try:
        candidates.append(bytes.fromhex(value))
    except ValueError:
        pass
    candidates.append(value.encode())
    return [code_for_secret(key.hex()) for key in candidates]


def test_the_totp_secret_is_encrypted_in_the_database(personas):
    user = personas.supervisor_a
    device = authenticator_for(user)
    column = stored_key(user)
    assert column.startswith("v1.")
    assert device.key not in column
    assert devices.base32_secret(device.key) not in column


def test_a_code_computed_from_the_stored_value_does_not_log_in(personas):
    user = personas.supervisor_a
    device = authenticator_for(user)
    with time_machine.travel(NOON, tick=False):
        real = totp_code(device)
        for code in codes_a_dump_would_suggest(stored_key(user)):
            if code == real:
                continue  # one chance in a million to be the right code by luck
            client, _ = password_step(user)
            assert client.post(VERIFY, {"code": code}).status_code == 200
            assert client.get("/").status_code == 302
    # Later (wrong codes slow the device down for a while), the app's own code works.
    with time_machine.travel(NOON + timedelta(minutes=5), tick=False):
        client, _ = password_step(user)
        assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302
        assert client.get("/").status_code == 200


def test_recovery_codes_are_stored_only_as_slow_hashes(personas):
    user = personas.shelter_officer
    authenticator_for(user)
    codes = devices.issue_recovery_codes(user)
    rows = raw("SELECT selector, hash FROM accounts_recoverycode")
    assert len(rows) == 10
    stored = " ".join(f"{selector} {hashed}" for selector, hashed in rows)
    assert not any(code in stored for code in codes)
    assert all(hashed.startswith(("md5$", "pbkdf2_sha256$", "argon2")) for _, hashed in rows)
    with time_machine.travel(NOON, tick=False):
        for selector, hashed in rows[:3]:
            client, _ = password_step(user)
            assert client.post(RECOVER, {"code": hashed}).status_code == 200
            assert client.post(RECOVER, {"code": selector}).status_code == 200
    with time_machine.travel(NOON + timedelta(minutes=5), tick=False):
        client, _ = password_step(user)
        assert client.post(RECOVER, {"code": codes[0]}).status_code == 302


def test_the_pending_enrolment_secret_is_not_in_the_session_in_clear(personas):
    user = personas.responder
    client, _ = password_step(user)
    client.post(ENROL, {"code": enrolment.issue(user)})
    page = client.get(ENROL)
    typed_key = page.context["secret"].replace(" ", "")
    (session_data,) = raw(
        "SELECT session_data FROM accounts_session WHERE session_key = %s",
        client.session.session_key,
    )[0]
    stored = SessionStore().decode(session_data)
    sealed = stored["lindungi_mfa_pending_secret"]
    secret = crypto.decrypt(sealed)
    assert devices.base32_secret(secret) == typed_key
    assert secret not in str(stored) and typed_key not in str(stored)


def test_rotate_keys_re_encrypts_totp_secrets(personas, settings):
    user = personas.supervisor_b
    old_key = settings.FIELD_KEYS[0]
    device = authenticator_for(user)
    before = stored_key(user)
    with override_settings(FIELD_KEYS=[NEW_KEY, old_key]):
        call_command("rotate-keys", stdout=StringIO())
        after = stored_key(user)
        assert after.startswith(crypto.keyring().current_prefix)
        assert after != before
    with override_settings(FIELD_KEYS=[NEW_KEY]):
        client, _ = password_step(user)
        assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302


def create_legacy_tables():
    """The columns of django-otp's plugin tables that the migration reads."""
    user = "uuid" if connection.vendor == "postgresql" else "char(32)"
    for sql in (
        f"CREATE TABLE {legacy.TOTP_TABLE} (id integer PRIMARY KEY, user_id {user}, "
        "name varchar(64), confirmed boolean, key varchar(80), drift smallint, last_t bigint)",
        f"CREATE TABLE {legacy.STATIC_DEVICE_TABLE} (id integer PRIMARY KEY, "
        f"user_id {user}, name varchar(64), confirmed boolean)",
        f"CREATE TABLE {legacy.STATIC_TOKEN_TABLE} (id integer PRIMARY KEY, "
        "device_id integer, token varchar(16))",
    ):
        raw(sql)


def test_the_migration_moves_legacy_plain_devices_and_leaves_nothing_readable(personas):
    user = personas.case_worker_a
    secret = devices.new_secret()
    legacy_codes = ["abcd2345", "efgh6723"]
    create_legacy_tables()
    raw(
        f"INSERT INTO {legacy.TOTP_TABLE} (id, user_id, name, confirmed, key, drift, last_t) "  # noqa: S608
        "VALUES (1, %s, 'authenticator', %s, %s, 0, -1)",
        db_id(user.pk),
        True,
        secret,
    )
    raw(
        f"INSERT INTO {legacy.STATIC_DEVICE_TABLE} (id, user_id, name, confirmed) "  # noqa: S608
        "VALUES (7, %s, 'recovery codes', %s)",
        db_id(user.pk),
        True,
    )
    for token_id, code in enumerate(legacy_codes, start=1):
        raw(
            f"INSERT INTO {legacy.STATIC_TOKEN_TABLE} (id, device_id, token) VALUES (%s, 7, %s)",  # noqa: S608
            token_id,
            code,
        )

    legacy.move_legacy_devices(apps, SimpleNamespace(connection=connection))

    assert raw(f"SELECT COUNT(*) FROM {legacy.TOTP_TABLE}") == [(0,)]  # noqa: S608
    assert raw(f"SELECT COUNT(*) FROM {legacy.STATIC_TOKEN_TABLE}") == [(0,)]  # noqa: S608
    assert Authenticator.objects.get(user=user).key == secret
    assert secret not in stored_key(user)
    client, _ = password_step(user)
    assert client.post(VERIFY, {"code": code_for_secret(secret)}).status_code == 302
    other, _ = password_step(user)
    assert other.post(RECOVER, {"code": legacy_codes[1]}).status_code == 302
