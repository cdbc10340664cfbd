"""``lindungi apikey create NAME`` / ``lindungi apikey revoke NAME``: integrations' keys.

``create`` prints the new key once, on standard output and nowhere else; only its
SHA-256 is stored. ``revoke`` takes effect at the next request. Both are audited.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lindungi.intake import apikeys
from lindungi.intake.models import ApiKey


class Command(BaseCommand):
    help = "Create or revoke the API key of an integration (intake API only)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "revoke"])
        parser.add_argument("name", help="The integration, e.g. 112-dispatch.")

    def handle(self, *args, action, name, **options):
        name = name.strip()
        if not name or len(name) > 100:
            raise CommandError(_("Give the integration a name of 1 to 100 characters."))
        if action == "create":
            try:
                api_key, key = apikeys.create_key(name)
            except apikeys.KeyExists:
                raise CommandError(
                    _("%(name)s already has an active key. Revoke it first.") % {"name": name}
                ) from None
            self.stderr.write(
                _(
                    "Key %(prefix)s for %(name)s. It is shown only now: store it in the "
                    "integration's secret store."
                )
                % {"prefix": api_key.prefix, "name": name}
            )
            self.stdout.write(key)
            return
        try:
            api_key = apikeys.revoke_key(name)
        except ApiKey.DoesNotExist:
            raise CommandError(_("No integration is called %(name)s.") % {"name": name}) from None
        self.stdout.write(_("Key %(prefix)s revoked.") % {"prefix": api_key.prefix})
