"""Chromium in Bahasa Indonesia shows the stored dates of the incident, service and
sanction forms in their date inputs, and saving them unchanged keeps every date."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lindungi.cases import actions
from lindungi.cases.models import Incident
from lindungi.casework import actions as work
from lindungi.casework.models import PlannedService, SanctionTrack
from tests.browser.conftest import log_in_browser, open_page
from tests.browser.marks import commits
from tests.cases.factories import make_case

pytestmark = [pytest.mark.browser, commits]


@pytest.fixture
def records(personas):
    """A restricted case (its perpetrator is a public employee: a sanction track) whose
    incident, service and sanction carry dates, all before today whatever today is."""
    today = timezone.localdate()
    worker = personas.case_worker_a
    case = make_case(personas, "a", restricted=True)
    incident = case.incidents.get()
    incident = actions.update_incident(
        worker,
        incident,
        incident.version,
        {"occurred_on": today - timedelta(days=40), "reported_on": today - timedelta(days=38)},
    )
    service = work.add_service(
        worker,
        case,
        {
            "type": "health",
            "provider_name": "RSUD Tebet",
            "due_on": today - timedelta(days=20),
            "status": "done",
            "done_on": today - timedelta(days=21),
        },
    )
    track = case.sanctions.get()
    track = work.update_sanction(
        worker,
        track,
        track.version,
        {"notified_on": today - timedelta(days=30), "decided_on": today - timedelta(days=3)},
    )
    return {
        reverse("cases:edit_incident", args=[incident.pk]): (
            incident,
            ["occurred_on", "reported_on"],
        ),
        reverse("cases:edit_service", args=[service.pk]): (service, ["due_on", "done_on"]),
        reverse("cases:edit_sanction", args=[case.pk]): (track, ["notified_on", "decided_on"]),
    }


def stored(record, names):
    fresh = type(record).objects.get(pk=record.pk)
    return {name: getattr(fresh, name) for name in [*names, "version"]}


def test_the_date_inputs_show_the_stored_dates_and_saving_unchanged_keeps_them(
    chromium, live_server, personas, records, browser_language
):
    assert browser_language == "id"
    context, page = open_page(chromium)
    log_in_browser(context, live_server, personas.case_worker_a)
    for path, (record, names) in records.items():
        before = stored(record, names)
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == "id"
        for name in names:
            field = page.locator(f"#id_{name}")
            assert field.get_attribute("type") == "date"
            assert field.input_value() == before[name].isoformat(), f"{path} {name}"
        with page.expect_navigation():
            page.locator(f"form:has(#id_{names[0]}) button[type=submit]").first.click()
        # The case page loads its sections after it: let them finish before the next page,
        # since the live server's test database serves one request at a time.
        page.wait_for_load_state("networkidle")
        assert page.url != f"{live_server.url}{path}", f"{path} was not saved"
        assert stored(record, names) == before, path
    assert {type(r) for r, _names in records.values()} == {Incident, PlannedService, SanctionTrack}
    context.close()
