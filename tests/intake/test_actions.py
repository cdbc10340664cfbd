from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from lindungi.audit.models import AuditEvent
from lindungi.cases.actions import StaleVersion
from lindungi.cases.models import Client
from lindungi.intake import actions
from lindungi.intake.models import Report, ReportStatus


@pytest.fixture
def draft(personas):
    return actions.save_draft(
        personas.intake_officer,
        personas.call_centre,
        {"channel": "call_112", "reporter_type": "anonymous"},
    )


def test_a_partial_draft_is_kept(personas, draft):
    draft = actions.save_draft(
        personas.intake_officer,
        personas.call_centre,
        {"what_happened": "Canary: she was hit", "in_danger_now": True},
        [{"name": "Siti Aminah", "age": 34, "sex": "female"}],
        report=draft,
        version=draft.version,
    )
    stored = Report.objects.get(pk=draft.pk)
    assert stored.status == ReportStatus.DRAFT
    assert stored.what_happened == "Canary: she was hit"
    assert stored.people.get().name == "Siti Aminah"
    assert AuditEvent.objects.filter(action="report.draft_update", object_id=str(draft.pk)).exists()


def test_submitting_computes_risk_and_due_time(personas, draft):
    draft = actions.save_draft(
        personas.intake_officer,
        personas.call_centre,
        {"weapon_or_threat": True},
        report=draft,
        version=draft.version,
    )
    report = actions.submit_report(personas.intake_officer, draft, draft.version)
    assert report.status == ReportStatus.RECEIVED
    assert report.risk == "high"
    assert report.due_at == report.received_at


def test_a_future_date_is_refused_and_changes_nothing(personas, draft):
    with pytest.raises(ValidationError):
        actions.save_draft(
            personas.intake_officer,
            personas.call_centre,
            {"occurred_on": timezone.localdate() + timedelta(days=2), "what_happened": "x"},
            report=draft,
            version=draft.version,
        )
    stored = Report.objects.get(pk=draft.pk)
    assert stored.what_happened == ""
    assert stored.version == draft.version


def test_a_case_worker_cannot_take_reports_for_the_112_centre(personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.save_draft(personas.case_worker_a, personas.call_centre, {"channel": "phone"})


def test_two_officers_triaging_at_once_one_wins(personas, draft):
    report = actions.submit_report(personas.intake_officer, draft, draft.version)
    actions.close_not_protection(personas.intake_officer, report, report.version, "Wrong number")
    with pytest.raises(StaleVersion) as raised:
        actions.refer_out(personas.intake_officer, report, report.version, "Dinas Sosial")
    assert raised.value.current.status == ReportStatus.CLOSED


def test_opening_a_case_carries_the_people_over(personas, draft):
    draft = actions.save_draft(
        personas.intake_officer,
        personas.call_centre,
        {"injuries": True},
        [{"name": "Siti Aminah", "age": 34, "sex": "female"}],
        report=draft,
        version=draft.version,
    )
    report = actions.submit_report(personas.intake_officer, draft, draft.version)
    from lindungi.accounts.models import Membership

    Membership.objects.create(user=personas.intake_officer, unit=personas.unit_a, role="supervisor")
    personas.intake_officer.refresh_from_db()
    report = actions.open_case_from_report(
        personas.intake_officer, report, report.version, personas.unit_a
    )
    assert report.status == ReportStatus.CASE_OPENED
    client = Client.objects.get(case=report.case)
    assert client.name == "Siti Aminah"
    assert client.age_estimate == 34
    assert report.case.priority == "medium"


def test_a_risk_override_needs_a_reason(personas, draft):
    report = actions.submit_report(personas.intake_officer, draft, draft.version)
    with pytest.raises(ValidationError):
        actions.override_risk(personas.intake_officer, report, report.version, "high", " ")
    report = actions.override_risk(
        personas.intake_officer, report, report.version, "high", "Caller whispering, scared"
    )
    assert report.risk == "high" and report.risk_computed == "low"


def test_the_public_status_page_locks_after_repeated_wrong_pins(db):
    report, pin = actions.receive_public_report({"what_happened": "Canary text"})
    assert actions.check_status_pin(report.reference, pin)[0] == report
    wrong = "000000" if pin != "000000" else "111111"
    for _ in range(actions.STATUS_LOCK_AFTER - 1):
        assert actions.check_status_pin(report.reference, wrong) == (None, False)
    assert actions.check_status_pin(report.reference, wrong) == (None, True)
    assert actions.check_status_pin(report.reference, pin) == (None, True)
    with time_machine.travel(timezone.now() + timedelta(minutes=actions.STATUS_LOCK_MINUTES + 1)):
        assert actions.check_status_pin(report.reference, pin)[0] == report


def test_an_unknown_reference_answers_like_a_wrong_pin(db):
    assert actions.check_status_pin("LP-22222-22222", "123456") == (None, False)
