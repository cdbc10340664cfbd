"""The code step, enrolment, recovery codes and changing the second factor."""

import django_otp
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from lindungi.accounts.mfa import devices, enrolment, reauth, throttling
from lindungi.accounts.mfa.events import record_mfa
from lindungi.accounts.mfa.flow import after_login_url, safe_next, second_factor_url
from lindungi.accounts.mfa.forms import (
    EnrolmentCodeForm,
    ReauthenticationForm,
    RecoveryCodeForm,
    TotpCodeForm,
)
from lindungi.accounts.mfa.models import RecoveryCodes
from lindungi.core import crypto
from lindungi.core.htmx import render_page

# The secret of an enrolment in progress lives only in the (server-side) session until
# it is confirmed, encrypted with the field keys: never in a URL, never in the page's
# address bar or history, never readable from the session table.
_PENDING_SECRET = "lindungi_mfa_pending_secret"  # noqa: S105 - a session key
# Set once this session's user gave a valid enrolment code (which is then used up).
_ENROLMENT_ALLOWED = "lindungi_mfa_enrolment_allowed"


def _lock_out(request):
    # The whole login starts again once the lock lifts, from the password.
    logout(request)
    return throttling.lockout_response(request)


def _is_post(request):
    return request.method == "POST"


def _code_step(request, form_class, check, template, action, on_success=None):
    user = request.user
    if user.is_verified():
        return redirect(after_login_url(request))
    if not devices.has_second_factor(user):
        return redirect(second_factor_url(user, safe_next(request)))
    if throttling.is_locked_out(request, user):
        return _lock_out(request)
    form = form_class(request.POST if _is_post(request) else None)
    if _is_post(request) and form.is_valid():
        device = check(user, form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            # A new session id now that the session carries the full login.
            request.session.cycle_key()
            throttling.forget_failures(user)
            record_mfa(action, request)
            if on_success is not None:
                on_success(request)
            return redirect(after_login_url(request))
        record_mfa("failed", request)
        if throttling.count_failure(request, user):
            return _lock_out(request)
        form.add_error("code", _("That code is not right or has been used already."))
    return render_page(request, template, {"form": form, "next": safe_next(request)})


@sensitive_post_parameters()
@never_cache
@login_required
def verify(request):
    """The second step of the login: a code from the authenticator app."""
    return _code_step(
        request, TotpCodeForm, devices.check_totp, "accounts/mfa_verify.html", "verified"
    )


@sensitive_post_parameters()
@never_cache
@login_required
def recover(request):
    """The second step with a recovery code instead, when the phone is lost."""
    return _code_step(
        request,
        RecoveryCodeForm,
        devices.check_recovery_code,
        "accounts/mfa_recover.html",
        "recovery_used",
        on_success=_warn_codes_left,
    )


def _warn_codes_left(request):
    left = devices.recovery_codes_left(request.user)
    message = ngettext(
        "You have %(count)s recovery code left. Make new ones in your second factor settings.",
        "You have %(count)s recovery codes left. Make new ones in your second factor settings.",
        left,
    )
    messages.warning(request, message % {"count": left})


def _recovery_codes_page(request, codes, next_url):
    return render_page(
        request, "accounts/mfa_recovery_codes.html", {"codes": codes, "next": next_url}
    )


def _pending_secret(request):
    """The secret of this session's enrolment in progress (hex), or None."""
    sealed = request.session.get(_PENDING_SECRET)
    if not sealed:
        return None
    try:
        return crypto.decrypt(sealed, "session.mfa_pending_secret")
    except crypto.DecryptionError:
        # Sealed under a key since removed: the person simply gets a new secret to scan.
        return None


def _start_enrolment(request):
    secret = devices.new_secret()
    request.session[_PENDING_SECRET] = crypto.encrypt(secret)
    return secret


def _may_enrol(request):
    return request.session.get(_ENROLMENT_ALLOWED) == str(request.user.pk)


def _enrolment_code_step(request):
    """Before any secret is shown: the one-time code an administrator issued to this user.

    Wrong codes count towards the account's lock like wrong passwords, so the code cannot
    be guessed; a right one is used up at once.
    """
    user = request.user
    if throttling.is_locked_out(request, user):
        return _lock_out(request)
    form = EnrolmentCodeForm(request.POST if _is_post(request) else None)
    if _is_post(request) and form.is_valid():
        if enrolment.redeem(user, form.cleaned_data["code"]):
            request.session[_ENROLMENT_ALLOWED] = str(user.pk)
            record_mfa("enrolment_code_used", request)
            return redirect(second_factor_url(user, safe_next(request)))
        record_mfa("enrolment_code_failed", request)
        if throttling.count_failure(request, user):
            return _lock_out(request)
        form.add_error(
            "code",
            _(
                "That enrolment code is not right, has expired or has been used already. "
                "Ask your administrator for a new one."
            ),
        )
    context = {"form": form, "next": safe_next(request)}
    return render_page(request, "accounts/mfa_enrolment_code.html", context)


@sensitive_post_parameters()
@never_cache
@login_required
def enrol(request):
    """Set up an authenticator app: scan (or type) the secret, confirm with a code.

    A first enrolment (new account, or after an administrator's reset) needs the enrolment
    code an administrator issued, before the secret is shown: the password alone must
    never be enough to put someone's phone on an account. Replacing an existing app needs
    a recent re-authentication instead; the old device keeps working until the new one is
    confirmed.
    """
    user = request.user
    replacing = devices.has_second_factor(user)
    if replacing and not (user.is_verified() and reauth.is_recently_reauthenticated(request)):
        if user.is_verified():
            return redirect("accounts:mfa_manage")
        return redirect(second_factor_url(user, safe_next(request)))
    if not replacing and not _may_enrol(request):
        return _enrolment_code_step(request)
    secret = _pending_secret(request) or _start_enrolment(request)
    form = TotpCodeForm(request.POST if _is_post(request) else None)
    if _is_post(request) and form.is_valid():
        device = devices.enrol(user, secret, form.cleaned_data["code"])
        if device is not None:
            codes = devices.issue_recovery_codes(user)
            for key in (_PENDING_SECRET, _ENROLMENT_ALLOWED):
                request.session.pop(key, None)
            reauth.end_reauthentication(request)
            django_otp.login(request, device)
            request.session.cycle_key()
            if replacing:
                record_mfa("reset", request)
            record_mfa("enrolled", request)
            return _recovery_codes_page(request, codes, after_login_url(request))
        form.add_error(
            "code",
            _("That code does not match. Check that the time on your phone is right."),
        )
    context = {
        "form": form,
        "secret": devices.manual_entry_key(secret),
        "replacing": replacing,
        "next": safe_next(request),
    }
    return render_page(request, "accounts/mfa_enrol.html", context)


@require_GET
@never_cache
@login_required
def qr_code(request):
    """The QR code of the enrolment in progress, read from the session (not the URL)."""
    secret = _pending_secret(request)
    if not secret:
        raise Http404
    return HttpResponse(devices.qr_svg(request.user, secret), content_type="image/svg+xml")


@sensitive_post_parameters()
@never_cache
@login_required
def manage(request):
    """The second factor settings: re-authenticate, then replace the app or the codes."""
    user = request.user
    form = ReauthenticationForm(request.POST if _is_post(request) else None)
    if _is_post(request) and form.is_valid():
        if throttling.is_locked_out(request, user):
            return _lock_out(request)
        # The code is only tried after the password, so a guessed password cannot use up
        # a recovery code.
        device = user.check_password(form.cleaned_data["password"]) and devices.check_any(
            user, form.cleaned_data["code"]
        )
        if device:
            reauth.mark_reauthenticated(request)
            if isinstance(device, RecoveryCodes):
                record_mfa("recovery_used", request)
            return redirect("accounts:mfa_manage")
        record_mfa("failed", request)
        if throttling.count_failure(request, user):
            return _lock_out(request)
        form.add_error(None, _("The password or the code is not right."))
    authenticator = devices.authenticator(user)
    context = {
        "form": form,
        "reauthenticated": reauth.is_recently_reauthenticated(request),
        "minutes": reauth.REAUTH_SECONDS // 60,
        "enrolled_at": authenticator.created_at if authenticator else None,
        "codes_left": devices.recovery_codes_left(user),
    }
    return render_page(request, "accounts/mfa_manage.html", context)


@require_POST
@never_cache
@login_required
def regenerate_recovery_codes(request):
    if not reauth.is_recently_reauthenticated(request):
        messages.error(request, _("Confirm your password and a code first."))
        return redirect("accounts:mfa_manage")
    codes = devices.issue_recovery_codes(request.user)
    reauth.end_reauthentication(request)
    record_mfa("recovery_regenerated", request)
    return _recovery_codes_page(request, codes, reverse("accounts:mfa_manage"))
