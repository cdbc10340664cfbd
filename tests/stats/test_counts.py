"""One definition of each count (issue 16): cases, survivors, incidents and perpetrators
apart; ages at the incident; the delay bands; the eligibility rule."""

from datetime import UTC, date, datetime

import pytest

from lindungi.cases import actions
from lindungi.referrals.actions import record_consent, withdraw_consent
from lindungi.stats.counts import delay_band, recount
from tests.stats.world import RAPE, counted, new_case, total

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("days", "band"),
    [(0, "0-3d"), (3, "0-3d"), (4, "4-5d"), (5, "4-5d"), (6, "6-14d"), (14, "6-14d"),
     (15, "2w-1m"), (30, "2w-1m"), (31, ">1m"), (None, "unknown")],
)  # fmt: skip
def test_delay_bands_do_not_overlap(days, band):
    assert delay_band(days) == band


def test_a_case_with_two_survivors_is_one_case_and_two_survivors(personas):
    case = new_case(personas, survivors=2)
    incident = case.incidents.first()
    actions.add_perpetrator(
        personas.case_worker_a, incident, {"relationship": "pacar", "count": 3, "sex": "male"}
    )
    assert total("cases") == 1
    assert total("survivors") == 2
    assert total("incidents") == 2
    assert total("perpetrators") == 3
    assert total("perpetrators", "relationship", "pacar_teman") == 3
    assert total("incidents", kota="31.71") == 2


def test_age_is_counted_at_the_incident_not_today(personas):
    # 17 at the incident: a child in the statistics for ever, though an adult today.
    new_case(personas, born=date(2009, 1, 1), occurred_on=date(2026, 11, 20))
    assert total("survivors", "age_band", "13-17") == 1
    assert total("survivors", "group", "child") == 1
    assert total("survivors", "group", "woman") == 0


def test_several_violence_types_count_once_each(personas):
    new_case(personas, gbv_answers=RAPE, violence_types=["seksual", "psikis"])
    assert total("incidents", "violence", "seksual") == 1
    assert total("incidents", "violence", "psikis") == 1
    assert total("incidents", "gbv_type", "rape") == 1
    assert total("reports", "delay", "0-3d") == 1


def test_an_incident_another_agency_reported_is_not_counted(personas):
    new_case(personas, reported_elsewhere=True)
    new_case(personas)
    assert total("incidents") == 1
    assert total("cases") == 1


def test_only_survivors_who_consent_to_statistics_are_counted(personas):
    new_case(personas, consent=False)
    case = new_case(personas)
    assert total("incidents") == 1
    consent = case.consent_records.get()
    withdraw_consent(personas.case_worker_a, consent, consent.version)
    assert total("incidents") == 0
    assert counted() == recount() == {}


def test_an_expired_consent_drops_out_on_the_worker_s_next_day(personas, time_machine):
    time_machine.move_to(datetime(2026, 11, 25, 3, tzinfo=UTC))
    case = new_case(personas, consent=False)
    survivor = case.clients.get()
    data = {"client": survivor, "purpose": "statistics", "how": "spoken"}
    record_consent(personas.case_worker_a, case, {**data, "valid_until": date(2026, 11, 26)})
    assert counted() == recount() != {}
    time_machine.move_to(datetime(2026, 11, 27, 3, tzinfo=UTC))
    assert recount() == {}
    assert counted() == {}
