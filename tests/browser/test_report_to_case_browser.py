"""The survivor tells her story once, in Chromium in Bahasa Indonesia: a 112 report, its
hand-over to a service centre, the case opened from it, and the case worker who reads the
story, the contact and the safe-contact rules on the case without retyping anything, with
each step on the timeline in order."""

import re

import pytest
from django.conf import settings
from django.test import Client

from lindungi.cases.models import Case
from lindungi.intake.models import Report
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import open_page
from tests.browser.marks import commits
from tests.login import log_in

pytestmark = [pytest.mark.browser, commits]

STORY = "Canary-story: suami memukul saya tadi malam."


@pytest.fixture
def plain_session_cookie(settings):
    # A "__Host-" cookie cannot be handed to the browser from outside (it may carry no
    # domain): the session cookie takes a plain name for this test.
    settings.SESSION_COOKIE_NAME = "lindungi_session"


def session_of(user):
    """A logged-in session (second factor done), made before the browser runs: the test's
    own writes must not meet the live server's on the shared SQLite test database."""
    client = Client()
    log_in(client, user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def signed_in(browser, live_server, session):
    """A browser context in Bahasa Indonesia with the ``session``'s user logged in."""
    context, page = open_page(browser)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session,
                "url": live_server.url,
                "httpOnly": True,
            },
            # Explicitly Indonesian, whatever the suite's default language.
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "id", "url": live_server.url},
        ]
    )
    return context, page


def take_112_call(page, live_server):
    page.goto(f"{live_server.url}/laporan/baru/")
    page.locator("#id_reporter_type_0").check()  # the survivor herself
    page.locator("#id_what_happened").fill(STORY)
    page.locator("#id_kelurahan").select_option("31.74.01.1001")
    page.locator("#id_sexual_violence_72h_0").check()
    page.locator("#id_contact_phone").fill("0812 3456 7890")
    page.locator("#id_people-0-name").fill("Canary-person")
    page.locator("#id_safe_channels_0").check()  # phone call
    for day in range(5):  # Monday to Friday
        page.locator(f"#id_window_call_days_{day}").check()
    page.locator("#id_window_call_start").fill("08:00")
    page.locator("#id_window_call_end").fill("17:00")
    page.locator("#id_code_word").fill("Canary-word")
    page.locator("#id_voicemail_safe_1").check()  # no voicemail
    page.locator("#id_safe_person_name").fill("Canary-sister")
    page.locator("#id_safe_person_phone").fill("0813 1111 2222")
    page.locator("#id_consent_contact").check()
    page.locator("#id_consent_services").check()
    page.wait_for_load_state("networkidle")  # the autosave has had its say
    page.locator('button[name="action"][value="send"]').click()
    page.wait_for_load_state("networkidle")
    return Report.objects.get()


def test_a_112_report_becomes_a_case_the_case_worker_reads_without_retyping(
    chromium, live_server, personas, plain_session_cookie
):
    sessions = {
        name: session_of(getattr(personas, name))
        for name in ("intake_officer", "supervisor_a", "case_worker_a")
    }
    # 112: the call is taken and handed over to the service centre.
    context, page = signed_in(chromium, live_server, sessions["intake_officer"])
    report = take_112_call(page, live_server)
    assert report.status == "received" and report.sexual_violence_72h is True
    page.goto(f"{live_server.url}/laporan/triase/{report.pk}/")
    page.locator("#handover-unit").select_option(str(personas.unit_a.pk))
    page.locator('form[action$="/serahkan/"] button[type="submit"]').click()
    page.wait_for_load_state("networkidle")
    assert "diserahkan kepada Unit A (UPTD PPA)" in page.inner_text("body")
    context.close()

    # The service centre's supervisor: the one eligible unit is chosen already. After
    # opening the case they land on it, and assign the case worker.
    context, page = signed_in(chromium, live_server, sessions["supervisor_a"])
    page.goto(f"{live_server.url}/laporan/triase/")
    page.get_by_text(report.reference).click()
    assert page.locator("#case-unit").input_value() == str(personas.unit_a.pk)
    page.locator('form[action$="/kasus/"] button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/kasus/[0-9a-f-]{36}/$"))
    page.wait_for_load_state("networkidle")
    case = Case.objects.get()
    assert page.url.endswith(f"/kasus/{case.pk}/")
    page.goto(f"{live_server.url}/kasus/{case.pk}/ubah/")
    page.locator("#id_worker").select_option(str(personas.case_worker_a.pk))
    page.locator('form:has(#id_worker) button[type="submit"]').click()
    page.wait_for_url(f"**/kasus/{case.pk}/")
    page.wait_for_load_state("networkidle")
    context.close()

    # The case worker reads everything on the case, in Indonesian.
    context, page = signed_in(chromium, live_server, sessions["case_worker_a"])
    page.goto(f"{live_server.url}/kasus/{case.pk}/")
    # The case page loads parts of itself after the page: let them finish (the test
    # server's SQLite takes one writer at a time).
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "id"
    assert_accessible(page, "the case opened from the report")
    summary = page.locator('section[aria-labelledby="case-summary-heading"]')
    rules = summary.locator("dl.safe-contact").inner_text()
    assert "Panggilan telepon: Senin, Selasa, Rabu, Kamis, Jumat: 08:00–17:00" in rules
    assert "Jangan tinggalkan pesan suara" in rules
    assert "0812 3456 7890" in rules and "Canary-word" in rules
    assert "Canary-sister" in rules and "0813 1111 2222" in rules
    account = page.locator("section.first-account")
    assert STORY in account.locator(".story").inner_text()
    screening = account.locator("dl.screening").inner_text()
    assert "Apakah terjadi kekerasan seksual dalam 72 jam terakhir?\nYa" in screening
    assert "Canary-person" in page.inner_text("body")
    # UU TPKS: the police-report clock runs from the screening answer, nothing coded yet.
    deadlines = page.locator('section[aria-labelledby="case-deadlines-heading"]').inner_text()
    assert "UU TPKS" in deadlines
    steps = page.locator("ol.timeline li .event").all_inner_texts()
    assert steps[:3] == [
        f"Laporan diterima: {report.reference}, Panggilan 112",
        f"Laporan diserahkan: {report.reference} kepada Unit A (UPTD PPA)",
        f"Kasus dibuka: dari laporan {report.reference}",
    ]

    # The report itself, from the case: readable by the case worker, not a 403.
    page.locator(f'a[href="/laporan/triase/{report.pk}/"]').first.click()
    page.wait_for_url(f"**/laporan/triase/{report.pk}/")
    assert STORY in page.inner_text("body")
    assert page.locator(f'a.case-link[href="/kasus/{case.pk}/"]').count() == 1
    context.close()
