"""The roster: shifts made from the unit's pattern, who is on each in which role, swaps and
leave (actions: checked, audited, in one transaction), who is on call now, and the gaps.

Shift times are the pattern's times of day in the deployment's zone (``TIME_ZONE``); a
shift lasts until the next one starts, so the day is covered whatever the pattern.
"""

import itertools
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.models import Membership, Unit, User
from lindungi.accounts.roles import Role, UnitType
from lindungi.audit.events import record
from lindungi.response.models import CrewRole, Shift, ShiftAssignment, UnitSettings

# Who may be put on a shift: the unit's members in these roles.
ROSTER_ROLES = {Role.RESPONDER, Role.SUPERVISOR}


def unit_settings(unit: Unit) -> UnitSettings:
    return UnitSettings.objects.get_or_create(unit=unit)[0]


def shift_starts(unit: Unit) -> list[time]:
    """The unit's shift start times, earliest first."""
    pattern = unit_settings(unit).shift_starts or settings.RESPONSE_SHIFT_STARTS
    return sorted(time.fromisoformat(part.strip()) for part in pattern.split(",") if part.strip())


def _check_supervisor(actor: User, unit: Unit) -> None:
    if (
        unit.type != UnitType.RAPID_RESPONSE
        or not Membership.objects.filter(user=actor, unit=unit, role=Role.SUPERVISOR).exists()
    ):
        raise PermissionDenied


def _starts_on(day: date, starts: list[time]) -> list[datetime]:
    zone = timezone.get_default_timezone()
    return [datetime.combine(day, start, tzinfo=zone) for start in starts]


@transaction.atomic
def plan_shifts(
    actor: User, unit: Unit, first_day: date, days: int, *, request: HttpRequest | None = None
) -> list[Shift]:
    """Make the unit's shifts for ``days`` days from ``first_day`` (those that exist stay)."""
    _check_supervisor(actor, unit)
    starts = shift_starts(unit)
    instants = [
        at for n in range(days + 1) for at in _starts_on(first_day + timedelta(days=n), starts)
    ]
    made = []
    for begins, ends in itertools.pairwise(instants):
        shift, created = Shift.objects.get_or_create(
            unit=unit, starts_at=begins, defaults={"ends_at": ends}
        )
        if created:
            made.append(shift)
    record("roster.plan", request=request, actor=actor, obj=unit, fields=["shifts"])
    return made


def _member(unit: Unit, user: User) -> None:
    if not Membership.objects.filter(user=user, unit=unit, role__in=ROSTER_ROLES).exists():
        raise ValidationError({"user": _("Choose a member of the unit.")})


def _changed(assignment: ShiftAssignment, actor: User) -> None:
    assignment.changed_by = actor
    assignment.changed_at = timezone.now()


@transaction.atomic
def assign(
    actor: User,
    shift: Shift,
    user: User,
    role: str,
    *,
    request: HttpRequest | None = None,
) -> ShiftAssignment:
    """Put ``user`` on ``shift`` in ``role``."""
    _check_supervisor(actor, shift.unit)
    _member(shift.unit, user)
    if role not in CrewRole.values:
        raise ValidationError({"role": _("Choose a role.")})
    if shift.assignments.filter(user=user).exists():
        raise ValidationError({"user": _("This person is already on the shift.")})
    assignment = ShiftAssignment(shift=shift, user=user, role=role)
    _changed(assignment, actor)
    assignment.save()
    record("roster.assign", request=request, actor=actor, obj=assignment, fields=["user", "role"])
    return assignment


def _locked(actor: User, assignment: ShiftAssignment) -> ShiftAssignment:
    current = ShiftAssignment.objects.select_for_update().select_related("shift__unit")
    locked = current.get(pk=assignment.pk)
    _check_supervisor(actor, locked.shift.unit)
    return locked


@transaction.atomic
def swap(
    actor: User,
    assignment: ShiftAssignment,
    user: User,
    *,
    request: HttpRequest | None = None,
) -> ShiftAssignment:
    """Hand a place on a shift to ``user``; who had it is kept (``swapped_from``)."""
    current = _locked(actor, assignment)
    _member(current.shift.unit, user)
    if current.shift.assignments.filter(user=user).exists():
        raise ValidationError({"user": _("This person is already on the shift.")})
    current.swapped_from = current.user
    current.user = user
    current.on_leave = False
    _changed(current, actor)
    current.save()
    record("roster.swap", request=request, actor=actor, obj=current, fields=["user"])
    return current


@transaction.atomic
def set_leave(
    actor: User,
    assignment: ShiftAssignment,
    on_leave: bool,
    *,
    request: HttpRequest | None = None,
) -> ShiftAssignment:
    """Take a person off a shift for leave (or back on it)."""
    current = _locked(actor, assignment)
    current.on_leave = on_leave
    _changed(current, actor)
    current.save()
    record("roster.leave", request=request, actor=actor, obj=current, fields=["on_leave"])
    return current


# --- Reading the roster ----------------------------------------------------------------


def on_call(unit: Unit | uuid.UUID, at: datetime | None = None) -> QuerySet[ShiftAssignment]:
    """Who is on call in ``unit`` at ``at`` (now): one query, people and shift joined."""
    at = at or timezone.now()
    return (
        ShiftAssignment.objects.filter(
            shift__unit=unit, shift__starts_at__lte=at, shift__ends_at__gt=at, on_leave=False
        )
        .select_related("user", "shift")
        .order_by("role", "user__display_name")
    )


def current_shift(unit: Unit, at: datetime | None = None) -> Shift | None:
    at = at or timezone.now()
    return Shift.objects.filter(unit=unit, starts_at__lte=at, ends_at__gt=at).first()


@dataclass(frozen=True)
class Gap:
    shift: Shift
    team_lead: bool
    responders: int
    minimum: int


def gaps(units: QuerySet[Unit], start: datetime, end: datetime) -> list[Gap]:
    """Shifts of ``units`` that start or run between ``start`` and ``end`` without a team
    lead or with fewer responders than their unit's minimum."""
    present = Q(assignments__on_leave=False)
    shifts = (
        Shift.objects.filter(unit__in=units, ends_at__gt=start, starts_at__lt=end)
        .select_related("unit")
        .annotate(
            leads=Count("assignments", filter=present & Q(assignments__role=CrewRole.TEAM_LEAD)),
            responders=Count(
                "assignments", filter=present & Q(assignments__role=CrewRole.RESPONDER)
            ),
        )
        .order_by("starts_at")
    )
    minimum = dict(
        UnitSettings.objects.filter(unit__in=units).values_list("unit_id", "min_responders")
    )
    default = UnitSettings._meta.get_field("min_responders").get_default()
    found = []
    for shift in shifts:
        needed = minimum.get(shift.unit_id, default)
        if shift.leads == 0 or shift.responders < needed:
            found.append(Gap(shift, shift.leads > 0, shift.responders, needed))
    return found
