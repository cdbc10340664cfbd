"""Audit events of the second factor. Never the code, the secret or a recovery code."""

from lindungi.audit.events import record


def record_mfa(action, request, *, actor=None, subject=None):
    """``mfa.<action>`` by ``actor`` (default: the request's user) about ``subject``'s account."""
    subject = subject or actor or request.user
    record(f"mfa.{action}", request=request, actor=actor or request.user, obj=subject)
