"""Assessments of a case: the biopsychosocial needs assessment and the risk assessment.

A new assessment is a new record with the next number; older ones stay as they were, so
the list shows the latest of each kind first and the history below it. A risk assessment
sets the case priority unless the worker sets the level with a reason
(``lindungi.casework.actions.record_assessment``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lindungi.audit.events import record_read
from lindungi.cases.access import Need, get_case_for, get_case_part_for
from lindungi.cases.models import Priority
from lindungi.cases.views.edits import _add, _posted
from lindungi.casework import actions as work
from lindungi.casework.forms.work import NeedsAssessmentForm, RiskAssessmentForm
from lindungi.casework.models import NEED_DOMAINS, RISK_FACTORS, Assessment, NeedLevel
from lindungi.core.htmx import render_page

FORMS = {Assessment.Kind.NEEDS: NeedsAssessmentForm, Assessment.Kind.RISK: RiskAssessmentForm}


def answer_rows(assessment):
    """(question, answer) in the order the form asks them, in words."""
    answers = assessment.answers or {}
    if assessment.kind == Assessment.Kind.NEEDS:
        levels = dict(NeedLevel.choices)
        return [
            (label, levels.get(answers[name], answers[name]) if name in answers else None)
            for name, label in NEED_DOMAINS
        ]
    return [
        (label, (_("Yes") if answers[name] else _("No")) if name in answers else None)
        for name, label in RISK_FACTORS
    ]


def level_label(level):
    return Priority(level).label if level in Priority.values else ""


def by_kind(case):
    """Each kind with its assessments, newest first."""
    assessments = list(case.assessments.select_related("author").order_by("kind", "-number"))
    for assessment in assessments:
        assessment.level_display = level_label(assessment.effective_level)
    return [
        {"kind": kind, "label": label, "items": [a for a in assessments if a.kind == kind]}
        for kind, label in Assessment.Kind.choices
    ]


@login_required
@require_GET
def assessment_list(request, case_id):
    access = get_case_for(request.user, case_id, Need.VIEW, request=request)
    record_read(request, access.case)
    return render_page(
        request,
        "casework/assessments.html",
        {"case": access.case, "access": access, "kinds": by_kind(access.case)},
    )


@login_required
@require_GET
def assessment_detail(request, assessment_id):
    access, assessment = get_case_part_for(
        request.user, Assessment, assessment_id, Need.VIEW, request=request
    )
    case = access.case
    record_read(request, assessment)
    assessment.level_display = level_label(assessment.effective_level)
    return render_page(
        request,
        "casework/assessment_detail.html",
        {
            "case": case,
            "access": access,
            "assessment": assessment,
            "rows": answer_rows(assessment),
            "computed": level_label(assessment.level),
        },
    )


def _saved_message(request, assessment):
    if assessment.kind == Assessment.Kind.NEEDS:
        messages.success(request, _("The needs assessment was saved."))
        return
    messages.success(
        request,
        _(
            "The risk assessment was saved. The checklist gives the level %(computed)s; "
            "the case priority is now %(priority)s."
        )
        % {
            "computed": level_label(assessment.level),
            "priority": level_label(assessment.effective_level),
        },
    )


def _add_assessment(request, case_id, kind):
    access = get_case_for(request.user, case_id, Need.EDIT, request=request)
    case = access.case
    form = FORMS[kind](_posted(request))

    def create():
        assessment = work.record_assessment(
            request.user,
            case,
            kind,
            form.answers(),
            summary=form.cleaned_data["summary"],
            override_level=form.cleaned_data.get("override_level", ""),
            override_reason=form.cleaned_data.get("override_reason", ""),
            request=request,
        )
        _saved_message(request, assessment)
        return reverse("cases:assessment", args=[assessment.pk])

    latest = case.assessments.filter(kind=kind).order_by("-number").first()
    context = {"case": case, "kind": Assessment.Kind(kind), "latest": latest}
    return _add(request, form, create, "casework/assessment_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def add_needs_assessment(request, case_id):
    return _add_assessment(request, case_id, Assessment.Kind.NEEDS)


@login_required
@require_http_methods(["GET", "POST"])
def add_risk_assessment(request, case_id):
    return _add_assessment(request, case_id, Assessment.Kind.RISK)


urlpatterns = [
    path("<uuid:case_id>/asesmen/", assessment_list, name="assessments"),
    path(
        "<uuid:case_id>/asesmen/kebutuhan/baru/",
        add_needs_assessment,
        name="add_needs_assessment",
    ),
    path("<uuid:case_id>/asesmen/risiko/baru/", add_risk_assessment, name="add_risk_assessment"),
    path("asesmen/<uuid:assessment_id>/", assessment_detail, name="assessment"),
]
