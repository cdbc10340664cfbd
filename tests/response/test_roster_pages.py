"""The roster page: only the unit's supervisors; making shifts, swaps and leave audited."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError

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
