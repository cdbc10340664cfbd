"""What is recorded without anyone calling ``record()``: logins, logouts, failed logins,
and every change to a user or a membership (who holds which role in which unit)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from lindungi.accounts.models import Membership, User
from lindungi.audit.events import login_hash, record
from lindungi.audit.middleware import current_request

# Changed on every login or save; the login itself is the event worth keeping.
_IGNORED = {"last_login", "updated_at", "created_at"}
_ACCOUNT_MODELS = (User, Membership)


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record("auth.login", request=request, actor=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    record("auth.logout", request=request, actor=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The same work for an unknown address and a wrong password: no lookup, only a hash.
    attempted = credentials.get("username") or credentials.get("email") or ""
    record(
        "auth.login_failed",
        request=request,
        object_type="auth.account",
        object_id=login_hash(attempted),
    )


def _changed_fields(instance, update_fields):
    """Names of the fields whose stored value this save changes (one query, updates only)."""
    fields = [
        f
        for f in instance._meta.concrete_fields
        if not f.primary_key
        and f.name not in _IGNORED
        and (update_fields is None or f.name in update_fields)
    ]
    if not fields:
        return []
    stored = (
        type(instance)
        ._base_manager.using(instance._state.db or "default")
        .filter(pk=instance.pk)
        .values(*(f.attname for f in fields))
        .first()
    )
    if stored is None:
        return [f.name for f in fields]
    return [
        f.name
        for f in fields
        if f.to_python(stored[f.attname]) != f.to_python(getattr(instance, f.attname))
    ]


def _prefix(instance):
    return instance._meta.model_name


def _before_save(sender, instance, raw, update_fields, **kwargs):
    if raw or instance._state.adding:
        return
    instance._audit_fields = _changed_fields(instance, update_fields)


def _after_save(sender, instance, created, raw, **kwargs):
    if raw:
        return
    if created:
        record(f"{_prefix(instance)}.create", request=current_request(), obj=instance)
        return
    fields = getattr(instance, "_audit_fields", None)
    if fields:
        record(
            f"{_prefix(instance)}.update", request=current_request(), obj=instance, fields=fields
        )
    instance._audit_fields = None


def _after_delete(sender, instance, **kwargs):
    record(f"{_prefix(instance)}.delete", request=current_request(), obj=instance)


for _model in _ACCOUNT_MODELS:
    pre_save.connect(_before_save, sender=_model, dispatch_uid=f"audit-pre-{_model.__name__}")
    post_save.connect(_after_save, sender=_model, dispatch_uid=f"audit-post-{_model.__name__}")
    post_delete.connect(_after_delete, sender=_model, dispatch_uid=f"audit-del-{_model.__name__}")
