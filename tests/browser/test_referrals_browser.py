"""Consent and a referral, in Chromium in Bahasa Indonesia: the survivor's consent to a
visum at a named hospital, the referral sent with the minimum fields, the hospital's partner
officer accepting it and recording the visum, the outcome on the case's timeline; then the
consent withdrawn, and the partner's access gone at once."""

import re

import pytest

from lindungi.referrals.models import Provider, Referral, ReferralStatus
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import shown
from tests.browser.marks import commits
from tests.browser.test_report_to_case_browser import (  # noqa: F401 - a fixture
    plain_session_cookie,
    session_of,
    signed_in,
)
from tests.cases.factories import make_case

pytestmark = [pytest.mark.browser, commits]


def submit(page, field):
    page.locator(f'form:has({field}) button[type="submit"]').click()
    page.wait_for_load_state("networkidle")


@pytest.mark.usefixtures("plain_session_cookie")
def test_a_visum_referral_under_her_consent_until_she_withdraws_it(chromium, live_server, personas):
    case = make_case(personas)
    hospital = personas.partner
    Provider.objects.create(unit=hospital, services=["health"], opening_hours="24 jam")
    worker_session = session_of(personas.case_worker_a)
    partner_session = session_of(personas.partner_officer)
    base = f"{live_server.url}/rujukan"

    # The case worker records her consent to a visum referral to the hospital.
    context, page = signed_in(chromium, live_server, worker_session)
    page.goto(f"{base}/kasus/{case.pk}/persetujuan/")
    page.locator('input[name="purpose"][value="referral"]').check()
    page.locator("#id_recipient").select_option(str(hospital.pk))
    for category in ("identity", "demographics", "incident", "accommodations"):
        page.locator(f'input[name="categories"][value="{category}"]').check()
    page.locator('input[name="given_by"][value="survivor"]').check()
    page.locator('input[name="how"][value="signed"]').check()
    assert_accessible(page, "the consent form")
    submit(page, "#id_recipient")
    page.wait_for_url(f"**/rujukan/kasus/{case.pk}/")
    assert hospital.name in page.inner_text("main")
    assert_accessible(page, "the case's consents and referrals")

    # She sends the referral: the visum's fields are ticked, never the narrative.
    page.goto(f"{base}/kasus/{case.pk}/kirim/?service=health&provider={hospital.pk}")
    assert page.locator('input[name="fields"][value="name"]').is_checked()
    assert not page.locator('input[name="fields"][value="narrative"]').is_checked()
    page.locator("#id_purpose").fill("Visum et repertum")
    page.locator("#id_handover_note").fill("Canary-serah: ia memilih dokter perempuan")
    assert_accessible(page, "the referral form")
    submit(page, "#id_purpose")
    page.wait_for_url(re.compile(r"/rujukan/[0-9a-f-]{36}/$"))
    referral = Referral.objects.get()
    assert referral.fields == [
        "survivor_code",
        "name",
        "age",
        "sex",
        "incident_date",
        "incident_kind",
        "accommodations",
    ]
    context.close()

    # The hospital's partner officer finds it, accepts it and records the visum.
    context, partner = signed_in(chromium, live_server, partner_session)
    partner.goto(f"{base}/")  # linked from the home page (tests/referrals/test_pages.py)
    partner.get_by_role("link", name=case.survivor_code).click()
    body = partner.inner_text("main")
    assert "Siti Aminah" in body and "Canary-serah" in body
    assert "Canary narrative text" not in body and "0812" not in body
    assert_accessible(partner, "the referral, to the partner")
    partner.get_by_role("button", name=shown("Accept the referral")).click()
    partner.wait_for_load_state("networkidle")
    partner.locator("#id_outcome").fill("Visum et repertum selesai")
    partner.locator("#id_outcome_on").fill("2026-11-25")
    partner.locator("#id_outcome_reference").fill("VER/77/XI/2026")
    assert_accessible(partner, "the partner's answer")
    submit(partner, "#id_outcome")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DONE
    assert "Siti Aminah" not in partner.inner_text("main")  # done: only the outcome now

    # The case worker sees the outcome on the case's timeline, then withdraws the consent.
    context_w, page = signed_in(chromium, live_server, worker_session)
    page.goto(f"{live_server.url}/kasus/{case.pk}/")
    events = page.locator("ol.timeline li .event").all_inner_texts()
    done = shown("Referral done: the partner recorded the outcome")
    assert any(e.startswith(done) for e in events), events
    page.goto(f"{base}/kasus/{case.pk}/")
    page.get_by_role("button", name=shown("Withdraw")).click()
    page.wait_for_load_state("networkidle")
    assert shown("Until withdrawn") not in page.inner_text("main")
    context_w.close()

    # The partner loses access at once: the referral is gone from the list and its page.
    answer = partner.goto(f"{base}/{referral.pk}/")
    assert answer is not None and answer.status == 404
    partner.goto(f"{base}/")
    assert case.survivor_code not in partner.inner_text("main")
    context.close()
