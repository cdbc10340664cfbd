"""A case's consents and referrals, from the case's side: the list, recording a consent,
withdrawing one, sending a referral. The case is reached through the choke point
(``get_case_for``, ``get_case_part_for``); writes go through the actions."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lindungi.audit.events import record_read
from lindungi.cases.access import Need, get_case_for, get_case_part_for
from lindungi.cases.actions import StaleVersion
from lindungi.cases.models import ClientRole, Consent
from lindungi.cases.views.edits import _add as add_once
from lindungi.core.htmx import render_page
from lindungi.referrals import actions
from lindungi.referrals.actions.referrals import OverrideRefused
from lindungi.referrals.forms import ConsentForm, ReferralForm, VersionForm, partner_units
from lindungi.referrals.models import Referral


def _posted(request):
    return request.POST if request.method == "POST" else None


def case_page_url(case):
    return reverse("referrals:case", kwargs={"case_id": case.pk})


@login_required
@require_GET
def case_referrals(request, case_id):
    access = get_case_for(request.user, case_id, Need.CONTENT, request=request)
    record_read(request, access.case)
    return _case_page(request, access)


def _case_page(request, access, *, status=None, error=""):
    case = access.case
    context = {
        "error": error,
        "case": case,
        "access": access,
        "consents": Consent.objects.restrict(request.user, Need.CONTENT)
        .filter(case=case)
        .select_related("client", "recipient", "recorded_by", "withdrawn_by"),
        "referrals": Referral.objects.restrict(request.user, Need.CONTENT)
        .filter(case=case)
        .select_related("provider", "sent_by"),
        "withdraw_form": VersionForm(),
    }
    return render_page(request, "referrals/case.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def new_consent(request, case_id):
    access = get_case_for(request.user, case_id, Need.EDIT, request=request)
    case = access.case
    form = ConsentForm(_posted(request), clients=case.clients.all())

    def create():
        actions.record_consent(request.user, case, form.cleaned_data, request=request)
        messages.success(request, _("The consent is recorded."))
        return case_page_url(case)

    context = {"case": case, "access": access}
    return add_once(request, form, create, "referrals/consent_form.html", context)


@login_required
@require_POST
def withdraw_consent(request, consent_id):
    access, consent = get_case_part_for(
        request.user, Consent, consent_id, Need.EDIT, request=request
    )
    form = VersionForm(request.POST)
    if not form.is_valid():
        error = _("The form is out of date. Reload the page and try again.")
        return _case_page(request, access, status=400, error=error)
    try:
        actions.withdraw_consent(
            request.user, consent, form.cleaned_data["version"], request=request
        )
    except StaleVersion:
        messages.info(request, _("Someone changed this consent meanwhile: here it is now."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The consent is withdrawn: what it covered has stopped."))
    return redirect(case_page_url(access.case))


@login_required
@require_http_methods(["GET", "POST"])
def new_referral(request, case_id):
    access = get_case_for(request.user, case_id, Need.EDIT, request=request)
    case = access.case
    provider = partner_units().filter(pk=_uuid(request.GET.get("provider"))).first()
    form = ReferralForm(
        _posted(request),
        clients=case.clients.filter(role=ClientRole.SURVIVOR),
        service=request.GET.get("service", ""),
        provider=provider,
    )

    def create():
        data = form.cleaned_data
        try:
            referral = actions.send_referral(
                request.user, case, data, override_reason=data["override_reason"], request=request
            )
        except OverrideRefused:
            raise ValidationError(
                {
                    "override_reason": _(
                        "No consent covers this referral, and the deployment does not let "
                        "you send it without one for this service."
                    )
                }
            ) from None
        messages.success(request, _("The referral is sent."))
        return reverse("referrals:referral", kwargs={"referral_id": referral.pk})

    context = {"case": case, "access": access}
    return add_once(request, form, create, "referrals/referral_form.html", context)


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
