"""``lindungi restore DIR``: check a backup, then restore it into an empty database and data
directory and prove its audit chain (lindungi.ops.backup)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lindungi.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `lindungi backup` into an empty database and data directory; "
        "checks its checksums and keys first and verifies the audit chain after."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument("--database", default="default")

    def handle(self, *args, directory, database, **options):
        try:
            restored = restore_backup(directory, using=database)
        except BackupError as error:
            raise CommandError(str(error), returncode=1) from None
        self.stdout.write(
            _("Restored: %(files)d attachments; audit chain intact, %(events)d events.")
            % {"files": restored.files, "events": restored.events}
        )
        if restored.schema_behind:
            self.stdout.write(
                _("The backup predates this version (%(apps)s): run `lindungi migrate` now.")
                % {"apps": ", ".join(restored.schema_behind)}
            )
