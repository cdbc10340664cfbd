"""Actions of case work (docs/architecture.md, rule 1): assessments, plan, services, notes, tasks,
approvals, the police report, the sanction track, closure and reopening.

Same contract as ``cases.actions``: check, validate, write, audit, timeline, alerts, in one
transaction; edits carry versions.
"""

import uuid
from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lindungi.accounts.models import User
from lindungi.accounts.roles import Role
from lindungi.cases.access import Need, check
from lindungi.cases.actions import (
    Data,
    _apply,
    _event,
    _filled,
    _log,
    _only,
    _require_edit,
    _roles_in,
    _save_version,
)
from lindungi.cases.casework import (
    NEED_DOMAINS,
    OPEN_SERVICE_STATUSES,
    RISK_FACTORS,
    Approval,
    Assessment,
    CaseNote,
    Closure,
    ClosureReason,
    NeedLevel,
    PlannedService,
    PoliceReport,
    SanctionTrack,
    ServicePlan,
    ServiceStatus,
    ServiceType,
    Task,
)
from lindungi.cases.models import Case, Status
from lindungi.cases.timeline import EventKind
from lindungi.cases.tracks import survivor_reported_at
from lindungi.core.dates import check_past_facts, check_plans
from lindungi.notifications.models import Kind, notify

TEXT_LIMIT = 20000
# Factors that alone make the risk high (lethality indicators in common DV risk tools).
LETHAL_FACTORS = {"weapon", "threats_to_kill", "strangulation"}


def _text(value: str | None, field: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > TEXT_LIMIT:
        raise ValidationError({field: _("Keep this under 20,000 characters.")})
    return value


def _require_open(case: Case) -> None:
    """Work on a closed case waits for its reopening (with a reason); notes stay possible,
    since a contact after closure must still be written down."""
    if Case.objects.filter(pk=case.pk, status=Status.CLOSED).exists():
        raise ValidationError(_("The case is closed: reopen it first."))


def _supervisors(unit_id: uuid.UUID, exclude: User | None = None) -> QuerySet[User]:
    users = User.objects.filter(
        memberships__unit_id=unit_id, memberships__role=Role.SUPERVISOR, is_active=True
    ).distinct()
    return users.exclude(pk=exclude.pk) if exclude is not None else users


# --- Assessments -------------------------------------------------------------------------


def risk_level(answers: Mapping[str, object]) -> str:
    """The checklist's level: any lethality indicator or three factors -> high; one or two
    -> medium; none -> low."""
    yes = {name for name, value in answers.items() if value}
    if yes & LETHAL_FACTORS or len(yes) >= 3:
        return "high"
    return "medium" if yes else "low"


@transaction.atomic
def record_assessment(
    actor: User,
    case: Case,
    kind: str,
    answers: dict[str, str | bool],
    *,
    summary: str = "",
    override_level: str = "",
    override_reason: str = "",
    request: HttpRequest | None = None,
) -> Assessment:
    """A new assessment with the next number; older ones stay as they were. A risk
    assessment sets the case priority, unless the worker overrides it with a reason."""
    _require_edit(actor, case)
    _require_open(case)
    level = _assessed_level(kind, answers)
    if override_level and (
        kind != Assessment.Kind.RISK or override_level not in ("high", "medium", "low")
    ):
        raise ValidationError({"override_level": _("Choose a risk level.")})
    override_reason = _text(override_reason, "override_reason", required=bool(override_level))
    Case.objects.select_for_update().filter(pk=case.pk).first()  # serialise the numbering
    number = (case.assessments.filter(kind=kind).aggregate(n=Max("number"))["n"] or 0) + 1
    assessment = Assessment.objects.create(
        case=case,
        kind=kind,
        number=number,
        author=actor,
        answers=answers,
        level=level,
        override_level=override_level,
        override_reason=override_reason,
        summary=_text(summary, "summary"),
    )
    _log(
        request,
        actor,
        "assessment.create",
        assessment,
        case,
        EventKind.ASSESSMENT_ADDED,
        assessment=kind,
    )
    if kind == Assessment.Kind.RISK and case.priority != assessment.effective_level:
        Case.objects.filter(pk=case.pk).update(
            priority=assessment.effective_level, version=case.version + 1
        )
        _log(request, actor, "case.update", case, case, EventKind.UPDATED, ["priority"])
    return assessment


def _assessed_level(kind: str, answers: dict[str, str | bool]) -> str:
    """The checklist's level of a risk assessment ("" for needs), once the answers fit the
    kind: a level for each area of needs, a yes or no for each risk factor."""
    if kind == Assessment.Kind.NEEDS:
        domains = {name for name, _label in NEED_DOMAINS}
        if set(answers) - domains or not set(answers.values()) <= set(NeedLevel.values):
            raise ValidationError({"answers": _("Choose a level for each area.")})
        return ""
    if kind == Assessment.Kind.RISK:
        factors = {name for name, _label in RISK_FACTORS}
        if set(answers) - factors or not all(isinstance(v, bool) for v in answers.values()):
            raise ValidationError({"answers": _("Answer each question with yes or no.")})
        return risk_level(answers)
    raise ValidationError({"kind": _("Choose a kind of assessment.")})


# --- Plan and services -------------------------------------------------------------------


@transaction.atomic
def save_plan(
    actor: User,
    case: Case,
    version: int | None,
    goals: str | None,
    *,
    request: HttpRequest | None = None,
) -> ServicePlan:
    """Create or change the plan's goals. A changed approved plan goes back to draft."""
    _require_edit(actor, case)
    goals = _text(goals, "goals")
    plan, created = ServicePlan.objects.get_or_create(case=case, defaults={"goals": goals})
    if created:
        _log(request, actor, "plan.create", plan, case, EventKind.PLAN_CREATED, ["goals"])
        return plan
    _require_open(case)
    plan, changed = _save_version(ServicePlan, plan, version, {"goals": goals})
    if changed and plan.status != ServicePlan.Status.DRAFT:
        ServicePlan.objects.filter(pk=plan.pk).update(status=ServicePlan.Status.DRAFT)
        plan.status = ServicePlan.Status.DRAFT
        # A request waiting for approval described the old plan: withdraw it, so nobody
        # approves words the survivor no longer agreed to.
        Approval.objects.filter(
            case=case, subject=Approval.Subject.PLAN, decided_at__isnull=True
        ).update(decision=Approval.Decision.WITHDRAWN, decided_by=actor, decided_at=timezone.now())
    if changed:
        _log(request, actor, "plan.update", plan, case, EventKind.PLAN_UPDATED, changed)
    return plan


SERVICE_FIELDS = {
    "type",
    "provider_unit",
    "provider_name",
    "due_on",
    "status",
    "outcome",
    "done_on",
}


def _validate_service(service: PlannedService) -> None:
    if service.type not in ServiceType.values:
        raise ValidationError({"type": _("Choose a service.")})
    if not service.provider_unit_id and not (service.provider_name or "").strip():
        raise ValidationError({"provider_name": _("Name who provides the service.")})
    check_past_facts(done_on=service.done_on)
    check_plans(due_on=service.due_on)
    service.outcome = _text(service.outcome, "outcome")


@transaction.atomic
def add_service(
    actor: User, case: Case, data: Data, *, request: HttpRequest | None = None
) -> PlannedService:
    _require_edit(actor, case)
    _require_open(case)
    _only(data, SERVICE_FIELDS)
    service = PlannedService(case=case, **data)
    _validate_service(service)
    service.full_clean()
    service.save()
    _log(
        request,
        actor,
        "service.create",
        service,
        case,
        EventKind.SERVICE_ADDED,
        _filled(data),
        service=service.type,
    )
    return service


@transaction.atomic
def update_service(
    actor: User,
    service: PlannedService,
    version: int,
    changes: Data,
    *,
    request: HttpRequest | None = None,
) -> PlannedService:
    _require_edit(actor, service.case)
    _require_open(service.case)
    _only(changes, SERVICE_FIELDS)
    service, changed = _save_version(PlannedService, service, version, changes, _validate_service)
    if changed:
        # A service marked done is said so: the case file tells what the survivor received.
        done = "status" in changed and service.status == ServiceStatus.DONE
        _log(
            request,
            actor,
            "service.update",
            service,
            service.case,
            EventKind.SERVICE_DONE if done else EventKind.SERVICE_UPDATED,
            changed,
            service=service.type,
        )
    return service


# --- Notes and tasks ---------------------------------------------------------------------


@transaction.atomic
def add_note(
    actor: User,
    case: Case,
    body: str | None,
    *,
    corrects: CaseNote | None = None,
    request: HttpRequest | None = None,
) -> CaseNote:
    """Notes are never edited: a correction is a new note that points to the old one."""
    _require_edit(actor, case)
    if corrects is not None and corrects.case_id != case.pk:
        raise ValidationError({"corrects": _("Choose a note of this case.")})
    note = CaseNote.objects.create(
        case=case, author=actor, body=_text(body, "body", required=True), corrects=corrects
    )
    _log(request, actor, "note.create", note, case, EventKind.NOTE_ADDED, ["body"])
    return note


@transaction.atomic
def add_task(
    actor: User,
    case: Case,
    assignee: User,
    title: str | None,
    due_at: datetime,
    *,
    request: HttpRequest | None = None,
) -> Task:
    _require_edit(actor, case)
    _require_open(case)
    if not _roles_in(assignee, case.unit_id) & {Role.CASE_WORKER, Role.SUPERVISOR}:
        raise ValidationError({"assignee": _("Choose someone of the case's unit.")})
    check_plans(due_at=due_at)
    title = _text(title, "title", required=True)[:300]
    task = Task.objects.create(
        case=case, assignee=assignee, created_by=actor, title=title, due_at=due_at
    )
    if assignee.pk != actor.pk:
        notify([assignee], Kind.TASK_ASSIGNED, case)
    _log(request, actor, "task.create", task, case, EventKind.TASK_ADDED, ["title", "due_at"])
    return task


@transaction.atomic
def complete_task(
    actor: User, task: Task, version: int, *, request: HttpRequest | None = None
) -> Task:
    _require_edit(actor, task.case)
    task, changed = _save_version(Task, task, version, {"done_at": task.done_at or timezone.now()})
    if changed:
        _log(request, actor, "task.done", task, task.case, EventKind.TASK_DONE, ["done_at"])
    return task


# --- Approvals ---------------------------------------------------------------------------

# The timeline tells the plan's approval from the closure's.
ASKED: dict[str, EventKind] = {
    Approval.Subject.PLAN: EventKind.PLAN_APPROVAL_REQUESTED,
    Approval.Subject.CLOSURE: EventKind.CLOSURE_REQUESTED,
}
DECIDED: dict[tuple[str, str], EventKind] = {
    (Approval.Subject.PLAN, Approval.Decision.APPROVED): EventKind.PLAN_APPROVED,
    (Approval.Subject.PLAN, Approval.Decision.REJECTED): EventKind.PLAN_REJECTED,
    (Approval.Subject.CLOSURE, Approval.Decision.APPROVED): EventKind.CLOSURE_APPROVED,
    (Approval.Subject.CLOSURE, Approval.Decision.REJECTED): EventKind.CLOSURE_REJECTED,
}


@transaction.atomic
def request_approval(
    actor: User,
    case: Case,
    subject: str,
    comment: str | None = "",
    *,
    request: HttpRequest | None = None,
) -> Approval:
    _require_edit(actor, case)
    if subject == Approval.Subject.PLAN:
        plan = ServicePlan.objects.select_for_update().filter(case=case).first()
        if plan is None or not case.services.exists():
            raise ValidationError(
                _("Write the plan and add its services before asking for approval.")
            )
        ServicePlan.objects.filter(pk=plan.pk).update(status=ServicePlan.Status.PENDING)
    try:
        with transaction.atomic():
            approval = Approval.objects.create(
                case=case,
                subject=subject,
                requested_by=actor,
                request_comment=_text(comment, "comment"),
            )
    except IntegrityError:
        raise ValidationError(
            _("A request for this is already waiting for a supervisor.")
        ) from None
    notify(_supervisors(case.unit_id, exclude=actor), Kind.APPROVAL_REQUESTED, case)
    _log(request, actor, "approval.request", approval, case, ASKED[subject])
    return approval


@transaction.atomic
def decide_approval(
    actor: User,
    approval: Approval,
    decision: str,
    comment: str | None = "",
    *,
    request: HttpRequest | None = None,
) -> Approval:
    """A supervisor of the case's unit decides; never the person who asked."""
    approval = Approval.objects.select_for_update().get(pk=approval.pk)
    case = approval.case
    if approval.requested_by_id == actor.pk:
        raise PermissionDenied(_("You cannot approve your own request."))
    check(actor, case, Need.SUPERVISE)
    if approval.decided_at is not None:
        raise ValidationError(_("This request was already decided."))
    if (approval.subject, decision) not in DECIDED:
        raise ValidationError({"decision": _("Approve or reject.")})
    comment = _text(comment, "comment", required=decision == Approval.Decision.REJECTED)
    approval.decision = decision
    approval.decided_by = actor
    approval.decided_at = timezone.now()
    approval.decision_comment = comment
    approval.save()
    approved = decision == Approval.Decision.APPROVED
    if approval.subject == Approval.Subject.PLAN:
        ServicePlan.objects.filter(case=case).update(
            status=ServicePlan.Status.APPROVED if approved else ServicePlan.Status.REJECTED
        )
        if approved and case.status in (Status.OPEN, Status.ASSESSMENT, Status.PLANNING):
            Case.objects.filter(pk=case.pk).update(status=Status.SERVICES, version=case.version + 1)
    elif approved:
        Case.objects.filter(pk=case.pk).update(
            status=Status.CLOSED, closed_at=approval.decided_at, version=case.version + 1
        )
    notify([approval.requested_by], Kind.APPROVAL_DECIDED, case)
    _log(request, actor, "approval.decide", approval, case, DECIDED[approval.subject, decision])
    if approved and approval.subject == Approval.Subject.CLOSURE:
        reason = Closure.objects.filter(approval=approval).values_list("reason", flat=True)
        _event(case, actor, EventKind.CLOSED, reason=reason.first() or "")
    return approval


# --- Closure and reopening ---------------------------------------------------------------


@transaction.atomic
def request_closure(
    actor: User,
    case: Case,
    reason: str,
    summary: str | None,
    *,
    open_services_reason: str | None = "",
    request: HttpRequest | None = None,
) -> Closure:
    """Ask to close: a reason, a closing summary, and why any services are still open."""
    _require_edit(actor, case)
    if case.status == Status.CLOSED:
        raise ValidationError(_("The case is already closed."))
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": _("Choose why the case closes.")})
    summary = _text(summary, "summary", required=True)
    open_services_reason = _text(open_services_reason, "open_services_reason")
    if case.services.filter(status__in=OPEN_SERVICE_STATUSES).exists() and not open_services_reason:
        raise ValidationError(
            {
                "open_services_reason": _(
                    "Some services are still open: say why the case closes now."
                )
            }
        )
    approval = request_approval(actor, case, Approval.Subject.CLOSURE, request=request)
    return Closure.objects.create(
        case=case,
        reason=reason,
        summary=summary,
        open_services_reason=open_services_reason,
        approval=approval,
        by=actor,
    )


@transaction.atomic
def reopen_case(
    actor: User, case: Case, reason: str | None, *, request: HttpRequest | None = None
) -> Closure:
    _require_edit(actor, case)
    if case.status != Status.CLOSED:
        raise ValidationError(_("Only a closed case can be reopened."))
    closure = Closure.objects.create(
        case=case,
        kind=Closure.Kind.REOPEN,
        summary=_text(reason, "summary", required=True),
        by=actor,
    )
    Case.objects.filter(pk=case.pk).update(
        status=Status.REOPENED, closed_at=None, version=case.version + 1
    )
    _log(request, actor, "case.reopen", closure, case, EventKind.REOPENED, ["status"])
    return closure


# --- UU TPKS police report ---------------------------------------------------------------


@transaction.atomic
def record_police_report(
    actor: User,
    case: Case,
    *,
    reported_at: datetime | None = None,
    police_reference: str | None = "",
    not_reported_reason: str | None = "",
    request: HttpRequest | None = None,
) -> PoliceReport:
    _require_edit(actor, case)
    report = PoliceReport.objects.select_for_update().filter(case=case).first()
    if report is None:
        raise ValidationError(_("This case has no sexual violence to report to the police."))
    if reported_at is None and not (not_reported_reason or "").strip():
        raise ValidationError(
            _("Give the date of the report to the police, or why it was not made.")
        )
    check_past_facts(reported_at=reported_at)
    if reported_at is not None:
        _after_survivor_report(case, reported_at)
    changed = _apply(
        report,
        {
            "reported_at": reported_at,
            "police_reference": (police_reference or "").strip()[:100],
            "not_reported_reason": _text(not_reported_reason, "not_reported_reason"),
        },
    )
    # The form saved again unchanged is no new report to the police (nothing to tell).
    if not changed:
        return report
    if "reported_at" in changed:
        report.reported_by = actor if reported_at else None
    report.save()
    _log(
        request,
        actor,
        "police_report.record",
        report,
        case,
        EventKind.POLICE_REPORT_RECORDED,
        changed,
    )
    return report


def _after_survivor_report(case: Case, reported_at: datetime) -> None:
    """The police can only be told of what the service was told: a report to the police
    before the survivor's report reached the service is a typing slip. Compared by the
    minute, since that is all the form takes."""
    received = survivor_reported_at(case)
    if reported_at < received.replace(second=0, microsecond=0):
        shown = formats.date_format(timezone.localtime(received), "DATETIME_FORMAT")
        raise ValidationError(
            {
                "reported_at": _(
                    "The report to the police cannot be before the survivor's report "
                    "reached the service (%(received)s)."
                )
                % {"received": shown}
            }
        )


# --- Public-employee sanction track ------------------------------------------------------

SANCTION_FIELDS = {
    "agency",
    "notified_on",
    "notified_how",
    "decision",
    "decided_on",
    "notes",
    "concluded",
}


def _validate_sanction(track: SanctionTrack) -> None:
    check_past_facts(notified_on=track.notified_on, decided_on=track.decided_on)
    track.notes = _text(track.notes, "notes")


@transaction.atomic
def update_sanction(
    actor: User,
    track: SanctionTrack,
    version: int,
    changes: Data,
    *,
    request: HttpRequest | None = None,
) -> SanctionTrack:
    _require_edit(actor, track.case)
    _only(changes, SANCTION_FIELDS)
    track, changed = _save_version(SanctionTrack, track, version, changes, _validate_sanction)
    if changed:
        _log(
            request,
            actor,
            "sanction.update",
            track,
            track.case,
            EventKind.SANCTION_UPDATED,
            changed,
        )
    return track
