from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "lindungi.intake"
    label = "intake"
    verbose_name = _("Intake")

    def ready(self):
        from lindungi.cases import case_page
        from lindungi.intake import access, case_facts, reporter_messages

        access.attach()
        reporter_messages.attach()
        case_page.add_part(case_facts.case_page_part, rows=case_facts.ROWS)
