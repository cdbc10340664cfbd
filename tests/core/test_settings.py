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
