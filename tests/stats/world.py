"""Cases for the statistics tests, made through the real actions."""

from datetime import date

from lindungi.accounts.roles import Role
from lindungi.cases import actions
from lindungi.cases.models import ConsentPurpose
from lindungi.cases.vocabulary import GbvType, Sex
from lindungi.places.models import Region
from lindungi.referrals.actions import record_consent
from lindungi.stats import rollup
from lindungi.stats.counts import recount
from lindungi.stats.models import MonthTally, Tally
from tests.personas import _user

PHYSICAL = {GbvType.RAPE: False, GbvType.SEXUAL_ASSAULT: False, GbvType.PHYSICAL_ASSAULT: True}
RAPE = {GbvType.RAPE: True}


def add_survivor(
    worker, case, *, born=date(1990, 5, 17), sex=Sex.FEMALE, kelurahan=None, consent=True
):
    survivor = actions.add_client(
        worker,
        case,
        {
            "role": "survivor",
            "name": "Canary Survivor Name",
            "birth_date": born,
            "sex": sex,
            "kelurahan": Region.objects.get(code=kelurahan) if kelurahan else None,
        },
    )
    if consent:
        consent_to_statistics(worker, case, survivor)
    return survivor


def consent_to_statistics(worker, case, survivor):
    data = {"client": survivor, "purpose": ConsentPurpose.STATISTICS, "how": "spoken"}
    return record_consent(worker, case, data)


def add_incident(worker, case, survivor, **extra):
    data = {
        "survivor": survivor,
        "occurred_on": date(2026, 11, 20),
        "reported_on": date(2026, 11, 22),
        "place_type": "rumah_tangga",
        "description": "Canary narrative text",
        "gbv_answers": PHYSICAL,
        "violence_types": ["fisik"],
        "kelurahan": Region.objects.get(code="31.71.01.1001"),
    }
    data.update(extra)
    return actions.add_incident(worker, case, data)


def new_case(personas, *, unit="a", survivors=1, born=date(1990, 5, 17), consent=True, **incident):
    worker = getattr(personas, f"case_worker_{unit}")
    case = actions.open_case(worker, getattr(personas, f"unit_{unit}"))
    for _n in range(survivors):
        survivor = add_survivor(worker, case, born=born, consent=consent)
        add_incident(worker, case, survivor, **incident)
    case.refresh_from_db()
    return case


def tallies():
    """The rollups as the recount's shape: {(unit id, day, kota, type, measure, dim, value): n}."""
    return {
        (str(t.unit_id), t.day.isoformat(), t.kota, t.gbv_type, t.measure, t.dimension, t.value): (
            t.count
        )
        for t in Tally.objects.all()
    }


def month_tallies():
    """The rollup by month, in the same shape, the month's first day for its day."""
    fields = ("kota", "gbv_type", "measure", "dimension", "value")
    return {
        (str(t.unit_id), t.month.isoformat(), *(getattr(t, f) for f in fields)): t.count
        for t in MonthTally.objects.all()
    }


def counted():
    """The worker's turn, then the rollups."""
    rollup.apply_all()
    return tallies()


def total(measure, dimension="total", value="", **where):
    return sum(
        n
        for (_unit, day, kota, _gbv, m, d, v), n in recount().items()
        if m == measure and d == dimension and v == value and where.get("kota", kota) == kota
    )


def head_of_service(personas):
    """The head of service: the administration's supervisor (no role of its own)."""
    return _user("head_of_service", personas.administration, Role.SUPERVISOR)
