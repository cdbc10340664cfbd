"""No page, admin page or API answer for a logged-in user without a verified second factor."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from lindungi.accounts.mfa.flow import second_factor_url

# What someone between the password and the code may open. Static files never reach here
# (whitenoise answers them first).
OPEN_BEFORE_SECOND_FACTOR = {
    "accounts:login",
    "accounts:logout",
    "accounts:mfa_verify",
    "accounts:mfa_recover",
    "accounts:mfa_enrol",
    "accounts:mfa_qr",
    "set_language",
    "healthz",
}


class SecondFactorMiddleware:
    """Sends a logged-in but unverified user to the code step (or to enrolment).

    Runs after django-otp's OTPMiddleware, which tells whether this session's user has
    given a valid code. Anonymous requests pass: the views' own login checks answer them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not _open(request):
            return self._refuse(request, user)
        return self.get_response(request)

    def _refuse(self, request, user):
        if _is_api(request):
            return JsonResponse(
                {"error": "second_factor_required", "detail": _("Second factor required.")},
                status=401,
            )
        url = second_factor_url(user, request.get_full_path() if request.method == "GET" else "")
        if request.headers.get("HX-Request") == "true":
            # A fragment swap would put the code page inside a page: load it whole instead.
            # (The header is read directly: django-htmx's middleware runs after this one.)
            return HttpResponseClientRedirect(url)
        return redirect(url)


def _is_api(request):
    return request.path_info.startswith("/api/")


def _open(request):
    if _is_api(request):
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        # Unknown addresses answer 404 as usual: that says nothing about anyone's data.
        return True
    return match.view_name in OPEN_BEFORE_SECOND_FACTOR
