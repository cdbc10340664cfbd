"""A case with a survivor, a partner hospital in the directory, and her consent to a visum
referral there: for the referrals tests, made through the real actions."""

from dataclasses import dataclass

from lindungi.accounts.models import Unit
from lindungi.accounts.roles import Role, UnitType
from lindungi.cases.models import Case, Client, Consent, DataCategory
from lindungi.referrals import actions
from lindungi.referrals.models import Provider
from tests.cases.factories import make_case
from tests.personas import _user

VISUM_CATEGORIES = [
    DataCategory.IDENTITY,
    DataCategory.DEMOGRAPHICS,
    DataCategory.INCIDENT,
    DataCategory.ACCOMMODATIONS,
]


@dataclass
class World:
    personas: object
    case: Case
    client: Client
    other_partner: Unit


def make_world(personas):
    case = make_case(personas)
    Provider.objects.create(
        unit=personas.partner, services=["health"], opening_hours="24 jam", staff_contact="IGD"
    )
    other = Unit.objects.create(name="Other LBH", type=UnitType.PARTNER_AGENCY, region_id="31.74")
    _user("other_partner_officer", other, Role.PARTNER_OFFICER)
    return World(personas, case, case.clients.get(), other)


def visum_consent(world, **extra) -> Consent:
    data = {
        "client": world.client,
        "purpose": "referral",
        "recipient": world.personas.partner,
        "categories": VISUM_CATEGORIES,
        "how": "signed",
        **extra,
    }
    return actions.record_consent(world.personas.case_worker_a, world.case, data)


def send_visum(world, actor=None, **extra):
    data = {
        "client": world.client,
        "provider": world.personas.partner,
        "service": "health",
        "purpose": "Visum et repertum",
        "handover_note": "Canary-handover: she prefers a woman doctor",
        **extra,
    }
    override = data.pop("override_reason", "")
    actor = actor or world.personas.case_worker_a
    return actions.send_referral(actor, world.case, data, override_reason=override)
