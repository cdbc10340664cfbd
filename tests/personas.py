"""One user per role, plus an outsider: tests read as sentences about these people.

Unit A and unit B are two service centres, so every access rule can be checked against a
record of one's own unit and a record of another.
"""

from dataclasses import dataclass

from lindungi.accounts.models import Membership, Unit, User
from lindungi.accounts.roles import Role, UnitType
from lindungi.places.models import ServicePoint, ServicePointKind

PASSWORD = "a long test passphrase 2026"


@dataclass
class Personas:
    unit_a: Unit
    unit_b: Unit
    call_centre: Unit
    rapid_response: Unit
    safe_house: Unit
    partner: Unit
    administration: Unit
    intake_officer: User
    responder: User
    case_worker_a: User
    case_worker_b: User
    supervisor_a: User
    supervisor_b: User
    shelter_officer: User
    partner_officer: User
    analyst: User
    administrator: User
    outsider: User

    def everyone(self):
        """(name, user) for every persona, for tests that walk all of them."""
        return [
            (name, getattr(self, name))
            for name in self.__dataclass_fields__
            if isinstance(getattr(self, name), User)
        ]


def _user(key, unit=None, role=None, **extra):
    user = User.objects.create_user(
        f"{key.replace('_', '.')}@test.lindungi.id",
        PASSWORD,
        display_name=key.replace("_", " ").title(),
        **extra,
    )
    if unit is not None:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


def make_personas():
    def unit(name, unit_type, region="31.74"):
        return Unit.objects.create(name=name, type=unit_type, region_id=region)

    units = {
        "unit_a": unit("Unit A (UPTD PPA)", UnitType.UPTD_PPA),
        "unit_b": unit("Unit B (UPTD PPA)", UnitType.UPTD_PPA, "31.75"),
        "call_centre": unit("Test 112", UnitType.CALL_CENTRE_112),
        "rapid_response": unit("Test rapid response", UnitType.RAPID_RESPONSE),
        "safe_house": unit("Test safe house", UnitType.SAFE_HOUSE),
        "partner": unit("Test hospital", UnitType.PARTNER_AGENCY),
        "administration": unit("Test administration", UnitType.ADMINISTRATION, "31"),
    }
    ServicePoint.objects.create(
        name="Test safe house",
        kind=ServicePointKind.SAFE_HOUSE,
        unit=units["safe_house"],
        region_id="31.74.01.1001",
        address="Jl. Kanari 9",
    )
    people = {
        "intake_officer": _user("intake_officer", units["call_centre"], Role.INTAKE_OFFICER),
        "responder": _user("responder", units["rapid_response"], Role.RESPONDER),
        "case_worker_a": _user("case_worker_a", units["unit_a"], Role.CASE_WORKER),
        "case_worker_b": _user("case_worker_b", units["unit_b"], Role.CASE_WORKER),
        "supervisor_a": _user("supervisor_a", units["unit_a"], Role.SUPERVISOR),
        "supervisor_b": _user("supervisor_b", units["unit_b"], Role.SUPERVISOR),
        "shelter_officer": _user("shelter_officer", units["safe_house"], Role.SHELTER_OFFICER),
        "partner_officer": _user("partner_officer", units["partner"], Role.PARTNER_OFFICER),
        "analyst": _user("analyst", units["administration"], Role.ANALYST),
        "administrator": _user(
            "administrator", units["administration"], Role.ADMINISTRATOR, is_staff=True
        ),
        "outsider": _user("outsider"),
    }
    return Personas(**units, **people)
