from datetime import timedelta

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from lindungi.accounts.mfa.devices import base32_secret
from lindungi.accounts.mfa.models import Authenticator
from lindungi.accounts.models import Membership, Unit, User
from lindungi.accounts.roles import Role, UnitType
from lindungi.cases.access import Need
from lindungi.cases.models import Case, Consent
from lindungi.ops.demo import DEMO_PASSWORD
from lindungi.ops.management.commands.demo import DEMO_CASES
from lindungi.places.models import ServicePoint, ServicePointKind
from lindungi.referrals.models import Provider, Referral
from lindungi.response import roster
from lindungi.shelter.models import Placement, PlacementStatus
from lindungi.shelter.occupancy import house_board
from tests.login import totp_code


def counts():
    return (
        Unit.objects.count(),
        ServicePoint.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Case.objects.count(),
        Provider.objects.count(),
        Consent.objects.count(),
        Referral.objects.count(),
    )


def test_demo_loads_jakarta_and_is_safe_to_run_twice(db, settings, capsys):
    settings.DEBUG = True
    call_command("demo")
    first = counts()
    call_command("demo")
    assert counts() == first
    output = capsys.readouterr().out
    for role in Role:
        assert f"{role.replace('_', '.')}@demo.lindungi.id" in output
    # The partner portal shows the demo partner officer one referral, under a consent.
    partner = User.objects.get(email="partner.officer@demo.lindungi.id")
    referral = Referral.objects.restrict(partner, Need.CONTENT).get()
    assert referral.provider.name == "RSUD Tarakan" and referral.consent is not None
    assert referral.status == "sent" and referral.case.survivor_code in output
    assert Referral.objects.count() == 1
    # And the directory has every demo partner organisation.
    partners = Unit.objects.filter(type=UnitType.PARTNER_AGENCY)
    assert set(Provider.objects.values_list("unit", flat=True)) == set(
        partners.values_list("pk", flat=True)
    )
    assert Provider.objects.get(unit=referral.provider).services == ["health"]


def test_demo_has_the_units_jakarta_works_with(db, settings):
    settings.DEBUG = True
    call_command("demo")
    names = set(Unit.objects.values_list("name", flat=True))
    assert {"UPTD PPA DKI Jakarta", "Tim Reaksi Cepat UPTD PPA", "Jakarta Siaga 112"} <= names
    partners = set(Unit.objects.filter(type=UnitType.PARTNER_AGENCY).values_list("name", flat=True))
    assert any(n.startswith("RSUD") for n in partners)
    assert any(n.startswith("Puskesmas") for n in partners)
    assert "Unit PPA Polda Metro Jaya" in partners
    assert "Dinas Sosial DKI Jakarta" in partners
    assert Unit.objects.filter(type=UnitType.SAFE_HOUSE).count() == 2
    assert (
        ServicePoint.objects.filter(
            kind=ServicePointKind.SAFE_HOUSE, address_confidential=True
        ).count()
        == 2
    )
    posts = ServicePoint.objects.filter(kind=ServicePointKind.COMPLAINT_POST)
    assert posts.count() >= 19
    kota = {p.region_id[:5] for p in posts}
    assert kota == {"31.71", "31.72", "31.73", "31.74", "31.75"}


def test_demo_rapid_response_unit_has_a_team_on_call_and_a_gap_to_show(db, settings):
    settings.DEBUG = True
    call_command("demo")
    unit = Unit.objects.get(name="Tim Reaksi Cepat UPTD PPA")
    on_call = {a.role: a.user.email for a in roster.on_call(unit)}
    assert on_call["team_lead"] == "responder@demo.lindungi.id"
    assert len(on_call) == 3  # team lead, responders, driver
    ahead = timezone.now() + timedelta(days=7)
    assert roster.gaps(Unit.objects.filter(pk=unit.pk), timezone.now(), ahead)


def test_every_demo_user_can_log_in_in_development_with_the_printed_secret(db, settings, capsys):
    settings.DEBUG = True
    call_command("demo")
    output = capsys.readouterr().out
    for role in Role:
        client = Client()
        email = f"{role.replace('_', '.')}@demo.lindungi.id"
        response = client.post("/akun/masuk/", {"username": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, role
        assert response.url == "/akun/masuk/kode/"
        device = Authenticator.objects.get(user__email=email)
        assert base32_secret(device.key) in output
        response = client.post(response.url, {"code": totp_code(device)})
        assert response.status_code == 302, role
        assert client.get("/").status_code == 200


def test_demo_keeps_each_users_authenticator_when_run_again(db, settings, capsys):
    settings.DEBUG = True
    call_command("demo")
    keys = dict(Authenticator.objects.values_list("user__email", "key"))
    assert len(keys) == len(Role)
    capsys.readouterr()
    call_command("demo")
    assert dict(Authenticator.objects.values_list("user__email", "key")) == keys
    second_run = capsys.readouterr().out
    # Printed again, beside the login and in its otpauth:// URI.
    assert all(second_run.count(base32_secret(key)) == 2 for key in keys.values())


def test_demo_creates_no_users_when_debug_is_off(db, settings, capsys):
    settings.DEBUG = False
    call_command("demo")
    assert not User.objects.filter(is_demo=True).exists()
    assert Unit.objects.filter(name="UPTD PPA DKI Jakarta").exists()


def test_in_development_the_demo_centre_has_synthetic_cases_its_worker_sees(db, settings):
    settings.DEBUG = True
    call_command("demo")
    centre = Unit.objects.get(name="UPTD PPA DKI Jakarta")
    assert Case.objects.filter(unit=centre).count() == DEMO_CASES
    worker = User.objects.get(email="case.worker@demo.lindungi.id")
    assert Case.objects.restrict(worker).exists()
    assert Case.objects.exclude(unit=centre).count() == 0
    # A survivor stays in the demo safe house: the board and her case show the stay.
    stay = Placement.objects.get()
    assert stay.status == PlacementStatus.STAYING and stay.house.service_point.unit == (
        Unit.objects.get(name="Rumah Aman 1")
    )
    board = house_board(stay.house, timezone.localdate())
    assert board.counts == {"occupied": 1, "free": 7, "out": 1}


def test_without_debug_no_demo_cases_are_made(db, settings):
    settings.DEBUG = False
    call_command("demo")
    assert Case.objects.count() == 0
