"""``lindungi stats-export EMAIL --output FILE [--format csv|xlsx] [--names] [--unit ID]``:
the row-level export the statistics page offers, written at once to FILE, for the cases
that user may export (the same access rule, the same audit). With ``--names`` the file is
an AES-256 zip, and its password is printed once."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lindungi.accounts.models import Membership
from lindungi.stats import actions, row_exports
from lindungi.stats.access import scope_of
from lindungi.stats.models import ExportFormat, ExportStatus


def _membership(email, unit):
    memberships = Membership.objects.filter(
        user__email__iexact=email.strip(), user__is_active=True
    ).select_related("user", "unit")
    if unit:
        memberships = memberships.filter(unit_id=unit)
    allowed = [m for m in memberships if getattr(scope_of(m), "may_export_rows", False)]
    if len(allowed) != 1:
        raise CommandError(
            _("This user may not export rows.")
            if not allowed
            else _("This user supervises several units: choose one with --unit.")
        )
    return allowed[0]


class Command(BaseCommand):
    help = "Write a row-level export (one row per survivor) of the cases a supervisor may export."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The supervisor the export is for.")
        parser.add_argument("--output", required=True, help="The file to write (must not exist).")
        parser.add_argument("--format", choices=ExportFormat.values, default=ExportFormat.CSV)
        parser.add_argument("--names", action="store_true", help="With names, encrypted.")
        parser.add_argument("--unit", help="The unit's id, for a supervisor of several.")

    def handle(self, *args, email, output, format, names=False, unit=None, **options):
        target = Path(output)
        if target.exists():
            raise CommandError(_("The output file exists already."))
        membership = _membership(email, unit)
        try:
            export, password = actions.request_row_export(
                membership, file_format=format, names=names, queued=False
            )
        except PermissionDenied as error:
            raise CommandError(_("This user may not export names.")) from error
        if row_exports.run(export, target) != ExportStatus.DELIVERED:
            raise CommandError(_("The export was refused."))
        export.refresh_from_db()
        self.stdout.write(_("%(rows)s rows written.") % {"rows": export.rows_done})
        if password:
            self.stdout.write(_("Password (shown only now): %(password)s") % {"password": password})
