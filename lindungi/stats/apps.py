from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "lindungi.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self):
        from lindungi.accounts import navigation
        from lindungi.stats import access, marks

        marks.connect()
        navigation.add(
            _("The service at a glance"),
            "stats:head",
            after="stats:dashboard",
            shown=lambda membership: getattr(access.scope_of(membership), "head_of_service", False),
        )
