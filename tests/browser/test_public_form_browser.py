"""The public form in a real browser: fill it, see the reference; quick exit leaves no way
Back; Shift three times does the same; and the same form without JavaScript."""

import re

import pytest

from lindungi.intake.models import Report
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import open_page, shown
from tests.browser.marks import commits

pytestmark = [pytest.mark.browser, commits]


def fill_in(page):
    page.get_by_role("radio", name=shown("It happened to someone else")).check()
    page.get_by_label(shown("If it happened to someone else: who are they to you?")).fill(
        "neighbour"
    )
    page.get_by_label(shown("What happened?")).fill("Canary-story: shouting and crying next door.")
    page.get_by_label(shown("Or roughly when")).fill("tonight")
    page.locator("#id_kelurahan").select_option("31.74.01.1001")
    page.locator("#id_in_danger_now_0").check()
    page.locator("#id_injuries_2").check()


def send_and_read_reference(page):
    page.get_by_role("button", name=shown("Send the report")).click()
    page.wait_for_selector("#reference")
    return page.inner_text("#reference"), page.inner_text("#pin")


@pytest.mark.parametrize("browser_language", ["id", "en"], indirect=True)
def test_a_person_fills_the_form_and_sees_the_reference(
    chromium, live_server, fast_form, browser_language
):
    context, page = open_page(chromium)
    page.goto(f"{live_server.url}/lapor/")
    fill_in(page)
    assert_accessible(page, "the public form, filled in")
    reference, pin = send_and_read_reference(page)
    assert_accessible(page, "the public form's reference")
    assert re.fullmatch(r"LP-[0-9A-Z]{5}-[0-9A-Z]{5}", reference)
    assert re.fullmatch(r"\d{6}", pin)
    stored = Report.objects.get(reference=reference)
    assert stored.risk == "high" and stored.channel == "online"
    assert reference not in page.url and pin not in page.url
    context.close()


def test_quick_exit_comes_first_and_leaves_no_way_back(chromium, live_server):
    context, page = open_page(chromium)
    page.goto(f"{live_server.url}/healthz")
    page.goto(f"{live_server.url}/lapor/")
    page.keyboard.press("Tab")  # from the top of the page: the first stop
    assert page.evaluate("document.activeElement.id") == "quick-exit"
    page.get_by_label(shown("What happened?")).fill("Canary-story")
    page.get_by_role("link", name=shown("Quick exit")).click()
    page.wait_for_url("https://www.google.com/**")
    assert context.referers_sent_out == [None]  # the neutral site learns nothing
    page.go_back()
    assert "/lapor/" not in page.url
    context.close()


def test_pressing_shift_three_times_leaves_at_once(chromium, live_server):
    context, page = open_page(chromium)
    page.goto(f"{live_server.url}/healthz")
    page.goto(f"{live_server.url}/lapor/")
    page.get_by_label(shown("What happened?")).fill("Canary-story")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url("https://www.google.com/**")
    page.go_back()
    assert "/lapor/" not in page.url
    context.close()


def test_the_same_form_works_without_javascript(chromium, live_server, fast_form):
    context, page = open_page(chromium, javascript=False)
    page.goto(f"{live_server.url}/lapor/")
    fill_in(page)
    reference, _pin = send_and_read_reference(page)
    assert Report.objects.filter(reference=reference).exists()
    # Without JavaScript quick exit is an ordinary link to the neutral page.
    page.get_by_role("link", name=shown("Quick exit")).click()
    page.wait_for_url("https://www.google.com/**")
    context.close()


def test_the_form_passes_under_the_content_security_policy(chromium, live_server):
    context, page = open_page(chromium)
    violations = []
    page.on("console", lambda message: violations.append(message.text))
    page.goto(f"{live_server.url}/lapor/")
    page.wait_for_load_state("load")
    assert not [v for v in violations if "Content Security Policy" in v]
    context.close()
