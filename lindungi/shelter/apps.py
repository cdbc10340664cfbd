from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShelterConfig(AppConfig):
    name = "lindungi.shelter"
    label = "shelter"
    verbose_name = _("Safe houses")

    def ready(self):
        from lindungi.shelter import hooks

        hooks.register()
