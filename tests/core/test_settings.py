"""Bad settings stop start-up with a message that names the variable."""

import os
import secrets
import subprocess
import sys

import pytest


def start(env_changes, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINDUNGI_", "DATABASE_URL"))}
    env.setdefault("LINDUNGI_DATA_DIR", str(tmp_path / "data"))
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "-c", "import lindungi.settings"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION_KEYS = {
    "LINDUNGI_SECRET_KEY": secrets.token_urlsafe(50),
    "LINDUNGI_FIELD_KEYS": "dGVzdC1maWVsZC1rZXktMDAwMDAwMDAwMDAwMDAwMDA=",
    "LINDUNGI_INDEX_KEY": secrets.token_urlsafe(32),
    "LINDUNGI_AUDIT_KEY": secrets.token_urlsafe(32),
}


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"LINDUNGI_DEBUG": "maybe"}, "LINDUNGI_DEBUG"),
        (
            {"LINDUNGI_DEBUG": "0", "DATABASE_URL": "mysql://x@y/z", **PRODUCTION_KEYS},
            "DATABASE_URL",
        ),
        ({"LINDUNGI_DEBUG": "0", "DATABASE_URL": "not a url", **PRODUCTION_KEYS}, "DATABASE_URL"),
        ({"LINDUNGI_DEBUG": "0"}, "LINDUNGI_SECRET_KEY"),
        (
            {
                "LINDUNGI_DEBUG": "0",
                **{k: v for k, v in PRODUCTION_KEYS.items() if "FIELD" not in k},
            },
            "LINDUNGI_FIELD_KEYS",
        ),
        (
            {"LINDUNGI_DEBUG": "1", "LINDUNGI_SECRET_KEY_FILE": "/nonexistent/secret"},
            "LINDUNGI_SECRET_KEY_FILE",
        ),
        ({"LINDUNGI_DEBUG": "1", "LINDUNGI_DATA_DIR": "/proc/forbidden"}, "LINDUNGI_DATA_DIR"),
        ({"LINDUNGI_DEBUG": "1", "LINDUNGI_GATEWAY": "pigeon"}, "LINDUNGI_GATEWAY"),
        ({"LINDUNGI_DEBUG": "1", "LINDUNGI_GATEWAY": "http"}, "LINDUNGI_GATEWAY_URL"),
        (
            {"LINDUNGI_DEBUG": "1", "LINDUNGI_GATEWAY_TEMPLATE": '{"to": $phone}'},
            "LINDUNGI_GATEWAY_TEMPLATE",
        ),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(changes, named, tmp_path):
    result = start(changes, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.splitlines()[-1]


def test_a_secret_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file-" + "x" * 40 + "\n")
    keys = {k: v for k, v in PRODUCTION_KEYS.items() if k != "LINDUNGI_SECRET_KEY"}
    env = {"LINDUNGI_DEBUG": "0", "LINDUNGI_SECRET_KEY_FILE": str(secret_file), **keys}
    code = "import lindungi.settings as s; print(s.SECRET_KEY)"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LINDUNGI_")}
    full_env.update(env, LINDUNGI_DATA_DIR=str(tmp_path / "d"))
    result = subprocess.run(
        [sys.executable, "-c", code], env=full_env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "from-a-file-" + "x" * 40


def test_development_generates_missing_keys_once_and_keeps_them(tmp_path):
    code = "import lindungi.settings as s; print(s.SECRET_KEY, s.FIELD_KEYS[0], s.INDEX_KEY)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINDUNGI_")}
    env.update(LINDUNGI_DEBUG="1", LINDUNGI_DATA_DIR=str(tmp_path / "d"))
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "generated a development key" in first.stderr
    assert first.stdout == second.stdout
    assert (tmp_path / "d" / "keys" / "LINDUNGI_FIELD_KEYS").stat().st_mode & 0o077 == 0


def test_sqlite_is_tuned_for_concurrent_use(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_check_deploy_is_clean_with_debug_off(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINDUNGI_", "DJANGO_"))}
    env.update(
        PRODUCTION_KEYS,
        LINDUNGI_DEBUG="0",
        LINDUNGI_DATA_DIR=str(tmp_path / "d"),
        LINDUNGI_ALLOWED_HOSTS="lindungi.example.id",
    )
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "lindungi.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_serve_refuses_a_bad_worker_count(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINDUNGI_")}
    env.update(PRODUCTION_KEYS, LINDUNGI_DATA_DIR=str(tmp_path / "d"), LINDUNGI_WORKERS="many")
    result = subprocess.run(
        [sys.executable, "-m", "lindungi.cli", "serve", "--help"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "LINDUNGI_WORKERS" in result.stderr.splitlines()[-1]


def test_sop_times_can_be_set_per_level(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINDUNGI_")}
    env.update(
        LINDUNGI_DEBUG="1",
        LINDUNGI_DATA_DIR=str(tmp_path / "d"),
        LINDUNGI_RESPONSE_MINUTES="high=5,medium=120",
        LINDUNGI_FOLLOW_UP_HOURS="medium=48",
    )
    code = (
        "import lindungi.settings as s;"
        "print(s.LINDUNGI_RESPONSE_MINUTES, s.LINDUNGI_FOLLOW_UP_HOURS)"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip()
        == "{'high': 5, 'medium': 120, 'low': 1440} {'high': 24, 'medium': 48}"
    )


@pytest.mark.parametrize("value", ["urgent=5", "high=soon", "high=-1", "high"])
def test_a_bad_sop_time_names_the_variable(value, tmp_path):
    result = start({"LINDUNGI_DEBUG": "1", "LINDUNGI_RESPONSE_MINUTES": value}, tmp_path)
    assert result.returncode != 0
    assert "LINDUNGI_RESPONSE_MINUTES" in result.stderr.splitlines()[-1]


def test_postgresql_statements_are_bound_by_the_server_and_prepared(monkeypatch):
    from lindungi import config

    url = "postgres://lindungi@db.example:5432/lindungi"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("LINDUNGI_DB_PREPARED", raising=False)
    options = config.database("DATABASE_URL", "unused")["OPTIONS"]
    assert options == {"server_side_binding": True, "prepare_threshold": 5}
    # Behind a pooler that cannot keep prepared statements: Django's client-side binding.
    monkeypatch.setenv("LINDUNGI_DB_PREPARED", "0")
    assert config.database("DATABASE_URL", "unused")["OPTIONS"] == {}
    # Options in the URL (e.g. plan_cache_mode) are kept beside them.
    monkeypatch.delenv("LINDUNGI_DB_PREPARED")
    monkeypatch.setenv("DATABASE_URL", f"{url}?options=-c%20plan_cache_mode%3Dforce_custom_plan")
    options = config.database("DATABASE_URL", "unused")["OPTIONS"]
    assert options["options"] == "-c plan_cache_mode=force_custom_plan"
    assert options["server_side_binding"] is True
    # SQLite has nothing to prepare across requests: its options are its own.
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x.sqlite3")
    assert "server_side_binding" not in config.database("DATABASE_URL", "unused")["OPTIONS"]


def test_a_statement_run_often_on_a_connection_is_prepared_there(db):
    from django.db import connection

    from lindungi.accounts.models import Unit

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    if not connection.settings_dict["OPTIONS"].get("server_side_binding"):
        pytest.skip("prepared statements turned off (LINDUNGI_DB_PREPARED=0)")
    for code in range(6):
        list(Unit.objects.filter(name=f"no such unit {code}"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "accounts_unit" WHERE "accounts_unit"."name" = $1%'],
        )
        assert cursor.fetchone()[0] == 1
