"""Asking for a team, its lifecycle, and who sees a dispatch (issue 13)."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lindungi.accounts.models import Unit
from lindungi.accounts.roles import UnitType
from lindungi.audit.models import AuditEvent
from lindungi.cases.models import Case, CaseEvent
from lindungi.intake import actions as intake
from lindungi.notifications.models import Kind, Notification
from lindungi.places.models import Region
from lindungi.response import actions
from lindungi.response.models import CrewRole, Dispatch, DispatchStatus
from tests.cases.factories import make_case
from tests.login import log_in
from tests.response.factories import (
    REQUEST,
    dispatch_from_report,
    make_team,
    other_unit_responder,
)


@pytest.fixture
def team(personas):
    return make_team(personas)


def page(dispatch, action=""):
    return f"/reaksi-cepat/penugasan/{dispatch.pk}/{action + '/' if action else ''}"


def walk(user, dispatch, *steps):
    for status in steps:
        taken_to = "safe_house" if status == DispatchStatus.SAFE else ""
        dispatch = actions.record_step(user, dispatch, dispatch.version, status, taken_to=taken_to)
    return dispatch


def test_a_dispatch_from_a_report_takes_the_crew_on_call_and_alerts_its_team_lead(personas, team):
    dispatch = dispatch_from_report(personas, team)
    crew = dict(dispatch.crew.values_list("user_id", "role"))
    assert crew[team.lead.pk] == CrewRole.TEAM_LEAD
    assert team.off_duty.pk not in crew
    alerted = Notification.objects.filter(kind=Kind.DISPATCH_REQUESTED)
    assert list(alerted.values_list("user_id", flat=True)) == [team.lead.pk]
    assert dispatch.kota_id == "31.74"
    # The triage queue shows the report urgent; a triage form read before is not stale.
    version = dispatch.report.version
    dispatch.report.refresh_from_db()
    assert dispatch.report.urgent and dispatch.report.version == version
    stored = Dispatch.objects.filter(pk=dispatch.pk).values_list("location", flat=True)
    assert stored.get() == REQUEST["location"]
    event = AuditEvent.objects.get(action="dispatch.request")
    assert "Canary" not in str(event.fields)


def test_without_a_team_lead_on_call_the_supervisors_are_alerted(personas):
    team = make_team(personas, lead=False)
    dispatch_from_report(personas, team)
    alerted = Notification.objects.filter(kind=Kind.DISPATCH_REQUESTED)
    assert list(alerted.values_list("user_id", flat=True)) == [team.supervisor.pk]


def test_the_lifecycle_keeps_each_time_who_recorded_it_and_the_durations(personas, team):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        dispatch = dispatch_from_report(personas, team)
        for minutes, status in (
            (2, DispatchStatus.ACKNOWLEDGED),
            (5, DispatchStatus.EN_ROUTE),
            (25, DispatchStatus.ON_SCENE),
        ):
            clock.move_to(start + timedelta(minutes=minutes))
            dispatch = walk(team.lead, dispatch, status)
        dispatch = walk(team.responders[0], dispatch, DispatchStatus.SAFE, DispatchStatus.CLEARED)
    assert dispatch.status == DispatchStatus.CLEARED and dispatch.taken_to == "safe_house"
    assert (dispatch.seconds_to_acknowledge, dispatch.seconds_to_en_route) == (120, 300)
    assert dispatch.seconds_to_on_scene == 1500
    steps = list(dispatch.steps.values_list("status", "recorded_by"))
    assert steps[1] == (DispatchStatus.ACKNOWLEDGED, team.lead.pk)
    assert steps[-1] == (DispatchStatus.CLEARED, team.responders[0].pk)
    assert not dispatch.out_of_order


def test_a_time_out_of_order_is_kept_and_flagged_a_future_time_refused(personas, team):
    dispatch = dispatch_from_report(personas, team)
    earlier = dispatch.requested_at - timedelta(minutes=3)
    dispatch = actions.record_step(
        team.lead, dispatch, dispatch.version, DispatchStatus.ACKNOWLEDGED, at=earlier
    )
    assert (
        dispatch.out_of_order
        and dispatch.steps.get(status=DispatchStatus.ACKNOWLEDGED).out_of_order
    )
    with pytest.raises(ValidationError) as refused:
        actions.record_step(
            team.lead,
            dispatch,
            dispatch.version,
            DispatchStatus.EN_ROUTE,
            at=timezone.now() + timedelta(hours=1),
        )
    assert "at" in refused.value.error_dict


def test_the_future_time_is_refused_on_the_form_in_indonesian(client, indonesian, personas, team):
    dispatch = dispatch_from_report(personas, team)
    log_in(client, team.lead)
    later = timezone.localtime() + timedelta(hours=2)
    response = client.post(
        page(dispatch, "langkah"),
        {
            "version": dispatch.version,
            "status": "acknowledged",
            "at": later.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    assert "masa depan" in response.content.decode()
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.REQUESTED


def test_cancelling_needs_a_reason(personas, team):
    dispatch = dispatch_from_report(personas, team)
    with pytest.raises(ValidationError):
        actions.cancel(team.lead, dispatch, dispatch.version, " ")
    dispatch = actions.cancel(personas.intake_officer, dispatch, dispatch.version, "Canary: safe")
    assert dispatch.status == DispatchStatus.CANCELLED and dispatch.ended_at is not None


# --- Who sees a dispatch -------------------------------------------------------------------


def test_the_crew_sees_the_dispatch_view_and_nothing_else_of_the_report(client, personas, team):
    dispatch = dispatch_from_report(personas, team)
    log_in(client, team.responders[0])
    response = client.get(page(dispatch))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Canary location" in body and "Canary danger" in body
    assert "Canary story" not in body and "Siti Aminah" not in body
    assert client.get(f"/laporan/triase/{dispatch.report_id}/").status_code == 404


def test_a_responder_not_on_the_dispatch_or_of_another_unit_gets_404(client, personas, team):
    dispatch = dispatch_from_report(personas, team)
    for outsider in (team.off_duty, personas.responder, other_unit_responder(personas)):
        log_in(client, outsider)
        assert client.get(page(dispatch)).status_code == 404, outsider
        assert not Dispatch.objects.restrict(outsider).exists()


def test_the_crew_loses_the_dispatch_after_the_window(client, personas, team):
    dispatch = dispatch_from_report(personas, team)
    dispatch = walk(team.lead, dispatch, *[DispatchStatus.ACKNOWLEDGED, DispatchStatus.EN_ROUTE])
    dispatch = actions.cancel(team.lead, dispatch, dispatch.version, "Canary: false alarm")
    log_in(client, team.lead)
    assert client.get(page(dispatch)).status_code == 200
    window = timedelta(hours=settings.RESPONSE_VISIBLE_AFTER_HOURS, minutes=1)
    with time_machine.travel(timezone.now() + window):
        log_in(client, team.lead)  # a new session: the first timed out meanwhile
        assert client.get(page(dispatch)).status_code == 404
        # Its unit's supervisor and the officer who asked for it still see it.
        assert Dispatch.objects.restrict(team.supervisor).filter(pk=dispatch.pk).exists()
        assert Dispatch.objects.restrict(personas.intake_officer).filter(pk=dispatch.pk).exists()


def test_a_dispatch_from_a_case_never_opens_the_case_to_the_crew(client, personas, team):
    case = make_case(personas, "a")
    dispatch = actions.request_dispatch(personas.case_worker_a, team.unit, REQUEST, case=case)
    assert dispatch.survivor_code == case.survivor_code
    assert CaseEvent.objects.filter(case=case, kind="dispatch_requested").exists()
    log_in(client, team.lead)
    assert client.get(page(dispatch)).status_code == 200
    assert client.get(f"/kasus/{case.pk}/").status_code == 404
    # Case workers of another unit, and the intake officer, do not see it.
    assert not Dispatch.objects.restrict(personas.case_worker_b).exists()
    assert not Dispatch.objects.restrict(personas.intake_officer).exists()


# --- The outcome ---------------------------------------------------------------------------


def test_the_crews_visit_opens_the_case_in_the_centre_covering_the_place(client, personas, team):
    dispatch = dispatch_from_report(personas, team)
    dispatch = walk(team.lead, dispatch, *actions.STEPS[1:])
    # A centre for the kota and one elsewhere: the report's kelurahan is in 31.74.
    Unit.objects.create(name="Closed centre", type=UnitType.UPTD_PPA, region_id="31.74.01")
    Unit.objects.filter(name="Closed centre").update(is_active=False)
    visit = {"found": "Canary found", "taken_to": "safe_house", "risk_now": "medium"}
    dispatch = actions.report_visit(team.lead, dispatch, dispatch.version, visit)
    case = dispatch.case
    assert case is not None and case.unit == personas.unit_a
    assert dispatch.survivor_code == case.survivor_code
    # Opened on the team lead's word: kept as the opener, nobody assigned, the report's
    # survivor and first account carried, the centre's supervisors asked to assign it.
    assert case.opened_by == team.lead and not case.workers.exists()
    assert list(case.clients.values_list("role", flat=True)) == ["survivor"]
    assert case.accounts.filter(report=dispatch.report).exists()
    dispatch.report.refresh_from_db()
    assert dispatch.report.case == case and dispatch.report.status == "case_opened"
    alerted = Notification.objects.filter(kind=Kind.CASE_TO_ASSIGN, case=case)
    assert set(alerted.values_list("user", flat=True)) == {personas.supervisor_a.pk}
    kinds = set(case.events.values_list("kind", flat=True))
    assert {"opened", "visit_reported"} <= kinds
    # The crew's word opens the case, not the case to the crew.
    log_in(client, team.lead)
    assert client.get(f"/kasus/{case.pk}/").status_code == 404
    log_in(client, personas.supervisor_a)
    body = client.get(f"/kasus/{case.pk}/").content.decode()
    assert "Rapid response visit report" in body or "Laporan kunjungan" in body
    # Sent again unchanged, nothing more happens.
    again = actions.report_visit(team.lead, dispatch, dispatch.version, visit)
    assert again.version == dispatch.version
    assert Case.objects.filter(pk=case.pk).count() == 1


def test_a_supervisor_may_choose_the_centre_but_not_one_they_do_not_work_in(personas, team):
    dispatch = dispatch_from_report(personas, team)
    visit = {"found": "Canary found", "taken_to": "home", "risk_now": "low"}
    dispatch.report.handed_to = personas.unit_b
    dispatch.report.save()
    with pytest.raises(PermissionDenied):
        actions.report_visit(
            personas.supervisor_b, dispatch, dispatch.version, visit, open_in=personas.unit_a
        )
    dispatch = actions.report_visit(
        personas.supervisor_b, dispatch, dispatch.version, visit, open_in=personas.unit_b
    )
    assert dispatch.case.unit == personas.unit_b
    assert dispatch.case.workers.count() == 0  # a supervisor opens it without taking it on


def test_a_report_intake_already_decided_on_keeps_its_decision(personas, team):
    dispatch = dispatch_from_report(personas, team)
    report = dispatch.report
    intake.close_not_protection(personas.intake_officer, report, report.version, "Test reason")
    visit = {"found": "Canary found", "taken_to": "home", "risk_now": "low"}
    dispatch = actions.report_visit(team.lead, dispatch, dispatch.version, visit)
    assert dispatch.case is None and dispatch.found == "Canary found"
    assert not Case.objects.exists()


def test_the_covering_centre_is_the_closest_active_one_holding_the_place(personas):
    kelurahan = Region.objects.get(code="31.74.01.1001")
    assert actions.covering_centre(kelurahan, None) == personas.unit_a
    near = Unit.objects.create(name="Kecamatan post", type=UnitType.UPTD_PPA, region_id="31.74.01")
    assert actions.covering_centre(kelurahan, None) == near
    near.is_active = False
    near.save()
    assert actions.covering_centre(kelurahan, None) == personas.unit_a
    # Without a place: nearest the unit that received the report (the 112 centre, in 31.74).
    assert actions.covering_centre(None, personas.call_centre) == personas.unit_a
    elsewhere = Region.objects.get(code="31.71")
    assert actions.covering_centre(elsewhere, None) is None


def test_a_case_opened_from_the_report_since_gets_the_visit_on_its_timeline(personas, team):
    dispatch = dispatch_from_report(personas, team)
    report = intake.hand_over(
        personas.intake_officer, dispatch.report, dispatch.report.version, personas.unit_a
    )
    report = intake.open_case_from_report(
        personas.supervisor_a, report, report.version, personas.unit_a
    )
    dispatch = walk(team.lead, dispatch, *actions.STEPS[1:])
    assert dispatch.case == report.case
    visit = {"found": "Canary found", "taken_to": "police", "risk_now": "high"}
    actions.report_visit(team.lead, dispatch, dispatch.version, visit)
    kinds = set(report.case.events.values_list("kind", flat=True))
    assert {"dispatch_cleared", "visit_reported"} <= kinds


def test_asking_twice_with_one_form_sends_one_team(client, personas, team):
    case = make_case(personas, "a")
    log_in(client, personas.case_worker_a)
    url = f"/reaksi-cepat/kasus/{case.pk}/"
    form = client.get(url).context["form"]
    data = {
        "form_token": form["form_token"].initial,
        "unit": team.unit.pk,
        **{k: v for k, v in REQUEST.items() if k != "children_present"},
    }
    first = client.post(url, data)
    again = client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Dispatch.objects.restrict(personas.case_worker_a).count() == 1
