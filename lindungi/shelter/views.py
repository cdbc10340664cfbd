"""The safe-house pages: ask for a place from a case, a placement's page (the house's yes or
no, check-in, check-out, the stay's records), the placement letter, the queue, and the
occupancy boards.

Every placement is read through the access module (``get_placement_for``,
``Placement.objects.restrict``); the case through its own. The house's address is shown
only on the placement's page (``access.shows_address``) and the house's own board, to its
staff: never in a list, the letter or a URL.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lindungi.audit.events import record_read
from lindungi.cases.access import Need, get_case_for
from lindungi.cases.access import access_to as case_access_to
from lindungi.cases.actions import StaleVersion
from lindungi.cases.forms import CaseForm
from lindungi.cases.views.edits import _add as add_once
from lindungi.core.htmx import render_page
from lindungi.response.access import get_dispatch_for
from lindungi.shelter import access, actions
from lindungi.shelter.forms import (
    AcceptForm,
    BedForm,
    CancelForm,
    CheckInForm,
    CheckOutForm,
    DeclineForm,
    DispatchPlacementForm,
    PlacementRequestForm,
    RemoveVisitorForm,
    StayRecordForm,
    VisitorForm,
    visitors_of,
)
from lindungi.shelter.models import (
    Bed,
    House,
    Placement,
    PlacementPerson,
    PlacementStatus,
    StayRecord,
)
from lindungi.shelter.occupancy import all_boards, house_board

# How often the boards ask for news (seconds): htmx polls, no reload (as the dispatch board).
POLL_SECONDS = 30


def _posted(request):
    return request.POST if request.method == "POST" else None


def _where(placement):
    return reverse("shelter:placement", kwargs={"placement_id": placement.pk})


@login_required
@require_http_methods(["GET", "POST"])
def request_placement(request, case_id):
    case_access = get_case_for(request.user, case_id, Need.EDIT, request=request)
    case = case_access.case
    form = PlacementRequestForm(_posted(request), case=case, user=request.user)

    def create():
        placement = actions.request_placement(
            request.user, case, form.cleaned_data, request=request
        )
        messages.success(request, _("The place is asked for."))
        return _where(placement)

    context = {"case": case, "access": case_access}
    return add_once(request, form, create, "shelter/request.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def request_from_dispatch(request, dispatch_id):
    """The crew on the scene ask a place for the people there, for the dispatch's case."""
    dispatch = get_dispatch_for(request.user, dispatch_id, Need.EDIT, request=request)
    case = actions.case_of(dispatch)
    context = {"dispatch": dispatch, "case": case}
    if case is None:
        return render_page(request, "shelter/request.html", {**context, "no_case": True})
    form = DispatchPlacementForm(_posted(request), case=case, user=request.user)

    def create():
        placement = actions.request_from_dispatch(
            request.user, dispatch, form.cleaned_data, request=request
        )
        messages.success(request, _("The place is asked for."))
        return _where(placement)

    return add_once(request, form, create, "shelter/request.html", context)


def _forms(request, placement, **given):
    version = {"version": placement.version}
    houses = access.staff_houses(request.user)
    forms = {
        "accept_form": AcceptForm(initial=version, houses=houses),
        "decline_form": DeclineForm(initial=version),
        "cancel_form": CancelForm(initial=version),
        "check_in_form": CheckInForm(initial=version),
        "check_out_form": CheckOutForm(initial=version),
        "record_form": StayRecordForm(user=request.user, placement_id=placement.pk),
        "visitor_form": VisitorForm(),
    }
    return {**forms, **given}


def _placement_page(request, placement, status=None, **given):
    may_content = access.may(request.user, placement, Need.CONTENT)
    helping = case_access_to(request.user, placement.case)
    staff = access.is_staff_of(request.user, placement.house) or (
        placement.house is None and bool(access.staff_units(request.user))
    )
    people = PlacementPerson.objects.restrict(request.user, Need.VIEW).filter(placement=placement)
    records = StayRecord.objects.restrict(request.user, Need.CONTENT).filter(placement=placement)
    visitors = visitors_of(request.user, placement.pk)
    context = {
        "placement": placement,
        "people": people.select_related("client", "bed__room"),
        "records": records.select_related("by") if may_content else [],
        "visitors": visitors if may_content else [],
        "may_content": may_content,
        "staff": staff,
        "may_cancel": placement.status == PlacementStatus.WAITING
        and helping is not None
        and helping.may_edit,
        "nights": placement.nights(timezone.localdate()),
        "address": placement.house.service_point.address
        if access.shows_address(request.user, placement)
        else "",
        **_forms(request, placement, **given),
    }
    return render_page(request, "shelter/placement.html", context, status=status)


@login_required
@require_GET
def placement_view(request, placement_id):
    placement = access.get_placement_for(request.user, placement_id, Need.VIEW, request=request)
    record_read(request, placement)
    return _placement_page(request, placement)


def _act(request, placement_id, form, work, form_name):
    """Run ``work(placement, cleaned data)`` for a valid form, then back to the placement; a
    refused form shows on the placement's page with its errors (400); a stale one sends the
    reader to the placement as it is now."""
    placement = access.get_placement_for(request.user, placement_id, Need.EDIT, request=request)
    if form.is_valid():
        try:
            work(placement, form.cleaned_data)
        except StaleVersion:
            messages.info(request, _("Someone changed this placement meanwhile: here it is now."))
            return redirect(_where(placement))
        except ValidationError as error:
            CaseForm.add_action_errors(form, error)
        else:
            return redirect(_where(placement))
    return _placement_page(request, placement, status=400, **{form_name: form})


@login_required
@require_POST
def accept(request, placement_id):
    form = AcceptForm(request.POST, houses=access.staff_houses(request.user))

    def work(placement, data):
        actions.accept(
            request.user,
            placement,
            data["version"],
            data["room"],
            whole_room=data["whole_room"],
            beds=list(data["beds"]),
            request=request,
        )
        messages.success(request, _("The place is given."))

    return _act(request, placement_id, form, work, "accept_form")


@login_required
@require_POST
def decline(request, placement_id):
    def work(placement, data):
        actions.decline(request.user, placement, data["version"], data["reason"], request=request)
        messages.success(request, _("The request is back in the queue."))

    return _act(request, placement_id, DeclineForm(request.POST), work, "decline_form")


@login_required
@require_POST
def cancel(request, placement_id):
    def work(placement, data):
        actions.cancel_request(
            request.user, placement, data["version"], data["reason"], request=request
        )
        messages.success(request, _("The request is cancelled."))

    return _act(request, placement_id, CancelForm(request.POST), work, "cancel_form")


@login_required
@require_POST
def check_in(request, placement_id):
    def work(placement, data):
        actions.check_in(request.user, placement, data["version"], on=data["on"], request=request)
        messages.success(request, _("She is checked in."))

    return _act(request, placement_id, CheckInForm(request.POST), work, "check_in_form")


@login_required
@require_POST
def check_out(request, placement_id):
    def work(placement, data):
        actions.check_out(
            request.user,
            placement,
            data["version"],
            data["destination"],
            data["reason"],
            on=data["on"],
            request=request,
        )
        messages.success(request, _("She is checked out."))

    return _act(request, placement_id, CheckOutForm(request.POST), work, "check_out_form")


@login_required
@require_POST
def add_record(request, placement_id):
    def work(placement, data):
        actions.add_record(
            request.user,
            placement,
            data["kind"],
            data["note"],
            visitor=data["visitor"],
            request=request,
        )
        messages.success(request, _("Recorded."))

    form = StayRecordForm(request.POST, user=request.user, placement_id=placement_id)
    return _act(request, placement_id, form, work, "record_form")


@login_required
@require_POST
def visitors(request, placement_id):
    """Her list of visitors: someone added, or (``remove``) taken off."""
    if "remove" in request.POST:
        form = RemoveVisitorForm(request.POST, user=request.user, placement_id=placement_id)

        def work(placement, data):
            actions.remove_visitor(request.user, data["remove"], request=request)
            messages.success(request, _("Taken off her list of visitors."))

    else:
        form = VisitorForm(request.POST)

        def work(placement, data):
            actions.add_visitor(
                request.user, placement, data["name"], data["relationship"], request=request
            )
            messages.success(request, _("Added to her list of visitors."))

    return _act(request, placement_id, form, work, "visitor_form")


@login_required
@require_GET
def letter(request, placement_id):
    """The placement letter for transport: the meeting point, never the address."""
    placement = access.get_placement_for(request.user, placement_id, Need.CONTENT, request=request)
    if placement.house is None or placement.status not in (
        PlacementStatus.ACCEPTED,
        PlacementStatus.STAYING,
    ):
        raise Http404
    record_read(request, placement)
    people = PlacementPerson.objects.restrict(request.user, Need.CONTENT).filter(
        placement=placement
    )
    context = {"placement": placement, "people": people.select_related("client")}
    return render_page(request, "shelter/letter.html", context)


@login_required
@require_GET
def queue(request):
    """The requests no house has taken yet, that this user may see."""
    waiting = Placement.objects.restrict(request.user, Need.VIEW).filter(
        status=PlacementStatus.WAITING
    )
    context = {"waiting": waiting.select_related("case", "house__service_point")}
    return render_page(request, "shelter/queue.html", context)


@login_required
@require_GET
def board(request):
    """Every house's beds, in numbers: no names."""
    boards = all_boards(timezone.localdate())
    mine = {house.pk for house in access.staff_houses(request.user)}
    context = {"boards": boards, "mine": mine, "poll": POLL_SECONDS, "now": timezone.now()}
    return render_page(request, "shelter/board.html", context)


@login_required
@require_GET
def house(request, house_id):
    """One house's board; names, today's arrivals and departures and its address for its
    staff only."""
    found = get_object_or_404(House.objects.select_related("service_point"), pk=house_id)
    staff = access.is_staff_of(request.user, found)
    today = timezone.localdate()
    board = house_board(found, today, request.user if staff else None)
    context = {
        "board": board,
        "staff": staff,
        "bed_form": BedForm(),
        "poll": POLL_SECONDS,
        "now": timezone.now(),
    }
    if staff:
        context["address"] = found.service_point.address
    return render_page(request, "shelter/house.html", context)


@login_required
@require_POST
def bed(request, bed_id):
    found = get_object_or_404(Bed.objects.select_related("room__house"), pk=bed_id)
    form = BedForm(request.POST)
    if not form.is_valid():
        return redirect("shelter:house", house_id=found.room.house_id)
    try:
        actions.set_bed_out_of_use(
            request.user, found, form.cleaned_data["out_of_use"], request=request
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("shelter:house", house_id=found.room.house_id)
