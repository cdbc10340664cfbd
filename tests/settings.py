"""Test settings: production settings (debug off) with fixed test keys and a temporary data dir.

Tests run with LINDUNGI_DEBUG off so that they see what production does: secure cookies,
no demo logins, strict key handling.
"""

import atexit
import os
import shutil
import tempfile

_DEFAULTS = {
    "LINDUNGI_DEBUG": "0",
    "LINDUNGI_SECRET_KEY": "test-secret-key-not-for-production-0123456789abcdef",
    "LINDUNGI_FIELD_KEYS": "dGVzdC1maWVsZC1rZXktMDAwMDAwMDAwMDAwMDAwMDA=",
    "LINDUNGI_INDEX_KEY": "dGVzdC1pbmRleC1rZXktMDAwMDAwMDAwMDAwMDAwMDA=",
    "LINDUNGI_AUDIT_KEY": "dGVzdC1hdWRpdC1rZXktMDAwMDAwMDAwMDAwMDAwMDA=",
    "LINDUNGI_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "LINDUNGI_SSL_REDIRECT": "0",
}
for _name, _value in _DEFAULTS.items():
    os.environ.setdefault(_name, _value)
# Which test process made the data directory in LINDUNGI_DATA_DIR ("main", or an xdist worker).
_MADE_BY = "LINDUNGI_TEST_DATA_DIR_OF"


def _own_data_dir():
    """A temporary data directory (attachments, static files) for each process that runs
    tests, removed when it exits. pytest-xdist's workers inherit the environment of the
    process that starts them, so each makes its own rather than share the starter's; the
    commands a test starts inherit their worker's. A directory given by hand is kept."""
    runner = os.environ.get("PYTEST_XDIST_WORKER", "main")
    made_by = os.environ.get(_MADE_BY)
    if "LINDUNGI_DATA_DIR" in os.environ and made_by in (None, runner):
        return
    folder = tempfile.mkdtemp(prefix=f"lindungi-test-{runner}-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ.update({"LINDUNGI_DATA_DIR": folder, _MADE_BY: runner})


_own_data_dir()

from lindungi.settings import *  # noqa: E402, F403

# The hashed-static manifest exists only after collectstatic; tests serve plain files.
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Password hashing is deliberately slow; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when missing
# A model with every kind of searchable personal data, for the encryption tests and bench.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.core.encryption_app"]  # noqa: F405
# Tests read in English: assertions name what a person sees in the source language. The
# Indonesian default is proved by the tests that ask for it (the `indonesian` fixture).
LANGUAGE_CODE = "en"
# CI's PostgreSQL run migrates its database before the suite: each worker's test database is
# then a copy of it (CREATE DATABASE ... TEMPLATE), and Django's migrate on it has nothing
# left to apply, where a migrate of its own takes twenty seconds a worker. Named by hand
# only: a database with rows would lend them to the tests.
if _template := os.environ.get("LINDUNGI_TEST_TEMPLATE_DATABASE"):
    DATABASES["default"]["TEST"] = {"TEMPLATE": _template}  # noqa: F405
