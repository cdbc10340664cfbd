from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from lindungi.accounts.models import User
from lindungi.accounts.roles import Role
from lindungi.ops.demo import DEMO_PASSWORD, demo_email, demo_placement, load_demo
from lindungi.ops.demo_referrals import refer_a_demo_case
from lindungi.ops.seed import has_cases, seed_cases, target_unit

# Enough for the caseload to page and its filters to find something.
DEMO_CASES = 120


class Command(BaseCommand):
    help = (
        "Load Jakarta demo data: regions, units, service points, one user per role and, "
        "in development, synthetic cases."
    )

    def handle(self, *args, **options):
        logins = load_demo(create_users=settings.DEBUG)
        self.stdout.write(_("Demo data loaded: DKI Jakarta regions, units and service points."))
        if not settings.DEBUG:
            self.stdout.write(_("LINDUNGI_DEBUG is off: demo users were not created."))
            return
        self.stdout.write("")
        self.stdout.write(
            _("Demo logins (password for all: %(password)s)") % {"password": DEMO_PASSWORD}
        )
        self.stdout.write(
            _(
                "Each login also needs a code: add its TOTP secret to an authenticator app "
                "(or scan the otpauth:// link as a QR code)."
            )
        )
        for login in logins:
            self.stdout.write(
                f"  {Role(login.role).label:<20} {login.email:<40} {login.totp_secret}  "
                f"{login.unit}"
            )
            self.stdout.write(f"      {login.otpauth_uri}")
        self._demo_cases()

    def _demo_cases(self):
        """Synthetic cases for the demo service centre, so that the caseload and the case
        pages have something to show, one of them staying in a demo safe house and one
        referred to the demo partner's hospital, so that the board and the partner portal
        do: once (a second run adds none), never a real person."""
        unit = target_unit()
        if not has_cases(unit):
            made = seed_cases(DEMO_CASES, unit=unit, seed=DEMO_CASES).cases
            self.stdout.write("")
            self.stdout.write(
                _("Demo cases: %(count)s synthetic cases for %(unit)s (no real person).")
                % {"count": made, "unit": unit.name}
            )
        if demo_placement(unit) is not None:
            self.stdout.write(_("Demo stay: one survivor staying in a demo safe house."))
        referral = refer_a_demo_case(User.objects.get(email=demo_email(Role.SUPERVISOR)), unit)
        if referral is not None:
            self.stdout.write(
                _("Demo referral: case %(code)s referred to %(partner)s for a visum.")
                % {"code": referral.case.survivor_code, "partner": referral.provider.name}
            )
