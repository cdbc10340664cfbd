"""One referral's page and its steps, for both sides, and the partner's worklist.

The referral is reached through the access module (``get_referral_for``): the sender's
side through its case, the partner's through the referral rule, which asks the consent on
every request. The partner's page shows the shared fields and nothing else of the case;
the hand-over note only while the referral is open.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindungi.audit.events import record_read
from lindungi.cases.access import Need
from lindungi.cases.actions import StaleVersion
from lindungi.cases.forms import CaseForm
from lindungi.core.htmx import render_page
from lindungi.referrals import actions, sharing
from lindungi.referrals.access import (
    awaiting_review,
    get_referral_for,
    is_partner_side,
    may,
    partner_units,
)
from lindungi.referrals.forms import DeclineForm, OutcomeForm, ProgressForm, ReviewForm, VersionForm
from lindungi.referrals.models import Referral, ReferralStatus


def _forms(referral, forms):
    """Each answer's form: the one sent back with its errors, or a fresh one."""
    version = {"version": referral.version}
    fresh = {
        "accept_form": lambda: VersionForm(initial=version),
        "decline_form": lambda: DeclineForm(initial=version),
        "progress_form": lambda: ProgressForm(initial=version),
        "outcome_form": lambda: OutcomeForm(initial=version),
        "review_form": lambda: ReviewForm(initial=version),
    }
    made = {name: forms.get(name) or make() for name, make in fresh.items()}
    return {**made, "revoke_form": VersionForm(initial=version)}


def _page(request, referral, status=None, **forms):
    user = request.user
    partner = is_partner_side(user, referral)
    content = may(user, referral, Need.CONTENT)
    editable = referral.is_open and may(user, referral, Need.EDIT)
    context = {
        "referral": referral,
        "partner": partner,
        "shared": sharing.shown(referral) if content else [],
        "show_note": content and referral.is_open,
        "may_answer": partner and editable,
        "may_revoke": not partner and editable,
        "may_review": not partner and awaiting_review(user).filter(pk=referral.pk).exists(),
        **_forms(referral, forms),
        "statuses": ReferralStatus,
    }
    return render_page(request, "referrals/referral.html", context, status=status)


@login_required
@require_GET
def referral_page(request, referral_id):
    referral = get_referral_for(request.user, referral_id, Need.VIEW, request=request)
    record_read(request, referral)
    return _page(request, referral)


def _act(request, referral_id, form_class, work, form_name, need=Need.EDIT):
    """Run ``work(referral, cleaned data)`` for a valid form, then back to the referral; a
    refused form shows on the referral's page with its errors (400); a stale one sends the
    reader to the referral as it is now."""
    referral = get_referral_for(request.user, referral_id, need, request=request)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            work(referral, form.cleaned_data)
        except StaleVersion:
            messages.info(request, _("Someone answered this referral meanwhile: here it is now."))
            return redirect("referrals:referral", referral_id=referral.pk)
        except ValidationError as error:
            # The case forms' way of putting an action's errors beside their fields.
            CaseForm.add_action_errors(form, error)
        else:
            return _after(request, referral)
    return _page(request, referral, status=400, **{form_name: form})


def _after(request, referral):
    """Back to the referral, or to the worklist when the partner can no longer see it."""
    if may(request.user, referral, Need.VIEW):
        return redirect("referrals:referral", referral_id=referral.pk)
    return redirect("referrals:worklist")


@login_required
@require_POST
def accept(request, referral_id):
    def work(referral, data):
        actions.accept(request.user, referral, data["version"], request=request)

    return _act(request, referral_id, VersionForm, work, "accept_form")


@login_required
@require_POST
def decline(request, referral_id):
    def work(referral, data):
        actions.decline(request.user, referral, data["version"], data["reason"], request=request)

    return _act(request, referral_id, DeclineForm, work, "decline_form")


@login_required
@require_POST
def progress(request, referral_id):
    def work(referral, data):
        actions.record_progress(
            request.user, referral, data["version"], data["progress"], request=request
        )

    return _act(request, referral_id, ProgressForm, work, "progress_form")


@login_required
@require_POST
def outcome(request, referral_id):
    def work(referral, data):
        actions.record_outcome(request.user, referral, data["version"], data, request=request)

    return _act(request, referral_id, OutcomeForm, work, "outcome_form")


@login_required
@require_POST
def revoke(request, referral_id):
    def work(referral, data):
        actions.revoke(request.user, referral, data["version"], request=request)
        messages.success(request, _("The referral is revoked: the partner no longer sees it."))

    return _act(request, referral_id, VersionForm, work, "revoke_form")


@login_required
@require_POST
def review(request, referral_id):
    def work(referral, data):
        actions.review_override(
            request.user, referral, data["version"], data["note"], request=request
        )

    return _act(request, referral_id, ReviewForm, work, "review_form", need=Need.SUPERVISE)


@login_required
@require_GET
def worklist(request):
    """The referrals to the user's partner organisations that they may see."""
    referrals = (
        Referral.objects.restrict(request.user, Need.VIEW)
        .filter(provider_id__in=partner_units(request.user))
        .select_related("provider", "case")
        .order_by("-sent_at")
    )
    return render_page(request, "referrals/worklist.html", {"referrals": referrals})
