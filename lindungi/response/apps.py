from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponseConfig(AppConfig):
    name = "lindungi.response"
    label = "response"
    verbose_name = _("Rapid response")

    def ready(self):
        from lindungi.response import hooks

        hooks.register()
