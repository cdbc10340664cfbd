"""Consent records: recorded by those who edit the case, in force until withdrawn or
expired, and covering only their purpose, recipient and data (issue 14)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lindungi.audit.models import AuditEvent
from lindungi.cases.models import CaseEvent, Consent, ConsentPurpose, DataCategory
from lindungi.intake import actions as intake
from lindungi.referrals import actions, consents
from tests.cases.factories import make_case
from tests.intake.test_carry import OPENED, RECEIVED, full_report

pytestmark = pytest.mark.django_db

VISUM = [DataCategory.IDENTITY, DataCategory.DEMOGRAPHICS, DataCategory.INCIDENT]


@pytest.fixture(scope="module")
def world(module_personas):
    case = make_case(module_personas)
    return module_personas, case, case.clients.get()


def referral_consent(world, **extra):
    personas, case, client = world
    data = {
        "client": client,
        "purpose": ConsentPurpose.REFERRAL,
        "recipient": personas.partner,
        "categories": VISUM,
        "how": "signed",
        **extra,
    }
    return actions.record_consent(personas.case_worker_a, case, data)


def test_a_consent_covers_its_purpose_recipient_and_data_only(world):
    personas, case, client = world
    consent = referral_consent(world)
    covers = consents.covers
    assert covers(case, client, ConsentPurpose.REFERRAL, personas.partner, VISUM) == consent
    assert covers(case, client, ConsentPurpose.REFERRAL, personas.unit_b, VISUM) is None
    assert covers(case, client, ConsentPurpose.POLICE, personas.partner, VISUM) is None
    wider = [*VISUM, DataCategory.NARRATIVE]
    assert covers(case, client, ConsentPurpose.REFERRAL, personas.partner, wider) is None
    assert CaseEvent.objects.filter(case=case, kind="consent_recorded").exists()
    assert AuditEvent.objects.filter(action="consent.recorded", object_id=str(consent.pk)).exists()


def test_withdrawal_and_expiry_end_it_at_once(world):
    personas, case, client = world
    consent = referral_consent(world, valid_until=timezone.localdate())
    assert Consent.objects.in_force().filter(pk=consent.pk).exists()
    tomorrow = timezone.now() + timedelta(days=1)
    assert not Consent.objects.in_force(tomorrow).filter(pk=consent.pk).exists()
    actions.withdraw_consent(personas.case_worker_a, consent, consent.version)
    assert not Consent.objects.in_force().filter(pk=consent.pk).exists()
    assert consents.covers(case, client, ConsentPurpose.REFERRAL, personas.partner, VISUM) is None


def test_a_consent_by_kind_of_service_covers_any_organisation_of_none_named(world):
    personas, case, client = world
    referral_consent(world, recipient=None, recipient_kind="health")
    covers = consents.covers
    assert covers(case, client, ConsentPurpose.REFERRAL, personas.partner, VISUM, kind="health")
    assert not covers(
        case, client, ConsentPurpose.REFERRAL, personas.partner, VISUM, kind="legal_aid"
    )


def test_only_those_who_edit_the_case_record_it_and_a_guardian_is_named(world):
    personas, case, client = world
    with pytest.raises(PermissionDenied):
        actions.record_consent(
            personas.case_worker_b, case, {"client": client, "purpose": "services", "how": "spoken"}
        )
    with pytest.raises(ValidationError) as refused:
        referral_consent(world, given_by="guardian")
    assert "given_by_name" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        referral_consent(world, recipient=None)
    assert "recipient" in refused.value.message_dict


def test_it_is_given_now_unless_said_never_in_the_future_nor_before_the_first_report(world):
    _personas, case, _client = world
    now = case.opened_at + timedelta(hours=1)
    with time_machine.travel(now, tick=False):
        assert referral_consent(world).given_at == now
        earlier = case.opened_at + timedelta(minutes=5)
        assert referral_consent(world, given_at=earlier).given_at == earlier
        # The minute it opened, as the form's time says it (no seconds), is not before.
        same_minute = case.opened_at.replace(second=0, microsecond=0)
        assert referral_consent(world, given_at=same_minute).given_at == same_minute
        for wrong in (now + timedelta(minutes=1), same_minute - timedelta(seconds=1)):
            with pytest.raises(ValidationError) as refused:
                referral_consent(world, given_at=wrong)
            assert set(refused.value.message_dict) == {"given_at"}
    assert not Consent.objects.filter(case=case, given_at__lt=same_minute).exists()


def test_a_case_opened_from_a_report_takes_consents_from_the_report_s_receipt(world):
    personas = world[0]
    report = full_report(personas)
    with time_machine.travel(OPENED, tick=False):
        report = intake.open_case_from_report(
            personas.supervisor_a, report, report.version, personas.unit_a
        )
        case, client = report.case, report.case.clients.get()
        data = {"client": client, "purpose": "police", "how": "spoken"}
        given = actions.record_consent(personas.supervisor_a, case, {**data, "given_at": RECEIVED})
        assert given.given_at == RECEIVED < case.opened_at
        with pytest.raises(ValidationError):
            actions.record_consent(
                personas.supervisor_a, case, {**data, "given_at": RECEIVED - timedelta(seconds=1)}
            )
