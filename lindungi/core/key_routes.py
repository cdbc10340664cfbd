"""Routes that only machines call with an API key skip the middleware of browser pages.

An integration's request (``POST /api/v1/reports``, ``Authorization: Bearer``) has no
session, no CSRF token, no second factor, no messages, no htmx and no login to lock out;
the middleware for those still ran on every such request, about a tenth of its Python
CPU (cProfile, PostgreSQL, 4 December 2026). ``KeyRoutesMiddleware`` stands in
``settings.MIDDLEWARE`` between the middleware every response needs (request id, request
log, security headers, language, audit context: listed before it) and the browser's
(listed after it): a request for one of ``settings.API_KEY_ROUTES`` goes from it straight
to its view, by a handler with no middleware of its own; any other request goes on down
the list as before.

The middleware listed before it must not hook ``process_view``, ``process_exception`` or
``process_template_response``: a key route's view is run by the handler here, which has
none (``tests/core/test_key_routes.py`` checks the list).
"""

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.urls import reverse


class _ViewOnly(BaseHandler):
    """Django's own resolving and running of the view (exceptions made into responses as
    for any view), with no middleware around it."""

    def load_middleware(self, is_async=False):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response)


class KeyRoutesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.view_only = _ViewOnly()
        self.view_only.load_middleware()
        self._paths = None

    def key_paths(self):
        # Reversed on first use: the URLconf is not loaded while the middleware is built.
        if self._paths is None:
            self._paths = frozenset(reverse(name) for name in settings.API_KEY_ROUTES)
        return self._paths

    def __call__(self, request):
        if request.path in self.key_paths():
            return self.view_only._middleware_chain(request)
        return self.get_response(request)
