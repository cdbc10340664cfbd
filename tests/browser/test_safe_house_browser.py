"""The safe house, in Chromium in Bahasa Indonesia: a case worker asks a place for a
survivor and her two children, the house's officer gives them one room whole, checks them
in, writes the daily log and checks them out home; the house's board is right at each step,
and the case's timeline shows the stay without the house's address."""

import re

import pytest

from lindungi.places.models import ServicePoint
from lindungi.shelter.models import Placement
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import shown
from tests.browser.marks import commits
from tests.browser.test_report_to_case_browser import (  # noqa: F401 - a fixture
    plain_session_cookie,
    session_of,
    signed_in,
)
from tests.cases.factories import make_case
from tests.shelter.factories import CANARY_ADDRESS, add_children, make_house

pytestmark = [pytest.mark.browser, commits]
COUNTS = ("free", "occupied", "held", "out", "arrivals", "departures")


def board_counts(page, live_server, house):
    page.goto(f"{live_server.url}/rumah-aman/rumah/{house.pk}/")
    return tuple(int(page.locator(f"dl.counts dd.{name}").inner_text()) for name in COUNTS)


def submit(page, form_action, label):
    form = f'form[action*="/penempatan/"][action$="/{form_action}/"]'
    page.locator(f'{form} button[type="submit"]').click()
    page.wait_for_load_state("networkidle")
    assert shown(label) in page.inner_text("body")


@pytest.mark.usefixtures("plain_session_cookie")
def test_a_family_is_placed_stays_and_goes_home(chromium, live_server, personas):
    ServicePoint.objects.filter(name="Test safe house").update(address=CANARY_ADDRESS)
    house = make_house()
    case = make_case(personas, "a")
    add_children(personas.case_worker_a, case)
    worker_context, worker = signed_in(chromium, live_server, session_of(personas.case_worker_a))
    officer_context, officer = signed_in(
        chromium, live_server, session_of(personas.shelter_officer)
    )
    assert board_counts(officer, live_server, house) == (7, 0, 0, 0, 0, 0)

    # The case worker asks a place for the three of them, from the case's page.
    worker.goto(f"{live_server.url}/kasus/{case.pk}/")
    worker.get_by_role("link", name=shown("Ask for a place in a safe house")).click()
    for box in worker.locator('input[name="people"]').all():
        box.check()
    worker.locator("#id_house").select_option(str(house.pk))
    worker.locator('input[name="urgency"][value="tonight"]').check()
    worker.locator("#id_needs").fill("Anak kedua alergi kacang")
    assert_accessible(worker, "asking for a place")
    worker.locator('form:has(#id_needs) button[type="submit"]').click()
    worker.wait_for_url(re.compile(r"/rumah-aman/penempatan/[0-9a-f-]{36}/$"))
    placement = Placement.objects.get()
    where = f"{live_server.url}/rumah-aman/penempatan/{placement.pk}/"

    # The officer gives them room 1, held whole.
    officer.goto(where)
    assert "Anak Kanari 2" in officer.inner_text("body")
    room = house.rooms.get(name="Kamar 1")
    officer.locator("#accept_room").select_option(str(room.pk))
    officer.locator("#accept_whole_room").check()
    assert_accessible(officer, "the house's answer")
    submit(officer, "terima", "The place is given.")
    assert board_counts(officer, live_server, house) == (3, 0, 4, 0, 1, 0)
    assert_accessible(officer, "the house's board")

    # They arrive; the officer writes the daily log, then checks them out home.
    officer.goto(where)
    submit(officer, "masuk", "She is checked in.")
    assert board_counts(officer, live_server, house) == (3, 3, 1, 0, 1, 0)
    officer.goto(where)
    officer.locator('input[name="kind"][value="log"]').check()
    officer.locator("#record_note").fill("Anak-anak tidur nyenyak, ibu makan dengan baik.")
    submit(officer, "catatan", "Recorded.")
    assert "Anak-anak tidur nyenyak" in officer.inner_text("ul.stay-records")
    officer.locator('input[name="destination"][value="home"]').check()
    officer.locator("#check_out_reason").fill("Pelaku ditahan polisi")
    assert_accessible(officer, "the stay")
    submit(officer, "keluar", "She is checked out.")
    # She arrived and left today: both lists name her.
    assert board_counts(officer, live_server, house) == (7, 0, 0, 0, 1, 1)
    officer_context.close()

    # The case's timeline shows the stay, and the address nowhere on the case's page.
    worker.goto(f"{live_server.url}/kasus/{case.pk}/")
    worker.wait_for_load_state("networkidle")
    events = worker.locator("ol.timeline li .event").all_inner_texts()
    for label in ("Safe house place given", "Stay in a safe house began"):
        assert any(e.startswith(shown(label)) for e in events), events
    assert any(e.startswith(shown("Stay in a safe house ended")) for e in events), events
    assert shown("Home") in " ".join(events)
    assert CANARY_ADDRESS not in worker.content()
    assert_accessible(worker, "the case with its stay")
    worker_context.close()
