"""The triage queue and a report's page with its actions.

Each action is a POST form carrying the version the officer saw; the action function
locks the report and refuses a stale version, so when two officers act on one report at
once, one wins and the other is told what happened (409). Searches for an existing case go
by POST and are audited without their terms.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindungi.accounts.models import Unit
from lindungi.accounts.roles import UnitType
from lindungi.audit.events import record_read, record_search
from lindungi.cases.access import get_case_for
from lindungi.cases.actions import StaleVersion
from lindungi.cases.models import Case
from lindungi.cases.vocabulary import WG_DOMAINS
from lindungi.core.htmx import render_page
from lindungi.intake import access, actions
from lindungi.intake.access import Need, get_report_for
from lindungi.intake.candidates import find_candidates
from lindungi.intake.forms import (
    CandidateSearchForm,
    CloseForm,
    HandOverForm,
    LinkCaseForm,
    OpenCaseForm,
    OverrideRiskForm,
    ReferForm,
    screening_answers,
)
from lindungi.intake.models import Report, ReportStatus
from lindungi.intake.report_page import sections as report_sections
from lindungi.intake.views import intake_view

QUEUE_MAX = 500


@intake_view
@require_GET
def triage_queue(request):
    """Received reports waiting for the officer's unit, the most pressing first."""
    now = timezone.now()
    waiting = Report.objects.restrict(request.user, Need.TRIAGE, request.membership).filter(
        status=ReportStatus.RECEIVED
    )
    rows = list(
        waiting.select_related("unit", "handed_to").order_by("due_at", "received_at")[:QUEUE_MAX]
    )
    return render_page(
        request,
        "intake/triage_queue.html",
        {"rows": [(r, r.due_at is not None and r.due_at < now) for r in rows], "now": now},
    )


def _handover_units(request, report):
    return (
        Unit.objects.filter(type=UnitType.UPTD_PPA, is_active=True)
        .exclude(pk=request.unit.pk)
        .exclude(pk=report.handed_to_id)
    )


def _search_initial(report):
    person = report.people.first()
    return {
        "phone": report.contact_phone,
        "name": person.name if person else "",
        "age": person.age if person else None,
        "kelurahan": report.kelurahan_id,
    }


def _wg_answers(person):
    return [
        (label, getattr(person, f"get_wg_{domain}_display")() or _("Not asked"))
        for domain, label in WG_DOMAINS
    ]


def _ids(form_name):
    """Each action's form has its own element ids: they share one page."""
    return form_name.removesuffix("_form") + "-%s"


def _blank_forms(request, report):
    initial = {"version": report.version}
    province = request.unit.region_id.split(".")[0]
    forms = {
        "risk_form": (OverrideRiskForm, {"initial": {**initial, "level": report.risk}}),
        "case_form": (OpenCaseForm, {"initial": initial, "units": access.case_units(request.user)}),
        "handover_form": (
            HandOverForm,
            {"initial": initial, "units": _handover_units(request, report)},
        ),
        "search_form": (
            CandidateSearchForm,
            {"initial": _search_initial(report), "province_code": province},
        ),
        "refer_form": (ReferForm, {"initial": initial}),
        "close_form": (CloseForm, {"initial": initial}),
    }
    return {name: cls(auto_id=_ids(name), **kwargs) for name, (cls, kwargs) in forms.items()}


def _page(request, report, status=None, notice=None, **forms):
    """The report page, every action form in it (a failed one bound, with its errors) when
    the officer may triage the report (``intake/access.py`` decides, as it decides whether
    names are shown)."""
    user, membership = request.user, request.membership
    actionable = report.status == ReportStatus.RECEIVED and access.may(
        user, report, Need.TRIAGE, membership
    )
    context = {
        "show_identity": access.shows_identity(user, report, membership),
        "report": report,
        "people": [(p, _wg_answers(p)) for p in report.people.all()],
        "screening": screening_answers(report),
        "actionable": actionable,
        "case_link": report.case_id is not None
        and Case.objects.restrict(user).filter(pk=report.case_id).exists(),
        "notice": notice,
        "candidates": None,
        "report_sections": report_sections(),
        **(_blank_forms(request, report) if actionable else {}),
        **forms,
    }
    record_read(request, report)
    return render_page(request, "intake/triage_report.html", context, status=status)


@login_required
@require_GET
def report_page(request, report_id):
    """For the intake officers the report is with, and for whoever may see its case."""
    report = get_report_for(request.user, report_id, request=request)
    if report.status == ReportStatus.DRAFT:
        return redirect("intake:draft", report_id=report.pk)  # not sent: not in triage yet
    request.unit = access.intake_unit(request.membership)
    return _page(request, report)


def _stale(request, current):
    if not access.may(request.user, current, Need.VIEW, request.membership):
        # Handed over to a unit of which the officer is not: the report left their sight.
        messages.info(
            request,
            _("Someone else acted on this report first; it is no longer with your unit."),
        )
        return redirect("intake:queue")
    notice = _(
        "Someone else acted on this report first: it is now “%(status)s”. Your action "
        "changed nothing; here is the report as it stands."
    ) % {"status": current.get_status_display()}
    if current.status == ReportStatus.RECEIVED and current.handed_to_id:
        notice += " " + _("It was handed over to %(unit)s.") % {"unit": current.handed_to.name}
    return _page(request, current, status=409, notice=notice)


def _act(request, report_id, form_name, form_class, run, done, after=None, **form_kwargs):
    """Check scope, bind the form, run the action, answer.

    ``run(form, report, version)`` calls the action; ``done(report)`` is the success
    message; ``after(report)``, if given, is where the officer goes next. A stale version
    answers 409 with what happened; bad input answers 400 with the form and its errors,
    having changed nothing.
    """
    report = get_report_for(request.user, report_id, request=request)
    form = form_class(request.POST, auto_id=_ids(form_name), **form_kwargs)
    if not form.is_valid():
        return _page(request, report, status=400, **{form_name: form})
    version = form.cleaned_data["version"]
    try:
        result = run(form, report, version)
    except StaleVersion as stale:
        return _stale(request, stale.current)
    except PermissionDenied:
        # Seen, but no longer (or never) the officer's to triage: handed over meanwhile.
        return _stale(request, Report.objects.get(pk=report.pk))
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return _page(request, report, status=400, **{form_name: form})
    messages.success(request, done(result))
    if after is not None:
        return after(result)
    if result.status == ReportStatus.RECEIVED and access.may(
        request.user, result, Need.TRIAGE, request.membership
    ):
        return redirect("intake:report", report_id=result.pk)
    return redirect("intake:queue")


def _reference(message):
    return lambda report: message % {"reference": report.reference}


@intake_view
@require_POST
def override_risk(request, report_id):
    def run(form, report, version):
        data = form.cleaned_data
        return actions.override_risk(
            request.user, report, version, data["level"], data["reason"], request=request
        )

    return _act(
        request,
        report_id,
        "risk_form",
        OverrideRiskForm,
        run,
        _reference(_("Risk of %(reference)s changed.")),
    )


@intake_view
@require_POST
def open_case(request, report_id):
    def run(form, report, version):
        unit = form.cleaned_data["unit"]
        return actions.open_case_from_report(request.user, report, version, unit, request=request)

    def done(report):
        return _("Case %(code)s opened for %(reference)s.") % {
            "code": report.case.survivor_code,
            "reference": report.reference,
        }

    return _act(
        request,
        report_id,
        "case_form",
        OpenCaseForm,
        run,
        done,
        # The one who opened the case goes on with it: they may see it (they could open it).
        after=lambda report: redirect("cases:detail", case_id=report.case_id),
        units=access.case_units(request.user),
    )


@intake_view
@require_POST
def hand_over(request, report_id):
    report = get_report_for(request.user, report_id, request=request)

    def run(form, report, version):
        unit = form.cleaned_data["unit"]
        return actions.hand_over(request.user, report, version, unit, request=request)

    def done(report):
        return _("%(reference)s handed over to %(unit)s.") % {
            "reference": report.reference,
            "unit": report.handed_to.name,
        }

    return _act(
        request,
        report_id,
        "handover_form",
        HandOverForm,
        run,
        done,
        units=_handover_units(request, report),
    )


@intake_view
@require_POST
def search_cases(request, report_id):
    """Candidates for "link to an existing case". The terms come by POST and stay out of
    the audit row, which names only the criteria used."""
    report = get_report_for(request.user, report_id, Need.TRIAGE, request=request)
    province = request.unit.region_id.split(".")[0]
    form = CandidateSearchForm(request.POST, province_code=province, auto_id=_ids("search_form"))
    if not form.is_valid():
        return _page(request, report, status=400, search_form=form)
    criteria = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    record_search(request, "cases.client", fields=sorted(criteria))
    try:
        candidates = find_candidates(request.user, **criteria)
    except ValidationError as error:
        form.add_error(None, error)
        return _page(request, report, status=400, search_form=form)
    return _page(request, report, search_form=form, candidates=candidates)


@intake_view
@require_POST
def link_case(request, report_id):
    def run(form, report, version):
        # Through the choke point: a case the officer may not see answers 404.
        case = get_case_for(request.user, form.cleaned_data["case"], request=request).case
        return actions.link_to_case(request.user, report, version, case, request=request)

    def done(report):
        return _("%(reference)s linked to case %(code)s.") % {
            "reference": report.reference,
            "code": report.case.survivor_code,
        }

    return _act(request, report_id, "link_form", LinkCaseForm, run, done)


@intake_view
@require_POST
def refer(request, report_id):
    def run(form, report, version):
        to = form.cleaned_data["to"]
        return actions.refer_out(request.user, report, version, to, request=request)

    return _act(
        request,
        report_id,
        "refer_form",
        ReferForm,
        run,
        _reference(_("%(reference)s referred out.")),
    )


@intake_view
@require_POST
def close(request, report_id):
    def run(form, report, version):
        reason = form.cleaned_data["reason"]
        return actions.close_not_protection(request.user, report, version, reason, request=request)

    return _act(
        request,
        report_id,
        "close_form",
        CloseForm,
        run,
        _reference(_("%(reference)s closed: not a protection matter.")),
    )


urlpatterns = [
    path("triase/", triage_queue, name="queue"),
    path("triase/<uuid:report_id>/", report_page, name="report"),
    path("triase/<uuid:report_id>/risiko/", override_risk, name="override_risk"),
    path("triase/<uuid:report_id>/kasus/", open_case, name="open_case"),
    path("triase/<uuid:report_id>/serahkan/", hand_over, name="hand_over"),
    path("triase/<uuid:report_id>/cari/", search_cases, name="search_cases"),
    path("triase/<uuid:report_id>/tautkan/", link_case, name="link_case"),
    path("triase/<uuid:report_id>/rujuk/", refer, name="refer"),
    path("triase/<uuid:report_id>/tutup/", close, name="close"),
]
