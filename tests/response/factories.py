"""A rapid response unit with people on call, and a dispatch: for the response tests."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from lindungi.accounts.models import Unit, User
from lindungi.accounts.roles import Role
from lindungi.intake import actions as intake
from lindungi.places.models import Region
from lindungi.response import actions, roster
from lindungi.response.models import CrewRole, EscalationContact
from tests.personas import _user

REQUEST = {
    "location": "Canary location, Jl. Melati 4, back house",
    "danger": "Canary danger: he has a knife",
    "who_is_there": "Two children",
    "children_present": True,
    "accommodation": "Uses a wheelchair",
    "safe_approach": "Do not call; come to the back door",
}


@pytest.fixture
def mid_shift():
    """Today at 11:00 in the deployment's zone, the clock running on: in the middle of the
    07:00-15:00 shift, so that a test that moves minutes ahead never crosses into the next
    shift (whose crew is empty) whatever the hour the suite runs at."""
    today = timezone.localdate()
    noonish = timezone.make_aware(datetime.combine(today, time(11)))
    with time_machine.travel(noonish, tick=True):
        yield noonish


@dataclass
class Team:
    unit: Unit
    supervisor: User
    lead: User
    responders: list[User]
    driver: User
    backup: User
    chief: User  # the first of the escalation chain
    off_duty: User  # a responder of the unit, not on this shift


def make_team(personas, *, lead=True, responders=2):
    unit = personas.rapid_response
    supervisor = _user("rr_supervisor", unit, Role.SUPERVISOR)
    people = {
        name: _user(f"rr_{name}", unit, Role.RESPONDER)
        for name in ("lead", "one", "two", "driver", "backup", "off_duty")
    }
    chief = _user("rr_chief")
    EscalationContact.objects.create(unit=unit, position=1, user=chief)
    now = timezone.now()
    shift = roster.plan_shifts(supervisor, unit, timezone.localdate(now) - timedelta(days=1), 2)
    current = roster.current_shift(unit, now)
    assert current in shift
    crew = [(people["driver"], CrewRole.DRIVER), (people["backup"], CrewRole.BACKUP)]
    if lead:
        crew.append((people["lead"], CrewRole.TEAM_LEAD))
    crew += [(people[n], CrewRole.RESPONDER) for n in ("one", "two")[:responders]]
    for user, role in crew:
        roster.assign(supervisor, current, user, role)
    # The responder persona is a member of the unit too, but on no shift.
    return Team(
        unit,
        supervisor,
        people["lead"],
        [people["one"], people["two"]],
        people["driver"],
        people["backup"],
        chief,
        people["off_duty"],
    )


def high_risk_report(personas):
    draft = intake.save_draft(
        personas.intake_officer,
        personas.call_centre,
        {
            "channel": "call_112",
            "what_happened": "Canary story",
            "in_danger_now": True,
            "weapon_or_threat": True,
            "kelurahan": Region.objects.get(code="31.74.01.1001"),
        },
        [{"name": "Siti Aminah", "age": 36, "sex": "female"}],
    )
    return intake.submit_report(personas.intake_officer, draft, draft.version)


def dispatch_from_report(personas, team, report=None):
    report = report or high_risk_report(personas)
    return actions.request_dispatch(personas.intake_officer, team.unit, REQUEST, report=report)


def other_unit_responder(personas):
    other = Unit.objects.create(
        name="Other rapid response", type=personas.rapid_response.type, region_id="31.75"
    )
    return _user("rr_elsewhere", other, Role.RESPONDER)
