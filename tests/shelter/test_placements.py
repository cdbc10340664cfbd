"""Safe houses: a family asked for, given one room whole, checked in and out; the capacity
rules; the board; who reaches a placement; nights counted in the deployment's zone; the
alert before the longest stay ends; a bed or room never given twice, even at once."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lindungi.cases.models import CaseEvent
from lindungi.cases.vocabulary import Sex
from lindungi.notifications.models import Kind, Notification
from lindungi.shelter import actions
from lindungi.shelter.access import get_placement_for
from lindungi.shelter.jobs import alert_long_stays
from lindungi.shelter.models import Placement, PlacementStatus
from lindungi.shelter.occupancy import house_board
from tests.cases.factories import make_case
from tests.login import log_in
from tests.shelter.factories import add_children, make_house, other_house

pytestmark = pytest.mark.django_db
JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def family(module_personas):
    """Case A with the survivor and her two children, and the persona's house."""
    personas = module_personas
    case = make_case(personas, "a")
    add_children(personas.case_worker_a, case)
    return personas, case, make_house()


def _ask(personas, case, house, **more):
    data = {"people": list(case.clients.all()), "house": house, "urgency": "tonight", **more}
    return actions.request_placement(personas.case_worker_a, case, data)


def _counts(house):
    return dict(house_board(house, timezone.localdate()).counts)


def test_a_family_gets_a_room_whole_and_the_board_follows_each_step(family):
    personas, case, house = family
    officer = personas.shelter_officer
    placement = _ask(personas, case, house)
    assert _counts(house) == {"free": 7}
    room = house.rooms.get(name="Kamar 1")
    placement = actions.accept(officer, placement, placement.version, room, whole_room=True)
    # Three beds for three people, the fourth held with the room.
    assert _counts(house) == {"held": 4, "free": 3}
    assert {p.bed.room_id for p in placement.people.all()} == {room.pk}
    placement = actions.check_in(officer, placement, placement.version)
    assert _counts(house) == {"occupied": 3, "held": 1, "free": 3}
    actions.add_record(officer, placement, "log", "Slept well; the children went to school.")
    placement = actions.check_out(officer, placement, placement.version, "home", "Safe at home")
    assert _counts(house) == {"free": 7}
    assert placement.nights(timezone.localdate()) == 0
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds[-4:] == ["placement_requested", "placement_accepted", "stay_started", "stay_ended"]
    assert Notification.objects.filter(user=officer, kind=Kind.PLACEMENT_REQUESTED).exists()


def test_a_held_room_or_a_taken_bed_is_not_given_again(family):
    personas, case, house = family
    officer = personas.shelter_officer
    first = _ask(personas, case, house)
    room = house.rooms.get(name="Kamar 1")
    actions.accept(officer, first, first.version, room, whole_room=True)
    other = make_case(personas, "b")
    second = actions.request_placement(
        personas.case_worker_b,
        other,
        {"people": [other.clients.first()], "house": house, "urgency": "days"},
    )
    with pytest.raises(ValidationError):
        actions.accept(officer, second, second.version, room)
    small = house.rooms.get(name="Kamar 2")
    second = actions.accept(officer, second, second.version, small)
    third_case = make_case(personas, "b")
    third = actions.request_placement(
        personas.case_worker_b,
        third_case,
        {"people": [third_case.clients.first()], "house": house, "urgency": "days"},
    )
    with pytest.raises(ValidationError):  # someone sleeps in Kamar 2: not whole
        actions.accept(officer, third, third.version, small, whole_room=True)


def test_the_house_takes_only_whom_it_can(family):
    personas, case, house = family
    house.children_allowed = False
    house.save()
    with pytest.raises(ValidationError, match="children"):
        _ask(personas, case, house)
    house.children_allowed, house.wheelchair_accessible = True, False
    house.save()
    with pytest.raises(ValidationError, match="wheelchair"):
        _ask(personas, case, house, needs_wheelchair=True)
    survivor = case.clients.get(role="survivor")
    survivor.sex = Sex.MALE
    survivor.save()
    with pytest.raises(ValidationError, match="sex"):
        _ask(personas, case, house)


def test_a_declined_request_waits_in_the_queue_with_its_reason(family, client):
    personas, case, house = family
    placement = _ask(personas, case, house)
    with pytest.raises(ValidationError):
        actions.decline(personas.shelter_officer, placement, placement.version, " ")
    placement = actions.decline(
        personas.shelter_officer, placement, placement.version, "Full tonight"
    )
    assert placement.house is None and placement.status == PlacementStatus.WAITING
    assert placement.declines.get().reason == "Full tonight"
    log_in(client, personas.supervisor_a)
    page = client.get(reverse("shelter:queue")).content.decode()
    assert case.survivor_code in page


def test_a_case_worker_cannot_give_the_house_s_answer(family):
    personas, case, house = family
    placement = _ask(personas, case, house)
    with pytest.raises(PermissionDenied):
        actions.accept(personas.case_worker_a, placement, placement.version, house.rooms.first())


def test_another_house_s_officer_gets_404_and_the_house_only_a_while_after(family):
    personas, case, house = family
    _other, stranger = other_house()
    officer = personas.shelter_officer
    placement = _ask(personas, case, house)
    url = reverse("shelter:placement", kwargs={"placement_id": placement.pk})
    strange = Client()
    log_in(strange, stranger)
    assert strange.get(url).status_code == 404
    placement = actions.accept(officer, placement, placement.version, house.rooms.first())
    placement = actions.check_in(officer, placement, placement.version)
    placement = actions.check_out(officer, placement, placement.version, "family", "")
    assert get_placement_for(officer, placement.pk) == placement
    # The case's own worker still sees it; the house no longer, once the window is past.
    later = timezone.now() + timedelta(hours=73)
    with time_machine.travel(later, tick=False):
        assert get_placement_for(personas.case_worker_a, placement.pk) == placement
        house_client = Client()
        log_in(house_client, officer)
        assert house_client.get(url).status_code == 404
    # The house never reaches the case file.
    case_url = reverse("cases:detail", kwargs={"case_id": case.pk})
    house_client = Client()
    log_in(house_client, officer)
    assert house_client.get(case_url).status_code == 404


@pytest.mark.parametrize(
    ("arrived", "left", "nights"),
    [
        (date(2026, 1, 30), date(2026, 2, 2), 3),  # across a month end
        (date(2026, 12, 30), date(2027, 1, 2), 3),  # across a year end
        (date(2028, 2, 28), date(2028, 3, 1), 2),  # a leap day
        (date(2026, 5, 1), date(2026, 5, 1), 0),  # in and out the same day
    ],
)
def test_nights_count_from_check_in_up_to_not_including_check_out(arrived, left, nights):
    placement = Placement(checked_in_on=arrived, checked_out_on=left)
    assert placement.nights(date(2030, 1, 1)) == nights


def test_nights_are_counted_on_the_deployment_s_days_not_utc(family, settings):
    personas, case, house = family
    officer = personas.shelter_officer
    placement = _ask(personas, case, house)
    placement = actions.accept(officer, placement, placement.version, house.rooms.first())
    # 31 December, 18:30 UTC is already 1 January in Jakarta.
    new_year = datetime(2027, 1, 1, 1, 30, tzinfo=JAKARTA)
    with time_machine.travel(new_year - timedelta(days=1), tick=False):
        placement = actions.check_in(officer, placement, placement.version)
    assert placement.checked_in_on == date(2026, 12, 31)
    with time_machine.travel(new_year + timedelta(days=2), tick=False):
        assert timezone.localdate() == date(2027, 1, 3)
        assert placement.nights(timezone.localdate()) == 3
        placement = actions.check_out(officer, placement, placement.version, "home", "")
    assert placement.checked_out_on == date(2027, 1, 3)
    assert placement.nights(date(2099, 1, 1)) == 3
    settings.TIME_ZONE = "Asia/Jayapura"  # two hours ahead: the stored days stay as they were
    assert placement.nights(date(2099, 1, 1)) == 3


def test_a_stay_near_its_longest_is_alerted_once(family, settings):
    personas, case, house = family
    settings.SHELTER_MAX_STAY_DAYS, settings.SHELTER_ALERT_DAYS_BEFORE = 30, 5
    officer = personas.shelter_officer
    placement = _ask(personas, case, house)
    placement = actions.accept(officer, placement, placement.version, house.rooms.first())
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        placement = actions.check_in(officer, placement, placement.version)
        assert alert_long_stays() == 0
    with time_machine.travel(start + timedelta(days=25), tick=False):
        assert alert_long_stays() == 1
        assert alert_long_stays() == 0
    alerted = set(Notification.objects.filter(kind=Kind.STAY_ENDING).values_list("user", flat=True))
    assert alerted == {personas.supervisor_a.pk, officer.pk}
