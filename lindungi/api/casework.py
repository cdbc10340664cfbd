"""The case work API: assessments, the service plan, services, notes and tasks.

The same contract as ``lindungi.api.cases``: every record comes through the access choke
point (an audited 404 for anything out of scope), every write through an action in
``lindungi.casework.actions``, every read is audited, and records that change travel
with their version as an ETag (``If-Match`` required to change them: 428 without, 412 when
stale). Assessments and notes never change: a new assessment is a new number, a correction
is a new note, so they have no update route (a PATCH, PUT or DELETE answers 405).
"""

from collections import namedtuple
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status as Reply

from lindungi.accounts.models import Unit, User
from lindungi.api.auth import StaffRequest
from lindungi.api.case_schemas import RecordId, local_moment
from lindungi.api.cases import CREATE, READ, WRITE, Body, _content, _plain
from lindungi.api.casework_schemas import (
    ApprovalOut,
    ApprovalRequestIn,
    AssessmentIn,
    AssessmentOut,
    NoteIn,
    NoteOut,
    PlanIn,
    PlanOut,
    ServiceIn,
    ServiceOut,
    ServicePatch,
    TaskIn,
    TaskOut,
    TaskPatch,
)
from lindungi.api.versions import etag, list_etag, required_version
from lindungi.audit.events import record_read
from lindungi.cases.access import CaseAccess, Need, get_case_for, get_case_part_for
from lindungi.casework import actions as work
from lindungi.casework.models import (
    Approval,
    Assessment,
    CaseNote,
    PlannedService,
    ServicePlan,
    Task,
    plan_of,
)

router = Router(tags=["case work"])

# Assessments and notes are written once, so their version is 1 for good.
FINAL = 1
_Row = namedtuple("_Row", "pk version")
Row = TypeVar("Row", bound=Model)


# --- Shapes ------------------------------------------------------------------------------


# The words people wrote (summaries, goals, outcomes, comments) are case content: null for
# a reader by break-glass, as the pages leave them out (``_content``).


def _assessment(row: Assessment, access: CaseAccess) -> Body:
    data = {
        name: getattr(row, name)
        for name in (
            "id case_id kind number answers level override_level effective_level created_at"
        ).split()
    }
    data.update(author=row.author_id, author_name=str(row.author))
    data.update(_content(row, access, "override_reason", "summary"))
    return data


def _plan(plan: ServicePlan, access: CaseAccess) -> Body:
    return {
        "case_id": plan.case_id,
        "status": plan.status,
        "version": plan.version,
        **_content(plan, access, "goals"),
    }


def _approval(row: Approval, access: CaseAccess) -> Body:
    data = {
        name: getattr(row, name)
        for name in "id case_id subject created_at decision decided_at".split()
    }
    data.update(requested_by=row.requested_by_id, decided_by=row.decided_by_id)
    data.update(_content(row, access, "request_comment", "decision_comment"))
    return data


def _service(row: PlannedService, access: CaseAccess) -> Body:
    data = {
        name: getattr(row, name)
        for name in "id case_id type provider_name due_on status done_on version".split()
    }
    data["provider_unit"] = row.provider_unit_id
    data.update(_content(row, access, "outcome"))
    return data


def _note(row: CaseNote, _access: CaseAccess) -> Body:
    data = {name: getattr(row, name) for name in "id case_id body created_at".split()}
    data.update(
        author=row.author_id,
        author_name=str(row.author),
        corrects=row.corrects_id,
        corrections=[later.pk for later in row.corrections.all()],
    )
    return data


def _task(row: Task, _access: CaseAccess) -> Body:
    data = {name: getattr(row, name) for name in "id case_id title due_at done_at version".split()}
    data.update(
        assignee=row.assignee_id, assignee_name=str(row.assignee), created_by=row.created_by_id
    )
    return data


# --- Answers -----------------------------------------------------------------------------


def _version(row: Model) -> int:
    return getattr(row, "version", FINAL)


def _read_one(
    request: StaffRequest,
    response: HttpResponse,
    access: CaseAccess,
    row: Row,
    shape: Callable[[Row, CaseAccess], Body],
) -> Body:
    record_read(request, row)
    response["ETag"] = etag(_version(row))
    return shape(row, access)


def _read_all(
    request: StaffRequest,
    response: HttpResponse,
    access: CaseAccess,
    rows: Sequence[Row],
    shape: Callable[[Row, CaseAccess], Body],
) -> list[Body]:
    for row in rows:
        record_read(request, row)
    response["ETag"] = list_etag([_Row(row.pk, _version(row)) for row in rows])
    return [shape(row, access) for row in rows]


def _created(response: HttpResponse, row: Model, url_name: str, body: Body, *args: object) -> Reply:
    response["ETag"] = etag(_version(row))
    response["Location"] = reverse(f"api:{url_name}", args=args or [row.pk])
    return Reply(201, body)


# --- Input -------------------------------------------------------------------------------


def _service_changes(payload: ServiceIn | ServicePatch) -> Body:
    data = {key: _plain(value) for key, value in payload.model_dump(exclude_unset=True).items()}
    if data.get("provider_unit") is not None:
        data["provider_unit"] = Unit.objects.filter(
            pk=data["provider_unit"], is_active=True
        ).first()
        if data["provider_unit"] is None:
            raise ValidationError({"provider_unit": _("Choose a unit from the list.")})
    return data


# --- Assessments -------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/assessments",
    response={200: list[AssessmentOut], **READ},
    url_name="case_assessments",
)
def list_assessments(
    request: StaffRequest, case_id: RecordId, response: HttpResponse
) -> list[Body]:
    """Every assessment of the case, by kind, newest first; none is ever replaced."""
    access = get_case_for(request.auth, case_id, request=request)
    case = access.case
    rows = list(case.assessments.select_related("author"))
    return _read_all(request, response, access, rows, _assessment)


@router.post(
    "/cases/{case_id}/assessments",
    response={201: AssessmentOut, **CREATE},
    url_name="case_assessments",
)
def add_assessment(
    request: StaffRequest, case_id: RecordId, payload: AssessmentIn, response: HttpResponse
) -> Reply:
    """A new assessment with the next number. A risk assessment sets the case priority
    (its level, or ``override_level`` with a reason)."""
    access = get_case_for(request.auth, case_id, Need.EDIT, request=request)
    case = access.case
    assessment = work.record_assessment(
        request.auth,
        case,
        payload.kind.value,
        _plain(payload.answers),
        summary=payload.summary,
        override_level=_plain(payload.override_level),
        override_reason=payload.override_reason,
        request=request,
    )
    return _created(response, assessment, "assessment", _assessment(assessment, access))


@router.get(
    "/assessments/{assessment_id}", response={200: AssessmentOut, **READ}, url_name="assessment"
)
def read_assessment(request: StaffRequest, assessment_id: RecordId, response: HttpResponse) -> Body:
    access, assessment = get_case_part_for(request.auth, Assessment, assessment_id, request=request)
    return _read_one(request, response, access, assessment, _assessment)


# --- Plan --------------------------------------------------------------------------------


@router.get("/cases/{case_id}/plan", response={200: PlanOut | None, **READ}, url_name="case_plan")
def read_plan(request: StaffRequest, case_id: RecordId, response: HttpResponse) -> Body | None:
    """The service plan, or ``null`` (and no ETag) while the case has none."""
    access = get_case_for(request.auth, case_id, request=request)
    plan = plan_of(access.case)
    if plan is None:
        return None
    return _read_one(request, response, access, plan, _plan)


@router.put(
    "/cases/{case_id}/plan",
    response={200: PlanOut, 201: PlanOut, **WRITE},
    url_name="case_plan",
)
def save_plan(
    request: StaffRequest, case_id: RecordId, payload: PlanIn, response: HttpResponse
) -> Body | Reply:
    """Write the survivor's goals. The first PUT creates the plan (201) and needs no
    If-Match; every later one needs the plan's ETag. Changing a plan that was sent for
    approval, or approved, returns it to draft."""
    access = get_case_for(request.auth, case_id, Need.EDIT, request=request)
    case = access.case
    exists = plan_of(case) is not None
    # Creating sends no version: if someone else created the plan meanwhile, the action
    # finds a plan whose version is not None and answers 412 rather than overwrite it.
    version = required_version(request) if exists else None
    plan = work.save_plan(request.auth, case, version, payload.goals, request=request)
    if exists:
        response["ETag"] = etag(plan.version)
        return _plan(plan, access)
    return _created(response, plan, "case_plan", _plan(plan, access), case.pk)


@router.post(
    "/cases/{case_id}/plan/approval-request",
    response={201: ApprovalOut, **CREATE},
    url_name="case_plan_approval",
)
def request_plan_approval(
    request: StaffRequest, case_id: RecordId, payload: ApprovalRequestIn, response: HttpResponse
) -> Reply:
    """Send the plan to the unit's supervisors. It needs goals and at least one service;
    only one request may wait at a time. Supervisors decide on the case page."""
    access = get_case_for(request.auth, case_id, Need.EDIT, request=request)
    case = access.case
    approval = work.request_approval(
        request.auth, case, Approval.Subject.PLAN, payload.comment, request=request
    )
    return Reply(201, _approval(approval, access))


# --- Services ----------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/services", response={200: list[ServiceOut], **READ}, url_name="case_services"
)
def list_services(request: StaffRequest, case_id: RecordId, response: HttpResponse) -> list[Body]:
    access = get_case_for(request.auth, case_id, request=request)
    case = access.case
    return _read_all(request, response, access, list(case.services.all()), _service)


@router.post(
    "/cases/{case_id}/services", response={201: ServiceOut, **CREATE}, url_name="case_services"
)
def add_service(
    request: StaffRequest, case_id: RecordId, payload: ServiceIn, response: HttpResponse
) -> Reply:
    """A planned service, from a unit (``provider_unit``) or a partner agency by name."""
    access = get_case_for(request.auth, case_id, Need.EDIT, request=request)
    case = access.case
    service = work.add_service(request.auth, case, _service_changes(payload), request=request)
    return _created(response, service, "service", _service(service, access))


@router.get("/services/{plannedservice_id}", response={200: ServiceOut, **READ}, url_name="service")
def read_service(
    request: StaffRequest, plannedservice_id: RecordId, response: HttpResponse
) -> Body:
    access, service = get_case_part_for(
        request.auth, PlannedService, plannedservice_id, request=request
    )
    return _read_one(request, response, access, service, _service)


@router.patch(
    "/services/{plannedservice_id}", response={200: ServiceOut, **WRITE}, url_name="service"
)
def update_service(
    request: StaffRequest,
    plannedservice_id: RecordId,
    payload: ServicePatch,
    response: HttpResponse,
) -> Body:
    """Change status, outcome, dates or provider. Send the service's ETag in If-Match."""
    access, service = get_case_part_for(
        request.auth, PlannedService, plannedservice_id, Need.EDIT, request=request
    )
    version = required_version(request)
    service = work.update_service(
        request.auth, service, version, _service_changes(payload), request=request
    )
    response["ETag"] = etag(service.version)
    return _service(service, access)


# --- Notes -------------------------------------------------------------------------------


@router.get("/cases/{case_id}/notes", response={200: list[NoteOut], **READ}, url_name="case_notes")
def list_notes(request: StaffRequest, case_id: RecordId, response: HttpResponse) -> list[Body]:
    """The case notes, newest first. Notes are never edited: each lists its corrections.
    Note bodies are for those helping on the case: a reader by break-glass gets 404."""
    access = get_case_for(request.auth, case_id, Need.CONTENT, request=request)
    case = access.case
    rows = list(case.notes.select_related("author").prefetch_related("corrections"))
    return _read_all(request, response, access, rows, _note)


@router.post("/cases/{case_id}/notes", response={201: NoteOut, **CREATE}, url_name="case_notes")
def add_note(
    request: StaffRequest, case_id: RecordId, payload: NoteIn, response: HttpResponse
) -> Reply:
    """A new note. To correct a note, write a new one with ``corrects`` set to its id:
    a note cannot be changed or deleted (PATCH, PUT and DELETE answer 405)."""
    access = get_case_for(request.auth, case_id, Need.EDIT, request=request)
    case = access.case
    corrects = None
    if payload.corrects is not None:
        corrects = case.notes.filter(pk=payload.corrects).first()
        if corrects is None:
            raise ValidationError({"corrects": _("Choose a note of this case.")})
    note = work.add_note(request.auth, case, payload.body, corrects=corrects, request=request)
    return _created(response, note, "note", _note(note, access))


@router.get("/notes/{casenote_id}", response={200: NoteOut, **READ}, url_name="note")
def read_note(request: StaffRequest, casenote_id: RecordId, response: HttpResponse) -> Body:
    """One note. It is final: there is no PATCH, PUT or DELETE (405)."""
    access, note = get_case_part_for(
        request.auth, CaseNote, casenote_id, Need.CONTENT, request=request
    )
    return _read_one(request, response, access, note, _note)


# --- Tasks -------------------------------------------------------------------------------


@router.get("/cases/{case_id}/tasks", response={200: list[TaskOut], **READ}, url_name="case_tasks")
def list_tasks(request: StaffRequest, case_id: RecordId, response: HttpResponse) -> list[Body]:
    """The case's tasks, soonest due first, done ones included. Task titles are for those
    helping on the case: a reader by break-glass gets 404."""
    access = get_case_for(request.auth, case_id, Need.CONTENT, request=request)
    case = access.case
    rows = list(case.tasks.select_related("assignee"))
    return _read_all(request, response, access, rows, _task)


@router.post("/cases/{case_id}/tasks", response={201: TaskOut, **CREATE}, url_name="case_tasks")
def add_task(
    request: StaffRequest, case_id: RecordId, payload: TaskIn, response: HttpResponse
) -> Reply:
    """A task for a case worker or supervisor of the case's unit, who is alerted."""
    access = get_case_for(request.auth, case_id, Need.EDIT, request=request)
    case = access.case
    assignee = User.objects.filter(pk=payload.assignee, is_active=True).first()
    if assignee is None:
        raise ValidationError({"assignee": _("Choose someone of the case's unit.")})
    task = work.add_task(
        request.auth, case, assignee, payload.title, local_moment(payload.due_at), request=request
    )
    return _created(response, task, "task", _task(task, access))


@router.get("/tasks/{task_id}", response={200: TaskOut, **READ}, url_name="task")
def read_task(request: StaffRequest, task_id: RecordId, response: HttpResponse) -> Body:
    access, task = get_case_part_for(request.auth, Task, task_id, Need.CONTENT, request=request)
    return _read_one(request, response, access, task, _task)


@router.patch("/tasks/{task_id}", response={200: TaskOut, **WRITE}, url_name="task")
def update_task(
    request: StaffRequest, task_id: RecordId, payload: TaskPatch, response: HttpResponse
) -> Body:
    """Mark the task done (now) with ``{"done": true}``. Send the task's ETag in If-Match."""
    access, task = get_case_part_for(request.auth, Task, task_id, Need.EDIT, request=request)
    version = required_version(request)
    task = work.complete_task(request.auth, task, version, request=request)
    response["ETag"] = etag(task.version)
    return _task(task, access)
