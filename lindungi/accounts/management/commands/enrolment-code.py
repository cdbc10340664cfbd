"""``lindungi enrolment-code EMAIL``: an enrolment code from the command line.

For the first administrator, whom no other administrator can issue one to, and for an
operator with shell access. The code is printed once; issuing again replaces it.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lindungi.accounts.mfa import enrolment
from lindungi.accounts.mfa.devices import has_second_factor
from lindungi.accounts.models import User


class Command(BaseCommand):
    help = "Issue a one-time enrolment code so that a user can set up their second factor."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(_("No active user has that email."))
        if has_second_factor(user):
            raise CommandError(
                _("This user has a second factor already; reset it in the admin site first.")
            )
        code = enrolment.issue(user)
        self.stdout.write(
            _("Enrolment code (valid once, for 24 hours): %(code)s")
            % {"code": enrolment.display(code)}
        )
