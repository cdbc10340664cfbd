"""A bed or a room held whole is given once, even when two officers give it at the same
moment (PostgreSQL: two connections; the room's row lock decides, the partial unique index
on held beds backs it)."""

import pytest
from django.db import connection

from lindungi.shelter import actions
from lindungi.shelter.models import Placement, PlacementStatus
from tests.browser.marks import commits
from tests.cases.factories import make_case
from tests.concurrency import at_once
from tests.personas import make_personas
from tests.shelter.factories import make_house, other_house


@commits
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database locks whole tables between threads",
)
def test_two_officers_giving_the_same_room_at_once_give_it_once():
    personas = make_personas()
    house = make_house()
    second_officer = other_house("second")[1]
    second_officer.memberships.create(unit=personas.safe_house, role="shelter_officer")
    room = house.rooms.get(name="Kamar 2")
    placements = []
    for key in ("a", "b"):
        case = make_case(personas, key)
        worker = getattr(personas, f"case_worker_{key}")
        data = {"people": [case.clients.first()], "house": house, "urgency": "tonight"}
        placements.append(actions.request_placement(worker, case, data))
    officers = iter([personas.shelter_officer, second_officer])
    pairs = list(zip(officers, placements, strict=True))

    def give():
        officer, placement = pairs.pop()
        return actions.accept(officer, placement, placement.version, room, whole_room=True)

    outcomes = at_once(give)
    assert sorted(type(o).__name__ for o in outcomes) == ["Placement", "ValidationError"]
    assert Placement.objects.filter(status=PlacementStatus.ACCEPTED).count() == 1
