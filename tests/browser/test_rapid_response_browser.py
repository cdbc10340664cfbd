"""The rapid response unit, in Chromium in Bahasa Indonesia: a high-risk 112 report, a
dispatch asked from it, the team lead working it on a phone, the board following without a
reload, and the visit report on the case opened from it."""

import re

import pytest

from lindungi.cases.models import Case
from lindungi.intake import actions as intake
from lindungi.response.models import Dispatch, DispatchStatus
from lindungi.response.views import dispatch as dispatch_views
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import shown
from tests.browser.marks import commits
from tests.browser.test_report_to_case_browser import (  # noqa: F401 - a fixture
    plain_session_cookie,
    session_of,
    signed_in,
)
from tests.response.factories import high_risk_report, make_team, mid_shift  # noqa: F401

pytestmark = [pytest.mark.browser, commits]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def fast_board(monkeypatch):
    # The board asks every second instead of every ten: the test waits less.
    monkeypatch.setattr(dispatch_views, "POLL_SECONDS", 1)


def step(page, label, where=""):
    if where:
        page.locator(f'input[name="taken_to"][value="{where}"]').check()
    page.locator("form.next-step button.big").click()
    page.wait_for_load_state("networkidle")
    assert shown(label) in page.locator("h1").inner_text()


@pytest.mark.usefixtures("plain_session_cookie", "fast_board", "mid_shift")
def test_a_high_risk_112_report_gets_a_team_out_and_back_with_the_visit_on_the_case(
    chromium, live_server, personas
):
    team = make_team(personas)
    report = high_risk_report(personas)
    report = intake.hand_over(personas.intake_officer, report, report.version, personas.unit_a)
    assert report.risk == "high"
    sessions = {
        "officer": session_of(personas.intake_officer),
        "lead": session_of(team.lead),
        "supervisor": session_of(team.supervisor),
        "centre": session_of(personas.supervisor_a),
    }
    # The rapid response supervisor watches the board: it must follow without a reload.
    board_context, board = signed_in(chromium, live_server, sessions["supervisor"])
    board.goto(f"{live_server.url}/reaksi-cepat/")
    board.evaluate("window.notReloaded = true")
    assert shown("No open dispatch.") in board.inner_text("#board")

    # 112: the officer sends the team from the report, seeing who is on call.
    context, page = signed_in(chromium, live_server, sessions["officer"])
    page.goto(f"{live_server.url}/laporan/triase/{report.pk}/")
    page.get_by_role("link", name=shown("Send the rapid response team")).click()
    assert team.lead.display_name in page.inner_text("body")
    page.locator("#id_location").fill("Canary-lokasi: Jl. Melati 4, rumah belakang")
    page.locator("#id_danger").fill("Canary-bahaya: dia membawa pisau")
    page.locator("#id_children_present").check()
    page.locator('form:has(#id_location) button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/reaksi-cepat/penugasan/[0-9a-f-]{36}/$"))
    assert_accessible(page, "the dispatch asked")
    dispatch = Dispatch.objects.get()
    context.close()
    board.get_by_text(shown("Requested")).first.wait_for()

    # The team lead, on a phone, takes it up and works it to the end.
    context, page = signed_in(chromium, live_server, sessions["lead"])
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/reaksi-cepat/penugasan/{dispatch.pk}/")
    assert "Canary-bahaya" in page.inner_text("body")
    assert_accessible(page, "the dispatch on a phone")
    button = page.locator("form.next-step button.big").bounding_box()
    assert button is not None and button["width"] > PHONE["width"] * 0.8
    step(page, "Acknowledged")
    board.get_by_text(shown("Acknowledged")).first.wait_for()
    assert_accessible(board, "the board, a dispatch under way")
    step(page, "En route")
    step(page, "On scene")
    step(page, "Survivor safe", where="safe_house")
    step(page, "Cleared")
    context.close()
    board.get_by_text(shown("No open dispatch.")).wait_for()
    assert board.evaluate("window.notReloaded") is True
    board_context.close()
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.CLEARED and dispatch.taken_to == "safe_house"
    assert dispatch.seconds_to_on_scene is not None

    # The service centre's supervisor writes the visit report, opening the case with it.
    context, page = signed_in(chromium, live_server, sessions["centre"])
    page.goto(f"{live_server.url}/reaksi-cepat/penugasan/{dispatch.pk}/kunjungan/")
    page.locator("#id_found").fill("Canary-temuan: aman, anak-anak bersamanya")
    page.locator('input[name="taken_to"][value="safe_house"]').check()
    page.locator('input[name="risk_now"][value="medium"]').check()
    page.locator("#id_open_in").select_option(str(personas.unit_a.pk))
    page.locator('form:has(#id_found) button[type="submit"]').click()
    page.wait_for_url(f"**/reaksi-cepat/penugasan/{dispatch.pk}/")
    case = Case.objects.get()
    page.goto(f"{live_server.url}/kasus/{case.pk}/")
    page.wait_for_load_state("networkidle")
    events = page.locator("ol.timeline li .event").all_inner_texts()
    assert any(e.startswith(shown("Rapid response visit report")) for e in events), events
    context.close()
