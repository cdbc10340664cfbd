"""API keys for integrations (112 dispatch, the city's citizen app): intake only.

A key is 32 random bytes; only its SHA-256 is stored. A slow password hash is not needed:
nobody can guess 256 random bits, and a fast hash lets every request be checked by one
indexed lookup. The key is shown once, when it is made. Its prefix (stored in clear)
names it in lists and in the audit trail; the key itself is never logged or audited.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import CharField
from django.utils import timezone

from lindungi.audit.events import record
from lindungi.core.compiled import Param
from lindungi.core.compiled_query import CompiledQuery
from lindungi.intake.models import ApiKey

INTAKE = "intake"
# Writing "last used" on every request would cost a write each time; a minute is precise.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class KeyExists(Exception):
    """The integration already has an active key: revoke it first."""


def _hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(name, *, scope=INTAKE):
    """Make a key for the integration ``name``: returns (ApiKey, key). Show the key once."""
    for _attempt in range(5):
        prefix = "lk_" + secrets.token_hex(4)
        key = f"{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic():
                _free_name(name)
                api_key = ApiKey.objects.create(
                    name=name, prefix=prefix, key_hash=_hash(key), scope=scope
                )
                record("apikey.create", obj=api_key)
            return api_key, key
        except IntegrityError:
            if ApiKey.objects.filter(name=name, revoked_at__isnull=True).exists():
                raise KeyExists(name) from None
    raise IntegrityError("could not draw a unique key prefix")


def _free_name(name):
    """A new key for an integration whose key was revoked: the old row keeps its id (the
    audit trail points at it) under a name that says it was revoked."""
    old = ApiKey.objects.select_for_update().filter(name=name).first()
    if old is None:
        return
    if old.revoked_at is None:
        raise KeyExists(name)
    old.name = f"{name[:80]} (revoked {old.prefix})"
    old.save(update_fields=["name", "updated_at"])


# Every API request looks its key up: compiled once (lindungi/core/compiled_query.py).
_ACTIVE = CompiledQuery(
    lambda: ApiKey.objects.filter(
        key_hash=Param("key_hash", CharField()),
        scope=Param("scope", CharField()),
        revoked_at__isnull=True,
    ).order_by("pk")[:1]
)


def verify_key(key, *, scope=INTAKE):
    """The active ApiKey for ``key`` in ``scope``, or None."""
    if not key or len(key) > 200:
        return None
    api_key = _ACTIVE.first(key_hash=_hash(key), scope=scope)
    if api_key is not None:
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
            api_key.last_used_at = now
    return api_key


def revoke_key(name):
    """Revoke the key of ``name`` at once: the next request with it is refused."""
    with transaction.atomic():
        api_key = ApiKey.objects.select_for_update().get(name=name)
        if api_key.revoked_at is None:
            api_key.revoked_at = timezone.now()
            api_key.save(update_fields=["revoked_at", "updated_at"])
            record("apikey.revoke", obj=api_key)
    return api_key
