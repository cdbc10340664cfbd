"""The roster page of a rapid response unit's supervisors: the coming shifts and who is on
them; making shifts from the pattern, putting people on them, swaps and leave (each an
action in ``lindungi.response.roster``, audited with who changed what)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindungi.accounts.models import Unit, User
from lindungi.core.htmx import render_page
from lindungi.response import roster
from lindungi.response.access import supervised_units
from lindungi.response.forms import AssignForm, LeaveForm, PlanForm, SwapForm
from lindungi.response.models import Shift, ShiftAssignment

# How far ahead the roster page lists shifts.
SHOWN_DAYS = 3


def _unit(request):
    """The rapid response unit the reader supervises, or 404: the one they act in now
    (their active membership) if it is one, else the first."""
    units = supervised_units(request.user)
    if not units:
        raise Http404
    acting = getattr(getattr(request, "membership", None), "unit_id", None)
    return Unit.objects.get(pk=acting if acting in units else units[0])


def _shifts(unit):
    now = timezone.now()
    return Shift.objects.filter(
        unit=unit, ends_at__gt=now, starts_at__lt=now + timedelta(days=SHOWN_DAYS)
    )


def _people(unit):
    return User.objects.filter(
        memberships__unit=unit, memberships__role__in=roster.ROSTER_ROLES, is_active=True
    ).distinct()


def _assignments(unit):
    return ShiftAssignment.objects.filter(shift__in=_shifts(unit))


@login_required
@require_GET
def roster_page(request):
    unit = _unit(request)
    shifts = _shifts(unit).prefetch_related("assignments__user", "assignments__swapped_from")
    people = _people(unit)
    context = {
        "unit": unit,
        "shifts": shifts,
        "plan_form": PlanForm(),
        "assign_form": AssignForm(shifts=_shifts(unit), people=people),
        "people": people,
    }
    return render_page(request, "response/roster.html", context)


def _done(request, form, work):
    if form.is_valid():
        try:
            work(form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The roster is saved."))
    else:
        messages.error(request, _("Check the form: something is missing."))
    return redirect("response:roster")


@login_required
@require_POST
def plan(request):
    unit = _unit(request)
    today = timezone.localdate()

    def work(data):
        roster.plan_shifts(request.user, unit, today, data["days"], request=request)

    return _done(request, PlanForm(request.POST), work)


@login_required
@require_POST
def assign(request):
    unit = _unit(request)
    form = AssignForm(request.POST, shifts=_shifts(unit), people=_people(unit))

    def work(data):
        roster.assign(request.user, data["shift"], data["user"], data["role"], request=request)

    return _done(request, form, work)


@login_required
@require_POST
def swap(request):
    unit = _unit(request)
    form = SwapForm(request.POST, assignments=_assignments(unit), people=_people(unit))

    def work(data):
        roster.swap(request.user, data["assignment"], data["user"], request=request)

    return _done(request, form, work)


@login_required
@require_POST
def leave(request):
    unit = _unit(request)
    form = LeaveForm(request.POST, assignments=_assignments(unit))

    def work(data):
        roster.set_leave(request.user, data["assignment"], data["on_leave"], request=request)

    return _done(request, form, work)
