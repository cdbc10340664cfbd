"""Response headers that Django's SecurityMiddleware and django-csp do not set.

The rest of the set is configured in settings: Content-Security-Policy (django-csp), HSTS,
Referrer-Policy, Cross-Origin-Opener-Policy and nosniff (SecurityMiddleware), and
X-Frame-Options (XFrameOptionsMiddleware). README, "Sessions, headers and logs".
"""

from django.conf import settings
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache


def no_store(view):
    """For public pages where someone types something sensitive (the report form, /lapor/).

    Neither the browser nor a proxy keeps a copy, so the next person at a shared computer
    cannot page back to what was typed. Pages for logged-in users get this from the
    middleware below.
    """
    return never_cache(view)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; no-store on every response to a logged-in user.

    It reads request.user once the view has run (AuthenticationMiddleware, further down
    the list, has set it), so the answer to a login is covered too. A route called with an
    API key has no user (lindungi/core/key_routes.py), nor does a static file.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENIED
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Case pages must not survive in a shared computer's cache or history.
            add_never_cache_headers(response)
        return response
