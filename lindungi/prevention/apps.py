from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "lindungi.prevention"
    label = "prevention"
    verbose_name = _("Prevention")
