"""Settings from the environment, read in one place and failing loudly.

Every value the operator sets comes through these helpers, so a typo in a deployment
stops start-up with a message naming the variable instead of running half-configured.
A secret can also be given as ``NAME_FILE`` (a path), the way container secrets are mounted.
"""

import logging
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger("lindungi.config")

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def raw(name, default=None):
    """The value of ``name``, or of the file named by ``name_FILE``, or ``default``."""
    value = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE")
    if value is not None and file_name:
        raise ImproperlyConfigured(f"{name}: set either {name} or {name}_FILE, not both.")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{name}_FILE: cannot read {file_name!r} ({exc.strerror})."
            ) from exc
    if value is None:
        return default
    return value.strip()


def boolean(name, default=False):
    value = raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected one of 1/0, true/false, yes/no, on/off.")


def integer(name, default, minimum=None, maximum=None):
    value = raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number.") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ImproperlyConfigured(f"{name}: expected a number from {minimum} to {maximum}.")
    return number


def choice(name, default, allowed):
    """One of ``allowed`` (lower case), or ``default`` when unset."""
    value = raw(name)
    if value is None:
        return default
    if value.lower() not in allowed:
        raise ImproperlyConfigured(f"{name}: expected one of {', '.join(sorted(allowed - {''}))}.")
    return value.lower()


def levels(name, default, minimum=0, maximum=100000):
    """Numbers per risk or priority level: ``high=0,medium=360,low=1440``. Levels not named
    keep their default; an unknown level or a bad number stops start-up."""
    value = raw(name)
    result = dict(default)
    if not value:
        return result
    for item in value.split(","):
        level, _sep, number = item.partition("=")
        level = level.strip()
        if level not in default or not number.strip().isdigit():
            raise ImproperlyConfigured(
                f"{name}: expected level=number pairs for {', '.join(default)}, e.g. "
                f"{','.join(f'{k}={v}' for k, v in default.items())}."
            )
        if not minimum <= int(number) <= maximum:
            raise ImproperlyConfigured(f"{name}: {level} must be from {minimum} to {maximum}.")
        result[level] = int(number)
    return result


def directory(name, default):
    path = Path(raw(name) or default).expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"{name}: cannot create {str(path)!r} ({exc.strerror})."
        ) from exc
    if not os.access(path, os.W_OK):
        raise ImproperlyConfigured(f"{name}: {str(path)!r} is not writable.")
    return path


# psycopg's own default: a statement run this often on a connection is prepared there.
PREPARE_THRESHOLD = 5


def database(name, default_sqlite_path):
    """Parse ``DATABASE_URL``; without it, the embedded SQLite file in the data dir."""
    import dj_database_url

    url = raw(name)
    if not url:
        return sqlite(default_sqlite_path)
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: not a database URL ({exc}).") from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        return sqlite(config["NAME"])
    if engine != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"{name}: only sqlite:// and postgres:// URLs are supported.")
    options = config.setdefault("OPTIONS", {})
    # Parameters bound by the server, and each statement prepared once it has run
    # PREPARE_THRESHOLD times on a connection (connections live CONN_MAX_AGE): PostgreSQL then
    # keeps its plan instead of parsing and planning again the same few statements every
    # page runs. Django binds client-side and prepares nothing by default (psycopg's
    # threshold is set to None unless given here), so each query arrived as new text: the
    # case page's row query took 0.57 ms to plan and 0.10 ms to run, and the pages' SELECTs
    # cost PostgreSQL 0.7 to 2.7 ms less CPU prepared (10,000 cases, December 2026). Not
    # behind a pooler in transaction mode without prepared-statement support (PgBouncer
    # before 1.21): turn off with LINDUNGI_DB_PREPARED=0.
    if boolean("LINDUNGI_DB_PREPARED", True):
        options.setdefault("server_side_binding", True)
        options.setdefault("prepare_threshold", PREPARE_THRESHOLD)
    # Django's backend with a health check that makes no round trip (core/pg/base.py).
    config["ENGINE"] = "lindungi.core.pg"
    return config


def sqlite(path):
    """SQLite tuned for many concurrent web workers.

    WAL lets readers run beside one writer; the busy timeout makes a writer wait for the
    lock instead of failing at once; IMMEDIATE transactions take the write lock at BEGIN,
    so two transactions never both read and then deadlock on upgrading to a write.
    """
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
            ),
        },
    }


def key(name, data_dir, debug, generate):
    """A secret key: from the environment, or (in development only) generated once.

    In development a missing key is written to ``data_dir/keys/NAME`` with a warning, so
    a fresh checkout runs without set-up and keeps its keys across restarts. With debug
    off a missing key is fatal: silently inventing a key in production would make
    encrypted data unreadable after the next deploy.
    """
    value = raw(name)
    if value:
        return value
    if not debug:
        raise ImproperlyConfigured(
            f"{name}: required when LINDUNGI_DEBUG is off (or give {name}_FILE)."
        )
    path = data_dir / "keys" / name
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    value = generate()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    log.warning("%s was not set; generated a development key in %s", name, path)
    return value


def random_secret():
    return secrets.token_urlsafe(50)
