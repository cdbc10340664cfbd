"""Existing cases a report may belong to, found through the blind indexes only.

Phone and NIK are exact identifiers: a match is a candidate whatever else differs. A name
is weaker, so name matches are narrowed by age (within AGE_SLACK years, when both ages are
known) and kelurahan (when both are known).

What a candidate shows depends on the officer, as the case's own pages would decide
(``cases/access.py``): any case shows its survivor code, its unit, an age band, the
kelurahan and the status; a case the officer may see can be linked; the name only where
the case page would show it (``may_see_identity``). Names are decrypted for those cases
alone: matching reads no encrypted column. What the search may find at all is the access
module's ``Need.MATCH``: restricted cases the officer cannot see are left out altogether,
even their existence is protected.
"""

from dataclasses import dataclass

from django.utils import timezone

from lindungi.cases.access import Need
from lindungi.cases.classification import simfoni_age_band
from lindungi.cases.models import Case, Client

AGE_SLACK = 5
MAX_CANDIDATES = 20
# What matching reads of a client: nothing encrypted.
MATCH_FIELDS = ("case", "birth_date", "age_estimate", "kelurahan", "kelurahan__name")


@dataclass(frozen=True)
class Candidate:
    case_id: str
    survivor_code: str
    age_band: str
    kelurahan: str
    status: str
    unit_id: str
    unit_name: str
    linkable: bool  # the officer may see the case, so may link the report to it
    name: str | None  # None: the case's page would not show the officer the name
    matched_by: tuple


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
    clients = (
        Client.objects.restrict(user, Need.MATCH).select_related("kelurahan").only(*MATCH_FIELDS)
    )
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
    matched = {c.case_id for c in matches}
    cases = (
        Case.objects.restrict(user, Need.MATCH)
        .select_related("unit")
        .only("survivor_code", "status", "restricted", "unit__name")
        .in_bulk(matched)
    )
    visible = set(Case.objects.restrict(user).filter(pk__in=matched).values_list("pk", flat=True))
    chosen = {}  # case id -> (best-matching client, how)
    for client, how in sorted(matches.items(), key=lambda item: -len(item[1])):
        case = cases.get(client.case_id)
        if case is None or case.pk in chosen:
            continue
        chosen[case.pk] = (client, how)
    chosen = dict(list(chosen.items())[:MAX_CANDIDATES])
    shown = [client.pk for client, _how in chosen.values()]
    names = dict(
        Client.objects.restrict(user, Need.CONTENT).filter(pk__in=shown).values_list("pk", "name")
    )
    found = []
    for case_id, (client, how) in chosen.items():
        case = cases[case_id]
        band = simfoni_age_band(client.age_on(today))
        found.append(
            Candidate(
                case_id=str(case.pk),
                survivor_code=case.survivor_code,
                age_band=band.label if band else "",
                kelurahan=client.kelurahan.name if client.kelurahan else "",
                status=case.get_status_display(),
                unit_id=str(case.unit_id),
                unit_name=case.unit.name,
                linkable=case_id in visible,
                name=names.get(client.pk),
                matched_by=tuple(how),
            )
        )
    return found
