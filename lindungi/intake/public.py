"""The public pages at /lapor/: the report form and the status page. No login.

Everything works without JavaScript; quick-exit.js only makes leaving faster. Answers are
never cached and send no Referer to other sites (``public_page``). The reference and PIN are shown
once, in the answer to the POST that made them: never in a URL.

Abuse protection, all in our own database so that it holds across server processes:
- at most ``actions.PUBLIC_RATE_LIMIT`` reports per address per hour (rows of
  PublicSubmission, which keep only a keyed hash of the address, for that hour);
- a honeypot field, and a minimum time between opening and sending the form;
- a double submit (a double click, a re-sent page) answers with the first report's receipt
  (``lindungi.core.once``: the form's signed nonce is the key);
- the status page counts wrong tries per reference and per address, existing or not
  (``actions.check_status_pin``).
"""

import hashlib
import time

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import path
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lindungi.accounts.mfa.throttling import client_ip
from lindungi.core.once import KeyReused, Replayed, SubmitOnce, form_digest
from lindungi.core.security import no_store
from lindungi.intake import actions
from lindungi.intake.public_forms import (
    HONEYPOT,
    PublicReportForm,
    StatusForm,
    min_seconds,
    new_form_token,
    read_form_token,
)

# Where quick exit goes: an ordinary page anyone might have open (a weather search).
QUICK_EXIT_URL = "https://www.google.com/search?q=cuaca+jakarta"
# The public form's scope in lindungi.core.once.
SCOPE = "lapor.form"


def public_page(view):
    """Open to anyone, and no copy kept anywhere: the browser's cache must not hold a
    report (no_store). The site-wide Referrer-Policy (same-origin) already keeps the
    Referer from other sites. Text the input policy refuses (lindungi.core.input_policy)
    is answered on a public page, with its quick exit."""
    page = login_not_required(no_store(view))
    page.input_refusal = _input_refusal
    return page


def render_public(request, template, context, status=200):
    """A page in the public frame (``intake/public_base.html``) with its quick exit."""
    context = {**context, "quick_exit_url": QUICK_EXIT_URL}
    return render(request, template, context, status=status)


def _input_refusal(request, problem):
    return render_public(request, "intake/400_input.html", {"problem": problem}, status=400)


def _address(request):
    return salted_hmac(
        "lindungi.intake.public.address", client_ip(request) or "", algorithm="sha256"
    ).hexdigest()


def _token_hash(nonce):
    return hashlib.sha256(nonce.encode()).hexdigest()


def _form_page(request, form, *, notice=None, status=200):
    return render_public(
        request,
        "intake/public_form.html",
        {"form": form, "notice": notice, "honeypot": HONEYPOT},
        status=status,
    )


def _confirmation(request, receipt):
    return render_public(request, "intake/public_confirmation.html", receipt)


def _receipt(result):
    """What the answer shows, kept (encrypted) for a resent form: reference and PIN."""
    report, pin = result
    return {"reference": report.reference, "pin": pin}


@public_page
@require_http_methods(["GET", "POST"])
def report_form(request):
    if request.method == "GET":
        return _form_page(request, PublicReportForm(initial={"form_token": new_form_token()}))

    form = PublicReportForm(request.POST)
    token = read_form_token(request.POST.get("form_token"))
    if token is None:
        # Tampered or from another server: keep what was typed, start the clock again.
        form = _refill(form)
        return _form_page(request, form, notice=_("Please check your report and send it again."))
    nonce, opened_at = token
    if request.POST.get(HONEYPOT):
        return _form_page(
            request, form, notice=_("The report could not be sent. Please try again."), status=400
        )
    if time.time() - opened_at < min_seconds():
        return _form_page(
            request,
            form,
            notice=_("That was very quick. Please check your report, then send it again."),
            status=400,
        )
    if not form.is_valid():
        return _form_page(request, form, status=400)

    once = SubmitOnce(
        SCOPE,
        "",  # anyone: the key is a server-signed random nonce
        _token_hash(nonce),
        form_digest(request.POST, "form_token"),
        answer=_receipt,
    )
    try:
        actions.receive_public_report(
            form.report_data(), address=_address(request), once=once, request=request
        )
    except Replayed as earlier:
        return _confirmation(request, earlier.outcome)
    except KeyReused:
        return _form_page(
            request,
            _refill(form),
            notice=_(
                "This form was already sent, with other answers. Check your report and send "
                "it again to send it as a new report."
            ),
            status=409,
        )
    except actions.TooManyReports:
        return _form_page(
            request,
            form,
            notice=_(
                "Many reports were sent from this connection in the last hour, so this one "
                "could not be sent now. Please try again later. If someone is in danger now, "
                "call 112."
            ),
            status=429,
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        return _form_page(request, form, status=400)
    assert once.outcome is not None  # stored by the action before its transaction ended
    return _confirmation(request, once.outcome)


def _refill(form):
    """A form with the person's text and a fresh token."""
    data = form.data.copy()
    data["form_token"] = new_form_token()
    return PublicReportForm(data)


@public_page
@require_http_methods(["GET", "POST"])
def status(request):
    if request.method == "GET":
        return render_public(request, "intake/public_status.html", {"form": StatusForm()})
    form = StatusForm(request.POST)
    if not form.is_valid():
        return render_public(request, "intake/public_status.html", {"form": form}, status=400)
    report, locked = actions.check_status_pin(
        form.cleaned_data["reference"], form.cleaned_data["pin"], request=request
    )
    if locked:
        notice = _(
            "After too many wrong tries, the status page is locked for up to %(minutes)s "
            "minutes for this reference or this connection. Please try again later."
        ) % {"minutes": actions.STATUS_LOCK_MINUTES}
        return render_public(
            request, "intake/public_status.html", {"form": form, "notice": notice}, status=429
        )
    if report is None:
        notice = _("The reference or the PIN is not right. Check both and try again.")
        return render_public(
            request, "intake/public_status.html", {"form": form, "notice": notice}, status=400
        )
    # A fresh, empty form: the PIN must not be sent back into the page.
    return render_public(
        request,
        "intake/public_status.html",
        {"form": StatusForm(), "status": actions.public_status(report)},
    )


app_name = "lapor"
urlpatterns = [
    path("", report_form, name="form"),
    path("status/", status, name="status"),
]
