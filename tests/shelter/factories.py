"""Safe houses with rooms and beds, a second house with its own officer, and a family to
place: for the shelter tests."""

from datetime import date

from lindungi.accounts.models import Unit
from lindungi.accounts.roles import Role, UnitType
from lindungi.cases import actions as case_actions
from lindungi.cases.vocabulary import Sex
from lindungi.places.models import ServicePoint, ServicePointKind
from lindungi.shelter.models import Bed, House, Room
from tests.personas import _user

# A street that must never show outside the allowed pages.
CANARY_ADDRESS = "Jl. Kanari Rahasia 77"
MEETING_POINT = "Halte TransJakarta Tebet, pintu utara"


def make_house(service_point=None, rooms=(("Kamar 1", 4), ("Kamar 2", 3))):
    """The persona's safe house (``service_point`` none), set up once, with its rooms."""
    point = service_point or ServicePoint.objects.get(name="Test safe house")
    house, made = House.objects.get_or_create(
        service_point=point, defaults={"meeting_point": MEETING_POINT}
    )
    if made:
        for name, beds in rooms:
            room = Room.objects.create(house=house, name=name)
            Bed.objects.bulk_create(
                [Bed(room=room, label=f"{name[-1]}{chr(65 + i)}") for i in range(beds)]
            )
    return house


def other_house(key="other"):
    """A second safe house with its own shelter officer: (house, officer)."""
    unit = Unit.objects.create(
        name=f"Safe house {key}", type=UnitType.SAFE_HOUSE, region_id="31.74"
    )
    point = ServicePoint.objects.create(
        name=f"Safe house {key}",
        kind=ServicePointKind.SAFE_HOUSE,
        unit=unit,
        region_id="31.74.01.1001",
        address=CANARY_ADDRESS + " B",
    )
    officer = _user(f"shelter_{key}", unit, Role.SHELTER_OFFICER)
    return make_house(point), officer


def add_children(worker, case, count=2):
    """The survivor's children, dependants of the case."""
    return [
        case_actions.add_client(
            worker,
            case,
            {
                "role": "dependant",
                "name": f"Anak Kanari {i + 1}",
                "birth_date": date(2018 + i, 3, 1),
                "sex": Sex.MALE if i else Sex.FEMALE,
            },
        )
        for i in range(count)
    ]
