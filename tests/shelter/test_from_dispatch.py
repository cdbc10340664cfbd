"""A place asked from the scene of a rapid response dispatch, at night: the team lead on the
dispatch asks it for the people there (chosen without their names, the case file closed to
the crew), follows the house's answer and prints the letter with the meeting point, never
the address; who is not on the dispatch gets 404; a dispatch without a case yet asks for
the visit report first."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lindungi.audit.models import AuditEvent
from lindungi.cases.access import Need
from lindungi.response import actions as response
from lindungi.shelter import access, actions
from lindungi.shelter.models import Placement, PlacementStatus
from tests.cases.factories import make_case
from tests.login import log_in
from tests.response.factories import REQUEST, dispatch_from_report, make_team
from tests.shelter.factories import CANARY_ADDRESS, MEETING_POINT, add_children, make_house

pytestmark = pytest.mark.django_db


@pytest.fixture
def night():
    """01:00 tonight in the deployment's zone, the clock running on: in the night shift."""
    tonight = timezone.make_aware(datetime.combine(timezone.localdate(), time(1)))
    with time_machine.travel(tonight, tick=True):
        yield tonight


@pytest.fixture
def scene(night, module_personas):
    personas = module_personas
    team = make_team(personas)
    case = make_case(personas, "a")
    add_children(personas.case_worker_a, case)
    house = make_house()
    house.service_point.address = CANARY_ADDRESS
    house.service_point.save()
    dispatch = response.request_dispatch(
        personas.case_worker_a, team.unit, REQUEST, case=case, request=None
    )
    return personas, team, case, house, dispatch


def _client(user):
    client = Client()
    log_in(client, user)
    return client


def test_the_team_lead_asks_a_place_from_the_scene_and_follows_it(scene):
    personas, team, case, house, dispatch = scene
    lead = _client(team.lead)
    page = lead.get(reverse("response:dispatch", kwargs={"dispatch_id": dispatch.pk}))
    url = reverse("shelter:request_from_dispatch", kwargs={"dispatch_id": dispatch.pk})
    assert url in page.content.decode()
    form = lead.get(url).content.decode()
    assert "Anak Kanari" not in form and "Siti" not in form
    people = [str(c.pk) for c in case.clients.all()]
    token = form.split('name="form_token" value="')[1].split('"')[0]
    sent = lead.post(
        url,
        {
            "people": people,
            "house": str(house.pk),
            "urgency": "tonight",
            "needs": "Two small children",
            "form_token": token,
        },
    )
    assert sent.status_code == 302, sent.content.decode()
    placement = Placement.objects.get(dispatch=dispatch)
    assert placement.case == case and placement.requested_by == team.lead
    assert placement.people.count() == 3
    # The house answers; the crew follow it and print the letter, never reading the address.
    officer = personas.shelter_officer
    actions.accept(officer, placement, placement.version, house.rooms.first(), whole_room=True)
    followed = lead.get(sent.headers["Location"])
    assert followed.status_code == 200
    # The dispatch's page lists the place asked from it.
    again = lead.get(reverse("response:dispatch", kwargs={"dispatch_id": dispatch.pk}))
    assert sent.headers["Location"] in again.content.decode()
    letter = lead.get(reverse("shelter:letter", kwargs={"placement_id": placement.pk}))
    assert MEETING_POINT in letter.content.decode()
    for answer in (followed, letter):
        assert CANARY_ADDRESS not in answer.content.decode()
    # Never the case file, nor the house's answer.
    assert lead.get(reverse("cases:detail", kwargs={"case_id": case.pk})).status_code == 404
    check_in = reverse("shelter:check_in", kwargs={"placement_id": placement.pk})
    assert lead.post(check_in, {"version": placement.version + 1}).status_code == 404
    # The case's worker sees where it came from, and the address.
    worker = _client(personas.case_worker_a).get(sent.headers["Location"]).content.decode()
    assert CANARY_ADDRESS in worker


def test_who_is_not_on_the_dispatch_gets_404_and_the_crew_only_while_they_act(scene):
    personas, team, case, _house, dispatch = scene
    url = reverse("shelter:request_from_dispatch", kwargs={"dispatch_id": dispatch.pk})
    for user in (team.off_duty, personas.shelter_officer, personas.case_worker_b):
        assert _client(user).get(url).status_code == 404
    survivor = case.clients.get(role="survivor")
    placement = actions.request_from_dispatch(
        team.lead, dispatch, {"people": [survivor], "urgency": "tonight"}
    )
    assert placement.status == PlacementStatus.WAITING and placement.house is None
    where = reverse("shelter:placement", kwargs={"placement_id": placement.pk})
    lead = _client(team.lead)
    assert lead.get(where).status_code == 200
    dispatch = response.cancel(team.lead, dispatch, dispatch.version, "Called off")
    with time_machine.travel(timezone.now() + timedelta(hours=3), tick=False):
        assert not access.may(team.lead, placement, Need.VIEW)


def test_a_dispatch_without_a_case_asks_for_the_visit_report_first(night, module_personas):
    personas = module_personas
    team = make_team(personas)
    dispatch = dispatch_from_report(personas, team)
    url = reverse("shelter:request_from_dispatch", kwargs={"dispatch_id": dispatch.pk})
    page = _client(team.lead).get(url)
    assert page.status_code == 200
    assert reverse("response:visit", kwargs={"dispatch_id": dispatch.pk}) in page.content.decode()
    assert 'name="people"' not in page.content.decode()


def _request_form(client, url):
    form = client.get(url).content.decode()
    return form.split('name="form_token" value="')[1].split('"')[0]


def test_children_on_the_scene_not_yet_in_the_case_are_added_and_placed_once(scene):
    _personas, team, case, house, dispatch = scene
    lead = _client(team.lead)
    url = reverse("shelter:request_from_dispatch", kwargs={"dispatch_id": dispatch.pk})
    survivor = case.clients.get(role="survivor")
    before = set(case.clients.values_list("pk", flat=True))
    base = {"people": [str(survivor.pk)], "house": str(house.pk), "urgency": "tonight"}
    # A sex without an age, or an adult's age, is refused and adds no one.
    for row in ({"child_1_sex": "female"}, {"child_1_age": "18", "child_1_sex": "male"}):
        refused = lead.post(url, {**base, **row, "form_token": _request_form(lead, url)})
        assert refused.status_code == 200 and "child_1_age" in refused.content.decode()
    assert set(case.clients.values_list("pk", flat=True)) == before
    children = {"child_1_age": "4", "child_1_sex": "female", "child_2_age": "9"}
    sent = {**base, **children, "form_token": _request_form(lead, url)}
    first, twin = lead.post(url, sent), lead.post(url, sent)
    assert first.status_code == twin.status_code == 302
    assert first.headers["Location"] == twin.headers["Location"]
    new = case.clients.exclude(pk__in=before).order_by("age_estimate")
    assert [(c.role, c.age_estimate, c.sex, c.name) for c in new] == [
        ("dependant", 4, "female", ""),
        ("dependant", 9, "unknown", ""),
    ]
    placement = Placement.objects.get(dispatch=dispatch)
    assert {person.client for person in placement.people.all()} == {survivor, *new}
    added = AuditEvent.objects.filter(action="client.create", actor=team.lead)
    assert set(added.values_list("object_id", flat=True)) == {str(c.pk) for c in new}
    # Still no case file for the crew.
    assert lead.get(reverse("cases:detail", kwargs={"case_id": case.pk})).status_code == 404
