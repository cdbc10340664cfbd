"""The dispatch pages: ask for a team (from a report or a case), the dispatch board, one
dispatch's view with its next step on a phone, cancelling, and the visit report.

Every dispatch is read through the access module (``get_dispatch_for``,
``Dispatch.objects.restrict``); the report and the case it is asked from through theirs.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lindungi.audit.events import record_read
from lindungi.cases.access import Need, get_case_for
from lindungi.cases.actions import StaleVersion
from lindungi.cases.forms import CaseForm
from lindungi.cases.views.edits import _add as add_once
from lindungi.cases.views.edits import _edit as edit_versioned
from lindungi.core.htmx import render_page
from lindungi.intake.access import get_report_for, shows_identity
from lindungi.response import actions, dispatch_page
from lindungi.response.access import get_dispatch_for, may
from lindungi.response.forms import (
    CancelForm,
    DispatchRequestForm,
    StepForm,
    VisitForm,
    response_units,
)
from lindungi.response.jobs import lateness
from lindungi.response.models import DispatchStatus
from lindungi.response.roster import on_call
from lindungi.response.views.board import board_context

# How often the board asks for news (seconds): htmx polls, no reload.
POLL_SECONDS = 10


def _posted(request):
    return request.POST if request.method == "POST" else None


def _where(dispatch):
    return reverse("response:dispatch", kwargs={"dispatch_id": dispatch.pk})


def _on_call_now():
    return [(unit, list(on_call(unit))) for unit in response_units()]


def _ask(request, form, context, **origin):
    def create():
        data = form.cleaned_data
        unit = data["unit"]
        dispatch = actions.request_dispatch(request.user, unit, data, request=request, **origin)
        messages.success(request, _("The team on call is alerted."))
        return _where(dispatch)

    context = {**context, "on_call": _on_call_now()}
    return add_once(request, form, create, "response/request.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def request_from_report(request, report_id):
    report = get_report_for(request.user, report_id, request=request)
    # The place the report gives, for those who may read it (intake's own rule).
    shown = shows_identity(request.user, report, getattr(request, "membership", None))
    initial = {"location": report.street_detail if shown else ""}
    form = DispatchRequestForm(_posted(request), initial=initial, kelurahan=report.kelurahan_id)
    form.initial.setdefault("kelurahan", report.kelurahan_id)
    return _ask(request, form, {"report": report}, report=report)


@login_required
@require_http_methods(["GET", "POST"])
def request_from_case(request, case_id):
    access = get_case_for(request.user, case_id, Need.EDIT, request=request)
    form = DispatchRequestForm(_posted(request))
    return _ask(request, form, {"case": access.case, "access": access}, case=access.case)


@login_required
@require_GET
def board(request):
    context = board_context(request.user, timezone.now())
    return render_page(request, "response/board.html", {**context, "poll": POLL_SECONDS})


def _dispatch_page(request, dispatch, *, step_form=None, cancel_form=None, status=None):
    may_edit = may(request.user, dispatch, Need.EDIT)
    may_act = dispatch.is_open and may_edit
    following = actions.next_step(dispatch)
    initial = {"version": dispatch.version, "status": following}
    context = {
        "dispatch": dispatch,
        "steps": dispatch.steps.select_related("recorded_by"),
        "crew": dispatch.crew.select_related("user"),
        "late": lateness(dispatch, timezone.now()),
        "may_act": may_act,
        "may_edit": may_edit,
        "next": following,
        "next_label": DispatchStatus(following).label if following else "",
        "asks_where": following == DispatchStatus.SAFE,
        "step_form": step_form or StepForm(initial=initial),
        "cancel_form": cancel_form or CancelForm(initial={"version": dispatch.version}),
        "poll": POLL_SECONDS,
        **dispatch_page.extra_context(request.user, dispatch),
    }
    return render_page(request, "response/dispatch.html", context, status=status)


@login_required
@require_GET
def dispatch_view(request, dispatch_id):
    dispatch = get_dispatch_for(request.user, dispatch_id, Need.CONTENT, request=request)
    record_read(request, dispatch)
    return _dispatch_page(request, dispatch)


def _act(request, dispatch_id, form_class, work, form_name):
    """Run ``work(dispatch, cleaned data)`` for a valid form, then back to the dispatch; a
    refused form shows on the dispatch's page with its errors (400); a stale one sends the
    reader to the dispatch as it is now."""
    dispatch = get_dispatch_for(request.user, dispatch_id, Need.EDIT, request=request)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            work(dispatch, form.cleaned_data)
        except StaleVersion:
            messages.info(request, _("Someone recorded this dispatch meanwhile: here it is now."))
            return redirect("response:dispatch", dispatch_id=dispatch.pk)
        except ValidationError as error:
            # The case forms' way of putting an action's errors beside their fields.
            CaseForm.add_action_errors(form, error)
        else:
            return redirect("response:dispatch", dispatch_id=dispatch.pk)
    return _dispatch_page(request, dispatch, status=400, **{form_name: form})


@login_required
@require_POST
def step(request, dispatch_id):
    def work(dispatch, data):
        actions.record_step(
            request.user,
            dispatch,
            data["version"],
            data["status"],
            at=data["at"],
            taken_to=data["taken_to"] or "",
            request=request,
        )

    return _act(request, dispatch_id, StepForm, work, "step_form")


@login_required
@require_POST
def cancel(request, dispatch_id):
    def work(dispatch, data):
        actions.cancel(request.user, dispatch, data["version"], data["reason"], request=request)
        messages.success(request, _("The dispatch is cancelled."))

    return _act(request, dispatch_id, CancelForm, work, "cancel_form")


@login_required
@require_http_methods(["GET", "POST"])
def visit(request, dispatch_id):
    dispatch = get_dispatch_for(request.user, dispatch_id, Need.EDIT, request=request)
    form = VisitForm(_posted(request), record=dispatch, user=request.user)

    def update(version, changes):
        actions.report_visit(
            request.user,
            dispatch,
            version,
            changes,
            open_in=form.cleaned_data.get("open_in"),
            request=request,
        )
        messages.success(request, _("The visit report is saved."))
        return redirect("response:dispatch", dispatch_id=dispatch.pk)

    return edit_versioned(request, form, update, "response/visit.html", {"dispatch": dispatch})
