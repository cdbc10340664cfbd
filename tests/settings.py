"""Test settings: production settings (debug off) with fixed test keys and a temporary data dir.

Tests run with LINDUNGI_DEBUG off so that they see what production does: secure cookies,
no demo logins, strict key handling.
"""

import os
import tempfile

_DEFAULTS = {
    "LINDUNGI_DEBUG": "0",
    "LINDUNGI_DATA_DIR": tempfile.mkdtemp(prefix="lindungi-test-"),
    "LINDUNGI_SECRET_KEY": "test-secret-key-not-for-production-0123456789abcdef",
    "LINDUNGI_FIELD_KEYS": "dGVzdC1maWVsZC1rZXktMDAwMDAwMDAwMDAwMDAwMDA=",
    "LINDUNGI_INDEX_KEY": "dGVzdC1pbmRleC1rZXktMDAwMDAwMDAwMDAwMDAwMDA=",
    "LINDUNGI_AUDIT_KEY": "dGVzdC1hdWRpdC1rZXktMDAwMDAwMDAwMDAwMDAwMDA=",
    "LINDUNGI_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "LINDUNGI_SSL_REDIRECT": "0",
}
for _name, _value in _DEFAULTS.items():
    os.environ.setdefault(_name, _value)

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
