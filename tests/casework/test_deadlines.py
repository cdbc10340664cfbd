"""Deadlines against a fixed clock, in Asia/Jakarta."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lindungi.cases import actions
from lindungi.cases.vocabulary import GbvType
from lindungi.casework import actions as work
from lindungi.casework.deadlines import case_deadlines, end_of_day, follow_up_due
from tests.cases.factories import make_case

JAKARTA = ZoneInfo("Asia/Jakarta")


def test_the_police_report_is_due_3x24_hours_later_across_a_weekend(personas):
    friday_evening = datetime(2026, 11, 27, 19, 30, tzinfo=JAKARTA)
    with time_machine.travel(friday_evening, tick=False):
        case = make_case(personas, "a")
        incident = case.incidents.get()
        actions.update_incident(
            personas.case_worker_a,
            incident,
            incident.version,
            {
                "gbv_answers": {GbvType.RAPE: True},
                "violence_types": ["seksual"],
                "reported_on": date(2026, 11, 27),
            },
        )
    report = case.police_report
    assert report.due_at == datetime(2026, 11, 30, 19, 30, tzinfo=JAKARTA)  # Monday evening
    deadlines = {d.kind: d for d in case_deadlines(case, police_report=report)}
    assert not deadlines["police_report"].overdue(datetime(2026, 11, 30, 19, 29, tzinfo=JAKARTA))
    assert deadlines["police_report"].overdue(datetime(2026, 11, 30, 19, 31, tzinfo=JAKARTA))
    with time_machine.travel(datetime(2026, 11, 30, 12, 0, tzinfo=JAKARTA), tick=False):
        report = work.record_police_report(
            personas.case_worker_a,
            case,
            reported_at=datetime(2026, 11, 30, 10, 0, tzinfo=JAKARTA),
            police_reference="LP/B/123/XI/2026",
        )
    done = {d.kind: d for d in case_deadlines(case, police_report=report)}
    assert not done["police_report"].overdue(datetime(2026, 12, 5, tzinfo=JAKARTA))


def test_a_case_without_sexual_violence_has_no_police_deadline(personas):
    case = make_case(personas, "a")
    assert not hasattr(case, "police_report") or case.police_report is None


@pytest.mark.parametrize(("priority", "hours"), [("high", 24), ("medium", 72), ("low", None)])
def test_follow_up_by_priority(priority, hours):
    start = datetime(2026, 11, 28, 9, 0, tzinfo=JAKARTA)
    due = follow_up_due(priority, start)
    assert due == (start + timedelta(hours=hours) if hours else None)


def test_follow_up_hours_are_configurable(settings):
    settings.LINDUNGI_FOLLOW_UP_HOURS = {"high": 12, "medium": 48}
    start = datetime(2026, 11, 28, 9, 0, tzinfo=JAKARTA)
    assert follow_up_due("high", start) == start + timedelta(hours=12)


def test_a_service_is_due_at_the_end_of_its_day_in_jakarta():
    assert end_of_day(date(2026, 12, 1)) == datetime(2026, 12, 2, 0, 0, tzinfo=JAKARTA)


def test_the_follow_up_clock_restarts_at_the_last_note(personas):
    opened = datetime(2026, 11, 28, 8, 0, tzinfo=JAKARTA)
    with time_machine.travel(opened, tick=False):
        case = make_case(personas, "a")
        actions.update_case(personas.supervisor_a, case, case.version, {"priority": "high"})
        case.refresh_from_db()
    first = {d.kind: d for d in case_deadlines(case)}["follow_up"]
    assert first.due_at == opened + timedelta(hours=24)
    later = opened + timedelta(hours=20)
    assert {d.kind: d for d in case_deadlines(case, last_note_at=later)}[
        "follow_up"
    ].due_at == later + timedelta(hours=24)
