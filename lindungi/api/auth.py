"""Who may call the API.

Staff call it from their browser session: logged in *and* past the second factor, the same
as for any staff page. Unsafe methods need the CSRF token (django-ninja checks it for
cookie schemes), because the browser sends the session cookie on its own.

Each router may carry its own scheme instead: integrations (112 dispatch, the citizen app)
will send an API key in a header, scoped to the intake router only::

    api.add_router("/reports", intake_router, auth=IntegrationKey())

where ``IntegrationKey`` subclasses ``ninja.security.APIKeyHeader`` and returns the key's
record from ``authenticate`` (or None). A router's ``auth`` replaces the API's default for
its routes, so a key never opens a case route and a session never opens the intake one
unless both are listed. A scheme that is not a cookie needs no CSRF token.
"""

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from ninja.security import APIKeyCookie

from lindungi.accounts.models import User


class StaffRequest(HttpRequest):
    """A request as a route behind ``StaffSession`` sees it: django-ninja puts the user that
    ``authenticate`` returned on ``auth``. A type for the checker: no such class is made."""

    auth: User


class StaffSession(APIKeyCookie):
    """The session cookie of a user who has confirmed their second factor."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        # The session middleware has already read the cookie; ``key`` adds nothing.
        user = request.user
        # django-otp's middleware gives the request's user ``is_verified``; no stub knows it.
        if user.is_authenticated and user.is_active and user.is_verified():  # type: ignore[attr-defined]
            # Loaded once: the access checks read them several times per request.
            prefetch_related_objects([user], "memberships")
            return user
        return None
