"""``lindungi audit-verify``: prove the audit chain is whole, or name its first bad row."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lindungi.audit.chain import verify


class Command(BaseCommand):
    help = "Check every audit event's hash and link; exit 1 at the first row that fails."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        verdict = verify(using=database)
        if verdict.intact:
            self.stdout.write(
                _("Audit chain intact: %(count)d events, head %(head)s")
                % {"count": verdict.count, "head": verdict.head}
            )
            return
        problems = {
            "missing": _("the event is missing (deleted)"),
            "out of order": _("it does not follow the event before it (moved or reordered)"),
            "altered": _("its content does not match its hash (changed)"),
        }
        raise CommandError(
            _(
                "Audit chain broken at event %(sequence)d: %(problem)s. "
                "The %(count)d events before it are intact."
            )
            % {
                "sequence": verdict.bad_sequence,
                "problem": problems[verdict.problem],
                "count": verdict.count,
            },
            returncode=1,
        )
