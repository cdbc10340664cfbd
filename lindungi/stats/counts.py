"""One definition of each count (issue 16). A case adds keys to the rollups; every table,
dashboard and export reads sums of these keys, so a figure means the same everywhere.

Cases, survivors, incidents and perpetrators are separate counts: a case with two survivors
is one case and two survivors; a perpetrator row may stand for several people (its count).
Each measure has its own day, as the table says:

| measure | counts | day |
|---|---|---|
| cases | cases with a counted incident | the case's opening |
| closures | those cases when closed (and the closure's reason) | the closing |
| survivors | people with a counted incident | their first counted incident |
| incidents | counted incidents | the incident (the report's day when its date is unknown) |
| reports | counted incidents, by time to report | the report |
| perpetrators | alleged perpetrators of counted incidents | the incident |
| services | services given (a complaint taken counts as ``pengaduan``) | the day given |

The course of each counted case (times to contact, assessment and plan, services given,
deadlines met) adds keys of its own: see ``course``.

Ages are at the incident, never today; places are the incident's kelurahan (the survivor's
when the incident has none), read up to kecamatan and kota from the Kemendagri code.
"""

from collections import Counter

from django.db.models import Prefetch
from django.utils import timezone

from lindungi.cases import classification
from lindungi.cases.models import Case, Client, Incident, Perpetrator
from lindungi.cases.vocabulary import SIMFONI_RELATIONSHIP, ReportingDelay
from lindungi.casework.models import PlannedService
from lindungi.core.fields import encrypted_fields
from lindungi.stats import course
from lindungi.stats.eligibility import eligible_incidents

UNKNOWN = "unknown"
# SIMFONI-PPA's service list; the centre's own services keep their codes.
SIMFONI_SERVICE = {
    "health": "kesehatan",
    "legal_aid": "bantuan_hukum",
    "law_enforcement": "penegakan_hukum",
    "social_rehabilitation": "rehabilitasi_sosial",
    "social_reintegration": "reintegrasi_sosial",
    "repatriation": "pemulangan",
    "religious_counselling": "pendampingan_tokoh_agama",
}
COMPLAINT = "pengaduan"


def delay_band(days):
    """The reporting-delay bands without overlap: 0–3 days, 4–5, 6–14, 15–30, over 30."""
    if days is None or days < 0:
        return UNKNOWN
    for upper, band in (
        (3, ReportingDelay.DAYS_0_3),
        (5, ReportingDelay.DAYS_4_5),
        (14, ReportingDelay.DAYS_6_14),
        (30, ReportingDelay.WEEKS_2_MONTH_1),
    ):
        if days <= upper:
            return str(band)
    return str(ReportingDelay.OVER_MONTH)


def incident_day(incident):
    return incident.occurred_on or incident.reported_on


def _place_code(incident):
    return incident.kelurahan_id or incident.survivor.kelurahan_id or ""


def _survivor_keys(survivor, day):
    age = survivor.age_on(day)
    yield "sex", survivor.sex
    yield "age_band", str(classification.simfoni_age_band(age) or UNKNOWN)
    disabled = classification.has_disability(survivor.wg_answers())
    yield "disability", "yes" if disabled else "no"
    for group in sorted(classification.vulnerable_groups(survivor.sex, age, survivor.wg_answers())):
        yield "group", str(group)


def _incident_keys(incident, code):
    yield "total", ""
    yield "gbv_type", incident.gbv_type or UNKNOWN
    for violence in sorted(set(incident.violence_types or ())):
        yield "violence", violence
    yield "place", incident.place_type
    yield "kecamatan", code[:8]
    yield "kelurahan", code
    for flag in sorted(set(incident.context_flags or ())):
        yield "flag", flag
    yield from _survivor_keys(incident.survivor, incident_day(incident))


def _perpetrator_keys(perpetrator):
    yield "total", ""
    yield "relationship", SIMFONI_RELATIONSHIP.get(perpetrator.relationship, UNKNOWN)
    yield "sex", perpetrator.sex
    yield "age_group", perpetrator.age_group


class _Keys:
    """Collects (day, kota, gbv type, measure, dimension, value) -> count for one case."""

    def __init__(self):
        # A plain dict while adding: a Counter's ``+=`` on a new key calls its Python
        # ``__missing__``, and nearly every key of a case is new (``lindungi seed`` adds
        # 95 keys a case).
        self.counts: dict = {}

    @property
    def counter(self):
        return Counter(self.counts)

    def add(self, day, incident, measure, pairs, n=1):
        # The key's head once, not once a pair.
        head = (day.isoformat(), _place_code(incident)[:5], incident.gbv_type or "", measure)
        counts = self.counts
        get = counts.get
        for dimension, value in pairs:
            key = (*head, dimension, value)
            counts[key] = get(key, 0) + n


def case_keys(case):
    """What ``case`` adds to the rollups (a Counter; empty when none of it is counted).

    ``case`` comes with its incidents (survivor, perpetrators) and services loaded, or
    they are read here."""
    incidents = sorted(
        (i for i in case.counted_incidents), key=lambda i: (incident_day(i), str(i.pk))
    )
    keys = _Keys()
    if not incidents:
        return keys.counter
    first = incidents[0]
    zone = timezone.get_current_timezone()  # looked up once: a thread-local read each time
    opened = timezone.localdate(case.opened_at, zone)
    given = [s for s in case.services.all() if course.given(s)]
    served = [SIMFONI_SERVICE.get(s.type, s.type) for s in given]
    keys.add(opened, first, "cases", [("total", ""), *course.opening_pairs(case, served)])
    keys.add(opened, first, "services", [("service", COMPLAINT)])
    if case.closed_at is not None:
        closed = timezone.localdate(case.closed_at, zone)
        keys.add(closed, first, "closures", course.closure_pairs(case))
    seen = set()
    for incident in incidents:
        day = incident_day(incident)
        code = _place_code(incident)
        keys.add(day, incident, "incidents", _incident_keys(incident, code))
        delay = None
        if incident.occurred_on is not None:
            delay = (incident.reported_on - incident.occurred_on).days
        keys.add(
            incident.reported_on,
            incident,
            "reports",
            [("total", ""), ("delay", delay_band(delay))],
        )
        for perpetrator in incident.perpetrators.all():
            keys.add(
                day, incident, "perpetrators", _perpetrator_keys(perpetrator), perpetrator.count
            )
        if incident.survivor_id not in seen:
            seen.add(incident.survivor_id)
            pairs = [("total", ""), *_survivor_keys(incident.survivor, day)]
            band = dict(pairs)["age_band"]
            pairs.append(("age_sex", f"{band}|{incident.survivor.sex}"))
            pairs += [("kecamatan", code[:8]), ("kelurahan", code)]
            keys.add(day, incident, "survivors", pairs)
    for service, code in zip(given, served, strict=True):
        pairs = [("service", code), ("on_time", course.on_time(service))]
        keys.add(service.done_on, first, "services", pairs)
    return keys.counter


def _coded(model, path=""):
    """The names of ``model``'s encrypted fields (after ``path``), to leave unread: counts
    read codes and dates only, so counting decrypts no name and no narrative."""
    return [f"{path}{field.name}" for field in encrypted_fields(model)]


def cases_with_parts(case_ids=None):
    """Cases with what ``case_keys`` reads, loaded in a few queries."""
    queryset = Case.objects.all() if case_ids is None else Case.objects.filter(pk__in=case_ids)
    queryset = course.with_course(queryset)
    counted = (
        eligible_incidents()
        .select_related("survivor")
        .defer(*_coded(Incident), *_coded(Client, "survivor__"))
        .prefetch_related(
            Prefetch("perpetrators", queryset=Perpetrator.objects.defer(*_coded(Perpetrator)))
        )
    )
    services = PlannedService.objects.defer(*_coded(PlannedService))
    return queryset.order_by("pk").prefetch_related(
        Prefetch("incidents", queryset=counted, to_attr="counted_incidents"),
        Prefetch("services", queryset=services),
    )


def recount(case_ids=None) -> dict:
    """Every count from the records themselves, by unit: {(unit id, *key): count}."""
    total: Counter = Counter()
    for case in cases_with_parts(case_ids).iterator(chunk_size=500):
        for key, n in case_keys(case).items():
            total[(str(case.unit_id), *key)] += n
    return {key: n for key, n in total.items() if n}
