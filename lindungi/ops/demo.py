"""Demo data for Jakarta: regions, units, service points, the partners' directory entries
(``demo_referrals``) and one user per role.

Every row is matched on a natural key, so loading twice changes nothing. Addresses are
invented; organisation names are the real public bodies a Jakarta deployment works with.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lindungi.accounts.mfa.devices import base32_secret, new_secret, otpauth_uri
from lindungi.accounts.mfa.models import Authenticator
from lindungi.accounts.models import Membership, Unit, User
from lindungi.accounts.roles import Role, UnitType
from lindungi.cases.models import Case, ClientRole
from lindungi.ops.demo_referrals import load_providers
from lindungi.places.loader import load_province
from lindungi.places.models import Region, ServicePoint, ServicePointKind
from lindungi.response import roster
from lindungi.response.models import CrewRole
from lindungi.shelter import actions as shelter
from lindungi.shelter.models import Bed, House, Placement, Room

PROVINCE = "31"
DEMO_PASSWORD = "lindungi-demo-2026"  # noqa: S105 - published on purpose, refused outside debug
KOTA = ["31.71", "31.72", "31.73", "31.74", "31.75"]
POSTS_PER_KOTA = 4

# (unit name, unit type, region code, service point kind, address)
FIXED_UNITS = [
    ("Dinas PPAPP DKI Jakarta", UnitType.ADMINISTRATION, "31", None, ""),
    (
        "UPTD PPA DKI Jakarta",
        UnitType.UPTD_PPA,
        "31.75.03",
        ServicePointKind.UPTD_PPA_OFFICE,
        "Jl. Contoh Layanan No. 1, Jatinegara",
    ),
    ("Tim Reaksi Cepat UPTD PPA", UnitType.RAPID_RESPONSE, "31.75.03", None, ""),
    (
        "Jakarta Siaga 112",
        UnitType.CALL_CENTRE_112,
        "31.71.01",
        ServicePointKind.CALL_CENTRE_112,
        "Balai Kota, Jl. Medan Merdeka Selatan, Gambir",
    ),
    ("Rumah Aman 1", UnitType.SAFE_HOUSE, "31.74", ServicePointKind.SAFE_HOUSE, "Jl. Rahasia 7"),
    ("Rumah Aman 2", UnitType.SAFE_HOUSE, "31.73", ServicePointKind.SAFE_HOUSE, "Jl. Rahasia 12"),
    (
        "RSUD Tarakan",
        UnitType.PARTNER_AGENCY,
        "31.71.01",
        ServicePointKind.PARTNER_OFFICE,
        "Jl. Kyai Caringin No. 7, Gambir",
    ),
    (
        "Puskesmas Kecamatan Tebet",
        UnitType.PARTNER_AGENCY,
        "31.74.01",
        ServicePointKind.PARTNER_OFFICE,
        "Jl. Prof. Dr. Soepomo, Tebet",
    ),
    (
        "Unit PPA Polda Metro Jaya",
        UnitType.PARTNER_AGENCY,
        "31.74.03",
        ServicePointKind.PARTNER_OFFICE,
        "Jl. Contoh Kepolisian No. 2",
    ),
    (
        "LBH APIK Jakarta",
        UnitType.PARTNER_AGENCY,
        "31.75.05",
        ServicePointKind.PARTNER_OFFICE,
        "Jl. Contoh Bantuan Hukum No. 3",
    ),
    (
        "Dinas Sosial DKI Jakarta",
        UnitType.PARTNER_AGENCY,
        "31.71",
        ServicePointKind.PARTNER_OFFICE,
        "Jl. Contoh Sosial No. 5",
    ),
]

# One demo user per role: (role, unit name, may use the admin site)
DEMO_USERS = [
    (Role.INTAKE_OFFICER, "Jakarta Siaga 112", False),
    (Role.RESPONDER, "Tim Reaksi Cepat UPTD PPA", False),
    (Role.CASE_WORKER, "UPTD PPA DKI Jakarta", False),
    (Role.SUPERVISOR, "UPTD PPA DKI Jakarta", False),
    (Role.SHELTER_OFFICER, "Rumah Aman 1", False),
    (Role.PARTNER_OFFICER, "RSUD Tarakan", False),
    (Role.ANALYST, "Dinas PPAPP DKI Jakarta", False),
    (Role.ADMINISTRATOR, "Dinas PPAPP DKI Jakarta", True),
]


@dataclass
class DemoLogin:
    email: str
    role: str
    unit: str
    totp_secret: str  # base32, as typed into an authenticator app
    otpauth_uri: str


def demo_email(role):
    return f"{role.replace('_', '.')}@demo.lindungi.id"


def _unit(name, unit_type, region_code, kind, address):
    unit, _ = Unit.objects.update_or_create(
        name=name, defaults={"type": unit_type, "region_id": region_code}
    )
    if kind is not None:
        ServicePoint.objects.update_or_create(
            unit=unit,
            name=name,
            defaults={
                "kind": kind,
                "region_id": region_code,
                "address": address,
                "opening_hours": "24 jam" if kind != ServicePointKind.PARTNER_OFFICE else "",
            },
        )
    return unit


def _complaint_posts():
    """Four posts in each of the five kota, in RPTRA child-friendly spaces (as in 2019)."""
    posts = []
    for kota in KOTA:
        districts = Region.objects.filter(parent_id=kota).order_by("code")[:POSTS_PER_KOTA]
        for district in districts:
            village = Region.objects.filter(parent=district).order_by("code").first()
            name = f"Pos Pengaduan RPTRA {village.name}"
            unit, _ = Unit.objects.update_or_create(
                name=name,
                defaults={"type": UnitType.COMPLAINT_POST, "region_id": village.code},
            )
            ServicePoint.objects.update_or_create(
                unit=unit,
                name=name,
                defaults={
                    "kind": ServicePointKind.COMPLAINT_POST,
                    "region_id": village.code,
                    "address": f"RPTRA {village.name}, {district.name}",
                    "opening_hours": "Senin–Jumat 08.00–16.00",
                },
            )
            posts.append(unit)
    return posts


# The rapid response unit's demo roster: its crew besides the demo responder (the team lead),
# and the days of shifts made around today.
RAPID_RESPONSE_UNIT = "Tim Reaksi Cepat UPTD PPA"
DEMO_CREW = [
    ("responder.2", "Demo Responder 2", CrewRole.RESPONDER),
    ("responder.3", "Demo Responder 3", CrewRole.RESPONDER),
    ("driver", "Demo Driver", CrewRole.DRIVER),
]
ROSTER_DAYS = 7


def _demo_roster(unit):
    """Shifts for a week with the demo responder as team lead, two responders and a driver,
    and the demo supervisor supervising the unit too; the last shift is left short, so the
    board shows a roster gap."""
    supervisor = User.objects.get(email=demo_email(Role.SUPERVISOR))
    Membership.objects.get_or_create(user=supervisor, unit=unit, role=Role.SUPERVISOR)
    crew = [(User.objects.get(email=demo_email(Role.RESPONDER)), CrewRole.TEAM_LEAD)]
    for key, name, role in DEMO_CREW:
        user = User.objects.filter(email=f"{key}@demo.lindungi.id").first() or (
            User.objects.create_user(
                f"{key}@demo.lindungi.id", DEMO_PASSWORD, display_name=name, is_demo=True
            )
        )
        Membership.objects.get_or_create(user=user, unit=unit, role=Role.RESPONDER)
        crew.append((user, role))
    today = timezone.localdate()
    shifts = roster.plan_shifts(supervisor, unit, today - timedelta(days=1), ROSTER_DAYS)
    for shift in shifts[:-1]:
        for user, role in crew:
            roster.assign(supervisor, shift, user, role)


# The demo safe houses: their rooms (name, beds) and where transport meets a resident.
DEMO_ROOMS = [("Kamar Melati", 4), ("Kamar Mawar", 3), ("Kamar Anggrek", 2)]
MEETING_POINTS = {
    "Rumah Aman 1": "Halte TransJakarta Tebet, pintu utara (contoh)",
    "Rumah Aman 2": "Lobi RSUD Cengkareng (contoh)",
}
DEMO_HOUSE = "Rumah Aman 1"
# The demo family arrived this many days ago: the stay shows its nights.
DEMO_STAY_NIGHTS = 3


def _demo_houses():
    """Each demo safe house with its rooms and beds (one bed under repair)."""
    points = ServicePoint.objects.filter(
        kind=ServicePointKind.SAFE_HOUSE, name__in=list(MEETING_POINTS)
    )
    for point in points:
        house, _ = House.objects.get_or_create(
            service_point=point, defaults={"meeting_point": MEETING_POINTS[point.name]}
        )
        for name, beds in DEMO_ROOMS:
            room, _ = Room.objects.get_or_create(house=house, name=name)
            for number in range(1, beds + 1):
                Bed.objects.get_or_create(room=room, label=f"{name.split()[-1][0]}{number}")
        last = Bed.objects.filter(room__house=house).order_by("room__name", "label").last()
        Bed.objects.filter(pk=last.pk).update(out_of_use="repair")


def _place(case, house, officer):
    """Ask, accept and check in the survivor of ``case``: None if the house cannot take her
    (a child, a man) or the case is closed to its worker."""
    worker = case.workers.first()
    survivor = case.clients.filter(role=ClientRole.SURVIVOR).first()
    if worker is None or survivor is None:
        return None
    asked = {"people": [survivor], "house": house, "urgency": "days", "needs": ""}
    try:
        placement = shelter.request_placement(worker, case, asked)
        room = house.rooms.order_by("name").first()
        placement = shelter.accept(officer, placement, placement.version, room)
        arrived = timezone.localdate() - timedelta(days=DEMO_STAY_NIGHTS)
        return shelter.check_in(officer, placement, placement.version, on=arrived)
    except (ValidationError, PermissionDenied):
        return None


@transaction.atomic
def demo_placement(unit):
    """One survivor of the demo centre staying in the demo house, so that the board, the
    house's page and her case show a stay: once (a second run adds none). Made through
    the safe houses' actions, as her worker and the house's officer."""
    if Placement.objects.exists():
        return None
    house = House.objects.get(service_point__name=DEMO_HOUSE)
    officer = User.objects.get(email=demo_email(Role.SHELTER_OFFICER))
    for case in Case.objects.filter(unit=unit).order_by("opened_at")[:50]:
        with transaction.atomic():
            placement = _place(case, house, officer)
        if placement is not None:
            return placement
    return None


@transaction.atomic
def load_demo(create_users=True):
    load_province(PROVINCE)
    units = {row[0]: _unit(*row) for row in FIXED_UNITS}
    _complaint_posts()
    _demo_houses()
    load_providers()
    logins = []
    if create_users:
        for role, unit_name, staff in DEMO_USERS:
            email = demo_email(role)
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email, DEMO_PASSWORD, display_name=f"Demo {Role(role).label}", is_demo=True
                )
            user.is_staff = staff
            user.save(update_fields=["is_staff"])
            Membership.objects.get_or_create(user=user, unit=units[unit_name], role=role)
            # Every account needs a second factor, demo ones too. A random secret per
            # database, kept on later runs so that an app set up once keeps working.
            # (Made directly, as a development shortcut past the enrolment code.)
            device = Authenticator.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = Authenticator.objects.create(
                    user=user, name="demo", confirmed=True, key=new_secret()
                )
            logins.append(
                DemoLogin(
                    email=email,
                    role=role,
                    unit=unit_name,
                    totp_secret=base32_secret(device.key),
                    otpauth_uri=otpauth_uri(user, device.key),
                )
            )
        _demo_roster(units[RAPID_RESPONSE_UNIT])
    return logins
