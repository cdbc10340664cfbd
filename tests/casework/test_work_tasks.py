"""Tasks: added on a case, marked done (versioned), "my tasks today" and "my unit's
overdue tasks", against a fixed clock in Asia/Jakarta."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from lindungi.accounts.models import Membership, User
from lindungi.audit.models import AuditEvent
from lindungi.casework import actions as work
from lindungi.casework.models import Task
from lindungi.notifications.models import Notification
from tests.cases.factories import make_case
from tests.cases.test_edits import page_form
from tests.login import log_in

JAKARTA = ZoneInfo("Asia/Jakarta")
# Tuesday 1 December 2026, 20:00 in Jakarta: 13:00 UTC, still the same day in both zones.
EVENING = datetime(2026, 12, 1, 20, 0, tzinfo=JAKARTA)


@pytest.fixture
def case(personas):
    return make_case(personas, "a")


@pytest.fixture
def clock():
    with time_machine.travel(EVENING, tick=False) as traveller:
        yield traveller


def tasks_url(case):
    return reverse("cases:tasks", args=[case.pk])


def at(day, hour, minute=0):
    return datetime(2026, 12, day, hour, minute, tzinfo=JAKARTA)


def task(case, assignee, title, due_at, by=None):
    return work.add_task(by or case.opened_by, case, assignee, title, due_at)


def test_a_task_is_added_with_its_due_time_read_in_jakarta_time(client, personas, case, clock):
    log_in(client, personas.case_worker_a)
    data = page_form(client, tasks_url(case))
    data.update(
        title="Call the survivor's sister",
        assignee=str(personas.supervisor_a.pk),
        due_at="2026-12-02T09:00",
    )
    response = client.post(tasks_url(case), data)
    assert response.status_code == 302
    added = case.tasks.get()
    assert added.due_at == at(2, 9) and added.title == "Call the survivor's sister"
    assert added.created_by == personas.case_worker_a
    assert Notification.objects.filter(user=personas.supervisor_a, kind="task_assigned").exists()
    page = client.get(tasks_url(case)).content.decode()
    assert "Call the survivor&#x27;s sister" in page and "09:00 WIB" in page


def test_a_task_goes_only_to_a_case_worker_or_supervisor_of_the_cases_unit(
    client, personas, case, clock
):
    log_in(client, personas.case_worker_a)
    for someone in (personas.case_worker_b, personas.intake_officer):
        data = page_form(client, tasks_url(case))
        data.update(title="Visit", assignee=str(someone.pk), due_at="2026-12-02T09:00")
        response = client.post(tasks_url(case), data)
        assert response.status_code == 200 and b"error-summary" in response.content
    assert not case.tasks.exists()


def test_my_tasks_today_lists_what_is_due_today_in_jakarta_and_marks_the_overdue(
    client, personas, case, clock
):
    worker = personas.case_worker_a
    task(case, worker, "Yesterday's visit", at(1, 8) - (at(2, 0) - at(1, 0)))
    task(case, worker, "This morning's call", at(1, 9))
    task(case, worker, "Late evening check", at(1, 23, 30))
    # 06:00 tomorrow in Jakarta is 23:00 today in UTC: not due today here.
    task(case, worker, "Tomorrow early", at(2, 6))
    done = task(case, worker, "Already done", at(1, 7))
    work.complete_task(worker, done, done.version)
    task(case, personas.supervisor_a, "Someone else's", at(1, 10))
    log_in(client, worker)
    response = client.get(reverse("cases:my_tasks"))
    page = response.content.decode()
    assert response.status_code == 200
    for title in ("Yesterday&#x27;s visit", "This morning&#x27;s call", "Late evening check"):
        assert title in page
    for title in ("Tomorrow early", "Already done", "Someone else&#x27;s"):
        assert title not in page
    # Overdue in words, on the two rows past their time, not on the one still to come.
    assert page.count("Terlambat") + page.count("Overdue") == 2
    assert AuditEvent.objects.filter(action="task.list", actor=worker).exists()


def test_a_task_is_marked_done_once_and_a_stale_mark_is_refused(client, personas, case, clock):
    open_task = task(case, personas.case_worker_a, "Accompany to the hospital", at(2, 9))
    log_in(client, personas.case_worker_a)
    url = reverse("cases:task_done", args=[case.pk])
    stale = {"task": str(open_task.pk), "version": "1"}
    assert client.post(url, stale).status_code == 302
    open_task.refresh_from_db()
    assert open_task.done_at == EVENING and open_task.version == 2
    response = client.post(url, stale)
    assert response.status_code == 409
    open_task.refresh_from_db()
    assert open_task.version == 2


def test_marking_a_task_of_another_case_is_refused(client, personas, case, clock):
    other = make_case(personas, "a")
    elsewhere = task(other, personas.case_worker_a, "Other case", at(2, 9))
    log_in(client, personas.case_worker_a)
    url = reverse("cases:task_done", args=[case.pk])
    response = client.post(url, {"task": str(elsewhere.pk), "version": "1"})
    assert response.status_code == 400
    elsewhere.refresh_from_db()
    assert elsewhere.done_at is None


def test_a_supervisor_sees_the_units_overdue_tasks_on_the_cases_they_can_see(
    client, personas, case, clock
):
    task(case, personas.case_worker_a, "Overdue home visit", at(1, 8))
    task(case, personas.case_worker_a, "Not yet due", at(2, 8))
    task(make_case(personas, "b"), personas.case_worker_b, "Unit B overdue", at(1, 8))
    restricted = make_case(personas, "a", restricted=True)
    task(restricted, personas.case_worker_a, "Restricted overdue", at(1, 8))
    # A supervisor who joined after the restriction does not see the restricted case.
    newcomer = User.objects.create_user("new.supervisor@test.lindungi.id", "x" * 20)
    Membership.objects.create(user=newcomer, unit=personas.unit_a, role="supervisor")
    log_in(client, newcomer)
    client.cookies["lindungi_language"] = "en"
    page = client.get(reverse("cases:unit_overdue_tasks")).content.decode()
    assert "Overdue home visit" in page
    for title in ("Not yet due", "Unit B overdue", "Restricted overdue"):
        assert title not in page
    assert "One more task is on a case you cannot see." in page
    log_in(client, personas.supervisor_a)  # a named user of the restricted case
    assert "Restricted overdue" in client.get(reverse("cases:unit_overdue_tasks")).content.decode()


def test_only_supervisors_have_the_units_overdue_list(client, personas):
    for user in (personas.case_worker_a, personas.intake_officer, personas.analyst):
        log_in(client, user)
        assert client.get(reverse("cases:unit_overdue_tasks")).status_code == 403
    log_in(client, personas.case_worker_a)
    assert client.get(reverse("cases:my_tasks")).status_code == 200


def test_my_tasks_is_in_the_navigation_of_case_workers_and_supervisors(client, personas):
    for user, shown in ((personas.case_worker_a, True), (personas.intake_officer, False)):
        log_in(client, user)
        page = client.get(reverse("home")).content.decode()
        assert (f'href="{reverse("cases:my_tasks")}"' in page) is shown


def test_a_task_on_a_case_i_can_no_longer_see_shows_no_title(client, personas, case, clock):
    task(case, personas.case_worker_a, "Secret title", at(1, 9))
    case.assignments.filter(user=personas.case_worker_a).delete()
    log_in(client, personas.case_worker_a)
    page = client.get(reverse("cases:my_tasks")).content.decode()
    assert "Secret title" not in page and Task.objects.filter(case=case).exists()


# --- Who may read and write ------------------------------------------------------------


def test_the_task_pages_need_a_login(client, case):
    for url in (tasks_url(case), reverse("cases:my_tasks"), reverse("cases:unit_overdue_tasks")):
        response = client.get(url)
        assert response.status_code == 302 and "/akun/" in response["Location"]


def test_another_unit_gets_404_for_the_tasks_of_a_case_and_is_audited(
    client, personas, case, clock
):
    open_task = task(case, personas.case_worker_a, "Unit A task", at(2, 9))
    done_url = reverse("cases:task_done", args=[case.pk])
    for user in (personas.case_worker_b, personas.supervisor_b):
        log_in(client, user)
        before = AuditEvent.objects.filter(action="case.denied").count()
        assert client.get(tasks_url(case)).status_code == 404
        assert client.post(done_url, {"task": str(open_task.pk), "version": "1"}).status_code == 404
        assert AuditEvent.objects.filter(action="case.denied").count() == before + 2
    open_task.refresh_from_db()
    assert open_task.done_at is None


def test_a_restricted_cases_tasks_are_for_its_named_users(client, personas, clock):
    restricted = make_case(personas, "a", restricted=True)
    task(restricted, personas.case_worker_a, "Restricted task", at(2, 9))
    log_in(client, personas.case_worker_a)
    assert b"Restricted task" in client.get(tasks_url(restricted)).content
    log_in(client, personas.supervisor_b)
    assert client.get(tasks_url(restricted)).status_code == 404
