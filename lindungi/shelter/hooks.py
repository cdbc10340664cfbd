"""What the safe houses hand down when they are ready: their rule to the access module, the
timeline's words for a stay's end, their part of the case page (the stays, without the
house's address), the dispatch page's way to ask a place from the scene, and the
supervisor's overview its requests waiting for a house."""

from django.utils import timezone

from lindungi.cases import case_page
from lindungi.cases.access import Need
from lindungi.cases.timeline import EventKind
from lindungi.cases.timeline_lines import add_kinds
from lindungi.casework import overview_parts
from lindungi.response import dispatch_page
from lindungi.shelter import access, overview
from lindungi.shelter.models import Destination, Placement


def case_page_part(case, events):
    """The case's placements: state, house name, dates and nights; never the address."""
    if not case_page.has(case, "placements"):
        return {"case_placements": []}
    placements = list(case.placements.select_related("house__service_point"))
    today = timezone.localdate()
    return {"case_placements": [(p, p.nights(today)) for p in placements]}


def dispatch_page_part(user, dispatch):
    """The places asked from the dispatch that the reader may see (its crew: theirs)."""
    asked = Placement.objects.restrict(user, Need.VIEW).filter(dispatch=dispatch)
    return {"dispatch_placements": list(asked.select_related("house__service_point"))}


def register():
    # The placement rule joins the access module, which sits below and never names it.
    access.attach()
    add_kinds({}, {EventKind.STAY_ENDED: ("destination", Destination)})
    case_page.add_part(case_page_part, rows={"placements": Placement.objects.all()})
    case_page.add_section("top", "shelter/case_placements.html")
    dispatch_page.add_part(dispatch_page_part)
    dispatch_page.add_section("shelter/dispatch_placement.html")
    # The requests no house has taken, in the supervisor's overview.
    overview_parts.add_part(overview.overview_part)
    overview_parts.add_section("shelter/overview_section.html")
