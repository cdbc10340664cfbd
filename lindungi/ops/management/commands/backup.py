"""``lindungi backup DIR``: a consistent copy of the database and the attachments, taken
while the system runs (lindungi.ops.backup)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lindungi.ops.backup import BackupError, take_backup


class Command(BaseCommand):
    help = "Back up the database and the attachments into DIR (new or empty). Keys are not copied."

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument("--database", default="default")

    def handle(self, *args, directory, database, **options):
        started = time.monotonic()
        try:
            manifest = take_backup(directory, using=database)
        except BackupError as error:
            raise CommandError(str(error), returncode=1) from None
        head = manifest["audit_head"] or {"sequence": 0}
        self.stdout.write(
            _(
                "Backed up to %(dir)s in %(seconds).1f s: %(files)d files, audit chain to "
                "event %(sequence)d. Keep the keys apart from it; the restore needs them: "
                "%(keys)s."
            )
            % {
                "dir": directory,
                "seconds": time.monotonic() - started,
                "files": len(manifest["files"]),
                "sequence": head["sequence"],
                "keys": "; ".join(
                    f"{name} {', '.join(prints)}" for name, prints in manifest["keys"].items()
                ),
            }
        )
