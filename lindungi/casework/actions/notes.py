"""Actions on case notes and tasks."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.models import User
from lindungi.accounts.roles import Role
from lindungi.cases.actions import (
    _log,
    _require_edit,
    _roles_in,
    _save_version,
)
from lindungi.cases.models import Case
from lindungi.cases.timeline import EventKind
from lindungi.casework.actions.common import _require_open, _text
from lindungi.casework.models import (
    CaseNote,
    Task,
)
from lindungi.core.dates import check_plans
from lindungi.notifications.models import Kind, notify


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
