"""The safe house's address, a canary street, is followed through a whole placement: it
shows only on the placement's own page (to the house's staff and to those helping on the
case, while the house holds her place) and on the house's board for its staff; never in a
list, the letter, a URL, an alert, an outbound message, the timeline, an audit row or a
log line."""

import logging

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from lindungi.audit.models import AuditEvent
from lindungi.cases.models import CaseEvent
from lindungi.notifications.models import Notification
from lindungi.notifications.outbound import OutboundMessage
from lindungi.places.models import ServicePoint
from lindungi.shelter import actions
from tests.cases.factories import make_case
from tests.login import log_in
from tests.shelter.factories import CANARY_ADDRESS, MEETING_POINT, add_children, make_house

pytestmark = pytest.mark.django_db
# (route, persona) pairs that may show the address; everything else must not.
ALLOWED = {
    ("shelter:placement", "shelter_officer"),
    ("shelter:placement", "case_worker_a"),
    ("shelter:placement", "supervisor_a"),
    ("shelter:house", "shelter_officer"),
    # The home page lists the places of the user's own units, with their addresses
    # (``ServicePoint.address_visible_to``): the house's staff see their own house's.
    ("home", "shelter_officer"),
}


def _pages(placement, case):
    ids = {"placement_id": placement.pk}
    return {
        "shelter:board": reverse("shelter:board"),
        "shelter:queue": reverse("shelter:queue"),
        "shelter:house": reverse("shelter:house", kwargs={"house_id": placement.house_id}),
        "shelter:placement": reverse("shelter:placement", kwargs=ids),
        "shelter:letter": reverse("shelter:letter", kwargs=ids),
        "cases:detail": reverse("cases:detail", kwargs={"case_id": case.pk}),
        "api:case": reverse("api:case", kwargs={"case_id": case.pk}),
        "notifications:list": reverse("notifications:list"),
        "home": reverse("home"),
    }


def _read_everything(personas, placement, case, seen):
    for name, user in personas.everyone():
        client = Client()
        log_in(client, user)
        for route, url in _pages(placement, case).items():
            assert CANARY_ADDRESS not in url
            body = client.get(url).content.decode()
            if CANARY_ADDRESS in body:
                seen.add((route, name))


def _rows_hold_the_canary():
    """Every row of the tables a placement writes to, and the alerts' and audit's, as text."""
    models = [AuditEvent, CaseEvent, Notification, OutboundMessage]
    models += list(apps.get_app_config("shelter").get_models())
    return [
        model.__name__
        for model in models
        for row in model.objects.values()
        if CANARY_ADDRESS in str(row)
    ]


def test_the_address_shows_only_where_it_is_allowed(module_personas, caplog):
    personas = module_personas
    caplog.set_level(logging.DEBUG)
    ServicePoint.objects.filter(name="Test safe house").update(address=CANARY_ADDRESS)
    house = make_house()
    case = make_case(personas, "a")
    add_children(personas.case_worker_a, case)
    officer = personas.shelter_officer
    asked = {"people": list(case.clients.all()), "house": house, "urgency": "tonight"}
    placement = actions.request_placement(personas.case_worker_a, case, asked)
    placement = actions.accept(
        officer, placement, placement.version, house.rooms.first(), whole_room=True
    )
    seen = set()
    # The letter for transport gives the meeting point instead.
    letter = Client()
    log_in(letter, personas.case_worker_a)
    page = letter.get(reverse("shelter:letter", kwargs={"placement_id": placement.pk}))
    assert MEETING_POINT in page.content.decode()
    placement = actions.check_in(officer, placement, placement.version)
    actions.add_record(officer, placement, "log", "Tidur nyenyak")
    _read_everything(personas, placement, case, seen)
    placement = actions.check_out(officer, placement, placement.version, "home", "Aman")
    after = set()
    _read_everything(personas, placement, case, after)
    assert seen == ALLOWED
    # Once she left, only the house's own board still shows it, to its staff.
    assert after == {("shelter:house", "shelter_officer"), ("home", "shelter_officer")}
    assert _rows_hold_the_canary() == []
    assert CANARY_ADDRESS not in caplog.text
