"""Minimum-field sharing: what a referral shows its partner, field by field.

The case worker chooses the fields; each service starts from the few its work needs
(``DEFAULTS``: a visum needs who she is, her age and sex, when and what happened, and what
she needs to be examined well; never the narrative unless chosen). The consent must cover
the categories of every chosen field (``categories``). ``shown`` reads only the chosen
fields of the referral's own survivor, for a referral the access module gave: nothing else
of the case is read for the partner.
"""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.formats import date_format

from lindungi.cases.models import Incident
from lindungi.cases.vocabulary import Accommodation, ViolenceType
from lindungi.casework.models import ServiceType
from lindungi.referrals.models import CATEGORY_OF, Referral, SharedField

F = SharedField
_BASE = [F.SURVIVOR_CODE, F.AGE, F.SEX]
DEFAULTS: dict[str, list[SharedField]] = {
    ServiceType.HEALTH: [*_BASE, F.NAME, F.INCIDENT_DATE, F.INCIDENT_KIND, F.ACCOMMODATIONS],
    ServiceType.LAW_ENFORCEMENT: [*_BASE, F.NAME, F.NIK, F.INCIDENT_DATE, F.INCIDENT_KIND],
    ServiceType.LEGAL_AID: [*_BASE, F.NAME, F.PHONE, F.INCIDENT_DATE, F.INCIDENT_KIND],
    ServiceType.SHELTER: [*_BASE, F.NAME, F.ACCOMMODATIONS],
}


def defaults(service: str) -> list[str]:
    """The fields ``service`` starts from, in the vocabulary's order."""
    chosen = set(DEFAULTS.get(service, [*_BASE, F.ACCOMMODATIONS]))
    return [str(f) for f in SharedField if f in chosen]


def categories(fields: Iterable[str]) -> list[str]:
    """The data categories a consent must cover to share ``fields``."""
    return sorted({str(c) for f in fields if (c := CATEGORY_OF.get(SharedField(f)))})


def _labels(codes: Iterable[str], choices: type[Accommodation] | type[ViolenceType]) -> str:
    return ", ".join(str(choices(c).label) for c in codes if c in choices.values)


def shown(referral: Referral) -> list[tuple[str, str, object]]:
    """(field, label, value) of each field ``referral`` shares, in the vocabulary's order."""
    client = referral.client
    incident = (
        Incident.objects.filter(case_id=referral.case_id, survivor=client)
        .order_by("-occurred_on", "-created_at")
        .first()
    )
    address = " ".join(
        part
        for part in (client.address_detail, client.kelurahan.name if client.kelurahan else "")
        if part
    )
    values = {
        F.SURVIVOR_CODE: referral.case.survivor_code,
        F.NAME: client.name,
        F.NIK: client.nik,
        F.PHONE: client.phone,
        F.ADDRESS: address,
        F.AGE: client.age_on(timezone.localdate()),
        F.SEX: client.get_sex_display(),
        F.INCIDENT_DATE: date_format(incident.occurred_on, "j F Y")
        if incident and incident.occurred_on
        else "",
        F.INCIDENT_KIND: _labels(incident.violence_types, ViolenceType) if incident else "",
        F.NARRATIVE: incident.description if incident else "",
        F.ACCOMMODATIONS: _labels(client.accommodations, Accommodation),
    }
    chosen = set(referral.fields)
    return [(str(f), str(f.label), values[f]) for f in SharedField if f in chosen]
