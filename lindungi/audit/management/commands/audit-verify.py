"""``lindungi audit-verify``: prove the sealed audit chain is whole, or name its first bad
row; say how many events wait to be sealed; compare with a checkpoint."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.audit import checkpoint
from lindungi.audit.chain import unsealed, verify


class Command(BaseCommand):
    help = (
        "Check every sealed audit event's hash and link, report the events not sealed yet, "
        "and exit 1 at the first row that fails, on events left unsealed too long "
        "(--max-unsealed-age) or on a chain cut short of a checkpoint (--checkpoint)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--max-unsealed-age",
            type=float,
            metavar="SECONDS",
            help="Fail if an event recorded longer ago than this is still unsealed.",
        )
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help="A file from `audit-checkpoint`: fail if the chain no longer holds its head.",
        )

    def handle(self, *args, database, max_unsealed_age=None, checkpoint=None, **options):
        verdict = verify(using=database)
        if not verdict.intact:
            raise CommandError(broken(verdict), returncode=1)
        self.stdout.write(
            _("Audit chain intact: %(count)d events, head %(head)s")
            % {"count": verdict.count, "head": verdict.head}
        )
        self.check_unsealed(database, max_unsealed_age)
        if checkpoint:
            self.check_checkpoint(database, checkpoint)

    def check_unsealed(self, database, limit):
        count, oldest = unsealed(using=database)
        age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        self.stdout.write(
            _("Not sealed yet: %(count)d events, the oldest recorded %(age).0f seconds ago")
            % {"count": count, "age": age}
        )
        if limit is not None and count and age > limit:
            raise CommandError(
                _(
                    "Audit events wait too long to be sealed: the oldest for %(age).0f seconds, "
                    "more than %(limit).0f. Is `lindungi worker` running?"
                )
                % {"age": age, "limit": limit},
                returncode=1,
            )

    def check_checkpoint(self, database, path):
        try:
            head = checkpoint.read(path)
        except (OSError, ValueError, KeyError, TypeError):
            raise CommandError(_("Cannot read the checkpoint file."), returncode=2) from None
        if checkpoint.cut_off(head, using=database):
            raise CommandError(
                _(
                    "The audit chain does not hold the checkpoint's head (event %(sequence)d): "
                    "its newest events were cut off or replaced."
                )
                % {"sequence": head["sequence"]},
                returncode=1,
            )
        self.stdout.write(
            _("The chain holds the checkpoint's head (event %(sequence)d).")
            % {"sequence": head["sequence"]}
        )


def broken(verdict):
    problems = {
        "missing": _("the event is missing (deleted)"),
        "out of order": _("it does not follow the event before it (moved or reordered)"),
        "altered": _("its content does not match its hash (changed)"),
        "forged": _("it was not written by Lindungi (its insert tag does not match)"),
        "unknown key": _(
            "it was sealed under an audit key that is not in LINDUNGI_AUDIT_KEY "
            "(add the old key back, after the current one)"
        ),
    }
    return _(
        "Audit chain broken at event %(sequence)d: %(problem)s. "
        "The %(count)d events before it are intact."
    ) % {
        "sequence": verdict.bad_sequence,
        "problem": problems[verdict.problem],
        "count": verdict.count,
    }
