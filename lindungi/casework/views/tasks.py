"""Tasks: the tasks of a case with the form that adds one, marking one done, "my tasks
today" and, for supervisors, "my unit's overdue tasks".

A task's title may name people, so it is encrypted and shown only to those who can see
its case: the lists across cases are narrowed by the access module and say only how
many tasks they leave out. Times are shown in the deployment's zone (Asia/Jakarta); "today"
ends at midnight there.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lindungi.accounts.roles import Role
from lindungi.audit.events import record
from lindungi.cases.access import CASE_ROLES, Need, get_case_for
from lindungi.cases.actions import StaleVersion
from lindungi.cases.views.edits import _add as add_once
from lindungi.casework import actions as work
from lindungi.casework.deadlines import end_of_day
from lindungi.casework.forms.notes import TaskDoneForm, TaskForm
from lindungi.casework.models import Task
from lindungi.casework.views.notes import embedded, need_for
from lindungi.core.htmx import render_page


def _tasks_url(case):
    return reverse("cases:tasks", args=[case.pk])


def _case_context(request, access, **extra):
    """The tasks of one case: open ones by due time, then the done ones. Their titles are
    for those helping on the case, not for a supervisor reading by break-glass."""
    case = access.case
    tasks = list(case.tasks.select_related("assignee")) if access.may_read_content else []
    return {
        "case": case,
        "access": access,
        "form": TaskForm(case=case) if access.may_edit else None,
        "open_tasks": [t for t in tasks if t.done_at is None],
        "done_tasks": [t for t in tasks if t.done_at is not None],
        "now": timezone.now(),
        "embedded": embedded(request, "case-tasks"),
        **extra,
    }


def _shown(request, access, response):
    """Audit a page that showed the case's task titles (a redirect showed nothing)."""
    if response.status_code != 302 and access.may_read_content:
        record("task.list", request=request, obj=access.case)
    return response


def _case_page(request, access, status=None):
    context = _case_context(request, access)
    return _shown(
        request, access, render_page(request, "casework/tasks.html", context, status=status)
    )


@login_required
@require_http_methods(["GET", "POST"])
def tasks(request, case_id):
    access = get_case_for(request.user, case_id, need_for(request), request=request)
    case = access.case
    if request.method != "POST":
        return _case_page(request, access)
    form = TaskForm(request.POST, case=case)

    def create():
        work.add_task(
            request.user,
            case,
            form.cleaned_data["assignee"],
            form.cleaned_data["title"],
            form.cleaned_data["due_at"],
            request=request,
        )
        messages.success(request, _("The task was added."))
        return _tasks_url(case)

    context = _case_context(request, access, form=form)
    return _shown(request, access, add_once(request, form, create, "casework/tasks.html", context))


@login_required
@require_POST
def task_done(request, case_id):
    """Mark a task of the case done. The task travels in the form, found within the case."""
    access = get_case_for(request.user, case_id, Need.EDIT, request=request)
    case = access.case
    form = TaskDoneForm(request.POST)
    task = case.tasks.filter(pk=form.cleaned_data["task"]).first() if form.is_valid() else None
    if task is None:
        messages.error(request, _("That task was not found on this case. Reload the page."))
        return _case_page(request, access, status=400)
    try:
        work.complete_task(request.user, task, form.cleaned_data["version"], request=request)
    except StaleVersion:
        messages.error(
            request,
            _("Someone else changed this task meanwhile. Check it below, then mark it again."),
        )
        return _case_page(request, access, status=409)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _case_page(request, access, status=400)
    messages.success(request, _("The task is done."))
    if request.POST.get("back") == "mine":
        return redirect("cases:my_tasks")
    return redirect(_tasks_url(case))


@login_required
@require_GET
def my_tasks(request):
    """Tasks assigned to me, not done, due today or earlier (Jakarta's midnight)."""
    membership = request.membership
    if membership is None or membership.role not in CASE_ROLES:
        raise PermissionDenied
    today_ends = end_of_day(timezone.localdate())
    due = Q(assignee=request.user, done_at=None, due_at__lt=today_ends)
    context = {"supervises": membership.role == Role.SUPERVISOR}
    return _task_list(request, due, "casework/tasks_mine.html", context)


@login_required
@require_GET
def unit_overdue(request):
    """The overdue tasks of the supervisor's active unit, on the cases they can see."""
    membership = request.membership
    if membership is None or membership.role != Role.SUPERVISOR:
        raise PermissionDenied
    overdue = Q(case__unit_id=membership.unit_id, done_at=None, due_at__lt=timezone.now())
    context = {"unit": membership.unit}
    return _task_list(request, overdue, "casework/tasks_overdue.html", context)


def _task_list(request, wanted, template, context=None):
    """The tasks matching ``wanted`` whose titles the user may read, and how many others
    there are (a number names nobody): both narrowed by the access module, in SQL."""
    user = request.user
    shown = list(
        Task.objects.restrict(user, Need.CONTENT)
        .filter(wanted)
        .select_related("case", "assignee")
        .order_by("due_at")
    )
    hidden = (
        Task.objects.restrict(user, Need.COUNT)
        .filter(wanted)
        .exclude(pk__in=[task.pk for task in shown])
        .count()
    )
    if shown:
        record("task.list", request=request, object_type=Task._meta.label_lower)
    return render_page(
        request,
        template,
        {
            "tasks": shown,
            "hidden": hidden,
            "now": timezone.now(),
            **(context or {}),
        },
    )


urlpatterns = [
    path("tugas/", my_tasks, name="my_tasks"),
    path("tugas/terlambat/", unit_overdue, name="unit_overdue_tasks"),
    path("<uuid:case_id>/tugas/", tasks, name="tasks"),
    path("<uuid:case_id>/tugas/selesai/", task_done, name="task_done"),
]
