from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "lindungi.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from lindungi.cases import access, survivor_messages

        access.attach()
        survivor_messages.attach()
