from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "lindungi.casework"
    label = "casework"
    verbose_name = _("Case work")

    def ready(self):
        from lindungi.casework import hooks

        hooks.register()
