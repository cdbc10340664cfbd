"""The occupancy board: each bed's state now (free, occupied, held, out of use), per house
and across houses, and today's arrivals and departures.

Counts name nobody, so every member of staff may read them. Names are read only through the
access module (``PlacementPerson.objects.restrict``) and only for a house's own staff:
``house_board`` receives ``with_names`` from the view, which asks ``access.is_staff_of``.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.models import User
from lindungi.cases.access import Need
from lindungi.shelter.models import (
    HOLDING,
    Bed,
    House,
    Placement,
    PlacementPerson,
    PlacementStatus,
    Room,
)

FREE, OCCUPIED, HELD, OUT = "free", "occupied", "held", "out"
STATES = {
    FREE: _("Free"),
    OCCUPIED: _("Occupied"),
    HELD: _("Held"),
    OUT: _("Out of use"),
}


@dataclass
class BedState:
    bed: Bed
    state: str
    name: str = ""

    @property
    def label(self) -> str:
        return str(STATES[self.state])


@dataclass
class HouseBoard:
    house: House
    rooms: list[tuple[Room, list[BedState]]] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    arrivals: list[Placement] = field(default_factory=list)
    departures: list[Placement] = field(default_factory=list)


def _sleepers(house: House) -> dict:
    """Bed id -> the status of the placement that holds it now."""
    held = PlacementPerson.objects.filter(holding=True, bed__room__house=house)
    return dict(held.values_list("bed_id", "placement__status"))


def _names(user: User, house: House) -> dict:
    """Bed id -> the name of who has it, for the house's staff (the access module's rule)."""
    people = PlacementPerson.objects.restrict(user, Need.CONTENT).filter(
        holding=True, bed__room__house=house
    )
    return {p.bed_id: p.client.name for p in people.select_related("client")}


def _state(bed: Bed, holder: str | None, room_held: bool) -> str:
    if bed.out_of_use:
        return OUT
    if holder == PlacementStatus.STAYING:
        return OCCUPIED
    if holder is not None or room_held:
        return HELD
    return FREE


def house_board(house: House, today: date, user: User | None = None) -> HouseBoard:
    """The board of one house; names only when ``user`` (its staff) is given."""
    board = HouseBoard(house)
    holders = _sleepers(house)
    names = _names(user, house) if user is not None else {}
    held_rooms = set(
        Placement.objects.filter(house=house, status__in=HOLDING, room__isnull=False).values_list(
            "room_id", flat=True
        )
    )
    for room in house.rooms.prefetch_related("beds"):
        beds = [
            BedState(
                bed, _state(bed, holders.get(bed.pk), room.pk in held_rooms), names.get(bed.pk, "")
            )
            for bed in room.beds.all()
        ]
        board.counts.update(b.state for b in beds)
        board.rooms.append((room, beds))
    today_moves = Placement.objects.filter(house=house).select_related("case")
    board.arrivals = list(
        today_moves.filter(Q(status=PlacementStatus.ACCEPTED) | Q(checked_in_on=today))
    )
    board.departures = list(today_moves.filter(checked_out_on=today))
    return board


def all_boards(today: date) -> list[HouseBoard]:
    """Every active house's board, without names."""
    houses = House.objects.filter(service_point__is_active=True).select_related("service_point")
    return [house_board(house, today) for house in houses]
