from unittest import mock

from django.db import OperationalError


def test_it_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert (
        "no-store" in response.headers["Cache-Control"]
        or "no-cache" in response.headers["Cache-Control"]
    )


def test_it_answers_503_when_the_database_does_not(client, db):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=refuse):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_it_answers_503_when_the_database_file_cannot_be_opened(tmp_path):
    """A real outage, not a patched one: point a fresh process at an unopenable SQLite path."""
    import subprocess
    import sys

    code = (
        "import django, os;"
        "os.environ['DJANGO_SETTINGS_MODULE']='tests.settings';"
        "django.setup();"
        "from django.test import Client;"
        "print(Client().get('/healthz').status_code)"
    )
    env = {
        **__import__("os").environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip().splitlines()[-1] == "503", result.stderr
