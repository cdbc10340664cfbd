"""The case work API: assessments, plan, services, notes and tasks through the actions,
with the case API's access rules, audit and versions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lindungi.accounts.models import Membership
from lindungi.accounts.roles import Role
from lindungi.audit.models import AuditEvent
from lindungi.cases import actions
from lindungi.cases.models import Case, CaseEvent
from lindungi.casework import actions as work
from lindungi.casework.models import CaseNote, ServicePlan

JSON = "application/json"
SECRET = "Rahasia Pribadi Sekali"  # stands for personal data a client sends


@pytest.fixture
def worker(personas, api_client):
    return api_client(personas.case_worker_a)


def _due(days=3):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _match(version):
    return {"If-Match": f'"{version}"'}


# --- Assessments -------------------------------------------------------------------------


def test_a_risk_assessment_sets_the_case_priority_and_keeps_the_old_one(worker, cases):
    case = cases["a"]
    url = f"/api/v1/cases/{case.pk}/assessments"
    first = worker.post(
        url, {"kind": "risk", "answers": {"weapon": True, "separation": True}}, content_type=JSON
    )
    assert first.status_code == 201
    assert first.json()["number"] == 1
    assert first.json()["level"] == "high"
    assert first["Location"] == f"/api/v1/assessments/{first.json()['id']}"
    assert Case.objects.get(pk=case.pk).priority == "high"
    second = worker.post(
        url,
        {
            "kind": "risk",
            "answers": {"separation": True},
            "override_level": "high",
            "override_reason": "She says he has a gun at home",
        },
        content_type=JSON,
    )
    assert second.status_code == 201
    assert (second.json()["number"], second.json()["level"]) == (2, "medium")
    assert second.json()["effective_level"] == "high"
    listed = worker.get(url).json()
    assert [row["number"] for row in listed] == [2, 1]
    one = worker.get(f"/api/v1/assessments/{first.json()['id']}")
    assert one.json()["answers"] == {"weapon": True, "separation": True}
    assert one["ETag"] == '"1"'


def test_a_needs_assessment_takes_a_level_for_each_area(worker, cases):
    url = f"/api/v1/cases/{cases['a'].pk}/assessments"
    response = worker.post(
        url,
        {"kind": "needs", "answers": {"health": "urgent", "legal": "some"}, "summary": "Visum"},
        content_type=JSON,
    )
    assert response.status_code == 201
    assert response.json()["author_name"] == str(cases["a"].workers.first())
    wrong = worker.post(url, {"kind": "needs", "answers": {"health": True}}, content_type=JSON)
    assert wrong.status_code == 422
    assert list(wrong.json()["errors"]) == ["answers"]


def test_an_override_needs_a_reason_and_a_risk_assessment(worker, cases):
    url = f"/api/v1/cases/{cases['a'].pk}/assessments"
    no_reason = worker.post(
        url, {"kind": "risk", "answers": {}, "override_level": "high"}, content_type=JSON
    )
    assert no_reason.status_code == 422
    assert list(no_reason.json()["errors"]) == ["override_reason"]
    on_needs = worker.post(
        url,
        {"kind": "needs", "answers": {}, "override_level": "high", "override_reason": "x"},
        content_type=JSON,
    )
    assert list(on_needs.json()["errors"]) == ["override_level"]
    assert cases["a"].assessments.count() == 0


def test_assessments_have_no_update_route(worker, cases):
    assessment = work.record_assessment(cases["a"].workers.first(), cases["a"], "risk", {})
    url = f"/api/v1/assessments/{assessment.pk}"
    for method in (worker.patch, worker.put, worker.delete):
        assert method(url, "{}", content_type=JSON, headers=_match(1)).status_code == 405


# --- Plan and approval request -----------------------------------------------------------


def test_the_plan_is_null_until_the_first_put_creates_it_without_if_match(worker, cases):
    url = f"/api/v1/cases/{cases['a'].pk}/plan"
    empty = worker.get(url)
    assert empty.status_code == 200
    assert empty.json() is None
    assert "ETag" not in empty
    created = worker.put(url, {"goals": "Saya ingin aman"}, content_type=JSON)
    assert created.status_code == 201
    assert created["Location"] == url
    assert created["ETag"] == '"1"'
    assert created.json()["status"] == "draft"
    read = worker.get(url)
    assert read.json()["goals"] == "Saya ingin aman"
    assert AuditEvent.objects.filter(action="serviceplan.read").exists()


def test_changing_the_plan_needs_its_etag(worker, cases):
    case = cases["a"]
    work.save_plan(case.workers.first(), case, None, "Aman")
    url = f"/api/v1/cases/{case.pk}/plan"
    assert worker.put(url, {"goals": "Bekerja"}, content_type=JSON).status_code == 428
    changed = worker.put(url, {"goals": "Bekerja"}, content_type=JSON, headers=_match(1))
    assert changed.status_code == 200
    assert changed["ETag"] == '"2"'
    stale = worker.put(url, {"goals": "Pindah"}, content_type=JSON, headers=_match(1))
    assert stale.status_code == 412
    assert stale["ETag"] == '"2"'
    assert ServicePlan.objects.get(case=case).goals == "Bekerja"


def test_the_plan_goes_to_the_supervisors_once_it_has_services(personas, worker, cases):
    case = cases["a"]
    url = f"/api/v1/cases/{case.pk}/plan/approval-request"
    too_early = worker.post(url, {}, content_type=JSON)
    assert too_early.status_code == 422
    assert list(too_early.json()["errors"]) == ["__all__"]
    work.save_plan(personas.case_worker_a, case, None, "Aman")
    work.add_service(
        personas.case_worker_a,
        case,
        {"type": "health", "provider_name": "RSUD", "due_on": timezone.localdate()},
    )
    asked = worker.post(url, {"comment": "Please look today"}, content_type=JSON)
    assert asked.status_code == 201
    assert asked.json()["subject"] == "plan"
    assert asked.json()["decision"] == ""
    assert ServicePlan.objects.get(case=case).status == "pending"
    again = worker.post(url, {}, content_type=JSON)
    assert again.status_code == 422


# --- Services ----------------------------------------------------------------------------


def test_a_service_is_planned_and_updated_with_its_etag(personas, worker, cases):
    case = cases["a"]
    added = worker.post(
        f"/api/v1/cases/{case.pk}/services",
        {"type": "legal_aid", "provider_unit": str(personas.unit_a.pk), "due_on": _due()},
        content_type=JSON,
    )
    assert added.status_code == 201
    url = added["Location"]
    assert url == f"/api/v1/services/{added.json()['id']}"
    assert added.json()["status"] == "planned"
    assert worker.patch(url, {"status": "done"}, content_type=JSON).status_code == 428
    done = worker.patch(
        url,
        {"status": "done", "outcome": "Pendampingan hukum", "done_on": str(timezone.localdate())},
        content_type=JSON,
        headers=_match(1),
    )
    assert done.status_code == 200
    assert done["ETag"] == '"2"'
    stale = worker.patch(url, {"status": "declined"}, content_type=JSON, headers=_match(1))
    assert stale.status_code == 412
    listed = worker.get(f"/api/v1/cases/{case.pk}/services").json()
    assert [(row["status"], row["outcome"]) for row in listed] == [("done", "Pendampingan hukum")]


def test_a_service_needs_a_provider_and_a_known_unit(worker, cases):
    url = f"/api/v1/cases/{cases['a'].pk}/services"
    nobody = worker.post(url, {"type": "shelter", "due_on": _due()}, content_type=JSON)
    assert nobody.status_code == 422
    assert list(nobody.json()["errors"]) == ["provider_name"]
    unknown = worker.post(
        url,
        {"type": "shelter", "due_on": _due(), "provider_unit": str(cases["b"].pk)},
        content_type=JSON,
    )
    assert list(unknown.json()["errors"]) == ["provider_unit"]
    future = worker.post(
        url,
        {"type": "shelter", "due_on": _due(), "provider_name": "Rumah aman", "done_on": _due()},
        content_type=JSON,
    )
    assert list(future.json()["errors"]) == ["done_on"]
    assert cases["a"].services.count() == 0


def test_a_service_keeps_a_provider_when_one_is_taken_away(personas, worker, cases):
    service = work.add_service(
        personas.case_worker_a,
        cases["a"],
        {"type": "shelter", "provider_unit": personas.unit_a, "due_on": timezone.localdate()},
    )
    url = f"/api/v1/services/{service.pk}"
    no_unit = worker.patch(url, {"provider_unit": None}, content_type=JSON, headers=_match(1))
    assert list(no_unit.json()["errors"]) == ["provider_name"]
    no_name = worker.patch(url, {"provider_name": None}, content_type=JSON, headers=_match(1))
    assert list(no_name.json()["errors"]) == ["provider_name"]
    swapped = worker.patch(
        url,
        {"provider_unit": None, "provider_name": "Rumah aman"},
        content_type=JSON,
        headers=_match(1),
    )
    assert swapped.status_code == 200
    assert swapped.json()["provider_unit"] is None


# --- Notes -------------------------------------------------------------------------------


def test_a_note_is_written_and_corrected_by_a_new_note(worker, cases):
    url = f"/api/v1/cases/{cases['a'].pk}/notes"
    first = worker.post(url, {"body": "Called at 10:00"}, content_type=JSON)
    assert first.status_code == 201
    first_id = first.json()["id"]
    fix = worker.post(url, {"body": "Called at 11:00", "corrects": first_id}, content_type=JSON)
    assert fix.status_code == 201
    assert fix.json()["corrects"] == first_id
    original = worker.get(f"/api/v1/notes/{first_id}")
    assert original.json()["body"] == "Called at 10:00"
    assert original.json()["corrections"] == [fix.json()["id"]]
    assert [row["body"] for row in worker.get(url).json()] == ["Called at 11:00", "Called at 10:00"]


def test_a_note_is_never_edited_or_deleted(worker, cases):
    note = work.add_note(cases["a"].workers.first(), cases["a"], "Called at 10:00")
    url = f"/api/v1/notes/{note.pk}"
    for method in (worker.patch, worker.put, worker.delete):
        answer = method(url, {"body": "Rewritten"}, content_type=JSON, headers=_match(1))
        assert answer.status_code == 405
        assert "PATCH" not in answer["Allow"]
    assert CaseNote.objects.get(pk=note.pk).body == "Called at 10:00"


def test_a_note_can_only_correct_a_note_of_its_own_case(worker, cases):
    elsewhere = work.add_note(cases["restricted"].workers.first(), cases["restricted"], "Other")
    response = worker.post(
        f"/api/v1/cases/{cases['a'].pk}/notes",
        {"body": "Fix", "corrects": str(elsewhere.pk)},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["corrects"]
    assert not cases["a"].notes.exists()


# --- Tasks -------------------------------------------------------------------------------


def test_a_task_is_given_to_a_unit_member_and_marked_done_with_its_etag(personas, worker, cases):
    case = cases["a"]
    added = worker.post(
        f"/api/v1/cases/{case.pk}/tasks",
        {
            "assignee": str(personas.supervisor_a.pk),
            "title": "Call the shelter",
            "due_at": "2026-12-01T09:00:00",
        },
        content_type=JSON,
    )
    assert added.status_code == 201
    # Without an offset the time is Jakarta's (UTC+7).
    assert added.json()["due_at"].startswith("2026-12-01T09:00:00+07:00")
    url = added["Location"]
    assert worker.patch(url, {"done": True}, content_type=JSON).status_code == 428
    done = worker.patch(url, {"done": True}, content_type=JSON, headers=_match(1))
    assert done.status_code == 200
    assert done.json()["done_at"] is not None
    assert done["ETag"] == '"2"'
    assert (
        worker.patch(url, {"done": True}, content_type=JSON, headers=_match(1)).status_code == 412
    )
    assert CaseEvent.objects.filter(case=case, kind="task_done").count() == 1
    listed = worker.get(f"/api/v1/cases/{case.pk}/tasks").json()
    assert [row["title"] for row in listed] == ["Call the shelter"]


def test_a_task_cannot_go_to_someone_outside_the_unit_or_be_undone(personas, worker, cases):
    url = f"/api/v1/cases/{cases['a'].pk}/tasks"
    for outsider in (personas.case_worker_b, personas.analyst):
        response = worker.post(
            url,
            {"assignee": str(outsider.pk), "title": "Call", "due_at": "2026-12-01T09:00:00Z"},
            content_type=JSON,
        )
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["assignee"]
    task = work.add_task(
        personas.case_worker_a, cases["a"], personas.case_worker_a, "Call", timezone.now()
    )
    undo = worker.patch(
        f"/api/v1/tasks/{task.pk}", {"done": False}, content_type=JSON, headers=_match(1)
    )
    assert undo.status_code == 422
    assert list(undo.json()["errors"]) == ["done"]


# --- Access, audit, input ----------------------------------------------------------------


def _parts(case):
    worker = case.workers.first()
    return {
        "assessment": work.record_assessment(worker, case, "needs", {"health": "some"}),
        "service": work.add_service(
            worker,
            case,
            {"type": "health", "provider_name": "RSUD", "due_on": timezone.localdate()},
        ),
        "note": work.add_note(worker, case, "A note"),
        "task": work.add_task(worker, case, worker, "Call", timezone.now()),
    }


def _urls(case, parts):
    return [
        f"/api/v1/cases/{case.pk}/assessments",
        f"/api/v1/cases/{case.pk}/plan",
        f"/api/v1/cases/{case.pk}/services",
        f"/api/v1/cases/{case.pk}/notes",
        f"/api/v1/cases/{case.pk}/tasks",
        f"/api/v1/assessments/{parts['assessment'].pk}",
        f"/api/v1/services/{parts['service'].pk}",
        f"/api/v1/notes/{parts['note'].pk}",
        f"/api/v1/tasks/{parts['task'].pk}",
    ]


@pytest.mark.parametrize("persona", ["case_worker_b", "supervisor_b", "analyst", "administrator"])
def test_other_units_and_other_roles_get_404_for_every_route(personas, api_client, cases, persona):
    client = api_client(getattr(personas, persona))
    for key in ("a", "restricted"):
        urls = _urls(cases[key], _parts(cases[key]))
        for url in urls:
            assert client.get(url).status_code == 404, url
    before = AuditEvent.objects.filter(action="case.denied").count()
    case = cases["restricted"]
    writes = [
        client.post(f"/api/v1/cases/{case.pk}/notes", {"body": SECRET}, content_type=JSON),
        client.put(f"/api/v1/cases/{case.pk}/plan", {"goals": SECRET}, content_type=JSON),
        client.post(f"/api/v1/cases/{case.pk}/plan/approval-request", {}, content_type=JSON),
    ]
    assert {answer.status_code for answer in writes} == {404}
    assert AuditEvent.objects.filter(action="case.denied").count() == before + 3
    assert not case.notes.filter(author=getattr(personas, persona)).exists()


def test_a_supervisor_of_the_unit_not_named_on_a_restricted_case_gets_404(
    personas, api_client, cases
):
    case = cases["restricted"]
    parts = _parts(case)
    unnamed = personas.intake_officer
    Membership.objects.create(user=unnamed, unit=personas.unit_a, role=Role.SUPERVISOR)
    client = api_client(unnamed)
    assert client.get(f"/api/v1/cases/{cases['a'].pk}/notes").status_code == 200
    for url in _urls(case, parts):
        assert client.get(url).status_code == 404, url


def test_an_outsiders_bad_input_gets_404_not_a_validation_error(personas, api_client, cases):
    other = api_client(personas.case_worker_b)
    case = cases["a"]
    task = _parts(case)["task"]
    before = AuditEvent.objects.filter(action="case.denied").count()
    answers = [
        other.post(f"/api/v1/cases/{case.pk}/assessments", {"kind": SECRET}, content_type=JSON),
        other.post(f"/api/v1/cases/{case.pk}/tasks", "{not json", content_type=JSON),
        other.patch(f"/api/v1/tasks/{task.pk}", {"done": SECRET}, content_type=JSON),
    ]
    assert {answer.status_code for answer in answers} == {404}
    assert AuditEvent.objects.filter(action="case.denied").count() == before + 3


def test_a_break_glass_reader_reads_the_record_but_not_its_words_and_cannot_write(
    personas, api_client, cases
):
    # The pages never showed a break-glass reader note bodies or task titles; the API gave
    # both (issue 11). Now the content routes answer 404, and the others leave out what
    # people wrote.
    case = cases["a"]
    parts = _parts(case)
    worker = case.workers.first()
    work.save_plan(worker, case, None, SECRET)
    work.record_assessment(worker, case, "needs", {"health": "some"}, summary=SECRET)
    actions.break_glass(personas.supervisor_b, case, "Survivor at the hospital tonight")
    reader = api_client(personas.supervisor_b)
    words = {"notes", "tasks"}
    for url in _urls(case, parts):
        answer = reader.get(url)
        if set(url.split("/")) & words:
            assert answer.status_code == 404, url
        else:
            assert answer.status_code == 200, url
            assert SECRET.encode() not in answer.content, url
    own = api_client(worker)
    assert SECRET.encode() in own.get(f"/api/v1/cases/{case.pk}/plan").content
    note = reader.post(f"/api/v1/cases/{case.pk}/notes", {"body": "x"}, content_type=JSON)
    done = reader.patch(
        f"/api/v1/tasks/{parts['task'].pk}", {"done": True}, content_type=JSON, headers=_match(1)
    )
    assert (note.status_code, done.status_code) == (404, 404)


def test_every_read_is_audited_row_by_row(worker, cases):
    case = cases["a"]
    parts = _parts(case)
    for url in _urls(case, parts):
        worker.get(url)
    reads = AuditEvent.objects.filter(action__endswith=".read")
    counted = {
        action: reads.filter(action=action).count()
        for action in set(reads.values_list("action", flat=True))
    }
    # Each record once in its list and once on its own.
    assert counted == {
        "assessment.read": 2,
        "plannedservice.read": 2,
        "casenote.read": 2,
        "task.read": 2,
    }
    assert reads.filter(object_id=str(parts["note"].pk)).count() == 2


def test_invalid_input_is_refused_field_by_field_without_echoing_it(personas, worker, cases):
    case = cases["a"]
    assessment = worker.post(
        f"/api/v1/cases/{case.pk}/assessments",
        {"kind": SECRET, "answers": SECRET, "summary": SECRET * 1000, "colour": SECRET},
        content_type=JSON,
    )
    assert assessment.status_code == 422
    assert set(assessment.json()["errors"]) == {"kind", "answers", "summary", "colour"}
    task = worker.post(
        f"/api/v1/cases/{case.pk}/tasks",
        {"assignee": SECRET, "title": SECRET * 20, "due_at": SECRET},
        content_type=JSON,
    )
    assert set(task.json()["errors"]) == {"assignee", "title", "due_at"}
    service = worker.post(
        f"/api/v1/cases/{case.pk}/services",
        {"type": SECRET, "due_on": SECRET, "status": SECRET},
        content_type=JSON,
    )
    assert set(service.json()["errors"]) == {"type", "due_on", "status"}
    note = worker.post(f"/api/v1/cases/{case.pk}/notes", {"body": "   "}, content_type=JSON)
    assert list(note.json()["errors"]) == ["body"]
    for answer in (assessment, task, service, note):
        assert answer.json()["error"] == "invalid"
        assert SECRET not in answer.content.decode()
    assert not (case.assessments.exists() or case.tasks.exists() or case.notes.exists())


def test_writes_leave_the_timeline_and_the_audit_behind(worker, cases):
    case = cases["a"]
    worker.post(f"/api/v1/cases/{case.pk}/notes", {"body": SECRET}, content_type=JSON)
    worker.put(f"/api/v1/cases/{case.pk}/plan", {"goals": SECRET}, content_type=JSON)
    kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert {"note_added", "plan_created"} <= kinds
    events = AuditEvent.objects.filter(action__in=["note.create", "plan.create"])
    assert events.count() == 2
    assert not any(SECRET in str(row.__dict__) for row in events)
