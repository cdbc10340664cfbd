"""One synthetic case at a time, drawn from a seeded random source in the mix of ``mix``.

Names and streets come from Faker's ``id_ID`` lists (``people``); NIKs are built the way
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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock
from typing import NamedTuple

from django.utils import timezone

from lindungi.accounts.models import Membership
from lindungi.accounts.roles import Role
from lindungi.cases.models import (
    Case,
    Client,
    ClientRole,
    ConsentPurpose,
    GivenBy,
    MaritalStatus,
    RestrictionReason,
    Status,
    new_survivor_code,
)
from lindungi.cases.timeline import EventKind
from lindungi.cases.vocabulary import (
    GbvType,
    Relationship,
    Sex,
)
from lindungi.ops.seed.draw import between, build, fields_of, pick
from lindungi.ops.seed.incidents import Incidents
from lindungi.ops.seed.mix import (
    CHILD_AGES,
    CHILD_VIEWS,
    CONSENT_CATEGORIES,
    CONSENT_METHODS,
    GBV_MIX,
    GROWTH,
    KOTA_2024,
    MARITAL_MIX,
    PRIORITY_MIX,
    RELATIONSHIP_MIX,
    STATISTICS_CONSENT,
    STATUS_BY_AGE,
    SURVIVORS_2024,
    WOMAN_AGES,
    YEARS,
)
from lindungi.ops.seed.people import People
from lindungi.places.loader import load_province
from lindungi.places.models import Region, RegionLevel


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


class CaseMaker(People, Incidents):
    """Draws one realistic case at a time from a seeded random source."""

    def __init__(self, unit, seed=None):
        self.unit = unit
        # Not for secrets: a seeded generator makes the drawn content repeatable.
        self.rng = random.Random(seed)  # noqa: S311
        self.now = timezone.now()
        # The current time zone, looked up once: Django's lookup per call (a thread-local
        # read) cost as much as drawing a date.
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate(self.now, self.tz)
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
        kota = pick(self.rng, self.kota_weights)
        return self.rng.choice(self.villages[kota][0])

    def _opened_at(self):
        """A time in office hours over the last YEARS years, more of them recent."""
        rate = math.log(GROWTH) / 365
        span = YEARS * 365
        days_ago = int(-math.log(1 - self.rng.random() * (1 - math.exp(-rate * span))) / rate)
        day = self.today - timedelta(days=days_ago)
        at = datetime.combine(day, clock(self.rng.randint(8, 16), self.rng.randint(0, 59)))
        at = timezone.make_aware(at, self.tz) + timedelta(seconds=self.rng.random() * 60)
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
        group = pick(rng, SURVIVORS_2024)
        child = group != "woman"
        age = between(rng, pick(rng, CHILD_AGES if child else WOMAN_AGES))
        sex = Sex.MALE if group == "boy" else Sex.FEMALE
        gbv = pick(rng, GBV_MIX[group])
        relationship = pick(rng, RELATIONSHIP_MIX["child" if child else "woman"])
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
        case = build(
            Case,
            unit=self.unit,
            survivor_code=new_survivor_code(),
            priority=pick(rng, PRIORITY_MIX),
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
        opened_on = timezone.localdate(case.opened_at, self.tz)
        marital = MaritalStatus.SINGLE if who.age < 16 else pick(rng, MARITAL_MIX)
        if who.relationship == Relationship.SUAMI_ISTRI:
            marital = MaritalStatus.MARRIED
        data = self._person(ClientRole.SURVIVOR, who.sex, who.age, opened_on, village)
        data["marital_status"] = marital
        survivor = build(Client, case=case, **data)
        batch.clients.append(survivor)
        events.append((EventKind.CLIENT_ADDED, at, actor, {"fields": fields_of(data)}))
        kin = None
        if rng.random() < (0.3 if who.child else 0.2):
            kin_data = self._kin(survivor, who, opened_on, village)
            kin = build(Client, case=case, **kin_data)
            batch.clients.append(kin)
            events.append((EventKind.CLIENT_ADDED, at, actor, {"fields": fields_of(kin_data)}))
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
            "how": pick(self.rng, CONSENT_METHODS),
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
                case.status = pick(self.rng, mix)
                break
        if case.status == Status.OPEN:
            return
        span = max((self.now - opened_at).total_seconds(), 3600)
        changed_at = opened_at + timedelta(seconds=span * self.rng.uniform(0.2, 0.9))
        if case.status == Status.CLOSED:
            case.closed_at = changed_at
        case.version += 1
        events.append((EventKind.UPDATED, changed_at, actor, {"fields": ["status"]}))
