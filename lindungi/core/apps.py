from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lindungi.core"
    label = "core"
    verbose_name = _("Core")
    default = True

    def ready(self):
        from lindungi.core import checks, lookups  # noqa: F401 - registers ``__any``

        checks.validate_keys()
