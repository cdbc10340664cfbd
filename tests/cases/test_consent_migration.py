"""One consent record (cases.0012_consent_record, referrals.0005_consent_to_cases,
cases.0013_consent_table, cases.0014_carry_intake_consents): the referrals app's consent
records, written before the move, are all there after it with their ids, ciphertexts and
the referrals that point at them; every consent intake recorded is a record too, or joins
the record the referrals app had already made of it."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from lindungi.cases.models import Consent
from lindungi.core.fields import encrypted_fields
from lindungi.core.rotation import raw_column
from lindungi.intake import actions as intake
from lindungi.referrals.models import Referral
from tests.browser.marks import commits
from tests.cases.factories import make_case
from tests.migrations import migrate, models_at

BEFORE = [("cases", "0011_survivor_messages"), ("referrals", "0004_referral")]


def write_old_rows(old, case, personas, report):
    """Two referrals-app records (one for a referral, one made from intake's form) and three
    intake consents (one the same consent as that record, one given, one refused)."""
    given = timezone.now() - timedelta(days=2)
    record = old.get_model("referrals", "Consent").objects.create
    intake_consent = old.get_model("cases", "Consent").objects.create
    survivor = case.clients.get()
    common = {"case_id": case.pk, "recorded_by_id": personas.case_worker_a.pk}
    referral_consent = record(
        **common,
        client_id=survivor.pk,
        purpose="referral",
        recipient_id=personas.partner.pk,
        recipient_kind="health",
        categories=["identity", "incident"],
        given_by="guardian",
        given_by_name="Ibu Canary",
        child_view="Canary: aku mau ke dokter",
        how="signed",
        given_at=given,
        valid_until=timezone.localdate() + timedelta(days=30),
    )
    from_form = record(
        **common, client_id=survivor.pk, purpose="services", how="intake_form", given_at=given
    )
    old.get_model("referrals", "Referral").objects.create(
        case_id=case.pk,
        client_id=survivor.pk,
        provider_id=personas.partner.pk,
        service="health",
        purpose="Canary: visum",
        fields=["survivor_code"],
        consent_id=referral_consent.pk,
        sent_by_id=personas.case_worker_a.pk,
        sent_at=given,
        accept_by=given + timedelta(days=3),
    )
    intake_rows = [
        intake_consent(
            **common,
            kind="services",
            given_by="survivor",
            given_at=given,
            manner="at_intake",
            report_id=report.pk,
        ),
        intake_consent(
            **common,
            kind="contact",
            given_by="unknown",
            given_at=given - timedelta(hours=1),
            manner="at_intake",
            report_id=report.pk,
        ),
        intake_consent(
            **common,
            kind="contact",
            given=False,
            given_by="survivor",
            given_at=given,
            manner="at_intake",
        ),
    ]
    return referral_consent, from_form, intake_rows


def ciphertexts(model):
    secret = [field.name for field in encrypted_fields(model)]
    rows = model.objects.annotate(
        **{f"raw_{name}": raw_column(model._meta.get_field(name)) for name in secret}
    )
    return {row["pk"]: row for row in rows.values("pk", *(f"raw_{n}" for n in secret))}


@commits
def test_every_consent_of_both_models_is_one_record_after_the_move(personas):
    case = make_case(personas)
    report, _pin = intake.receive_public_report({"what_happened": "Canary"})
    try:
        migrate(BEFORE)
        old = models_at(("referrals", "0004_referral"))
        referral_consent, from_form, (same, given, refused) = write_old_rows(
            old, case, personas, report
        )
        before = ciphertexts(old.get_model("referrals", "Consent"))
    finally:
        migrate()

    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert "cases_consent" in tables and "referrals_consent" not in tables
    assert "cases_intakeconsent" not in tables
    # The records keep their ids and ciphertexts, and read the same; the referral still
    # points at its consent.
    after = ciphertexts(Consent)
    assert {pk: after[pk] for pk in before} == before
    moved = Consent.objects.get(pk=referral_consent.pk)
    assert (moved.given_by_name, moved.child_view) == ("Ibu Canary", "Canary: aku mau ke dokter")
    assert moved.recipient_id == personas.partner.pk and moved.categories == [
        "identity",
        "incident",
    ]
    assert Referral.objects.get().consent_id == referral_consent.pk
    # Intake's consent that the referrals app had made a record of is that record, which
    # now names the report.
    assert not Consent.objects.filter(pk=same.pk).exists()
    assert Consent.objects.get(pk=from_form.pk).report_id == report.pk
    # The others are records of their own, with their ids, about the survivor.
    carried = Consent.objects.get(pk=given.pk)
    assert (carried.purpose, carried.how, carried.categories) == (
        "contact",
        "intake_form",
        ["contact"],
    )
    assert carried.given_by == "other" and carried.given_at == given.given_at
    assert carried.client == case.clients.get() and carried.report_id == report.pk
    assert carried.withdrawn_at is None and carried.recorded_by == personas.case_worker_a
    # A consent refused is never in force.
    no = Consent.objects.get(pk=refused.pk)
    assert no.withdrawn_at == refused.given_at
    assert not Consent.objects.in_force().filter(pk=no.pk).exists()
    assert Consent.objects.in_force().filter(pk=carried.pk).exists()
    assert Consent.objects.count() == 4
