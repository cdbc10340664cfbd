from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Commands that span every app (demo, seed, worker, serve, rotate-keys, backup,
    restore): the top layer, which may import any app and which no app imports."""

    name = "lindungi.ops"
    verbose_name = _("Operations")
