"""The case's workers cancel a waiting request with its reason; the house gives the beds its
officer chose; only people on her list of visitors (kept by the house's staff, their names
encrypted) may visit, and each visit is recorded; the boards update themselves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from lindungi.cases.models import CaseEvent
from lindungi.shelter import actions
from lindungi.shelter.models import PlacementStatus, Visitor
from tests.cases.factories import make_case
from tests.login import log_in
from tests.shelter.factories import add_children, make_house

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(module_personas):
    personas = module_personas
    case = make_case(personas, "a")
    add_children(personas.case_worker_a, case)
    return personas, case, make_house()


def _ask(personas, case, house=None):
    data = {"people": list(case.clients.all()), "house": house, "urgency": "days"}
    return actions.request_placement(personas.case_worker_a, case, data)


def _client(user):
    client = Client()
    log_in(client, user)
    return client


def test_the_case_worker_cancels_a_waiting_request_with_its_reason(family):
    personas, case, house = family
    placement = _ask(personas, case, house)
    url = reverse("shelter:placement", kwargs={"placement_id": placement.pk})
    worker = _client(personas.case_worker_a)
    assert reverse("shelter:cancel", kwargs={"placement_id": placement.pk}) in (
        worker.get(url).content.decode()
    )
    cancel = reverse("shelter:cancel", kwargs={"placement_id": placement.pk})
    refused = worker.post(cancel, {"version": placement.version, "reason": " "})
    assert refused.status_code == 400
    with pytest.raises(PermissionDenied):  # the house answers; it does not withdraw
        actions.cancel_request(personas.shelter_officer, placement, placement.version, "No")
    done = worker.post(cancel, {"version": placement.version, "reason": "She went to her aunt"})
    assert done.status_code == 302
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.CANCELLED
    assert placement.end_reason == "She went to her aunt"
    assert CaseEvent.objects.filter(case=case, kind="placement_cancelled").exists()
    queue = worker.get(reverse("shelter:queue")).content.decode()
    assert case.survivor_code not in queue
    with pytest.raises(ValidationError):  # nothing left to cancel
        actions.cancel_request(personas.case_worker_a, placement, placement.version, "Again")


def test_the_officer_chooses_the_beds(family):
    personas, case, house = family
    placement = _ask(personas, case, house)
    room = house.rooms.get(name="Kamar 1")
    beds = list(room.beds.order_by("-label")[:3])
    officer = _client(personas.shelter_officer)
    accept = reverse("shelter:accept", kwargs={"placement_id": placement.pk})
    other_room_bed = house.rooms.get(name="Kamar 2").beds.first()
    wrong = [b.pk for b in beds[:2]] + [other_room_bed.pk]
    refused = officer.post(accept, {"version": 1, "room": room.pk, "beds": wrong})
    assert refused.status_code == 400
    too_few = officer.post(accept, {"version": 1, "room": room.pk, "beds": [beds[0].pk]})
    assert too_few.status_code == 400
    given = officer.post(accept, {"version": 1, "room": room.pk, "beds": [b.pk for b in beds]})
    assert given.status_code == 302
    assert {p.bed_id for p in placement.people.all()} == {b.pk for b in beds}


def test_only_those_on_her_list_visit_and_their_names_are_encrypted(family):
    personas, case, house = family
    officer = personas.shelter_officer
    placement = _ask(personas, case, house)
    placement = actions.accept(officer, placement, placement.version, house.rooms.first())
    house_client = _client(officer)
    visitors = reverse("shelter:visitors", kwargs={"placement_id": placement.pk})
    added = house_client.post(visitors, {"name": "Kanari Ibu", "relationship": "Mother"})
    assert added.status_code == 302
    assert house_client.post(visitors, {"name": "Kanari Ibu"}).status_code == 400
    mother = Visitor.objects.get(placement=placement)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM shelter_visitor")
        assert "Kanari" not in str(cursor.fetchall())
    placement = actions.check_in(officer, placement, placement.version)
    with pytest.raises(ValidationError, match="visited"):
        actions.add_record(officer, placement, "visit", "A man at the gate")
    record = reverse("shelter:add_record", kwargs={"placement_id": placement.pk})
    visit = {"kind": "visit", "note": "Brought clothes", "visitor": mother.pk}
    assert house_client.post(record, visit).status_code == 302
    assert placement.records.get().visitor == "Kanari Ibu (Mother)"
    # The case's worker reads the list; the house takes her off it, and she may not come again.
    page = _client(personas.case_worker_a).get(
        reverse("shelter:placement", kwargs={"placement_id": placement.pk})
    )
    assert "Kanari Ibu" in page.content.decode()
    assert house_client.post(visitors, {"remove": mother.pk}).status_code == 302
    assert house_client.post(record, visit).status_code == 400
    assert placement.records.count() == 1


def test_the_boards_update_themselves(family):
    personas, _case, house = family
    client = _client(personas.supervisor_a)
    board = client.get(reverse("shelter:board")).content.decode()
    assert 'hx-trigger="every' in board and 'hx-select="#board"' in board
    again = client.get(reverse("shelter:board"), headers={"HX-Request": "true"})
    assert again.status_code == 200 and 'id="board"' in again.content.decode()
    page = client.get(reverse("shelter:house", kwargs={"house_id": house.pk})).content.decode()
    assert 'hx-select="#house-counts"' in page


def test_a_request_no_house_took_waits_in_the_supervisor_s_overview(family):
    personas, case, house = family
    placement = _ask(personas, case, house)
    overview = reverse("cases:overview")
    supervisor = _client(personas.supervisor_a)
    assert case.survivor_code not in supervisor.get(overview).content.decode()
    actions.decline(personas.shelter_officer, placement, placement.version, "Full tonight")
    assert case.survivor_code in supervisor.get(overview).content.decode()
    other = _client(personas.supervisor_b).get(overview).content.decode()
    assert case.survivor_code not in other
