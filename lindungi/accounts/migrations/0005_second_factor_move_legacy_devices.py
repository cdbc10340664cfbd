"""Move second factors out of django-otp's plugin tables, which kept them in clear.

Authenticator secrets are re-written encrypted (the field encrypts), recovery codes as
password hashes; the old rows are then deleted, so no readable secret or code is left.
People keep their app and their unused codes. The plugins are no longer installed, so the
tables are read with SQL, and only if an earlier version created them.
"""

from django.contrib.auth.hashers import make_password
from django.db import migrations

TOTP_TABLE = "otp_totp_totpdevice"
STATIC_DEVICE_TABLE = "otp_static_staticdevice"
STATIC_TOKEN_TABLE = "otp_static_statictoken"
SELECTOR_LENGTH = 4  # as lindungi.accounts.mfa.models, frozen here


def _rows(cursor, sql):
    cursor.execute(sql)
    return cursor.fetchall()


def move_legacy_devices(apps, schema_editor):
    connection = schema_editor.connection
    tables = set(connection.introspection.table_names())
    Authenticator = apps.get_model("accounts", "Authenticator")
    RecoveryCodes = apps.get_model("accounts", "RecoveryCodes")
    RecoveryCode = apps.get_model("accounts", "RecoveryCode")
    with connection.cursor() as cursor:
        if TOTP_TABLE in tables:
            for user_id, name, confirmed, key, drift, last_t in _rows(
                cursor,
                f"SELECT user_id, name, confirmed, key, drift, last_t FROM {TOTP_TABLE}",  # noqa: S608
            ):
                Authenticator.objects.create(
                    user_id=user_id,
                    name=name,
                    confirmed=confirmed,
                    key=key,
                    drift=drift,
                    last_t=last_t,
                )
            cursor.execute(f"DELETE FROM {TOTP_TABLE}")  # noqa: S608
        if {STATIC_DEVICE_TABLE, STATIC_TOKEN_TABLE} <= tables:
            devices = {}
            for device_id, user_id, name, confirmed in _rows(
                cursor,
                f"SELECT id, user_id, name, confirmed FROM {STATIC_DEVICE_TABLE}",  # noqa: S608
            ):
                devices[device_id] = RecoveryCodes.objects.create(
                    user_id=user_id, name=name, confirmed=confirmed
                )
            for device_id, token in _rows(
                cursor,
                f"SELECT device_id, token FROM {STATIC_TOKEN_TABLE}",  # noqa: S608
            ):
                RecoveryCode.objects.create(
                    device=devices[device_id],
                    selector=token[:SELECTOR_LENGTH],
                    hash=make_password(token),
                )
            cursor.execute(f"DELETE FROM {STATIC_TOKEN_TABLE}")  # noqa: S608
            cursor.execute(f"DELETE FROM {STATIC_DEVICE_TABLE}")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_second_factor_devices")]

    operations = [
        migrations.RunPython(move_legacy_devices, migrations.RunPython.noop, elidable=False),
    ]
