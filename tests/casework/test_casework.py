"""A case from report to closure, and the refusals on the way."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lindungi.cases import actions
from lindungi.cases.actions import StaleVersion
from lindungi.cases.models import Case, Status
from lindungi.casework import actions as work
from lindungi.casework.models import Approval, CaseNote, Closure, NoteIsFinal, ServicePlan
from lindungi.intake import actions as intake
from lindungi.notifications.models import Notification
from tests.cases.factories import make_case


@pytest.fixture
def case(personas):
    return make_case(personas, "a")


def test_a_case_walks_from_report_to_closure(personas):
    # The report comes in at 112 and a supervisor of the centre opens the case from it.
    draft = intake.save_draft(
        personas.intake_officer,
        personas.call_centre,
        {"channel": "call_112", "sexual_violence_72h": True},
        [{"name": "Siti Aminah", "age": 24, "sex": "female"}],
    )
    report = intake.submit_report(personas.intake_officer, draft, draft.version)
    from lindungi.accounts.models import Membership

    Membership.objects.create(user=personas.intake_officer, unit=personas.unit_a, role="supervisor")
    report = intake.open_case_from_report(
        personas.intake_officer, report, report.version, personas.unit_a
    )
    case = report.case
    worker, supervisor = personas.case_worker_a, personas.supervisor_a
    actions.assign_worker(supervisor, case, worker)

    needs = work.record_assessment(worker, case, "needs", {"health": "urgent", "legal": "some"})
    risk = work.record_assessment(worker, case, "risk", {"weapon": True, "separation": True})
    assert (needs.number, risk.number, risk.level) == (1, 1, "high")
    case.refresh_from_db()
    assert case.priority == "high"

    plan = work.save_plan(worker, case, None, "Saya ingin aman dan kembali bekerja")
    service = work.add_service(
        worker,
        case,
        {
            "type": "health",
            "provider_name": "RSUD Tarakan",
            "due_on": timezone.localdate() + timedelta(days=3),
        },
    )
    approval = work.request_approval(worker, case, Approval.Subject.PLAN)
    assert Notification.objects.filter(user=supervisor, kind="approval_requested").exists()
    work.decide_approval(supervisor, approval, "approved")
    plan.refresh_from_db()
    case.refresh_from_db()
    assert plan.status == ServicePlan.Status.APPROVED
    assert case.status == Status.SERVICES

    work.update_service(
        worker, service, service.version, {"status": "done", "outcome": "Visum done"}
    )
    closure = work.request_closure(worker, case, "needs_met", "Safe, working again")
    work.decide_approval(supervisor, closure.approval, "approved", "Well done")
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_at is not None
    # Closing deletes nothing.
    assert (
        case.assessments.count() == 2 and case.services.count() == 1 and case.clients.count() == 1
    )


def test_a_supervisor_cannot_approve_their_own_request(personas, case):
    supervisor = personas.supervisor_a
    work.save_plan(supervisor, case, None, "Goals")
    work.add_service(
        supervisor,
        case,
        {"type": "legal_aid", "provider_name": "LBH", "due_on": timezone.localdate()},
    )
    approval = work.request_approval(supervisor, case, Approval.Subject.PLAN)
    with pytest.raises(PermissionDenied):
        work.decide_approval(supervisor, approval, "approved")
    with pytest.raises(PermissionDenied):
        work.decide_approval(personas.case_worker_a, approval, "approved")
    with pytest.raises(PermissionDenied):
        work.decide_approval(personas.supervisor_b, approval, "approved")


def test_closing_with_open_services_needs_a_reason(personas, case):
    worker = personas.case_worker_a
    work.add_service(
        worker,
        case,
        {"type": "health", "provider_name": "Puskesmas", "due_on": timezone.localdate()},
    )
    with pytest.raises(ValidationError) as raised:
        work.request_closure(worker, case, "survivor_asked", "She asked to close")
    assert "open_services_reason" in raised.value.message_dict
    closure = work.request_closure(
        worker, case, "survivor_asked", "She asked to close", open_services_reason="She declined"
    )
    assert closure.approval.subject == "closure"


def test_a_case_cannot_be_closed_by_editing_its_status(personas, case):
    with pytest.raises(ValidationError):
        actions.update_case(personas.supervisor_a, case, case.version, {"status": "closed"})


def test_a_note_is_never_edited_a_correction_points_to_it(personas, case):
    note = work.add_note(personas.case_worker_a, case, "Called, no answer")
    note.body = "Changed"
    with pytest.raises(NoteIsFinal):
        note.save()
    correction = work.add_note(
        personas.case_worker_a, case, "It was the wrong number", corrects=note
    )
    assert CaseNote.objects.get(pk=note.pk).body == "Called, no answer"
    assert correction.corrects == note


def test_a_stale_version_is_refused(personas, case):
    service = work.add_service(
        personas.case_worker_a,
        case,
        {"type": "health", "provider_name": "RSUD", "due_on": timezone.localdate()},
    )
    work.update_service(personas.case_worker_a, service, service.version, {"status": "in_progress"})
    with pytest.raises(StaleVersion):
        work.update_service(personas.supervisor_a, service, service.version, {"status": "declined"})


def test_assessments_are_versioned_never_overwritten(personas, case):
    first = work.record_assessment(personas.case_worker_a, case, "risk", {"weapon": False})
    second = work.record_assessment(
        personas.case_worker_a,
        case,
        "risk",
        {"weapon": False, "jealousy_control": True},
        override_level="high",
        override_reason="She fears for her life",
    )
    assert (first.number, second.number) == (1, 2)
    assert first.level == "low" and second.level == "medium" and second.effective_level == "high"
    assert Case.objects.get(pk=case.pk).priority == "high"
    with pytest.raises(ValidationError):
        work.record_assessment(personas.case_worker_a, case, "risk", {}, override_level="high")


def test_reopening_records_why(personas, case):
    closure = work.request_closure(personas.case_worker_a, case, "moved_away", "Moved to Bandung")
    work.decide_approval(personas.supervisor_a, closure.approval, "approved")
    case.refresh_from_db()
    reopening = work.reopen_case(personas.case_worker_a, case, "She came back, new incident")
    case.refresh_from_db()
    assert case.status == Status.REOPENED and case.closed_at is None
    assert reopening.summary == "She came back, new incident"


def test_a_case_is_reopened_once_even_from_a_copy_read_before_the_first_reopening(personas, case):
    closure = work.request_closure(personas.case_worker_a, case, "moved_away", "Moved to Bandung")
    work.decide_approval(personas.supervisor_a, closure.approval, "approved")
    case.refresh_from_db()
    stale = Case.objects.get(pk=case.pk)  # a second person's page, opened at the same time
    work.reopen_case(personas.case_worker_a, case, "She came back")
    with pytest.raises(ValidationError):
        work.reopen_case(personas.supervisor_a, stale, "She came back")
    assert case.closures.filter(kind=Closure.Kind.REOPEN).count() == 1


def test_a_public_employee_perpetrator_opens_the_sanction_track(personas):
    case = make_case(personas, "a", restricted=True)
    track = case.sanctions.get()
    assert track.agency == "Kelurahan Tebet Timur" and track.decision == "pending"
    track = work.update_sanction(
        personas.case_worker_a,
        track,
        track.version,
        {"notified_on": timezone.localdate(), "notified_how": "Letter", "decision": "dismissal"},
    )
    assert track.decision == "dismissal"


def test_changing_the_goals_withdraws_a_waiting_approval(personas, case):
    worker = personas.case_worker_a
    plan = work.save_plan(worker, case, None, "Aman")
    work.add_service(
        worker, case, {"type": "health", "provider_name": "RSUD", "due_on": timezone.localdate()}
    )
    approval = work.request_approval(worker, case, Approval.Subject.PLAN)
    plan.refresh_from_db()
    work.save_plan(worker, case, plan.version, "Aman dan bekerja lagi")
    approval.refresh_from_db()
    assert approval.decision == "withdrawn"
    with pytest.raises(ValidationError):
        work.decide_approval(personas.supervisor_a, approval, "approved")
    assert work.request_approval(worker, case, Approval.Subject.PLAN).decided_at is None


def test_work_on_a_closed_case_waits_for_reopening(personas, case):
    closure = work.request_closure(personas.case_worker_a, case, "needs_met", "Done")
    work.decide_approval(personas.supervisor_a, closure.approval, "approved")
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        work.add_service(
            personas.case_worker_a,
            case,
            {"type": "health", "provider_name": "RSUD", "due_on": timezone.localdate()},
        )
    assert work.add_note(personas.case_worker_a, case, "She called after closure").pk
