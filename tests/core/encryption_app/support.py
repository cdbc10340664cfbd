"""Helpers shared by the encryption, blind-index and rotation tests."""

import base64
import os
import subprocess
import threading

from django.db import connection, models
from django.db.models import ExpressionWrapper, F


def make_key(seed):
    """A valid field or index key, fixed per seed so failures are reproducible."""
    return base64.urlsafe_b64encode(seed.encode().ljust(32, b"-")[:32]).decode()


OLD_KEY = make_key("rotation-old-key")
NEW_KEY = make_key("rotation-new-key")
STRANGER_KEY = make_key("a-key-nobody-used")


def stored(obj, field_name):
    """The column exactly as the database holds it, without decryption."""
    raw = ExpressionWrapper(F(field_name), output_field=models.TextField())
    return (
        type(obj)._base_manager.filter(pk=obj.pk).annotate(raw=raw).values_list("raw", flat=True)
    ).get()


def committed(work):
    """Run ``work`` on a connection of its own, outside the test's transaction, and commit.

    pg_dump sees only committed rows; a thread gets its own Django connection.
    """
    from django.db import connections

    result = {}

    def run():
        try:
            result["value"] = work()
        except BaseException as exc:  # re-raised in the test's thread
            result["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def database_bytes():
    """Everything the database holds, as an attacker with a copy of it would see it.

    SQLite: the serialised database (for the in-memory test database, exactly the bytes
    a backup file would have), taken on the test's own connection so it includes the
    test's uncommitted rows. PostgreSQL: pg_dump of the test database.
    """
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.serialize()
    settings = connection.settings_dict
    command = ["pg_dump", "--no-owner", "--dbname", settings["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command += [option, str(settings[key])]
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    return subprocess.run(command, check=True, capture_output=True, env=env).stdout
