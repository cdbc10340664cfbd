"""The safe-house API: a family asked for, given the beds the officer chose, checked in and
out, each step with the placement's ETag; the board's counts at each step, without names;
a waiting request cancelled by the case's worker; bad input refused, changing nothing; the
house's address never in an answer."""

import json

import pytest
from django.test import Client

from lindungi.shelter.models import Placement, PlacementStatus
from tests.cases.factories import make_case
from tests.login import log_in
from tests.shelter.factories import CANARY_ADDRESS, add_children, make_house, other_house

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def family(module_personas):
    personas = module_personas
    case = make_case(personas, "a")
    add_children(personas.case_worker_a, case)
    house = make_house()
    house.service_point.address = CANARY_ADDRESS
    house.service_point.save()
    return personas, case, house


def _client(user):
    client = Client()
    log_in(client, user)
    return client


def _post(client, url, body, etag=None):
    headers = {"If-Match": etag} if etag else {}
    return client.post(url, json.dumps(body), content_type=JSON, headers=headers)


def _counts(client, house):
    rows = client.get("/api/v1/safe-houses").json()
    row = next(r for r in rows if r["house"] == str(house.pk))
    return {k: row[k] for k in ("free", "occupied", "held", "arriving_today", "leaving_today")}


def test_a_family_goes_through_the_house_by_the_api(family):
    personas, case, house = family
    worker, officer = _client(personas.case_worker_a), _client(personas.shelter_officer)
    analyst = _client(personas.analyst)
    answers = []
    people = [str(c.pk) for c in case.clients.all()]
    asked = _post(
        worker,
        f"/api/v1/cases/{case.pk}/placements",
        {"people": people, "house": str(house.pk), "urgency": "tonight", "needs": "Asthma"},
    )
    assert asked.status_code == 201, asked.content
    url = asked.headers["Location"]
    answers.append(asked)
    assert _counts(analyst, house) == {
        "free": 7,
        "occupied": 0,
        "held": 0,
        "arriving_today": 0,
        "leaving_today": 0,
    }
    seen = officer.get(url)
    assert {p["name"] for p in seen.json()["people"]} >= {"Anak Kanari 1", "Anak Kanari 2"}
    steps = f"{url}/steps"
    room = house.rooms.get(name="Kamar 1")
    beds = [str(b.pk) for b in room.beds.order_by("-label")[:3]]
    step = {"step": "accept", "room": str(room.pk)}
    assert _post(officer, steps, step).status_code == 428
    assert _post(officer, steps, step, '"99"').status_code == 412
    accepted = _post(
        officer, steps, {"step": "accept", "room": str(room.pk), "beds": beds}, seen.headers["ETag"]
    )
    assert accepted.status_code == 200, accepted.content
    assert [p["bed"] for p in accepted.json()["people"]] == beds
    assert _counts(analyst, house)["held"] == 3
    assert _counts(analyst, house)["arriving_today"] == 1
    checked_in = _post(officer, steps, {"step": "check_in"}, accepted.headers["ETag"])
    assert checked_in.json()["status"] == PlacementStatus.STAYING
    assert _counts(analyst, house)["occupied"] == 3
    out = _post(
        officer,
        steps,
        {"step": "check_out", "destination": "home", "reason": "Safe at home"},
        checked_in.headers["ETag"],
    )
    assert out.status_code == 200 and out.json()["nights"] == 0
    assert _counts(analyst, house)["free"] == 7
    answers += [seen, accepted, checked_in, out, worker.get(f"/api/v1/cases/{case.pk}/placements")]
    answers.append(analyst.get("/api/v1/safe-houses"))
    for answer in answers:
        assert CANARY_ADDRESS not in answer.content.decode()
    listed = answers[-2].json()
    assert listed[0]["end_reason"] == "Safe at home" and listed[0]["destination"] == "home"


def test_a_waiting_request_is_seen_by_every_house_without_names_and_cancelled(family):
    personas, case, _house = family
    _other, stranger = other_house()
    worker = _client(personas.case_worker_a)
    survivor = case.clients.get(role="survivor")
    asked = _post(
        worker,
        f"/api/v1/cases/{case.pk}/placements",
        {"people": [str(survivor.pk)], "urgency": "days", "needs": "Canary needs"},
    )
    url = asked.headers["Location"]
    queued = _client(stranger).get(url)
    assert queued.status_code == 200
    assert queued.json()["people"][0]["name"] == ""
    assert "Canary needs" not in queued.content.decode()
    # The house's staff cannot withdraw the case's request; nor can the worker without a reason.
    cancel = {"step": "cancel", "reason": "She went to her sister"}
    assert _post(_client(stranger), f"{url}/steps", cancel, '"1"').status_code == 404
    refused = _post(worker, f"{url}/steps", {"step": "cancel"}, '"1"')
    assert refused.status_code == 422 and "reason" in refused.json()["errors"]
    done = _post(worker, f"{url}/steps", cancel, '"1"')
    assert done.json()["status"] == PlacementStatus.CANCELLED
    assert _client(stranger).get(url).status_code == 404


def test_bad_input_is_refused_and_changes_nothing(family):
    personas, case, house = family
    other = make_case(personas, "a")
    worker = _client(personas.case_worker_a)
    cases_url = f"/api/v1/cases/{case.pk}/placements"
    alien = {"people": [str(other.clients.get().pk)], "urgency": "days"}
    stranger = _post(worker, cases_url, alien)
    assert stranger.status_code == 422 and "people" in stranger.json()["errors"]
    nowhere = _post(
        worker,
        cases_url,
        {"people": [str(case.clients.first().pk)], "urgency": "days", "house": str(case.pk)},
    )
    assert nowhere.status_code == 422 and "house" in nowhere.json()["errors"]
    assert not Placement.objects.filter(case=case).exists()
    survivor = case.clients.get(role="survivor")
    asked = _post(worker, cases_url, {"people": [str(survivor.pk)], "house": str(house.pk)})
    assert asked.status_code == 422 and "urgency" in asked.json()["errors"]
    asked = _post(
        worker, cases_url, {"people": [str(survivor.pk)], "house": str(house.pk), "urgency": "days"}
    )
    officer = _client(personas.shelter_officer)
    steps = f"{asked.headers['Location']}/steps"
    small, big = house.rooms.get(name="Kamar 2"), house.rooms.get(name="Kamar 1")
    wrong_bed = str(big.beds.first().pk)
    refused = _post(
        officer, steps, {"step": "accept", "room": str(small.pk), "beds": [wrong_bed]}, '"1"'
    )
    assert refused.status_code == 422 and "beds" in refused.json()["errors"]
    assert Placement.objects.get(case=case).status == PlacementStatus.WAITING
