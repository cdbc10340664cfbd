"""The consents given at intake become consent records on the case it opens (issue 14)."""

import pytest
import time_machine

from lindungi.intake import actions
from lindungi.referrals import consents
from lindungi.referrals.models import ConsentMethod, ConsentPurpose, GivenBy
from tests.intake.test_carry import OPENED, RECEIVED, full_report

pytestmark = pytest.mark.django_db


def test_each_consent_at_intake_is_a_record_of_its_purpose_given_by_the_form(personas):
    report = full_report(personas)
    with time_machine.travel(OPENED, tick=False):
        report = actions.open_case_from_report(
            personas.supervisor_a, report, report.version, personas.unit_a
        )
    case = report.case
    records = {c.purpose: c for c in case.consent_records.all()}
    assert set(records) == {ConsentPurpose.SERVICES, ConsentPurpose.CONTACT}
    for record in records.values():
        assert record.how == ConsentMethod.INTAKE_FORM and record.given_at == RECEIVED
        assert record.given_by == GivenBy.SURVIVOR
        assert record.recorded_by == personas.intake_officer
        assert record.client.role == "survivor"
    assert case.events.filter(kind="consent_recorded").count() == 2
    assert not consents.current().filter(case=case, purpose=ConsentPurpose.STATISTICS).exists()


def test_a_yes_to_the_statistics_on_the_public_form_is_a_statistics_consent(personas):
    with time_machine.travel(RECEIVED, tick=False):
        report, _pin = actions.receive_public_report(
            {"what_happened": "Canary", "reporter_type": "other", "consent_statistics": True},
            [{"name": "Canary-person", "age": 15, "sex": "female"}],
        )
        report = actions.open_case_from_report(
            personas.supervisor_a, report, report.version, personas.unit_a
        )
    record = report.case.consent_records.get()
    assert record.purpose == ConsentPurpose.STATISTICS and record.given_by == GivenBy.OTHER
    assert consents.current().filter(pk=record.pk, purpose=ConsentPurpose.STATISTICS).exists()
