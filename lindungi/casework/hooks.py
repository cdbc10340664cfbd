"""What case work hands down to cases when the app is ready (``CaseworkConfig.ready``):
cases sits below and never names case work, so each place where the case record shows or
starts case work is a hook that cases offers and this module fills.
"""

from lindungi.cases import case_page, caseload_deadlines, record_hooks, timeline_lines
from lindungi.cases.timeline import EventKind
from lindungi.casework import overdue, tracks
from lindungi.casework.models import (
    Assessment,
    ClosureReason,
    PlannedService,
    SanctionTrack,
    ServiceType,
)


def register():
    # The incident and perpetrator actions open the legal tracks.
    record_hooks.after_incident(tracks.open_police_deadline)
    record_hooks.after_public_employee(tracks.open_sanction_track)
    # The caseload's and the case page's deadlines.
    caseload_deadlines.provide(
        with_facts=overdue.with_deadline_facts,
        attach=overdue.attach_deadlines,
        fact_fields=overdue.DEADLINE_FACT_FIELDS,
    )
    # The case page: its deadlines under the summary, the work before the timeline.
    case_page.add_section("top", "casework/_case_deadlines.html")
    case_page.add_section("work", "casework/plan_on_case.html")
    case_page.add_section("work", "casework/note_sections.html")
    # The timeline's words for case-work entries.
    timeline_lines.add_kinds(
        fields_of={
            EventKind.SERVICE_ADDED: PlannedService,
            EventKind.SERVICE_UPDATED: PlannedService,
            EventKind.SERVICE_DONE: PlannedService,
            EventKind.SANCTION_UPDATED: SanctionTrack,
        },
        about={
            EventKind.CLOSED: ("reason", ClosureReason),
            EventKind.ASSESSMENT_ADDED: ("assessment", Assessment.Kind),
            EventKind.SERVICE_ADDED: ("service", ServiceType),
            EventKind.SERVICE_UPDATED: ("service", ServiceType),
            EventKind.SERVICE_DONE: ("service", ServiceType),
        },
    )
