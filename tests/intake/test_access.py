"""Who may see and act on a report: intake/access.py decides, and every intake action asks
it itself, so an action called directly (a command, the API) is as safe as from a page
(issue 11, item 1)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import Http404

from lindungi.accounts.models import Membership, User
from lindungi.accounts.roles import Role
from lindungi.audit.models import AuditEvent
from lindungi.cases.models import Case
from lindungi.intake import actions
from lindungi.intake.access import Need, get_report_for, may
from lindungi.intake.models import Report
from lindungi.notifications.models import Notification
from tests.cases.factories import make_case


def received(officer, unit):
    draft = actions.save_draft(officer, unit, {"channel": "phone", "what_happened": "x"})
    return actions.submit_report(officer, draft, draft.version)


@pytest.fixture
def rapid_supervisor(personas):
    """A supervisor (an intake role) of a unit that does not answer reports."""
    user = User.objects.create_user("trc.lead@test.lindungi.id", "x" * 16, display_name="T")
    Membership.objects.create(user=user, unit=personas.rapid_response, role=Role.SUPERVISOR)
    return user


def _triage_calls(personas):
    """Each triage action, as a call taking (actor, report)."""
    case_b = make_case(personas, "b")
    return {
        "override_risk": lambda who, r: actions.override_risk(
            who, r, r.version, "high", "Caller whispering"
        ),
        "open_case": lambda who, r: actions.open_case_from_report(
            who, r, r.version, personas.unit_b
        ),
        "hand_over": lambda who, r: actions.hand_over(who, r, r.version, personas.unit_b),
        "link": lambda who, r: actions.link_to_case(who, r, r.version, case_b),
        "refer": lambda who, r: actions.refer_out(who, r, r.version, "Puskesmas"),
        "close": lambda who, r: actions.close_not_protection(who, r, r.version, "Wrong number"),
    }


ACTIONS = ("override_risk", "open_case", "hand_over", "link", "refer", "close")


def _state(report):
    """Everything an action could have changed."""
    return (
        model_to_dict(Report.objects.get(pk=report.pk)),
        Case.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def _refused(call, who, report):
    before = _state(report)
    with pytest.raises(PermissionDenied):
        call(who, report)
    assert _state(report) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_a_supervisor_of_another_unit_cannot_triage_a_report_taken_at_112(personas, action):
    report = received(personas.intake_officer, personas.call_centre)
    # Unit B's supervisor has an intake role, and may open cases and see case B: not
    # enough to act on a report that is not with unit B.
    _refused(_triage_calls(personas)[action], personas.supervisor_b, report)


@pytest.mark.parametrize("action", ACTIONS)
def test_a_case_worker_cannot_triage_even_in_the_receiving_unit(personas, action):
    report = received(personas.supervisor_a, personas.unit_a)
    _refused(_triage_calls(personas)[action], personas.case_worker_a, report)


@pytest.mark.parametrize("action", ACTIONS)
def test_an_online_report_is_not_for_a_unit_that_does_not_answer_reports(
    personas, rapid_supervisor, action
):
    report, _pin = actions.receive_public_report({"what_happened": "x"})
    _refused(_triage_calls(personas)[action], rapid_supervisor, report)


@pytest.mark.parametrize("action", ACTIONS)
def test_once_handed_over_only_the_receiving_centre_acts(personas, action):
    report = received(personas.intake_officer, personas.call_centre)
    report = actions.hand_over(personas.intake_officer, report, report.version, personas.unit_a)
    calls = _triage_calls(personas)
    _refused(calls[action], personas.intake_officer, report)
    _refused(calls[action], personas.supervisor_b, report)
    assert may(personas.supervisor_a, report, Need.TRIAGE)


def test_the_receiving_unit_and_the_centre_it_was_handed_to_act_as_before(personas):
    report = received(personas.intake_officer, personas.call_centre)
    report = actions.override_risk(personas.intake_officer, report, report.version, "high", "y")
    report = actions.hand_over(personas.intake_officer, report, report.version, personas.unit_b)
    report = actions.open_case_from_report(
        personas.supervisor_b, report, report.version, personas.unit_b
    )
    assert report.case.unit == personas.unit_b


def test_a_report_cannot_be_linked_to_a_case_the_officer_cannot_see(personas):
    report = received(personas.supervisor_a, personas.unit_a)
    case_b = make_case(personas, "b")
    _refused(
        lambda who, r: actions.link_to_case(who, r, r.version, case_b),
        personas.supervisor_a,
        report,
    )


def test_another_units_draft_can_be_neither_written_nor_sent(personas):
    draft = actions.save_draft(personas.intake_officer, personas.call_centre, {"channel": "phone"})
    for unit in (personas.unit_b, personas.call_centre):
        _refused(
            lambda who, r, unit=unit: actions.save_draft(
                who, unit, {"what_happened": "changed"}, report=r, version=r.version
            ),
            personas.supervisor_b,
            draft,
        )
    _refused(lambda who, r: actions.submit_report(who, r, r.version), personas.supervisor_b, draft)
    with pytest.raises(PermissionDenied):
        actions.save_draft(personas.supervisor_b, personas.call_centre, {"channel": "phone"})


def test_the_rules_as_querysets(personas, rapid_supervisor):
    at_112 = received(personas.intake_officer, personas.call_centre)
    handed = actions.hand_over(
        personas.intake_officer,
        received(personas.intake_officer, personas.call_centre),
        2,
        personas.unit_a,
    )
    online, _pin = actions.receive_public_report({"what_happened": "x"})
    draft_a = actions.save_draft(personas.supervisor_a, personas.unit_a, {"channel": "phone"})
    names = {at_112.pk: "112", handed.pk: "handed", online.pk: "online", draft_a.pk: "draft"}

    def seen(user, need):
        return {
            names[pk] for pk in Report.objects.restrict(user, need).values_list("pk", flat=True)
        }

    assert seen(personas.intake_officer, Need.TRIAGE) == {"112", "online"}
    assert seen(personas.intake_officer, Need.VIEW) == {"112", "handed", "online"}
    assert seen(personas.supervisor_a, Need.TRIAGE) == {"handed", "online"}
    assert seen(personas.supervisor_a, Need.VIEW) == {"handed", "online", "draft"}
    assert seen(personas.supervisor_a, Need.DRAFT) == {"draft"}
    assert seen(personas.supervisor_b, Need.VIEW) == {"online"}
    for user in (personas.case_worker_a, personas.analyst, rapid_supervisor):
        assert seen(user, Need.VIEW) == set()


def test_a_report_out_of_scope_answers_like_one_that_does_not_exist_and_is_audited(personas):
    report = received(personas.intake_officer, personas.call_centre)
    for report_id in (report.pk, "00000000-0000-0000-0000-000000000000", "not-an-id"):
        before = AuditEvent.objects.filter(action="case.denied").count()
        with pytest.raises(Http404):
            get_report_for(personas.supervisor_b, report_id, Need.TRIAGE)
        event = AuditEvent.objects.filter(action="case.denied").latest("id")
        assert AuditEvent.objects.filter(action="case.denied").count() == before + 1
        assert event.object_type == "intake.report" and event.fields == ["triage"]
    assert get_report_for(personas.intake_officer, report.pk, Need.TRIAGE) == report
