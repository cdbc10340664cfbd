from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "lindungi.referrals"
    label = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from lindungi.referrals import hooks

        hooks.register()
