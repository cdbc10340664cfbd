"""Existing cases a report may belong to, found through the blind indexes only.

Phone and NIK are exact identifiers: a match is a candidate whatever else differs. A name
is weaker, so name matches are narrowed by age (within AGE_SLACK years, when both ages are
known) and kelurahan (when both are known). What a candidate shows depends on the officer:
the survivor code, an age band, the kelurahan and the status for any case; the name only
when the officer may see the case (the choke point decides). Restricted cases the officer
cannot see are left out altogether: even their existence is protected.
"""

from dataclasses import dataclass

from django.utils import timezone

from lindungi.cases.classification import simfoni_age_band
from lindungi.cases.models import Case, Client

AGE_SLACK = 5
MAX_CANDIDATES = 20


@dataclass(frozen=True)
class Candidate:
    case_id: str
    survivor_code: str
    age_band: str
    kelurahan: str
    status: str
    unit_id: str
    unit_name: str
    name: str | None  # None: the officer may not see the case, so not its name either
    matched_by: tuple

    @property
    def visible(self):
        return self.name is not None


def _near(client, age, kelurahan, today):
    if age is not None:
        known = client.age_on(today)
        if known is not None and abs(known - age) > AGE_SLACK:
            return False
    if kelurahan is not None and client.kelurahan_id and client.kelurahan_id != kelurahan.pk:
        return False
    return True


def find_candidates(user, *, phone="", nik="", name="", age=None, kelurahan=None):
    """Candidates for the report, best first. Invalid phone or NIK raises ValidationError
    (from the normalisers, with a message that does not repeat the value)."""
    today = timezone.localdate()
    clients = Client.objects.select_related("case", "case__unit", "kelurahan")
    matches = {}  # client -> how it matched, in search order

    def add(rows, how):
        for client in rows[: MAX_CANDIDATES * 5]:
            matches.setdefault(client, []).append(how)

    if phone:
        add(clients.with_phone(phone), "phone")
    if nik:
        add(clients.with_nik(nik), "nik")
    if name:
        add(
            [c for c in clients.search_name(name) if _near(c, age, kelurahan, today)],
            "name",
        )
    visible = set(
        Case.objects.restrict(user)
        .filter(pk__in={c.case_id for c in matches})
        .values_list("pk", flat=True)
    )
    found = {}
    for client, how in sorted(matches.items(), key=lambda item: -len(item[1])):
        case = client.case
        if case.pk in found or (case.restricted and case.pk not in visible):
            continue
        band = simfoni_age_band(client.age_on(today))
        found[case.pk] = Candidate(
            case_id=str(case.pk),
            survivor_code=case.survivor_code,
            age_band=band.label if band else "",
            kelurahan=client.kelurahan.name if client.kelurahan else "",
            status=case.get_status_display(),
            unit_id=str(case.unit_id),
            unit_name=case.unit.name,
            name=client.name if case.pk in visible else None,
            matched_by=tuple(how),
        )
    return list(found.values())[:MAX_CANDIDATES]
