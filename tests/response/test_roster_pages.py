"""The roster page: only the unit's supervisors; making shifts, swaps and leave audited."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lindungi.accounts.models import Membership, Unit, UnitType
from lindungi.accounts.roles import Role
from lindungi.audit.models import AuditEvent
from lindungi.response import roster
from lindungi.response.models import CrewRole, ShiftAssignment
from tests.login import log_in
from tests.response.factories import make_team

ROSTER = "/reaksi-cepat/jadwal/"


def test_only_the_units_supervisors_have_a_roster_page(client, personas):
    team = make_team(personas)
    for outsider in (team.lead, personas.supervisor_a, personas.intake_officer):
        log_in(client, outsider)
        assert client.get(ROSTER).status_code == 404
        assert client.post(f"{ROSTER}buat/", {"days": 1}).status_code == 404
    log_in(client, team.supervisor)
    page = client.get(ROSTER).content.decode()
    assert team.lead.display_name in page and team.backup.display_name in page


def test_a_supervisor_of_two_units_sees_the_roster_of_the_unit_they_act_in(client, personas):
    team = make_team(personas)
    north = Unit.objects.create(
        name="North rapid response", type=UnitType.RAPID_RESPONSE, region_id="31.75"
    )
    north_membership = Membership.objects.create(
        user=team.supervisor, unit=north, role=Role.SUPERVISOR
    )
    north_shifts = roster.plan_shifts(
        team.supervisor, north, timezone.localdate() - timedelta(days=1), 2
    )
    log_in(client, team.supervisor)
    for membership in team.supervisor.memberships.all():
        client.post("/akun/peran/", {"membership": membership.pk})
        page = client.get(ROSTER).content.decode()
        in_north = membership == north_membership
        assert any(f'value="{shift.pk}"' in page for shift in north_shifts) is in_north
        assert (team.lead.display_name in page) is not in_north
    # Its forms act on that unit too: a shift of the other unit is not accepted.
    client.post("/akun/peran/", {"membership": north_membership.pk})
    other_shift = ShiftAssignment.objects.get(user=team.lead).shift
    client.post(
        f"{ROSTER}tugaskan/",
        {"shift": other_shift.pk, "user": team.off_duty.pk, "role": "responder"},
    )
    assert not other_shift.assignments.filter(user=team.off_duty).exists()


def test_a_supervisor_assigns_swaps_and_gives_leave_and_each_is_audited(client, personas):
    team = make_team(personas, responders=1)
    log_in(client, team.supervisor)
    place = ShiftAssignment.objects.get(user=team.backup)
    shift = place.shift
    client.post(
        f"{ROSTER}tugaskan/",
        {"shift": shift.pk, "user": team.responders[1].pk, "role": "responder"},
    )
    assert shift.assignments.filter(user=team.responders[1], role=CrewRole.RESPONDER).exists()
    client.post(f"{ROSTER}tukar/", {"assignment": place.pk, "user": team.off_duty.pk})
    client.post(f"{ROSTER}cuti/", {"assignment": place.pk, "on_leave": "on"})
    place.refresh_from_db()
    assert (place.user, place.swapped_from, place.on_leave) == (team.off_duty, team.backup, True)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"roster.assign", "roster.swap", "roster.leave"} <= actions
    assert client.post(f"{ROSTER}buat/", {"days": 2}).status_code == 302


def test_a_unit_pattern_must_be_times_of_day(personas):
    settings = roster.unit_settings(personas.rapid_response)
    settings.shift_starts = "07:00, noon"
    with pytest.raises(ValidationError):
        settings.full_clean()
    settings.shift_starts = "06:00,18:00"
    settings.full_clean()
    settings.save()
    assert roster.shift_starts(personas.rapid_response) == [time(6), time(18)]
