"""Audit events of the second factor. Never the code, the secret or a recovery code."""

from lindungi.audit.events import record


def record_mfa(action, request, *, actor=None, subject=None):
    """``mfa.<action>`` by ``actor`` (default: the request's user; none
    from the command line) about ``subject``'s account."""
    actor = actor or getattr(request, "user", None)
    record(f"mfa.{action}", request=request, actor=actor, obj=subject or actor)
