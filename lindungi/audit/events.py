"""The one way to write to the audit trail.

Every audit row says who (actor, and the unit and role they act in), what (an action
code), to what (object type and id), which fields (names only), from where (IP address,
request id) and, for break-glass, why. Nothing here accepts a value or a search term:
names and ids are checked against strict patterns, so personal data cannot slip in.
"""

import hmac
import re
import unicodedata

from django.db import transaction
from django.utils import timezone

from lindungi.audit import chain
from lindungi.audit.keys import audit_keys
from lindungi.audit.models import AuditEvent
from lindungi.audit.sealer import seal_after_commit
from lindungi.core.client_ip import client_ip

ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
OBJECT_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
# UUIDs, numbers, region codes, keyed hashes: never an email, a name or a phone number.
OBJECT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
FIELD = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")


def record(
    action,
    *,
    request=None,
    actor=None,
    unit=None,
    role=None,
    obj=None,
    object_type=None,
    object_id=None,
    fields=(),
    reason="",
    using="default",
):
    """Write an event to the audit trail and return it; it joins the chain once sealed.

    Actor, unit and role default to the request's user and active membership; IP address
    and request id come from the request. Call it inside the transaction of the write it
    describes: the row then commits or rolls back with that write. It takes no lock of its
    own: the sealer links it into the chain (lindungi/audit/sealer.py).
    """
    actor, unit, role = _acting(request, actor, unit, role)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    object_id = "" if object_id is None else str(object_id)
    fields = sorted(set(fields))
    _check(action, ACTION, "action")
    _check(object_type, OBJECT_TYPE, "object type", optional=True)
    _check(object_id, OBJECT_ID, "object id", optional=True)
    for name in fields:
        _check(name, FIELD, "field name")
    event = AuditEvent(
        at=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        unit_id=getattr(unit, "pk", None),
        role=role or "",
        action=action,
        object_type=object_type or "",
        object_id=object_id,
        fields=fields,
        ip=client_ip(request),
        request_id=getattr(request, "request_id", "") or "",
        reason=reason,
        key_id=audit_keys().current_id,
    )
    event.tag = chain.insert_tag(vars(event), event.key_id)
    # No savepoint: if the audit row cannot be written, the caller's transaction must not
    # commit either. One transaction also when called outside one, for SQLite's sealing.
    with transaction.atomic(using=using, savepoint=False):
        event.save(using=using, force_insert=True)
        seal_after_commit(using)
    return event


def _acting(request, actor, unit, role):
    """(actor, unit, role): those given, else the request's user and, when the actor is
    that user, the unit and role of the membership the request acts in."""
    user = getattr(request, "user", None)
    if actor is None and user is not None and user.is_authenticated:
        actor = user
    membership = getattr(request, "membership", None)
    if membership is not None and actor is not None and membership.user_id == actor.pk:
        unit = unit if unit is not None else membership.unit
        role = role if role is not None else membership.role
    return actor, unit, role


def record_read(request, obj, *, reason=""):
    """A case-bound page or API answer was shown: ``case.read``, ``client.read``, ..."""
    return record(f"{obj._meta.model_name}.read", request=request, obj=obj, reason=reason)


def record_export(request, object_type, *, fields=(), obj=None, rows=None, **acting):
    """Data left the system (CSV, PDF, SIMFONI file): what kind, and which columns; for a
    file of rows, how many (as the event's reason: a count, never a value). ``acting``:
    actor, unit and role, where there is no request (the worker, a command)."""
    reason = "" if rows is None else f"rows={int(rows)}"
    return record(
        "data.export",
        request=request,
        object_type=object_type,
        obj=obj,
        fields=fields,
        reason=reason,
        **acting,
    )


def record_search(request, object_type, *, fields=()):
    """A search was run: over what, and by which criteria (names only, never the terms)."""
    return record("data.search", request=request, object_type=object_type, fields=fields)


def login_hash(email):
    """A keyed hash of an attempted login, so failures against one account can be grouped
    (an investigator with the key computes the hash of a known address) without storing
    the address."""
    normal = unicodedata.normalize("NFKC", email or "").strip().lower()
    key = chain.derived_key("login-email")
    return hmac.new(key, normal.encode(), "sha256").hexdigest()


def _check(value, pattern, what, optional=False):
    if optional and not value:
        return
    if not isinstance(value, str) or not pattern.match(value):
        # The value itself is left out of the message: it may be the personal data we refuse.
        raise ValueError(f"audit: not a valid {what}")
