"""``lindungi stats-rebuild``: count every rollup again from the records.

For after a bulk load that sent no signals (``lindungi seed``), a restore, or a change of a
count's definition. The worker keeps them current otherwise.
"""

from django.core.management.base import BaseCommand

from lindungi.stats.rollup import rebuild


class Command(BaseCommand):
    help = "Rebuild the statistics rollups from the case records."

    def handle(self, *args, **options):
        cases = rebuild()
        self.stdout.write(f"Rollups rebuilt from {cases} counted cases.")
