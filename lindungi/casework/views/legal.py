"""The legal tracks of a case: the UU TPKS police report and the public-employee sanction
track.

- UU 12/2022 (TPKS) Pasal 39–41: a report of sexual violence goes to the police within
  3×24 hours of the survivor's report. The record opens by itself when an incident is
  sexual (``casework.tracks``); this page shows the due time and records when it was reported,
  by whom (the person recording it) and the police reference, or why it was not.
- The sanction track of a public-employee perpetrator (restricted cases): the employing
  agency notified, its decision, until the track is concluded; then it stays as history.

Both pages answer for every case the user may see, saying so when the case has no such
track, so the case page can load them as htmx fragments (``#case-police``,
``#case-sanctions``) and they vanish where there is nothing to show.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lindungi.audit.events import record, record_read
from lindungi.cases.access import Need, get_case_for
from lindungi.cases.views.edits import _edit as save_version
from lindungi.casework import actions as work
from lindungi.casework.forms.notes import PoliceReportForm, SanctionForm
from lindungi.casework.models import PoliceReport, SanctionTrack
from lindungi.casework.views.notes import embedded, need_for, posted
from lindungi.core.htmx import render_page

TRACK_PARAMETER = "jalur"


# --- UU TPKS police report -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def police_report(request, case_id):
    access = get_case_for(request.user, case_id, need_for(request), request=request)
    case = access.case
    report = (
        PoliceReport.objects.restrict(request.user)
        .filter(case=case)
        .select_related("reported_by")
        .first()
    )
    form = None
    status = None
    if report is not None and access.may_edit:
        form = PoliceReportForm(posted(request), initial=_initial(report))
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            work.record_police_report(request.user, case, **form.cleaned_data, request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The report to the police was recorded."))
            return redirect(reverse("cases:police_report", args=[case.pk]))
    if request.method == "POST" and form is not None and form.errors:
        status = 400
    if report is not None and access.may_read_content:
        record_read(request, report)
    context = {
        "case": case,
        "access": access,
        "report": report,
        "form": form,
        "overdue": report is not None and _overdue(report),
        "embedded": embedded(request, "case-police"),
    }
    return render_page(request, "casework/police_report.html", context, status=status)


def _initial(report):
    return {
        "reported_at": report.reported_at and timezone.localtime(report.reported_at),
        "police_reference": report.police_reference,
        "not_reported_reason": report.not_reported_reason,
    }


def _overdue(report):
    done = report.reported_at or report.not_reported_reason
    return not done and report.due_at < timezone.now()


# --- The public-employee sanction track ----------------------------------------------


def _tracks(case):
    # Open tracks first, concluded ones after them as history.
    return (
        case.sanctions.select_related("perpetrator")
        .prefetch_related("documents")
        .order_by("concluded", "created_at")
    )


@login_required
@require_http_methods(["GET"])
def sanctions(request, case_id):
    return _sanctions_page(request, get_case_for(request.user, case_id, request=request))


def _sanctions_page(request, access, status=None):
    case = access.case
    tracks = list(_tracks(case))
    if tracks and access.may_read_content:
        record("sanction.list", request=request, obj=case)
    context = {
        "case": case,
        "access": access,
        "tracks": tracks,
        "embedded": embedded(request, "case-sanctions"),
    }
    return render_page(request, "casework/sanctions.html", context, status=status)


def _chosen_track(case, request):
    """The track named by ``?jalur=``; without one, the case's only track (if one)."""
    tracks = _tracks(case)
    raw = request.GET.get(TRACK_PARAMETER)
    if not raw:
        return tracks.first() if len(tracks) == 1 else None
    try:
        track = tracks.filter(pk=uuid.UUID(raw)).first()
    except ValueError:
        track = None
    if track is None:
        raise Http404
    return track


@login_required
@require_http_methods(["GET", "POST"])
def edit_sanction(request, case_id):
    access = get_case_for(request.user, case_id, Need.EDIT, request=request)
    case = access.case
    track = _chosen_track(case, request)
    if track is None:
        # No track yet, or several to choose from: the list of the case's tracks says which.
        return _sanctions_page(request, access, status=400 if request.method == "POST" else None)
    record_read(request, track)
    form = SanctionForm(posted(request), record=track)
    saved = save_version(
        request,
        form,
        lambda version, changes: work.update_sanction(
            request.user, track, version, changes, request=request
        ),
        "casework/sanction_edit.html",
        {"case": case, "track": track},
    )
    if isinstance(saved, SanctionTrack):
        messages.success(request, _("The sanction track was saved."))
        return redirect(reverse("cases:sanctions", args=[case.pk]))
    return saved


urlpatterns = [
    path("<uuid:case_id>/lapor-polisi/", police_report, name="police_report"),
    path("<uuid:case_id>/sanksi/", sanctions, name="sanctions"),
    path("<uuid:case_id>/sanksi/ubah/", edit_sanction, name="edit_sanction"),
]
