"""Demo data for the provider directory and the partner portal: the demo partner
organisations' directory entries, and one synthetic case referred to the demo partner
officer's hospital under the survivor's consent, so that the directory and the portal show
something. Through the real actions (consent, referral), so the case's timeline and the
audit say what happened; once (a second run adds nothing).
"""

from django.utils.translation import gettext as _

from lindungi.accounts.models import Unit, User
from lindungi.cases.access import Need
from lindungi.cases.models import Case, ClientRole, ConsentMethod, ConsentPurpose
from lindungi.casework.models import ServiceType
from lindungi.places.models import Region
from lindungi.referrals import actions, sharing
from lindungi.referrals.models import Provider, Referral

# Partner organisation -> (services, regions served, opening hours, accessibility).
PROVIDERS = {
    "RSUD Tarakan": ([ServiceType.HEALTH], ["31.71"], "24 jam (IGD)", ["wheelchair"]),
    "Puskesmas Kecamatan Tebet": (
        [ServiceType.HEALTH, ServiceType.PSYCHOSOCIAL],
        ["31.74.01"],
        "Senin–Sabtu 07.30–16.00",
        ["wheelchair", "companion"],
    ),
    "Unit PPA Polda Metro Jaya": ([ServiceType.LAW_ENFORCEMENT], ["31"], "24 jam", []),
    "LBH APIK Jakarta": ([ServiceType.LEGAL_AID], ["31"], "Senin–Jumat 09.00–17.00", []),
    "Dinas Sosial DKI Jakarta": (
        [ServiceType.SOCIAL_REHABILITATION, ServiceType.SOCIAL_REINTEGRATION],
        ["31"],
        "Senin–Jumat 08.00–16.00",
        ["sign_language"],
    ),
}
# The demo partner officer's organisation, which the demo referral goes to.
REFERRED_TO = "RSUD Tarakan"


def load_providers():
    """The directory entries of the demo partner organisations (invented contacts)."""
    for name, (services, regions, hours, accessibility) in PROVIDERS.items():
        unit = Unit.objects.get(name=name)
        provider, _made = Provider.objects.update_or_create(
            unit=unit,
            defaults={
                "services": [str(s) for s in services],
                "opening_hours": hours,
                "accessibility": accessibility,
                "staff_contact": f"Petugas penghubung {name} (contoh)",
            },
        )
        provider.regions.set(Region.objects.filter(code__in=regions))


def refer_a_demo_case(supervisor: User, unit: Unit) -> Referral | None:
    """A visum referral of one of ``unit``'s synthetic cases to the demo hospital, under
    the survivor's consent, recorded and sent by the demo ``supervisor``; None if the
    hospital already has one or the unit has no case yet."""
    hospital = Unit.objects.get(name=REFERRED_TO)
    if Referral.objects.restrict(supervisor, Need.VIEW).filter(provider=hospital).exists():
        return None
    case = (
        Case.objects.restrict(supervisor, Need.EDIT)
        .filter(unit=unit, clients__role=ClientRole.SURVIVOR)
        .order_by("opened_at")
        .first()
    )
    if case is None:
        return None
    survivor = case.clients.filter(role=ClientRole.SURVIVOR).order_by("created_at").first()
    fields = sharing.defaults(ServiceType.HEALTH)
    actions.record_consent(
        supervisor,
        case,
        {
            "client": survivor,
            "purpose": ConsentPurpose.REFERRAL,
            "recipient": hospital,
            "categories": sharing.categories(fields),
            "how": ConsentMethod.SIGNED,
        },
    )
    return actions.send_referral(
        supervisor,
        case,
        {
            "client": survivor,
            "provider": hospital,
            "service": ServiceType.HEALTH,
            "purpose": _("Visum et repertum (demo)"),
            "fields": fields,
            "handover_note": _("She prefers a female doctor (demo)."),
        },
    )
