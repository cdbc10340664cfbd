"""Escalation and roster gaps, with a moved clock; exactly once with two workers."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from lindungi.audit.models import AuditEvent
from lindungi.notifications.models import Kind, Notification
from lindungi.response import actions, roster
from lindungi.response.jobs import alert_roster_gaps, escalate
from lindungi.response.models import CrewRole, DispatchStatus, Escalation, Shift
from lindungi.response.views.board import board_context
from tests.browser.marks import commits
from tests.concurrency import at_once
from tests.login import log_in
from tests.personas import make_personas
from tests.response.factories import dispatch_from_report, make_team


def alerted(kind):
    return set(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


@pytest.fixture
def team(personas):
    return make_team(personas)


def test_nothing_escalates_in_time_and_an_acknowledged_dispatch_skips_step_one(personas, team):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        dispatch = dispatch_from_report(personas, team)
        clock.move_to(start + timedelta(minutes=4))
        assert escalate() == 0
        actions.record_step(team.lead, dispatch, dispatch.version, DispatchStatus.ACKNOWLEDGED)
        clock.move_to(start + timedelta(minutes=6))
        assert escalate() == 0


def test_unacknowledged_the_backup_and_supervisor_then_the_chain_are_alerted_once(personas, team):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        dispatch = dispatch_from_report(personas, team)
        clock.move_to(start + timedelta(minutes=6))
        assert escalate() == 1
        assert alerted(Kind.DISPATCH_ESCALATED) == {team.backup.pk, team.supervisor.pk}
        assert escalate() == 0  # once
        clock.move_to(start + timedelta(minutes=16))
        assert escalate() == 1
        assert team.chief.pk in alerted(Kind.DISPATCH_ESCALATED)
        assert list(dispatch.escalations.values_list("step", flat=True)) == [1, 2]
        escalated = AuditEvent.objects.filter(
            action="dispatch.escalate", object_id=str(dispatch.pk)
        )
        assert sorted(e.fields[0] for e in escalated) == ["step_1", "step_2"]
        clock.move_to(start + timedelta(minutes=40))
        assert escalate() == 0  # the chain has one person: nobody further


def test_the_board_shows_a_late_dispatch_from_its_own_times_without_a_worker(personas, team):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        dispatch = dispatch_from_report(personas, team)
        assert board_context(team.lead, timezone.now())["rows"][0].late == ""
        clock.move_to(start + timedelta(minutes=6))
        context = board_context(team.lead, timezone.now())
        assert [(r.dispatch.pk, r.late) for r in context["rows"]] == [
            (dispatch.pk, DispatchStatus.ACKNOWLEDGED)
        ]
        assert not Escalation.objects.exists()
        panel = context["panels"][0]
        assert {a.user for a in panel.on_call} >= {team.lead, team.backup}


def test_the_board_polls_and_shows_who_is_on_call(client, personas, team):
    dispatch_from_report(personas, team)
    log_in(client, team.lead)
    body = client.get("/reaksi-cepat/").content.decode()
    assert 'hx-trigger="every' in body and team.lead.display_name in body
    fragment = client.get("/reaksi-cepat/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'id="board"' in fragment


def test_a_roster_gap_is_alerted_to_the_supervisors_once_a_day_ahead(personas):
    team = make_team(personas, responders=1)  # one responder, the minimum is two
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert alert_roster_gaps() >= 1
        assert alerted(Kind.ROSTER_GAP) == {team.supervisor.pk}
        count = Notification.objects.filter(kind=Kind.ROSTER_GAP).count()
        assert alert_roster_gaps() == 0
        clock.move_to(start + timedelta(hours=1))
        assert Notification.objects.filter(kind=Kind.ROSTER_GAP).count() == count


def test_a_covered_shift_is_no_gap_and_leave_makes_one(personas, team):
    now = timezone.now()
    shift = roster.current_shift(team.unit, now)
    units = type(team.unit).objects.filter(pk=team.unit.pk)
    assert shift.pk not in {g.shift.pk for g in roster.gaps(units, now, now)}
    lead = shift.assignments.get(role=CrewRole.TEAM_LEAD)
    roster.set_leave(team.supervisor, lead, True)
    gap = roster.gaps(units, now, now)[0]
    assert gap.shift == shift and not gap.team_lead
    lead.refresh_from_db()
    assert lead.changed_by == team.supervisor
    assert not roster.on_call(team.unit).filter(user=team.lead).exists()


def test_a_swap_keeps_who_had_the_place(personas, team):
    shift = roster.current_shift(team.unit)
    place = shift.assignments.get(user=team.backup)
    place = roster.swap(team.supervisor, place, team.off_duty)
    assert (place.user, place.swapped_from, place.changed_by) == (
        team.off_duty,
        team.backup,
        team.supervisor,
    )
    assert roster.on_call(team.unit).filter(user=team.off_duty).exists()


def test_the_shifts_follow_the_pattern_in_the_deployments_zone(personas, team):
    shifts = Shift.objects.filter(unit=team.unit)
    hours = {timezone.localtime(s.starts_at).hour for s in shifts}
    assert hours == {7, 15, 23}
    assert all(s.ends_at - s.starts_at == timedelta(hours=8) for s in shifts)


@commits
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database locks whole tables between threads",
)
def test_two_workers_escalate_each_step_exactly_once():
    personas = make_personas()
    team = make_team(personas)
    start = timezone.now()
    dispatch_from_report(personas, team)
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        outcomes = at_once(escalate)
    assert sorted(outcomes) == [0, 2]
    assert Escalation.objects.count() == 2
    recipients = Notification.objects.filter(kind=Kind.DISPATCH_ESCALATED)
    assert recipients.count() == 3  # backup and supervisor; then the chain's first
