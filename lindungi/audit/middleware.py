"""Keeps the current request at hand for audit receivers of model signals.

A ``post_save`` of a User or Membership does not know who made the change; the request
being served does. A context variable (per thread, per async task) carries it.
"""

from contextvars import ContextVar

_current_request = ContextVar("audit_current_request", default=None)


def current_request():
    return _current_request.get()


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
