"""What a case opened from a report carries over, field by field, so nobody asks the
survivor again what she already told us.

Every field of ``Report`` and ``ReportPerson`` is named here: carried (and where to), or
not carried and why. tests/intake/test_carry.py walks the models' fields, so a field added
later fails that test until it is placed in one list or the other.
"""

from collections.abc import Callable

from lindungi.audit.events import record
from lindungi.cases.first_account import (
    CaseContact,
    Consent,
    ConsentGivenBy,
    ConsentKind,
    ConsentManner,
    FirstAccount,
)
from lindungi.cases.safe_contact import SAFE_CONTACT_FIELDS
from lindungi.cases.vocabulary import WG_DOMAINS
from lindungi.casework import tracks
from lindungi.intake import risk

# Who reports, and what happened when and where: typed at intake, kept on the case.
STORY_FIELDS = (
    "reporter_type",
    "reporter_relation",
    "reporter_name",
    "what_happened",
    "occurred_on",
    "occurred_estimate",
    "kelurahan",
    "street_detail",
    "people_affected",
)
# Onto the case's first account, under the same names.
ACCOUNT_FIELDS = (
    "reference",
    "channel",
    "unit",
    "service_point",
    "received_at",
    "received_by",
    "handed_to",
    "handed_at",
    "handed_by",
    *STORY_FIELDS,
    *risk.SCREENING,
    "risk",
    "risk_computed",
    "risk_override_reason",
    "due_at",
    "urgent",
)
# Onto the case's contact record, under the same names.
CONTACT_FIELDS = ("contact_phone", "contact_email", *SAFE_CONTACT_FIELDS)
# Each becomes a dated consent record on the case when it was given.
CONSENT_FIELDS = {"consent_contact": ConsentKind.CONTACT, "consent_services": ConsentKind.SERVICES}
NOT_CARRIED = {
    "id": "the first account links the report itself",
    "created_at": "when the row was written; received_at is when the report came in",
    "updated_at": "when the row was last written",
    "status": "the report's own triage state: it ends when the case opens",
    "case": "the link from the report to the case itself",
    "referred_to": "a report referred out has no case opened from it",
    "closed_reason": "a report closed as not a protection matter has no case opened from it",
    "triaged_by": "the case's opening, on its timeline, says who and when",
    "triaged_at": "the case's opening, on its timeline, says who and when",
    "pin_hash": "protects the public status page of the report, not a fact of the case",
    "version": "the report row's own edit counter",
    "consent_statistics": "becomes a consent record on the case with the others, by the "
    "apps that keep consent records (after_carry)",
}

# A person hurt becomes a survivor on the case: report person field -> client field.
PERSON_TO_CLIENT = {
    "name": "name",
    "age": "age_estimate",
    "sex": "sex",
    "accommodations": "accommodations",
    **{f"wg_{domain}": f"wg_{domain}" for domain, _label in WG_DOMAINS},
}
PERSON_NOT_CARRIED = {
    "id": "the client gets its own id",
    "created_at": "when the row was written",
    "updated_at": "when the row was last written",
    "report": "the case's first account links the report",
    "age_is_estimate": "without a birth date a client's age is always held as an estimate",
}

# What the apps above run once a case holds all its report carried (the consent records of
# lindungi.referrals), handed down when they are ready: intake never names them. Each is
# called as ``hook(actor, report, case, request=request)`` inside the open-case action.
_after_carry: list[Callable[..., object]] = []


def after_carry(hook: Callable[..., object]) -> None:
    if hook not in _after_carry:
        _after_carry.append(hook)


GIVEN_BY = {"survivor": ConsentGivenBy.SURVIVOR, "other": ConsentGivenBy.OTHER}


def client_data(report, person):
    """The survivor record for one person hurt (the place is where the report says)."""
    return {
        "role": "survivor",
        "kelurahan": report.kelurahan,
        **{to: getattr(person, name) for name, to in PERSON_TO_CLIENT.items()},
    }


def carry_to_case(actor, report, case, *, request=None):
    """Write the first account, the contact record and the consents of ``report`` onto
    ``case``, and start the UU TPKS police-report clock if screening found sexual
    violence. Runs inside the caller's action, which owns the transaction."""
    account = FirstAccount.objects.create(
        case=case, report=report, **{name: getattr(report, name) for name in ACCOUNT_FIELDS}
    )
    record("case.first_account", request=request, actor=actor, obj=account)
    contact = CaseContact.objects.create(
        case=case, **{name: getattr(report, name) for name in CONTACT_FIELDS}
    )
    record("case.contact_create", request=request, actor=actor, obj=contact)
    for name, kind in CONSENT_FIELDS.items():
        if getattr(report, name):
            consent = Consent.objects.create(
                case=case,
                kind=kind,
                given_by=GIVEN_BY.get(report.reporter_type, ConsentGivenBy.UNKNOWN),
                given_at=report.received_at,
                manner=ConsentManner.AT_INTAKE,
                recorded_by=report.received_by,
                report=report,
            )
            record("case.consent", request=request, actor=actor, obj=consent, fields=[kind])
    if report.sexual_violence_72h:
        # UU TPKS: 3×24 hours from the survivor's report, whatever is coded later.
        tracks.ensure_police_report(case, report.received_at)
    for hook in _after_carry:
        hook(actor, report, case, request=request)
