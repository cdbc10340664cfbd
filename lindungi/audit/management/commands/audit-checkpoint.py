"""``lindungi audit-checkpoint``: write the sealed head of the audit chain out."""

import json

from django.core.management.base import BaseCommand

from lindungi.audit import checkpoint


class Command(BaseCommand):
    help = (
        "Write the audit chain's sealed head (sequence, hash, time) as JSON, to standard "
        "output or a file; keep it outside the database for `audit-verify --checkpoint`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="A file to write (replaced whole); default stdout.")
        parser.add_argument("--database", default="default")

    def handle(self, *args, output=None, database="default", **options):
        head = checkpoint.current(using=database)
        if output:
            checkpoint.write(output, head)
        else:
            self.stdout.write(json.dumps(head))
