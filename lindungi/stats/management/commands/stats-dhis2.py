"""``lindungi stats-dhis2 --period yyyyMM --kota CODE``: the month's DHIS2 dataValueSets
document, the same file the statistics page gives. ``--dry-run`` checks the administrator's
mapping instead and exits with status 1 on any problem."""

import json
import sys

from django.core.management.base import BaseCommand

from lindungi.stats.exports import dhis2


class Command(BaseCommand):
    help = "Write a month's DHIS2 dataValueSets JSON, or check the mapping with --dry-run."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="The month, as yyyyMM.")
        parser.add_argument("--kota", default="", help="The kota's code, e.g. 31.71.")
        parser.add_argument("--output", help="Write here instead of standard output.")
        parser.add_argument("--dry-run", action="store_true", help="Check the mapping only.")

    def handle(self, *args, period, kota, output=None, dry_run=False, **options):
        if dry_run:
            found = dhis2.problems(kota)
            for problem in found:
                self.stderr.write(problem)
            if found:
                sys.exit(1)
            self.stdout.write("The mapping is valid.")
            return
        document = json.dumps(dhis2.value_set(period, kota), indent=1)
        if output:
            with open(output, "w", encoding="utf-8") as out:
                out.write(document)
        else:
            self.stdout.write(document)
