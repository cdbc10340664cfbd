"""One synthetic case at a time, drawn from a seeded random source in the mix of ``mix``.

Names, addresses and phone numbers come from Faker's ``id_ID`` locale; NIKs are built the way
real ones are (region, date of birth with 40 added to a woman's day, serial), so they look
and index like real ones.

A case is drawn into a ``Batch`` as the rows the actions would write, not through them (a
hundred times slower): the case, its people, incident and perpetrator as model objects (the
rules of ``classification`` and the statistics' ``case_keys`` read them), the assignments,
named access, consents and timeline events as plain rows. Keys are UUIDs drawn here, so a
child row points at its parent before anything is written.
"""

import math
import random
import uuid
from bisect import bisect
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock
from functools import cache
from itertools import accumulate
from typing import NamedTuple

from django.db.models.base import ModelState
from django.utils import timezone
from faker import Faker

from lindungi.accounts.models import Membership
from lindungi.accounts.roles import Role
from lindungi.cases import classification
from lindungi.cases.models import (
    Case,
    Client,
    ClientRole,
    ConsentPurpose,
    Education,
    GivenBy,
    Incident,
    MaritalStatus,
    Perpetrator,
    Priority,
    RestrictionReason,
    Status,
    new_survivor_code,
)
from lindungi.cases.timeline import EventKind
from lindungi.cases.vocabulary import (
    WG_DOMAINS,
    Difficulty,
    GbvType,
    PerpetratorAgeGroup,
    PlaceType,
    Relationship,
    Sex,
    TpksForm,
    ViolenceType,
)
from lindungi.ops.seed.mix import (
    ACCOMMODATION_FOR,
    AGENCIES,
    CHILD_AGES,
    CHILD_VIEWS,
    CONSENT_CATEGORIES,
    CONSENT_METHODS,
    DELAY_MIX,
    EDUCATION_MIX,
    EMPLOYER_MIX,
    GBV_MIX,
    GROWTH,
    KOTA_2024,
    MAN_OCCUPATIONS,
    MARITAL_MIX,
    MOBILE_PREFIXES,
    NARRATIVES,
    PERPETRATOR_AGES,
    PLACE_MIX,
    PRIORITY_MIX,
    RELATIONSHIP_MIX,
    SEXUAL_ASSAULT_FORMS,
    STATISTICS_CONSENT,
    STATUS_BY_AGE,
    SURVIVORS_2024,
    TIME_OF_DAY_MIX,
    WOMAN_AGES,
    WOMAN_OCCUPATIONS,
    YEARS,
    YOUNG_PERPETRATOR_AGES,
)
from lindungi.places.loader import load_province
from lindungi.places.models import Region, RegionLevel

_CUMULATIVE: dict = {}


def _pick(rng, weights):
    """One key of ``weights``, drawn in proportion to its weight: what
    ``rng.choices(keys, weights)`` draws, with the running totals worked out once per mix
    (they were a fifth of the drawing time)."""
    entry = _CUMULATIVE.get(id(weights))
    if entry is None or entry[0] is not weights:
        entry = (weights, list(weights), list(accumulate(weights.values())))
        _CUMULATIVE[id(weights)] = entry
    _mix, keys, totals = entry
    return keys[bisect(totals, rng.random() * totals[-1], 0, len(totals) - 1)]


def _between(rng, bounds):
    low, high = bounds
    return rng.randint(low, high)


@cache
def _shape(model):
    """What ``_build`` needs of ``model``: fixed defaults, drawn ones, relation attributes."""
    fields = model._meta.concrete_fields
    drawn = {f.attname: f.default for f in fields if f.has_default() and callable(f.default)}
    fixed = {f.attname: f.get_default() for f in fields if f.attname not in drawn}
    relations = {f.name: f.attname for f in fields if f.is_relation}
    return fixed, drawn, relations


def _build(model, **values):
    """What ``model(**values)`` makes, without ``Model.__init__`` (a third of the time of
    drawing a case: it resolves every keyword against every field). A related object given
    under its field's name sets the id and the cache, as the field's descriptor would; no
    model here has ``pre_init`` or ``post_init`` receivers."""
    fixed, drawn, relations = _shape(model)
    obj = model.__new__(model)
    obj._state = ModelState()
    attributes = obj.__dict__
    attributes.update(fixed)
    for name, value in values.items():
        attname = relations.get(name, name)
        if attname != name:
            attributes[attname] = None if value is None else value.pk
            obj._state.fields_cache[name] = value
        else:
            attributes[name] = value
    for attname, default in drawn.items():
        if attname not in values:
            attributes[attname] = default()
    return obj


class NoCaseWorkers(Exception):
    """The unit has no active case worker to open and hold the cases."""


class SurvivorProfile(NamedTuple):
    """Who a seeded survivor is: her group in SIMFONI's terms, age and sex, the core type
    of what happened to her and her relationship to the perpetrator."""

    group: str
    child: bool
    age: int
    sex: str
    gbv: str
    relationship: str


@dataclass
class Batch:
    """What a run of ``add_case`` drew, to be written in one transaction."""

    cases: list = field(default_factory=list)
    clients: list = field(default_factory=list)  # survivors first: guardian_of points back
    incidents: list = field(default_factory=list)
    perpetrators: list = field(default_factory=list)
    # Plain rows (dicts by attribute name): cheaper than model objects, read by nobody here.
    assignments: list = field(default_factory=list)
    named: list = field(default_factory=list)
    consents: list = field(default_factory=list)
    events: list = field(default_factory=list)
    # The survivors whose incident the statistics count (their consent is in force).
    counted: set = field(default_factory=set)


class CaseMaker:
    """Draws one realistic case at a time from a seeded random source."""

    def __init__(self, unit, seed=None):
        self.unit = unit
        # Not for secrets: a seeded generator makes the drawn content repeatable.
        self.rng = random.Random(seed)  # noqa: S311
        self.faker = Faker("id_ID")
        self.faker.seed_instance(self.rng.getrandbits(32))
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        memberships = Membership.objects.filter(unit=unit, user__is_active=True).select_related(
            "user"
        )
        self.workers = [m.user for m in memberships if m.role == Role.CASE_WORKER]
        self.supervisors = [m.user for m in memberships if m.role == Role.SUPERVISOR]
        if not self.workers:
            raise NoCaseWorkers
        self.villages = self._villages(unit.region_id.split(".")[0])
        self.kota_weights = {kota: weight for kota, (_codes, weight) in self.villages.items()}

    @staticmethod
    def _villages(province):
        """Kelurahan codes by kota, with the kota's share of cases."""
        rows = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=f"{province}.")
        if not rows.exists():
            load_province(province)
        by_kota = {}
        for code in rows.values_list("code", flat=True):
            by_kota.setdefault(code.rsplit(".", 2)[0], []).append(code)
        if province == "31":
            return {kota: (codes, KOTA_2024.get(kota, 1)) for kota, codes in by_kota.items()}
        return {kota: (codes, 1) for kota, codes in by_kota.items()}

    # --- people --------------------------------------------------------------------------

    def _village(self, near=None):
        if near is not None and self.rng.random() < 0.9:
            kota = near.rsplit(".", 2)[0]
            return near if self.rng.random() < 0.75 else self.rng.choice(self.villages[kota][0])
        kota = _pick(self.rng, self.kota_weights)
        return self.rng.choice(self.villages[kota][0])

    def _name(self, sex):
        f = self.faker
        if sex == Sex.FEMALE:
            parts = [f.first_name_female(), f.last_name_female()]
        else:
            parts = [f.first_name_male(), f.last_name_male()]
        if self.rng.random() < 0.3:
            parts.insert(1, f.first_name_female() if sex == Sex.FEMALE else f.first_name_male())
        return " ".join(parts)

    def _phone(self):
        prefix = self.rng.choice(MOBILE_PREFIXES)
        digits = "".join(str(self.rng.randint(0, 9)) for _ in range(8))
        return f"{prefix}-{digits[:4]}-{digits[4:]}"

    def _nik(self, village, birth_date, sex):
        """Kemendagri layout: province, kota, kecamatan; birth day (+40 for women), month,
        two-digit year; a serial."""
        region = "".join(village.split(".")[:3])
        day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
        serial = self.rng.randint(1, 9999)
        return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"

    def _wg(self):
        """Washington Group answers: not asked a quarter of the time; about 6% disability."""
        if self.rng.random() < 0.25:
            return {}, []
        answers = {f"wg_{domain}": Difficulty.NONE for domain, _label in WG_DOMAINS}
        domain = self.rng.choice(WG_DOMAINS)[0]
        roll = self.rng.random()
        if roll < 0.06:
            answers[f"wg_{domain}"] = self.rng.choice([Difficulty.A_LOT, Difficulty.CANNOT])
            return answers, [ACCOMMODATION_FOR[domain]]
        if roll < 0.16:
            answers[f"wg_{domain}"] = Difficulty.SOME
        return answers, []

    def _person(self, role, sex, age, on, village, **extra):
        """The data ``add_client`` would get for one person ``age`` years old on ``on``."""
        birth_date = on - timedelta(days=int(age * 365.25) + self.rng.randint(0, 364))
        data = {"role": role, "sex": sex, "kelurahan_id": village, **extra}
        data["name"] = self._name(sex)
        if self.rng.random() < 0.85:
            data["birth_date"] = birth_date
        else:
            data["age_estimate"] = age
        if self.rng.random() < (0.85 if age >= 17 else 0.6):
            data["nik"] = self._nik(village, birth_date, sex)
        if age >= 13 and self.rng.random() < (0.9 if age >= 18 else 0.5):
            data["phone"] = self._phone()
        if self.rng.random() < 0.9:
            rt, rw = self.rng.randint(1, 15), self.rng.randint(1, 12)
            data["address_detail"] = f"{self.faker.street_address()}, RT {rt:03d}/RW {rw:03d}"
        if age >= 18:
            occupations = WOMAN_OCCUPATIONS if sex == Sex.FEMALE else MAN_OCCUPATIONS
            data["occupation"] = _pick(self.rng, occupations)
            data["education"] = _pick(self.rng, EDUCATION_MIX)
        elif age >= 6:
            data["occupation"] = "Pelajar"
            data["education"] = Education.SD if age <= 12 else Education.SMP
        wg, accommodations = self._wg()
        data.update(wg)
        if accommodations:
            data["accommodations"] = accommodations
        return data

    # --- one case ------------------------------------------------------------------------

    def _opened_at(self):
        """A time in office hours over the last YEARS years, more of them recent."""
        rate = math.log(GROWTH) / 365
        span = YEARS * 365
        days_ago = int(-math.log(1 - self.rng.random() * (1 - math.exp(-rate * span))) / rate)
        day = self.today - timedelta(days=days_ago)
        at = datetime.combine(day, clock(self.rng.randint(8, 16), self.rng.randint(0, 59)))
        at = timezone.make_aware(at) + timedelta(seconds=self.rng.random() * 60)
        return min(at, self.now - timedelta(minutes=5))

    def add_case(self, batch):
        rng = self.rng
        opened_at = self._opened_at()
        who = self._survivor_profile()
        case, actor, workers, events = self._open(batch, opened_at)
        at = opened_at + timedelta(minutes=rng.randint(5, 90))
        village = self._village()
        survivor = self._add_people(batch, case, who, village, at, actor, events)
        perpetrator, at = self._add_incident(batch, case, survivor, who, village, at, actor, events)
        reason = ""
        if perpetrator.public_employment:
            reason = RestrictionReason.STAFF_PERPETRATOR
        elif rng.random() < 0.003:
            reason = rng.choice(
                [RestrictionReason.STAFF_SURVIVOR, RestrictionReason.CONFLICT_OF_INTEREST]
            )
        if reason:
            self._restrict(batch, case, actor, workers, reason, at, events)
        self._progress(case, opened_at, actor, events)
        batch.events.extend(
            {
                "case_id": case.pk,
                "at": min(when, self.now),
                "actor_id": who.pk,
                "kind": kind,
                "detail": detail,
            }
            for kind, when, who, detail in events
        )

    def _survivor_profile(self):
        """Who the survivor is and what happened to her, in the mix of SIMFONI 2024."""
        rng = self.rng
        group = _pick(rng, SURVIVORS_2024)
        child = group != "woman"
        age = _between(rng, _pick(rng, CHILD_AGES if child else WOMAN_AGES))
        sex = Sex.MALE if group == "boy" else Sex.FEMALE
        gbv = _pick(rng, GBV_MIX[group])
        relationship = _pick(rng, RELATIONSHIP_MIX["child" if child else "woman"])
        if gbv == GbvType.FORCED_MARRIAGE and rng.random() < 0.6:
            relationship = Relationship.SUAMI_ISTRI
        if relationship == Relationship.SUAMI_ISTRI and age < 15:
            relationship = Relationship.KELUARGA
        return SurvivorProfile(group, child, age, sex, gbv, relationship)

    def _open(self, batch, opened_at):
        """The case, opened by a worker or a supervisor, and its assigned workers: (case,
        who opened it, the workers, its first timeline events)."""
        rng = self.rng
        workers = rng.sample(self.workers, min(len(self.workers), 2 if rng.random() < 0.2 else 1))
        if not self.supervisors:
            workers = workers[:1]  # only a supervisor assigns a second worker
        by_supervisor = bool(self.supervisors) and rng.random() < 0.15
        actor = rng.choice(self.supervisors) if by_supervisor else workers[0]
        case = _build(
            Case,
            unit=self.unit,
            survivor_code=new_survivor_code(),
            priority=_pick(rng, PRIORITY_MIX),
            opened_at=opened_at,
            opened_by=actor,
        )
        batch.cases.append(case)
        events = [(EventKind.OPENED, opened_at, actor, {"fields": []})]
        for worker in workers:
            # open_case assigns the worker who opens; a supervisor assigns anyone else.
            assigner = actor if worker is actor or by_supervisor else rng.choice(self.supervisors)
            batch.assignments.append(
                {
                    "case_id": case.pk,
                    "user_id": worker.pk,
                    "assigned_by_id": assigner.pk,
                    "assigned_at": opened_at,
                    "case_opened_at": opened_at,
                }
            )
            if worker is not actor:
                events.append((EventKind.ASSIGNED, opened_at, assigner, {"user": str(worker.pk)}))
        return case, actor, workers, events

    def _add_people(self, batch, case, who, village, at, actor, events):
        """The survivor and, for some, a guardian (of a child) or a dependant (of a woman);
        returns the survivor."""
        rng = self.rng
        opened_on = timezone.localdate(case.opened_at)
        marital = MaritalStatus.SINGLE if who.age < 16 else _pick(rng, MARITAL_MIX)
        if who.relationship == Relationship.SUAMI_ISTRI:
            marital = MaritalStatus.MARRIED
        data = self._person(ClientRole.SURVIVOR, who.sex, who.age, opened_on, village)
        data["marital_status"] = marital
        survivor = _build(Client, case=case, **data)
        batch.clients.append(survivor)
        events.append((EventKind.CLIENT_ADDED, at, actor, {"fields": _fields(data)}))
        kin = None
        if rng.random() < (0.3 if who.child else 0.2):
            kin_data = self._kin(survivor, who, opened_on, village)
            kin = _build(Client, case=case, **kin_data)
            batch.clients.append(kin)
            events.append((EventKind.CLIENT_ADDED, at, actor, {"fields": _fields(kin_data)}))
        if rng.random() < STATISTICS_CONSENT:
            self._consent(batch, case, survivor, who, kin, at, actor, events)
        return survivor

    def _consent(self, batch, case, survivor, who, kin, at, actor, events):
        """The survivor's consent to statistics, as ``record_consent`` records it: a child's
        given by her guardian (or a parent), with the child's own view."""
        consent = {
            "id": uuid.uuid4(),
            "case_id": case.pk,
            "client_id": survivor.pk,
            "purpose": ConsentPurpose.STATISTICS,
            "categories": CONSENT_CATEGORIES,
            "how": _pick(self.rng, CONSENT_METHODS),
            "given_at": at,
            "recorded_by_id": actor.pk,
        }
        if who.child:
            guardian = kin is not None and kin.role == ClientRole.GUARDIAN
            consent["given_by"] = GivenBy.GUARDIAN if guardian else GivenBy.PARENT
            consent["given_by_name"] = kin.name if guardian else self._name(Sex.FEMALE)
            consent["child_view"] = self.rng.choice(CHILD_VIEWS)
        batch.consents.append(consent)
        batch.counted.add(survivor.pk)
        detail = {"consent": str(consent["id"]), "purpose": ConsentPurpose.STATISTICS}
        events.append((EventKind.CONSENT_RECORDED, at, actor, detail))

    def _kin(self, survivor, who, opened_on, village):
        """A child survivor's guardian, or a woman survivor's dependant child."""
        rng = self.rng
        if who.child:
            return self._person(
                ClientRole.GUARDIAN,
                Sex.FEMALE if rng.random() < 0.8 else Sex.MALE,
                rng.randint(max(who.age + 18, 25), max(who.age + 35, 55)),
                opened_on,
                village,
                guardian_of=survivor,
            )
        return self._person(
            ClientRole.DEPENDANT,
            rng.choice([Sex.FEMALE, Sex.MALE]),
            rng.randint(0, min(14, max(who.age - 16, 0))),
            opened_on,
            village,
        )

    def _add_incident(self, batch, case, survivor, who, village, at, actor, events):
        """The incident and its perpetrator, classified as ``classify`` would, recorded a
        little after ``at``; returns the perpetrator and that time."""
        incident, incident_data = self._incident(
            case, survivor, who.age, who.gbv, who.group, village
        )
        perpetrator, perpetrator_data = self._perpetrator(incident, who.relationship, who.child)
        _classify(incident, survivor, perpetrator)
        batch.incidents.append(incident)
        batch.perpetrators.append(perpetrator)
        at += timedelta(minutes=self.rng.randint(5, 60))
        events.append((EventKind.INCIDENT_ADDED, at, actor, {"fields": _fields(incident_data)}))
        events.append(
            (EventKind.PERPETRATOR_ADDED, at, actor, {"fields": _fields(perpetrator_data)})
        )
        if who.gbv == GbvType.RAPE and incident.reporting_delay == "0-3d":
            case.priority = Priority.HIGH  # post-exposure care within 72 hours
        return perpetrator, at

    def _incident(self, case, survivor, age, gbv, group, village):
        rng = self.rng
        reported_on = timezone.localdate(case.opened_at)  # what add_incident fills in
        delay = _between(rng, _pick(rng, DELAY_MIX))
        if group == "woman" and delay > 30:
            delay = rng.randint(31, 400)
        delay = min(delay, max(age - 1, 0) * 365)  # not before the survivor was born
        data = {
            "survivor": survivor,
            "reported_on": reported_on,
            "place_type": _pick(rng, PLACE_MIX),
            "kelurahan_id": self._village(near=village),
            "time_of_day": _pick(rng, TIME_OF_DAY_MIX),
            "description": rng.choice(NARRATIVES),
        }
        if rng.random() < 0.98:  # a few survivors cannot say when it happened
            data["occurred_on"] = reported_on - timedelta(days=delay)
            if delay > 30 and rng.random() < 0.4:
                data["date_is_estimate"] = True
        # The questions as the form asks them: every "no" up to the first "yes".
        answers = {}
        for asked, _question in classification.GBV_QUESTIONS:
            answers[asked] = asked == gbv
            if asked == gbv:
                break
        data["gbv_answers"] = answers
        violence, forms = self._codings(gbv, group, data["place_type"], data)
        data["violence_types"] = violence
        if forms:
            data["tpks_forms"] = forms
        if rng.random() < 0.03:
            data["reported_elsewhere"] = True
        return _build(Incident, case=case, **data), data

    def _codings(self, gbv, group, place, data):
        """SIMFONI violence types and UU TPKS forms that go with the core type."""
        rng = self.rng
        sexual = gbv in classification.SEXUAL_TYPES
        violence = {
            GbvType.RAPE: {ViolenceType.SEKSUAL},
            GbvType.SEXUAL_ASSAULT: {ViolenceType.SEKSUAL},
            GbvType.PHYSICAL_ASSAULT: {ViolenceType.FISIK},
            GbvType.FORCED_MARRIAGE: {ViolenceType.PSIKIS, ViolenceType.LAINNYA},
            GbvType.DENIAL_OF_RESOURCES: {ViolenceType.PENELANTARAN},
            GbvType.PSYCHOLOGICAL_ABUSE: {ViolenceType.PSIKIS},
            GbvType.NON_GBV: {ViolenceType.LAINNYA},
        }[gbv]
        if gbv != GbvType.NON_GBV and rng.random() < 0.4:
            violence.add(ViolenceType.PSIKIS)
        if sexual and rng.random() < 0.15:
            violence.add(ViolenceType.FISIK)
        forms = set()
        if sexual:
            forms.add(TpksForm.RAPE if gbv == GbvType.RAPE else _pick(rng, SEXUAL_ASSAULT_FORMS))
            if group != "woman":
                forms.add(TpksForm.ACTS_AGAINST_CHILD)
            if place == PlaceType.RUMAH_TANGGA and rng.random() < 0.5:
                forms.add(TpksForm.HOUSEHOLD)
            if rng.random() < 0.05:
                data["goods_exchanged"] = True
                violence.add(ViolenceType.EKSPLOITASI)
                forms.add(TpksForm.SEXUAL_EXPLOITATION)
            if rng.random() < 0.02:
                data["abducted"] = True
                violence.add(ViolenceType.TRAFFICKING)
                forms.add(TpksForm.TRAFFICKING)
        if gbv == GbvType.FORCED_MARRIAGE and group != "woman" and rng.random() < 0.3:
            data["harmful_practice"] = True
        return sorted(violence), sorted(forms)

    def _perpetrator(self, incident, relationship, child):
        rng = self.rng
        male = 0.7 if relationship == Relationship.ORANG_TUA else 0.92
        sex = Sex.MALE if rng.random() < male else Sex.FEMALE
        data = {"relationship": relationship, "sex": sex}
        if rng.random() < 0.08:
            data["count"] = rng.randint(2, 4)
        if relationship == Relationship.TIDAK_DIKETAHUI and rng.random() < 0.6:
            data["age_group"] = PerpetratorAgeGroup.UNKNOWN
        else:
            young = child and relationship in (Relationship.PACAR, Relationship.TEMAN)
            bands = YOUNG_PERPETRATOR_AGES if young else PERPETRATOR_AGES
            data["age_group"] = PerpetratorAgeGroup(_pick(rng, bands))
            data["occupation"] = _pick(rng, MAN_OCCUPATIONS)
        if rng.random() < 0.4:
            data["name"] = self._name(sex)
        if rng.random() < 0.01:
            data["public_employment"] = _pick(rng, EMPLOYER_MIX)
            data["employing_agency"] = rng.choice(AGENCIES)
        return _build(Perpetrator, incident=incident, **data), data

    def _restrict(self, batch, case, actor, workers, reason, at, events):
        """What ``restrict_case`` does: the actor, the workers and the unit's supervisors
        become the case's named users."""
        case.restricted = True
        case.restriction_reason = reason
        case.version += 1
        for user in {u.pk: u for u in [actor, *workers, *self.supervisors]}.values():
            batch.named.append(
                {
                    "case_id": case.pk,
                    "user_id": user.pk,
                    "granted_by_id": actor.pk,
                    "granted_at": at,
                }
            )
        events.append(
            (EventKind.RESTRICTED, at, actor, {"fields": ["restricted"], "reason": reason})
        )

    def _progress(self, case, opened_at, actor, events):
        """Where the case stands now, given how long ago it was opened."""
        age_days = (self.now - opened_at).days
        for upper, mix in STATUS_BY_AGE:
            if upper is None or age_days < upper:
                case.status = _pick(self.rng, mix)
                break
        if case.status == Status.OPEN:
            return
        span = max((self.now - opened_at).total_seconds(), 3600)
        changed_at = opened_at + timedelta(seconds=span * self.rng.uniform(0.2, 0.9))
        if case.status == Status.CLOSED:
            case.closed_at = changed_at
        case.version += 1
        events.append((EventKind.UPDATED, changed_at, actor, {"fields": ["status"]}))


def _fields(data):
    """Field names as the actions put them in a timeline event: sorted, ids as names."""
    return sorted(name.removesuffix("_id") for name in data)


def _classify(incident, survivor, perpetrator):
    """The derived fields, by the same rules as ``actions.classify``."""
    gbv = classification.gbv_type(incident.gbv_answers)
    incident.gbv_type = gbv or ""
    age = survivor.age_on(incident.occurred_on or incident.reported_on)
    incident.context_flags = sorted(
        classification.context_flags(
            gbv,
            age,
            goods_exchanged=incident.goods_exchanged,
            abducted=incident.abducted,
            intimate_partner=perpetrator.intimate_partner,
            harmful_practice=incident.harmful_practice,
        )
    )
    delay = classification.reporting_delay(incident.occurred_on, incident.reported_on)
    incident.reporting_delay = delay or ""
