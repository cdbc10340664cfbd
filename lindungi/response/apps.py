from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponseConfig(AppConfig):
    name = "lindungi.response"
    label = "response"
    verbose_name = _("Rapid response")

    def ready(self):
        from lindungi.cases.timeline import EventKind
        from lindungi.cases.timeline_lines import add_kinds
        from lindungi.response import access
        from lindungi.response.models import TakenTo

        # The dispatch rule joins the access module, which sits below and never names it.
        access.attach()
        # A visit's timeline entries say where the survivor was taken.
        about = ("taken_to", TakenTo)
        add_kinds({}, {EventKind.DISPATCH_CLEARED: about, EventKind.VISIT_REPORTED: about})
