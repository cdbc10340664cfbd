"""The analyst's dashboard in Chromium, in Bahasa Indonesia (issue 16): filtered to Jakarta
Pusat (31.71) and one month, it shows the counts a direct recount of the records gives;
then the public page the analyst's publication feeds. Both pages pass axe."""

from datetime import date

import pytest
from django.conf import settings
from django.test import Client

from lindungi.stats import rollup
from lindungi.stats.counts import recount
from tests.browser.accessibility import assert_accessible
from tests.browser.marks import commits
from tests.browser.test_report_to_case_browser import (  # noqa: F401 - a fixture
    plain_session_cookie,
    signed_in,
)
from tests.login import log_in
from tests.stats.world import RAPE, head_of_service, new_case

pytestmark = [pytest.mark.browser, commits]
REGIONS = ("31.71.01.1001", "31.74.01.1001")


def _direct(measure, kota, month):
    """The recount from the records themselves: no rollup read."""
    return sum(
        n
        for (_unit, day, k, _gbv, m, dimension, _v), n in recount().items()
        if m == measure and dimension == "total" and k == kota and day.startswith(month)
    )


@pytest.mark.usefixtures("plain_session_cookie")
def test_the_analyst_s_dashboard_for_jakarta_pusat_and_one_month_matches_a_recount(
    chromium, live_server, personas
):
    from lindungi.places.models import Region

    sexual_assault = {"rape": False, "sexual_assault": True}
    for n, day in enumerate([date(2026, 10, 3), date(2026, 10, 20), date(2026, 9, 30)] * 2):
        where = {"kelurahan": Region.objects.get(code=REGIONS[n % 2])}
        answers = RAPE if n % 3 else sexual_assault
        dates = {"occurred_on": day, "reported_on": day}
        new_case(personas, survivors=1 + n % 2, gbv_answers=answers, **dates, **where)
    rollup.apply_all()
    client = Client()
    log_in(client, personas.analyst)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    context, page = signed_in(chromium, live_server, session)
    page.goto(f"{live_server.url}/statistik/")
    page.select_option("#id_start", "2026-10")
    page.select_option("#id_end", "2026-10")
    page.select_option("#id_kota", "31.71")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_url("**/statistik/?*kota=31.71*")
    shown = {
        row.locator("th").inner_text(): int(row.locator("td").inner_text())
        for row in page.locator("#stats-totals tr").all()
    }
    expected = {
        "Korban": _direct("survivors", "31.71", "2026-10"),
        "Kejadian": _direct("incidents", "31.71", "2026-10"),
        "Terduga pelaku": _direct("perpetrators", "31.71", "2026-10"),
    }
    assert expected["Kejadian"] > 0
    for label, n in expected.items():
        assert shown[label] == n, label
    assert page.locator("svg.chart").count() == 3
    assert_accessible(page, "the statistics dashboard")

    page.get_by_role("button", name="Terbitkan statistik tahun ini").click()
    page.get_by_role("link", name="Lihat halaman publik").click()
    assert page.locator("#quick-exit").count() == 1
    assert_accessible(page, "the public statistics")
    context.close()


@pytest.mark.usefixtures("plain_session_cookie")
def test_the_head_of_service_s_dashboard_shows_the_city_s_quality_and_passes_axe(
    chromium, live_server, personas
):
    from lindungi.casework import actions as work

    for n in range(3):
        case = new_case(personas, occurred_on=date(2026, 10, 3), reported_on=date(2026, 10, 3))
        if n:
            work.add_note(personas.case_worker_a, case, "Called")
    rollup.apply_all()
    client = Client()
    log_in(client, head_of_service(personas))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    context, page = signed_in(chromium, live_server, session)
    page.goto(f"{live_server.url}/statistik/layanan/")
    page.select_option("#id_kota", "31.71")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_url("**/statistik/layanan/?*kota=31.71*")
    contact = page.locator("#head-times tbody tr").first
    # Two of the three cases opened today were contacted at once; one is waiting.
    assert contact.locator("td").all_inner_texts()[:2] == ["2", "0"]
    assert page.locator("#head-coverage tbody tr").count() == 1
    assert page.locator("svg.chart").count() == 5
    assert_accessible(page, "the head of service's dashboard")
    context.close()
