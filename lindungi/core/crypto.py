"""Authenticated encryption of personal data, and the keys it runs on (rule 3 of
docs/architecture.md).

A stored value looks like ``v1.<key id>.<base64url(nonce | ciphertext | tag)>``:

- AES-256-GCM from ``cryptography``, a fresh 96-bit random nonce per value. The header
  (``v1.<key id>.``) is the associated data, so it cannot be edited without the value
  failing its authentication.
- The key id is the first 8 hex digits of HMAC-SHA256(key, "lindungi field key id"): it
  names the key without revealing it, lets a read pick the right key at once instead of
  trying each one, and lets ``rotate-keys`` skip a value already under the current key
  by looking at its first 12 characters.

``LINDUNGI_FIELD_KEYS`` holds one or more keys (32 bytes, base64url, padding optional),
comma-separated: the first encrypts, all of them decrypt. ``LINDUNGI_INDEX_KEY`` keys the
blind indexes and must differ from every field key: a key that both encrypts and indexes
would make one leak cost twice.
"""

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

VERSION = "v1"
NONCE_BYTES = 12
KEY_BYTES = 32
# v1.<8 hex>. : what rotate-keys compares to tell the current key's values from the rest.
HEADER_LENGTH = len(VERSION) + 1 + 8 + 1


class DecryptionError(Exception):
    """A stored value that no configured key can read.

    Raised instead of returning anything, so a wrong key never shows as garbage. The
    message names the column and the key id, never the value.
    """


def decode_key(text, variable, position=None):
    """The 32 raw bytes of a base64url key, or ImproperlyConfigured naming ``variable``."""
    where = variable if position is None else f"{variable} (key {position})"
    text = text.strip()
    try:
        # Padding optional: secrets.token_urlsafe(32) is a fine key and comes without it.
        raw = base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise ImproperlyConfigured(
            f"{where}: not a base64url key. Generate one with: python -c "
            '"import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'
        ) from None
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(
            f"{where}: a key must be {KEY_BYTES} bytes (44 base64url characters); "
            f"this one is {len(raw)} bytes."
        )
    return raw


def key_id(raw_key):
    return hmac.new(raw_key, b"lindungi field key id", hashlib.sha256).hexdigest()[:8]


@dataclass(frozen=True)
class Keyring:
    """The field keys in order (the first encrypts) and the blind-index key."""

    current_id: str
    ciphers: dict  # key id -> AESGCM, every configured key
    index_key: bytes

    @property
    def current_prefix(self):
        return f"{VERSION}.{self.current_id}."


def build_keyring(field_keys, index_key):
    """Check the configured keys and build the keyring; fail naming the variable."""
    if isinstance(field_keys, str):
        field_keys = [k for k in field_keys.split(",") if k.strip()]
    if not field_keys:
        raise ImproperlyConfigured("LINDUNGI_FIELD_KEYS: at least one key is required.")
    if not index_key:
        raise ImproperlyConfigured("LINDUNGI_INDEX_KEY: required.")
    ciphers = {}
    raw_field_keys = []
    for position, text in enumerate(field_keys, start=1):
        raw = decode_key(text, "LINDUNGI_FIELD_KEYS", position)
        kid = key_id(raw)
        if kid in ciphers:
            raise ImproperlyConfigured(
                f"LINDUNGI_FIELD_KEYS (key {position}): repeats an earlier key."
            )
        ciphers[kid] = AESGCM(raw)
        raw_field_keys.append(raw)
    raw_index_key = decode_key(index_key, "LINDUNGI_INDEX_KEY")
    if any(hmac.compare_digest(raw_index_key, raw) for raw in raw_field_keys):
        raise ImproperlyConfigured(
            "LINDUNGI_INDEX_KEY: must differ from every key in LINDUNGI_FIELD_KEYS."
        )
    return Keyring(current_id=key_id(raw_field_keys[0]), ciphers=ciphers, index_key=raw_index_key)


@cache
def keyring():
    """The keyring from settings, built once per process (and again if tests change them)."""
    return build_keyring(settings.FIELD_KEYS, settings.INDEX_KEY)


@receiver(setting_changed)
def _forget_keys(setting, **kwargs):
    if setting in {"FIELD_KEYS", "INDEX_KEY"}:
        keyring.cache_clear()


def encrypt(plaintext):
    """Encrypt ``plaintext`` (str) under the current key."""
    ring = keyring()
    header = ring.current_prefix
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.ciphers[ring.current_id].encrypt(
        nonce, plaintext.encode("utf-8"), header.encode("ascii")
    )
    return header + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decrypt(token, column="a value"):
    """The plaintext of ``token``; DecryptionError if no configured key can read it.

    ``column`` (e.g. ``places.servicepoint.address``) goes into the error message so an
    operator knows where to look; the value itself never does.
    """
    version, kid, body = _split(token, column)
    cipher = keyring().ciphers.get(kid)
    if cipher is None:
        raise DecryptionError(
            f"Cannot decrypt {column}: it was encrypted with key id {kid}, which is not in "
            "LINDUNGI_FIELD_KEYS. Add the old key back (after the current one) and run "
            "`lindungi rotate-keys`."
        )
    try:
        data = base64.urlsafe_b64decode(body.encode("ascii"))
        nonce, sealed = data[:NONCE_BYTES], data[NONCE_BYTES:]
        plain = cipher.decrypt(nonce, sealed, f"{version}.{kid}.".encode("ascii"))
    except (InvalidTag, binascii.Error, ValueError, UnicodeEncodeError):
        raise DecryptionError(
            f"Cannot decrypt {column} (key id {kid}): authentication failed, so the stored "
            "value was altered or damaged, or LINDUNGI_FIELD_KEYS holds a different key "
            "under the same id."
        ) from None
    return plain.decode("utf-8")


def is_current(token):
    """Whether ``token`` is already encrypted under the current key (no decryption)."""
    return token.startswith(keyring().current_prefix)


def _split(token, column):
    parts = token.split(".", 2) if isinstance(token, str) else []
    if len(parts) != 3 or parts[0] != VERSION or len(parts[1]) != 8:
        raise DecryptionError(
            f"Cannot decrypt {column}: the stored value is not a Lindungi ciphertext "
            "(plain text written past the field, or damaged)."
        )
    return parts
