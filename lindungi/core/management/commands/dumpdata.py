"""Django's ``dumpdata``, refused on a real deployment unless asked for by name.

``dumpdata`` reads through the models, so it writes every encrypted value decrypted:
names, NIK, phone numbers, narratives, in one plain file. With debug off this is a real
deployment, where a backup is ``lindungi backup`` (personal data stays encrypted); the
dump runs only with the flag that says the operator knows what it writes.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import dumpdata
from django.utils.translation import gettext as _

FLAG = "--i-know-this-dumps-personal-data"


class Command(dumpdata.Command):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            FLAG,
            action="store_true",
            dest="personal_data_ok",
            help="Dump even with debug off: the output holds personal data in plain text.",
        )

    def handle(self, *app_labels, personal_data_ok=False, **options):
        if not settings.DEBUG and not personal_data_ok:
            raise CommandError(
                _(
                    "dumpdata writes every record decrypted: names, NIK, phone numbers and "
                    "narratives end up in a plain file. Debug is off, so this looks like a "
                    "real deployment; to back it up, use `lindungi backup`, which keeps "
                    "personal data encrypted. If you need this dump anyway, run it again "
                    "with %(flag)s."
                )
                % {"flag": FLAG}
            )
        return super().handle(*app_labels, **options)
