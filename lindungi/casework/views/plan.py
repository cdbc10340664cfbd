"""The service plan made with the survivor, its services, and the supervisor's approvals
(of the plan and of a closure); plus the case-work section of the case page.

Reads come through the choke point with ``Need.VIEW`` and are audited; writes with
``Need.EDIT`` through ``lindungi.casework.actions``. Edits carry the record's version: a stale save
answers 409 with the differences (``CaseForm.rebase``), like the other edit pages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lindungi.audit.events import record_read
from lindungi.cases.access import Need, get_case_for, get_case_part_for
from lindungi.cases.actions import StaleVersion
from lindungi.cases.views.edits import _add, _edit, _posted
from lindungi.casework import actions as work
from lindungi.casework.forms.work import (
    ApprovalRequestForm,
    DecisionForm,
    PlanForm,
    ServiceForm,
    plan_status_note,
)
from lindungi.casework.models import (
    OPEN_SERVICE_STATUSES,
    Approval,
    PlannedService,
    ServicePlan,
    plan_of,
)
from lindungi.core.htmx import render_page


def plan_url(case):
    return reverse("cases:plan", args=[case.pk])


def pending_approvals(case):
    return list(case.approvals.filter(decided_at__isnull=True).select_related("requested_by"))


def _services(case):
    return list(case.services.select_related("provider_unit"))


# --- The plan ----------------------------------------------------------------------------


def _plan_context(request, access, plan, form, request_form=None):
    case = access.case
    return {
        "case": case,
        "access": access,
        "plan": plan,
        "form": form,
        "status_note": plan_status_note(plan),
        "services": _services(case),
        "pending": [a for a in pending_approvals(case) if a.subject == Approval.Subject.PLAN],
        "decided": case.approvals.filter(
            subject=Approval.Subject.PLAN, decided_at__isnull=False
        ).select_related("requested_by", "decided_by"),
        "request_form": request_form or ApprovalRequestForm(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def plan_page(request, case_id):
    """The plan: the survivor's goals (editable), its services and its approval."""
    need = Need.EDIT if request.method == "POST" else Need.VIEW
    access = get_case_for(request.user, case_id, need, request=request)
    case = access.case
    plan = plan_of(case)
    if request.method != "POST":
        record_read(request, case)
    form = PlanForm(_posted(request), record=plan) if access.may_edit else None
    context = _plan_context(request, access, plan, form)
    template = "casework/plan.html"
    if plan is None:
        return _add(
            request,
            form,
            _create_plan(request, case, form),
            template,
            context,
        )
    saved = _edit(
        request,
        form,
        lambda version, changes: work.save_plan(
            request.user, case, version, changes["goals"], request=request
        ),
        template,
        context,
    )
    if isinstance(saved, ServicePlan):
        messages.success(request, _("The plan was saved."))
        return redirect(plan_url(case))
    return saved


def _create_plan(request, case, form):
    def create():
        try:
            work.save_plan(request.user, case, None, form.cleaned_data["goals"], request=request)
        except StaleVersion:  # someone else wrote the plan meanwhile
            raise ValidationError(
                _("Someone else wrote the plan meanwhile. Reload the page and add your changes.")
            ) from None
        messages.success(request, _("The plan was saved."))
        return plan_url(case)

    return create


@login_required
@require_POST
def request_plan_approval(request, case_id):
    access = get_case_for(request.user, case_id, Need.EDIT, request=request)
    case = access.case
    form = ApprovalRequestForm(request.POST)
    if form.is_valid():
        try:
            work.request_approval(
                request.user,
                case,
                Approval.Subject.PLAN,
                form.cleaned_data["comment"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The plan is waiting for a supervisor's approval."))
            return redirect(plan_url(case))
    plan = plan_of(case)
    context = _plan_context(request, access, plan, PlanForm(record=plan), request_form=form)
    return render_page(request, "casework/plan.html", context)


# --- Services ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def add_service(request, case_id):
    access = get_case_for(request.user, case_id, Need.EDIT, request=request)
    case = access.case
    form = ServiceForm(_posted(request))

    def create():
        work.add_service(request.user, case, form.changes(), request=request)
        messages.success(request, _("The service was added to the plan."))
        return plan_url(case)

    return _add(request, form, create, "casework/service_form.html", {"case": case})


@login_required
@require_http_methods(["GET", "POST"])
def edit_service(request, plannedservice_id):
    access, service = get_case_part_for(
        request.user, PlannedService, plannedservice_id, Need.EDIT, request=request
    )
    case = access.case
    if request.method != "POST":
        record_read(request, service)  # the form shows the outcome
    form = ServiceForm(_posted(request), record=service)
    saved = _edit(
        request,
        form,
        lambda version, changes: work.update_service(
            request.user, service, version, changes, request=request
        ),
        "casework/service_form.html",
        {"case": case, "service": service},
    )
    if isinstance(saved, PlannedService):
        messages.success(request, _("The service was saved."))
        return redirect(plan_url(case))
    return saved


# --- Approvals ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def approval_page(request, approval_id):
    """A request with what it asks for; a supervisor of the unit (not the requester)
    approves or rejects it, with a comment (required to reject)."""
    need = Need.EDIT if request.method == "POST" else Need.VIEW
    access, approval = get_case_part_for(request.user, Approval, approval_id, need, request=request)
    case = access.case
    if request.method != "POST":
        record_read(request, approval)
    form = DecisionForm(_posted(request))
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            work.decide_approval(
                request.user,
                approval,
                form.cleaned_data["decision"],
                form.cleaned_data["comment"],
                request=request,
            )
        except PermissionDenied as refused:
            form.add_error(None, refused.args[0] if refused.args else _refused())
            status = 403
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your decision was saved."))
            return redirect(reverse("cases:detail", args=[case.pk]))
    approval.refresh_from_db()
    context = {
        "case": case,
        "approval": approval,
        "form": form,
        "own_request": approval.requested_by_id == request.user.pk,
        "access": access,
        "closure": case.closures.filter(approval=approval).first(),
        "plan": plan_of(case),
        "services": _services(case),
    }
    return render_page(request, "casework/approval.html", context, status=status)


def _refused():
    return _("Only a supervisor of the case's unit can decide this request.")


# --- The section on the case page --------------------------------------------------------


@login_required
@require_GET
def case_work_section(request, case_id):
    """Assessments, plan and services, pending approvals and closure state, for the case
    page (loaded by htmx; without JavaScript the case page links to the full pages)."""
    access = get_case_for(request.user, case_id, Need.VIEW, request=request)
    case = access.case
    record_read(request, case)
    latest = {}
    for assessment in case.assessments.order_by("kind", "-number"):
        latest.setdefault(assessment.kind, assessment)
    services = _services(case)
    closure = case.closures.first()
    return render_page(
        request,
        "casework/plan_case_section.html",
        {
            "case": case,
            "needs": latest.get("needs"),
            "risk": latest.get("risk"),
            "access": access,
            "plan": plan_of(case),
            "services": services,
            "open_services": [s for s in services if s.status in OPEN_SERVICE_STATUSES],
            "pending": pending_approvals(case),
            "closure": closure,
        },
    )


urlpatterns = [
    path("<uuid:case_id>/kerja/", case_work_section, name="work_section"),
    path("<uuid:case_id>/rencana/", plan_page, name="plan"),
    path(
        "<uuid:case_id>/rencana/minta-persetujuan/",
        request_plan_approval,
        name="request_plan_approval",
    ),
    path("<uuid:case_id>/layanan/baru/", add_service, name="add_service"),
    path("layanan/<uuid:plannedservice_id>/ubah/", edit_service, name="edit_service"),
    path("persetujuan/<uuid:approval_id>/", approval_page, name="approval"),
]
