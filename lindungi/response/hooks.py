"""What the rapid response unit hands down when it is ready: its rule to the access module,
the timeline's words for its visits, and its part of the case page and the report page."""

from lindungi.cases import case_page
from lindungi.cases.timeline import EventKind
from lindungi.cases.timeline_lines import add_kinds
from lindungi.intake import report_page
from lindungi.response import access
from lindungi.response.models import Dispatch, TakenTo


def case_page_part(case, events):
    """The case's dispatches (their state and time: what the team was told is on the
    dispatch's own page, for those who may read the case's content)."""
    if not case_page.has(case, "dispatches"):
        return {"case_dispatches": []}
    return {"case_dispatches": list(case.dispatches.order_by("-requested_at"))}


def register():
    # The dispatch rule joins the access module, which sits below and never names it.
    access.attach()
    # A visit's timeline entries say where the survivor was taken.
    about = ("taken_to", TakenTo)
    add_kinds({}, {EventKind.DISPATCH_CLEARED: about, EventKind.VISIT_REPORTED: about})
    case_page.add_part(case_page_part, rows={"dispatches": Dispatch.objects.all()})
    case_page.add_section("top", "response/case_dispatches.html")
    report_page.add_section("response/report_dispatches.html")
