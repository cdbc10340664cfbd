"""Re-authentication: a fresh password and code before the second factor is changed.

Someone who finds a logged-in, unlocked screen must not be able to move the account's
second factor to their own phone or read off new recovery codes.
"""

import time

REAUTH_SECONDS = 5 * 60
_SESSION_KEY = "lindungi_mfa_reauthenticated_at"


def mark_reauthenticated(request):
    request.session[_SESSION_KEY] = time.time()


def is_recently_reauthenticated(request):
    at = request.session.get(_SESSION_KEY)
    return at is not None and 0 <= time.time() - at <= REAUTH_SECONDS


def end_reauthentication(request):
    """Each change needs its own re-authentication."""
    request.session.pop(_SESSION_KEY, None)
