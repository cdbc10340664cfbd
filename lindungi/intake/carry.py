"""What a case opened from a report carries over, field by field, so nobody asks the
survivor again what she already told us.

Every field of ``Report`` and ``ReportPerson`` is named here: carried (and where to), or
not carried and why. tests/intake/test_carry.py walks the models' fields, so a field added
later fails that test until it is placed in one list or the other.
"""

from django.utils import timezone

from lindungi.audit.events import record
from lindungi.cases.consent import Consent, ConsentMethod, ConsentPurpose, DataCategory, GivenBy
from lindungi.cases.first_account import CaseContact, FirstAccount
from lindungi.cases.models import CaseEvent, ClientRole
from lindungi.cases.safe_contact import SAFE_CONTACT_FIELDS
from lindungi.cases.timeline import EventKind
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
# Each yes becomes a consent record of its purpose, covering these data, on the case: one
# for each survivor, given at the report's receipt, by the form.
CONSENT_FIELDS = {
    "consent_contact": (ConsentPurpose.CONTACT, [DataCategory.CONTACT]),
    "consent_services": (ConsentPurpose.SERVICES, []),
    "consent_statistics": (ConsentPurpose.STATISTICS, []),
}
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


def _carry_consents(actor, report, case, *, request=None):
    """A consent record on ``case`` for each consent ``report`` holds and each survivor (the
    case itself if it has none yet), each on the case's timeline."""
    yes = [CONSENT_FIELDS[name] for name in CONSENT_FIELDS if getattr(report, name)]
    by_survivor = report.reporter_type == "survivor"
    survivors = list(case.clients.filter(role=ClientRole.SURVIVOR)) or [None]
    given_at = report.received_at or timezone.now()
    made = [
        Consent.objects.create(
            case=case,
            client=client,
            purpose=purpose,
            categories=list(categories),
            given_by=GivenBy.SURVIVOR if by_survivor else GivenBy.OTHER,
            given_by_name="" if by_survivor else report.reporter_name,
            how=ConsentMethod.INTAKE_FORM,
            given_at=given_at,
            recorded_by=report.received_by,
            report=report,
        )
        for client in survivors
        for purpose, categories in yes
    ]
    now = timezone.now()
    for consent in made:
        record(
            "consent.recorded", request=request, actor=actor, obj=consent, fields=[consent.purpose]
        )
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            at=now,
            actor=actor,
            kind=EventKind.CONSENT_RECORDED,
            detail={"consent": str(c.pk), "purpose": c.purpose, "report": str(report.pk)},
        )
        for c in made
    )


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
    _carry_consents(actor, report, case, request=request)
    if report.sexual_violence_72h:
        # UU TPKS: 3×24 hours from the survivor's report, whatever is coded later.
        tracks.ensure_police_report(case, report.received_at)
