"""Referrals: consent checked on the server at every share, the emergency override only
where the deployment allows it, the partner's answers, revocation, expiry (issue 14)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.cases.access import Need
from lindungi.notifications.models import Kind, Notification
from lindungi.referrals import actions, sharing
from lindungi.referrals.models import Referral, ReferralStatus
from tests.referrals.factories import make_world, send_visum, visum_consent

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(module_personas):
    return make_world(module_personas)


def seen_by(user, need=Need.CONTENT):
    return set(Referral.objects.restrict(user, need).values_list("pk", flat=True))


def test_a_referral_goes_under_the_consent_that_covers_its_minimum_fields(world):
    consent = visum_consent(world)
    referral = send_visum(world)
    assert referral.consent == consent and not referral.overridden
    assert referral.fields == sharing.defaults("health")
    assert "narrative" not in referral.fields
    people = world.personas
    assert referral.pk in seen_by(people.partner_officer)
    other = User.objects.get(email="other.partner.officer@test.lindungi.id")
    for outsider in (other, people.case_worker_b, people.supervisor_b, people.analyst):
        assert referral.pk not in seen_by(outsider, Need.VIEW)
    kinds = list(world.case.events.values_list("kind", flat=True))
    assert "referral_sent" in kinds
    alerted = Notification.objects.filter(kind=Kind.REFERRAL_RECEIVED, user=people.partner_officer)
    assert alerted.exists()


def test_no_referral_without_a_consent_covering_the_recipient_and_every_field(world):
    with pytest.raises(ValidationError):
        send_visum(world)
    visum_consent(world)
    with pytest.raises(ValidationError):
        send_visum(world, fields=["name", "narrative"])
    with pytest.raises(ValidationError):
        send_visum(world, provider=world.other_partner)
    assert not Referral.objects.exists()


def test_the_override_is_for_allowed_roles_and_services_with_a_reason_and_reviewed(world, settings):
    people = world.personas
    with pytest.raises(PermissionDenied):
        send_visum(world, override_reason="She is bleeding")  # a case worker may not
    with pytest.raises(PermissionDenied):
        send_visum(world, actor=people.supervisor_a, service="legal_aid", override_reason="x")
    referral = send_visum(world, actor=people.supervisor_a, override_reason="She is bleeding")
    assert referral.overridden and referral.consent is None
    assert referral.pk in seen_by(people.partner_officer)
    alerted = Notification.objects.filter(kind=Kind.REFERRAL_OVERRIDDEN, case=world.case)
    assert alerted.filter(user=people.supervisor_a).exists()
    with pytest.raises(PermissionDenied):
        actions.review_override(people.supervisor_a, referral, referral.version, "Self-review")
    settings.REFERRAL_OVERRIDE_SERVICES = set()
    with pytest.raises(PermissionDenied):
        send_visum(world, actor=people.supervisor_a, override_reason="She is bleeding")


def test_a_reason_sent_with_a_covering_consent_overrides_nothing(world):
    visum_consent(world)
    referral = send_visum(world, actor=world.personas.supervisor_a, override_reason="Because")
    assert not referral.overridden and not referral.override_reason


def test_the_partner_answers_and_then_sees_only_its_outcome_record(world):
    people = world.personas
    visum_consent(world)
    referral = send_visum(world)
    officer = people.partner_officer
    with pytest.raises(PermissionDenied):
        actions.accept(people.case_worker_a, referral, referral.version)  # not the partner
    referral = actions.accept(officer, referral, referral.version)
    referral = actions.record_progress(officer, referral, referral.version, "Dijadwalkan")
    today = timezone.localdate()
    done = {"outcome": "Visum done", "outcome_on": today, "outcome_reference": "VR/1"}
    referral = actions.record_outcome(officer, referral, referral.version, done)
    assert referral.status == ReferralStatus.DONE
    assert referral.pk in seen_by(officer, Need.VIEW)
    assert referral.pk not in seen_by(officer, Need.CONTENT)
    kinds = set(world.case.events.values_list("kind", flat=True))
    assert {"referral_accepted", "referral_progress", "referral_done"} <= kinds
    answered = Notification.objects.filter(kind=Kind.REFERRAL_ANSWERED, user=people.case_worker_a)
    assert answered.count() == 3
    with pytest.raises(ValidationError):
        actions.revoke(people.case_worker_a, referral, referral.version)


def test_a_decline_needs_a_reason(world):
    visum_consent(world)
    referral = send_visum(world)
    officer = world.personas.partner_officer
    with pytest.raises(ValidationError):
        actions.decline(officer, referral, referral.version, "")
    referral = actions.decline(officer, referral, referral.version, "No forensic doctor")
    assert referral.status == ReferralStatus.DECLINED
    assert referral.pk not in seen_by(officer, Need.VIEW)


def test_the_sender_revokes_even_after_the_recipient_officer_was_disabled(world):
    visum_consent(world)
    referral = send_visum(world)
    officer = world.personas.partner_officer
    referral = actions.accept(officer, referral, referral.version)
    User.objects.filter(pk=officer.pk).update(is_active=False)
    referral = actions.revoke(world.personas.case_worker_a, referral, referral.version)
    assert referral.status == ReferralStatus.REVOKED
    officer.refresh_from_db()
    officer.is_active = True
    assert referral.pk not in seen_by(officer, Need.VIEW)


def test_withdrawing_the_consent_ends_the_partners_access_at_once(world):
    consent = visum_consent(world)
    referral = send_visum(world)
    officer = world.personas.partner_officer
    assert referral.pk in seen_by(officer)
    actions.withdraw_consent(world.personas.case_worker_a, consent, consent.version)
    assert referral.pk not in seen_by(officer, Need.VIEW)
    with pytest.raises(PermissionDenied):
        actions.accept(officer, referral, referral.version)
    assert referral.pk in seen_by(world.personas.case_worker_a)  # her own case's record


def test_a_referral_nobody_accepts_in_time_expires_and_its_sender_is_told(world, settings):
    visum_consent(world)
    referral = send_visum(world)
    assert actions.expire_overdue() == 0
    later = timezone.now() + timedelta(days=settings.REFERRAL_ACCEPT_DAYS, minutes=1)
    with time_machine.travel(later, tick=False):
        assert actions.expire_overdue() == 1
        assert actions.expire_overdue() == 0
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.EXPIRED
    assert referral.pk not in seen_by(world.personas.partner_officer, Need.VIEW)
    assert Notification.objects.filter(kind=Kind.REFERRAL_EXPIRED).exists()
    assert world.case.events.filter(kind="referral_expired").exists()
