"""Login throttling with django-axes: per account and per address, the same for everyone.

Axes counts failures at the password step through the authentication backend; failures at
the code step and at re-authentication are counted here by sending Django's
``user_login_failed`` signal for the logged-in user's account.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.utils.crypto import salted_hmac

from lindungi.core.client_ip import client_ip as shared_client_ip
from lindungi.core.htmx import render_page


def _normalised_email(value):
    return (value or "").strip().lower()


def _key_for(email):
    # A keyed hash, so that axes' table and log lines hold no email address. Unknown and
    # known addresses are hashed alike: a lock says nothing about whether an account exists.
    return salted_hmac("lindungi.throttling", _normalised_email(email), algorithm="sha256")


def account_key(request, credentials=None):
    """AXES_USERNAME_CALLABLE: the account a login attempt is for, as a keyed hash."""
    source = credentials if credentials is not None else request.POST
    email = _normalised_email(source.get("username"))
    return _key_for(email).hexdigest()[:40] if email else None


def client_description(username, ip_address, user_agent, path_info, request):
    """AXES_CLIENT_STR_CALLABLE: what axes writes in its log lines; no personal data."""
    return f"{{path_info: {path_info!r}}}"


def client_ip(request):
    """AXES_CLIENT_IP_CALLABLE: the address that counts for the per-address limit."""
    return shared_client_ip(request)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: one page, in the person's language, whoever is locked out."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render_page(request, "accounts/locked.html", {"minutes": minutes}, status=429)


def _credentials(user):
    return {"username": user.get_username()}


def is_locked_out(request, user):
    """True when the user's account or the client's address has reached the limit."""
    return not AxesProxyHandler.is_allowed(request, _credentials(user))


def count_failure(request, user):
    """Count a wrong code or re-authentication; True when this failure locks the account."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    return bool(getattr(request, "axes_locked_out", False))


def forget_failures(user):
    """After a complete login: the account's earlier failures no longer count."""
    reset(username=account_key(None, _credentials(user)))
