"""Where a person goes next in the login flow, and where ``next`` may point."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from lindungi.accounts.mfa.devices import has_second_factor


def safe_next(request):
    """The ``next`` page from the form or the query string, if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def after_login_url(request):
    return safe_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL)


def second_factor_url(user, next_url=""):
    """Where a user who has given the password goes next: the code step, or enrolment."""
    name = "accounts:mfa_verify" if has_second_factor(user) else "accounts:mfa_enrol"
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
