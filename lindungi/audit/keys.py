"""The audit keys: the first one in ``LINDUNGI_AUDIT_KEY`` tags and seals new events, all
of them verify the rows written under them.

Like the field keys (lindungi/core/crypto.py): ``LINDUNGI_AUDIT_KEY`` holds one or more
keys, comma-separated, and each row stores the id of the key it was written under, so a
rotation starts a new run of rows (a segment) under the new key while the old segments
still verify as long as their key stays in the list, after the current one.
"""

import hashlib
import hmac
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver


def key_id(secret):
    """Names a key without revealing it: the first 8 hex digits of a keyed hash."""
    return hmac.new(secret, b"lindungi audit key id", hashlib.sha256).hexdigest()[:8]


@dataclass(frozen=True)
class AuditKeys:
    current_id: str
    secrets: dict  # key id -> the key's bytes, every configured key

    def derived(self, purpose, kid=None):
        """A key for one purpose, so the chain key and the login-email key are never the
        same. ``kid``: the key a row was written under; by default the current one."""
        secret = self.secrets[kid or self.current_id]
        return hmac.new(secret, purpose.encode(), hashlib.sha256).digest()


def build(text):
    secrets = {}
    for position, part in enumerate(text.split(","), start=1):
        # The key's text is the secret, as it always was: rows sealed before rotation
        # existed were hashed under it.
        secret = part.strip().encode()
        if not secret:
            continue
        kid = key_id(secret)
        if kid in secrets:
            raise ImproperlyConfigured(
                f"LINDUNGI_AUDIT_KEY (key {position}): repeats an earlier key."
            )
        secrets[kid] = secret
    if not secrets:
        raise ImproperlyConfigured("LINDUNGI_AUDIT_KEY: at least one key is required.")
    return AuditKeys(current_id=next(iter(secrets)), secrets=secrets)


@cache
def audit_keys():
    """The keys from settings, built once per process (and again if tests change them)."""
    return build(settings.AUDIT_KEY)


@receiver(setting_changed)
def _forget_keys(setting, **kwargs):
    if setting == "AUDIT_KEY":
        audit_keys.cache_clear()
