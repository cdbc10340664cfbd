from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lindungi.places.loader import UnknownProvince, load_province


class Command(BaseCommand):
    help = "Load the Kemendagri regions of a province (e.g. 31 for DKI Jakarta)."

    def add_arguments(self, parser):
        parser.add_argument("province", help="two-digit Kemendagri province code, e.g. 31")

    def handle(self, *args, province, **options):
        try:
            counts = load_province(province)
        except UnknownProvince:
            raise CommandError(
                _("Unknown province code %(code)s: use a two-digit Kemendagri code such as 31.")
                % {"code": province}
            ) from None
        self.stdout.write(
            _(
                "Loaded province %(code)s: %(cities)d regencies/cities, %(districts)d districts, "
                "%(villages)d villages."
            )
            % {"code": province, "cities": counts[2], "districts": counts[3], "villages": counts[4]}
        )
