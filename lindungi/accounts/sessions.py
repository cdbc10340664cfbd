"""Staff sessions: kept on the server, tied to their user, and ended on time.

The SESSION_ENGINE is ``session_store.py`` (Django's database engine over ``accounts.Session``,
which records the user of each session); this module holds the middleware that enforces the
time limits.

- Login gives a new session id (Django's ``login()`` cycles the key); logout deletes the row.
- Idle limit (``SESSION_IDLE_TIMEOUT``, 15 minutes) and absolute limit
  (``SESSION_ABSOLUTE_TIMEOUT``, 12 hours) are enforced here on the server from timestamps
  in the session, not left to the browser's cookie lifetime.
- Only a person's actions count as activity. A request a page's script makes on its own
  (the intake form's autosave every 20 seconds) says so with ``BACKGROUND_HEADER``: it is
  served while the session lasts, but does not keep the session alive. When the session
  has ended, such a request gets a message for the page, not the login page, so the page
  (and what was typed in it) stays in front of the person.
- A user who is deactivated loses every session at their next request; ``end_sessions(user)``
  ends them all at once.
"""

import time

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from lindungi.accounts.session_store import Session
from lindungi.audit.events import record

STARTED = "lindungi_session_started"
LAST_SEEN = "lindungi_session_seen"
# Recording activity costs a session write; once a minute is precise enough for a 15-minute
# idle limit and spares a write on every page.
ACTIVITY_RESOLUTION = 60
# Sent by a page's script on requests no person asked for (static/js/intake.js).
BACKGROUND_HEADER = "X-Lindungi-Background"
# htmx stops polling an element on this status, and still shows the answer.
HTMX_STOP_POLLING = 286


def end_sessions(user, *, request=None):
    """End every session of ``user`` on the server; returns how many were ended.

    The rows are deleted, so the cookies the user's browsers still hold open nothing.
    ``request`` is the administrator's, for the audit trail.
    """
    with transaction.atomic():
        deleted, _by_model = Session.objects.filter(user=user).delete()
        record("auth.sessions_ended", request=request, obj=user)
    return deleted


@receiver(user_logged_in, dispatch_uid="lindungi_session_clock")
def _start_clock(sender, request, user, **kwargs):
    # Connected on import; the engine is imported before any request has a session.
    now = int(time.time())
    request.session[STARTED] = now
    request.session[LAST_SEEN] = now


def _has_ended(request, now):
    session = request.session
    if not request.user.is_authenticated:
        # The session names a user the authentication backend now refuses: deactivated.
        return True
    started = session.setdefault(STARTED, now)
    last_seen = session.setdefault(LAST_SEEN, now)
    return (
        now - started >= settings.SESSION_ABSOLUTE_TIMEOUT
        or now - last_seen >= settings.SESSION_IDLE_TIMEOUT
    )


def _is_background(request):
    return request.headers.get(BACKGROUND_HEADER) == "true"


def _session_ended_notice(request):
    """For a background request: the page keeps what it shows and tells the person why."""
    return render(request, "accounts/session_ended_notice.html", status=HTMX_STOP_POLLING)


def _send_to_login(request):
    if _is_background(request):
        return _session_ended_notice(request)
    if request.path_info.startswith("/api/"):
        # API clients read JSON; a redirect to an HTML login page means nothing to them.
        return JsonResponse(
            {
                "error": "not_authenticated",
                "detail": _("Your session has ended. Please log in again."),
            },
            status=401,
        )
    messages.info(request, _("Your session has ended. Please log in again."))
    response = redirect_to_login(request.get_full_path())
    if request.headers.get("HX-Request"):
        # htmx would swap the login page into a fragment; have it load the whole page instead.
        return HttpResponseClientRedirect(response.url)
    return response


class SessionTimeoutMiddleware:
    """Ends a logged-in session that is idle, too old, or whose user was deactivated.

    After AuthenticationMiddleware (it needs request.user) and MessageMiddleware (it leaves
    a message for the login page).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if auth.SESSION_KEY in request.session:
            now = int(time.time())
            if _has_ended(request, now):
                user_id = request.session[auth.SESSION_KEY]
                request.session.flush()
                record(
                    "auth.session_expired",
                    request=request,
                    object_type="accounts.user",
                    object_id=user_id,
                )
                request.user = AnonymousUser()
                return _send_to_login(request)
            if now - request.session[LAST_SEEN] >= ACTIVITY_RESOLUTION and not _is_background(
                request
            ):
                request.session[LAST_SEEN] = now
        elif _is_background(request):
            # Ended earlier (the notice was given): still never the login page in a fragment.
            return _session_ended_notice(request)
        return self.get_response(request)
