"""Dispatch actions: ask for a team, record each step, cancel, report the visit.

Each checks the actor through the access module (``access.may``, the intake and case
checks), locks what it changes, and writes the audit row, the case's timeline entry (if
the dispatch has a case) and the alerts in one transaction. Times told by the crew are
kept as told: a time before the step it follows is flagged (``out_of_order``), a time in
the future refused.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.models import Unit, User
from lindungi.accounts.roles import UnitType
from lindungi.audit.events import record
from lindungi.cases import access as case_access
from lindungi.cases.actions import StaleVersion
from lindungi.cases.models import Case, CaseEvent
from lindungi.cases.timeline import EventKind
from lindungi.core.dates import EARLIEST, TOO_EARLY
from lindungi.intake import access as report_access
from lindungi.intake.actions import mark_urgent, open_case_after_visit, open_case_from_report
from lindungi.intake.models import Report, ReportStatus
from lindungi.notifications.models import Kind, notify
from lindungi.places.models import Region
from lindungi.response import access
from lindungi.response.models import (
    OPEN,
    STEPS,
    CrewRole,
    Dispatch,
    DispatchMember,
    DispatchStatus,
    DispatchStep,
    TakenTo,
)
from lindungi.response.roster import current_shift, on_call

# What the one asking writes for the team (encrypted on the dispatch).
REQUEST_FIELDS = ("location", "danger", "who_is_there", "accommodation", "safe_approach")
# A phone's clock a little ahead of the server's is not "the future".
CLOCK_SLACK = timedelta(minutes=1)
# Where each step's seconds from the request are kept, for the statistics.
DURATIONS = {
    DispatchStatus.ACKNOWLEDGED: "seconds_to_acknowledge",
    DispatchStatus.EN_ROUTE: "seconds_to_en_route",
    DispatchStatus.ON_SCENE: "seconds_to_on_scene",
}


def _event(dispatch: Dispatch, actor: User, kind: EventKind, at: datetime, **detail: str) -> None:
    """The case's timeline entry (ids and codes only), when the dispatch has a case."""
    if dispatch.case_id is not None:
        detail = {"dispatch": str(dispatch.pk), **detail}
        CaseEvent.objects.create(
            case_id=dispatch.case_id, at=at, actor=actor, kind=kind, detail=detail
        )


def _check_asker(actor: User, report: Report | None, case: Case | None) -> None:
    if case is not None:
        case_access.check(actor, case, case_access.Need.EDIT)
    elif report is not None:
        report_access.check(actor, report, report_access.Need.VIEW)
    else:
        raise PermissionDenied


def _told(unit: Unit, data: Mapping[str, object]) -> dict[str, str]:
    """What the one asking wrote, checked: a unit that answers, a place and a danger."""
    if unit.type != UnitType.RAPID_RESPONSE or not unit.is_active:
        raise ValidationError({"unit": _("Choose a rapid response unit.")})
    told = {name: str(data.get(name) or "").strip() for name in REQUEST_FIELDS}
    if not told["location"] or not told["danger"]:
        raise ValidationError(_("Say where the team must go and what the danger is."))
    return told


def _kelurahan(data: Mapping[str, object], report: Report | None) -> Region | None:
    kelurahan = data.get("kelurahan") or (report.kelurahan if report is not None else None)
    if kelurahan is not None and not isinstance(kelurahan, Region):
        raise ValidationError({"kelurahan": _("Choose a kelurahan.")})
    return kelurahan


@transaction.atomic
def request_dispatch(
    actor: User,
    unit: Unit,
    data: Mapping[str, object],
    *,
    report: Report | None = None,
    case: Case | None = None,
    request: HttpRequest | None = None,
) -> Dispatch:
    """Ask ``unit`` for a team, from a report or a case. The crew is who is on call now;
    the team lead is alerted at once (the unit's supervisors when there is none)."""
    _check_asker(actor, report, case)
    told = _told(unit, data)
    case = case or (report.case if report is not None else None)
    kelurahan = _kelurahan(data, report)
    now = timezone.now()
    dispatch = Dispatch.objects.create(
        unit=unit,
        report=report,
        case=case,
        survivor_code=case.survivor_code if case is not None else "",
        kelurahan=kelurahan,
        kota_id=kelurahan.code[:5] if kelurahan is not None else None,
        children_present=bool(data.get("children_present")),
        status=DispatchStatus.REQUESTED,
        shift=current_shift(unit, now),
        requested_at=now,
        requested_by=actor,
        **told,
    )
    if report is not None:
        mark_urgent(report)
    crew = list(on_call(unit, now))
    DispatchMember.objects.bulk_create(
        [DispatchMember(dispatch=dispatch, user=a.user, role=a.role) for a in crew]
    )
    DispatchStep.objects.create(
        dispatch=dispatch, status=DispatchStatus.REQUESTED, at=now, recorded_by=actor
    )
    leads = [a.user for a in crew if a.role == CrewRole.TEAM_LEAD]
    # No link to the report or case: the crew may not open them; the board shows the dispatch.
    notify(leads or unit.supervisors(), Kind.DISPATCH_REQUESTED)
    record("dispatch.request", request=request, actor=actor, obj=dispatch, fields=REQUEST_FIELDS)
    _event(dispatch, actor, EventKind.DISPATCH_REQUESTED, now)
    return dispatch


def _follow_case(current: Dispatch) -> None:
    """A dispatch asked from a report follows the case opened from it since, so that its
    steps and visit join that case's timeline."""
    report = current.report
    if current.case_id is None and report is not None and report.case is not None:
        current.case = report.case
        current.survivor_code = report.case.survivor_code


def _current(actor: User, dispatch: Dispatch, version: int, need: case_access.Need) -> Dispatch:
    current = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    if not access.may(actor, current, need):
        raise PermissionDenied
    if current.version != version:
        raise StaleVersion(current)
    _follow_case(current)
    return current


def _locked(actor: User, dispatch: Dispatch, version: int, need: case_access.Need) -> Dispatch:
    current = _current(actor, dispatch, version, need)
    if current.status not in OPEN:
        raise ValidationError(_("This dispatch has ended."))
    return current


def next_step(dispatch: Dispatch) -> DispatchStatus | None:
    """The step that comes after the dispatch's state, or None once it ended."""
    if dispatch.status not in OPEN:
        return None
    return STEPS[STEPS.index(DispatchStatus(dispatch.status)) + 1]


def step_time(at: datetime | None) -> datetime:
    """The time a step happened, as told (now if not told): a time in the future, or
    before 1900, is refused."""
    now = timezone.now()
    if at is None:
        return now
    if at > now + CLOCK_SLACK:
        raise ValidationError({"at": _("This time is in the future: give the time it happened.")})
    if at.date() < EARLIEST:
        raise ValidationError({"at": TOO_EARLY})
    return at


def _save(current: Dispatch, actor: User, status: str, at: datetime, now: datetime) -> None:
    last = current.steps.order_by("-at").values_list("at", flat=True).first()
    out_of_order = last is not None and at < last
    DispatchStep.objects.create(
        dispatch=current, status=status, at=at, recorded_by=actor, out_of_order=out_of_order
    )
    current.status = status
    current.out_of_order = current.out_of_order or out_of_order
    if status in DURATIONS:
        seconds = int((at - current.requested_at).total_seconds())
        setattr(current, DURATIONS[DispatchStatus(status)], seconds)
    if status not in OPEN:
        current.ended_at = now
    current.version += 1
    current.save()


@transaction.atomic
def record_step(
    actor: User,
    dispatch: Dispatch,
    version: int,
    status: str,
    *,
    at: datetime | None = None,
    taken_to: str = "",
    request: HttpRequest | None = None,
) -> Dispatch:
    """Record the dispatch's next step, at ``at`` (now, if not told). The survivor-safe
    step says where she was taken."""
    current = _locked(actor, dispatch, version, case_access.Need.EDIT)
    if status != next_step(current):
        raise StaleVersion(current)
    at = step_time(at)
    now = timezone.now()
    fields = ["status"]
    if status == DispatchStatus.SAFE:
        if taken_to not in TakenTo.values:
            raise ValidationError({"taken_to": _("Say where the survivor was taken.")})
        current.taken_to = taken_to
        fields.append("taken_to")
    _save(current, actor, status, at, now)
    record(f"dispatch.{status}", request=request, actor=actor, obj=current, fields=fields)
    if status == DispatchStatus.CLEARED:
        _event(current, actor, EventKind.DISPATCH_CLEARED, at, taken_to=current.taken_to)
    return current


@transaction.atomic
def cancel(
    actor: User,
    dispatch: Dispatch,
    version: int,
    reason: str,
    *,
    request: HttpRequest | None = None,
) -> Dispatch:
    """Call the team off, with the reason."""
    current = _locked(actor, dispatch, version, case_access.Need.EDIT)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the dispatch is cancelled.")})
    now = timezone.now()
    current.cancel_reason = reason[:2000]
    _save(current, actor, DispatchStatus.CANCELLED, now, now)
    record("dispatch.cancel", request=request, actor=actor, obj=current, fields=["cancel_reason"])
    _event(current, actor, EventKind.DISPATCH_CANCELLED, now)
    return current


def covering_centre(place: Region | None, fallback: Unit | None) -> Unit | None:
    """The service centre for a place: the active UPTD PPA whose region holds it most
    closely (its kecamatan, then its kota, then the province); without a place, the one
    nearest the unit that received the report."""
    region = place or (fallback.region if fallback is not None else None)
    if region is None:
        return None
    parts = region.code.split(".")
    codes = [".".join(parts[:n]) for n in range(len(parts), 0, -1)]
    centres = Unit.objects.filter(type=UnitType.UPTD_PPA, is_active=True, region_id__in=codes)
    by_region: dict[str, Unit] = {}
    for centre in centres.order_by("name"):
        by_region.setdefault(centre.region_id, centre)
    return next((by_region[code] for code in codes if code in by_region), None)


def _open_case(
    actor: User,
    dispatch: Dispatch,
    report: Report,
    open_in: Unit | None,
    request: HttpRequest | None,
) -> Case | None:
    """The case the visit opens: in ``open_in`` when the actor may open cases there and
    chose it, otherwise in the service centre covering the place, on the crew's word."""
    if open_in is not None:
        if open_in not in report_access.case_units(actor):
            raise PermissionDenied
        return open_case_from_report(actor, report, report.version, open_in, request=request).case
    centre = covering_centre(dispatch.kelurahan, report.unit)
    if centre is None:
        return None
    return open_case_after_visit(actor, report, centre, request=request)


@transaction.atomic
def report_visit(
    actor: User,
    dispatch: Dispatch,
    version: int,
    data: Mapping[str, str],
    *,
    open_in: Unit | None = None,
    request: HttpRequest | None = None,
) -> Dispatch:
    """The visit's short report: what was found, where the survivor was taken, the risk
    now. It joins the case's timeline; a dispatch on a report nobody has triaged yet opens
    its case (``_open_case``), so that a survivor the team has seen is never left without one."""
    current = _current(actor, dispatch, version, case_access.Need.EDIT)
    told = {
        "found": data.get("found", "").strip()[:4000],
        "taken_to": data.get("taken_to") or current.taken_to,
        "risk_now": data.get("risk_now", ""),
    }
    report = current.report
    opens = (
        current.case_id is None and report is not None and report.status == ReportStatus.RECEIVED
    )
    if not opens and all(getattr(current, name) == value for name, value in told.items()):
        return current  # sent again unchanged: nothing to record
    if opens and report is not None:
        case = _open_case(actor, current, report, open_in, request)
        if case is not None:
            current.case = case
            current.survivor_code = case.survivor_code
    for name, value in told.items():
        setattr(current, name, value)
    current.version += 1
    current.save()
    fields = ["found", "taken_to", "risk_now"]
    record("dispatch.visit_report", request=request, actor=actor, obj=current, fields=fields)
    _event(current, actor, EventKind.VISIT_REPORTED, timezone.now(), taken_to=current.taken_to)
    return current
