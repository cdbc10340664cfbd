"""``lindungi seed --cases N``: synthetic cases for load tests and benchmarks."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lindungi.accounts.models import Unit
from lindungi.ops.seed import BATCH_SIZE, NoCaseWorkers, SeedFailed, seed_cases, target_unit

# Parallel seeders pay for a process each and share the database's write lock on SQLite:
# worth it for large seeds only. More than two cores' worth only competes with the database.
PARALLEL_FROM = 10_000
MAX_WORKERS = 2


class Command(BaseCommand):
    help = (
        "Add N realistic synthetic cases (DKI Jakarta's mix, encrypted and indexed) to a "
        "service centre, for load tests. Never run it on a database with real cases you "
        "report from."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True, help="how many cases to add")
        parser.add_argument(
            "--unit", help="the unit's name (default: the first integrated service centre)"
        )
        parser.add_argument("--seed", type=int, help="random seed, for repeatable content")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument(
            "--workers",
            type=int,
            help="processes drawing and writing in parallel (default: one per core, up to "
            f"{MAX_WORKERS}, from {PARALLEL_FROM:,} cases)",
        )

    def handle(self, *args, cases, unit, seed, batch_size, workers, **options):
        if workers is None:
            workers = min(os.cpu_count() or 1, MAX_WORKERS) if cases >= PARALLEL_FROM else 1
        if cases < 1 or batch_size < 1 or workers < 1:
            raise CommandError(_("--cases, --batch-size and --workers must be at least 1."))
        try:
            target = target_unit(unit)
        except Unit.DoesNotExist:
            raise CommandError(_("No unit has that name.")) from None

        def progress(done, count, seconds):
            rate = done / max(seconds, 1e-9)
            self.stderr.write(
                _("%(done)s / %(count)s cases, %(rate)s cases/s, ETA %(eta)s min")
                % {
                    "done": f"{done:,}",
                    "count": f"{count:,}",
                    "rate": f"{rate:,.0f}",
                    "eta": f"{(count - done) / rate / 60:.0f}",
                }
            )

        try:
            result = seed_cases(
                cases,
                unit=target,
                seed=seed,
                batch_size=batch_size,
                progress=progress,
                workers=workers,
                merging=lambda: self.stderr.write(
                    _("Adding the seeded cases to the statistics' rollups (minutes for a million)")
                ),
            )
        except NoCaseWorkers:
            raise CommandError(
                _(
                    "The unit %(unit)s has no active case worker to hold the cases: add one, "
                    "or run `lindungi demo` with LINDUNGI_DEBUG=1 for demo users."
                )
                % {"unit": target.name}
            ) from None
        except SeedFailed:
            raise CommandError(
                _("A seeding process failed (its error is above); the cases written stay.")
            ) from None
        self.stdout.write(
            _("Added %(count)s cases to %(unit)s in %(seconds).0f s (%(rate)s cases/s).")
            % {
                "count": f"{result.cases:,}",
                "unit": target.name,
                "seconds": result.seconds,
                "rate": f"{result.cases / max(result.seconds, 1e-9):,.0f}",
            }
        )
