"""The consents given at intake become consent records on the case it opens (issue 14).

Intake keeps what its form said (``cases.Consent``: to be contacted, to receive services);
this turns each yes, and the yes to the statistics, into a record of its purpose for each
survivor of the case, given at the report's receipt, by the form. It runs inside intake's
open-case action (``intake.carry.after_carry``, handed down in ``hooks.py``), which checked
its actor, so it checks nobody itself.
"""

from django.http import HttpRequest
from django.utils import timezone

from lindungi.accounts.models import User
from lindungi.audit.events import record
from lindungi.cases.models import Case, CaseEvent, ClientRole
from lindungi.cases.timeline import EventKind
from lindungi.intake.models import Report, ReporterType
from lindungi.referrals.models import Consent, ConsentMethod, ConsentPurpose, DataCategory, GivenBy

# The report's consent field -> the purpose of its record, and the data it covers.
PURPOSES = {
    "consent_services": (ConsentPurpose.SERVICES, []),
    "consent_contact": (ConsentPurpose.CONTACT, [DataCategory.CONTACT]),
    "consent_statistics": (ConsentPurpose.STATISTICS, []),
}


def from_report(
    actor: User | None, report: Report, case: Case, *, request: HttpRequest | None = None
) -> list[Consent]:
    """A consent record on ``case`` for each consent ``report`` holds and each survivor."""
    yes = [PURPOSES[name] for name in PURPOSES if getattr(report, name)]
    if not yes:
        return []
    by_survivor = report.reporter_type == ReporterType.SURVIVOR
    given_at = report.received_at or timezone.now()
    made = Consent.objects.bulk_create(
        Consent(
            case=case,
            client=client,
            purpose=purpose,
            categories=list(categories),
            given_by=GivenBy.SURVIVOR if by_survivor else GivenBy.OTHER,
            given_by_name="" if by_survivor else report.reporter_name,
            how=ConsentMethod.INTAKE_FORM,
            given_at=given_at,
            recorded_by=report.received_by,
        )
        for client in case.clients.filter(role=ClientRole.SURVIVOR)
        for purpose, categories in yes
    )
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
            detail={
                "consent": str(consent.pk),
                "purpose": consent.purpose,
                "report": str(report.pk),
            },
        )
        for consent in made
    )
    return made
