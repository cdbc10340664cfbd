"""Safe-house actions: ask for a place, the house's yes (a room, beds) or no, check-in,
check-out, the stay's records, beds out of use.

Each checks the actor (the case's edit right for the request; the house's staff for the
house's own steps, through ``access``), locks what it changes, and writes the audit row, the
case's timeline entry and the alerts in one transaction. The timeline, the audit rows and
the alerts name the placement by id, never the house's address.

Two officers giving the same bed or room at once: the house's yes locks the room's row
(``select_for_update``), so the second waits and then finds the beds taken; the database's
partial unique index on held beds (``bed_held_once``) refuses a double booking whatever
path wrote it.
"""

from collections.abc import Mapping, Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.models import User
from lindungi.accounts.roles import Role
from lindungi.audit.events import record
from lindungi.cases import access as case_access
from lindungi.cases import actions as case_actions
from lindungi.cases.actions import StaleVersion
from lindungi.cases.models import Case, CaseEvent, Client
from lindungi.cases.timeline import EventKind
from lindungi.notifications.models import Kind, notify
from lindungi.response import access as response_access
from lindungi.response.models import Dispatch
from lindungi.shelter import access
from lindungi.shelter.capacity import fits, free_beds
from lindungi.shelter.models import (
    Bed,
    Destination,
    House,
    OutOfUse,
    Placement,
    PlacementDecline,
    PlacementPerson,
    PlacementStatus,
    RecordKind,
    Room,
    StayRecord,
    Urgency,
    Visitor,
)

TEXT = 4000
NAME = 200
NO_CASE_YET = _("This dispatch has no case yet: write the visit report first, it opens the case.")


def house_staff(house: House) -> list[User]:
    return list(
        User.objects.filter(
            memberships__unit_id=house.service_point.unit_id,
            memberships__role=Role.SHELTER_OFFICER,
            is_active=True,
        ).distinct()
    )


def _event(placement: Placement, actor: User, kind: EventKind, **detail: str) -> None:
    """The case's timeline entry: the placement's id and codes, never the house's address."""
    CaseEvent.objects.create(
        case_id=placement.case_id,
        at=timezone.now(),
        actor=actor,
        kind=kind,
        detail={"placement": str(placement.pk), **detail},
    )


def _tell_requester(placement: Placement) -> None:
    """The house answered: its asker hears, with a link to the case unless a dispatch's crew
    asked (they never reach the case)."""
    case = None if placement.dispatch_id is not None else placement.case
    notify([placement.requested_by], Kind.PLACEMENT_ANSWERED, case=case)


def _people(case: Case, people: Sequence[Client]) -> list[Client]:
    chosen = [client for client in people if client.case_id == case.pk]
    if not chosen or len(chosen) != len(people):
        raise ValidationError({"people": _("Choose the people to place, from this case.")})
    return chosen


@transaction.atomic
def request_placement(
    actor: User,
    case: Case,
    data: Mapping[str, object],
    *,
    request: HttpRequest | None = None,
) -> Placement:
    """Ask for a place for people of ``case`` (the survivor and her dependants), in the
    house chosen or, with none, in the queue every house and the case's supervisors see."""
    case_access.check(actor, case, case_access.Need.EDIT)
    dispatch = data.get("dispatch")
    if dispatch is not None and (not isinstance(dispatch, Dispatch) or dispatch.case_id != case.pk):
        raise ValidationError({"dispatch": _("Choose a dispatch of this case.")})
    return _ask(actor, case, dispatch, data, request)


def case_of(dispatch: Dispatch) -> Case | None:
    """The case a dispatch is for: its own, or the case opened since from its report."""
    if dispatch.case is not None:
        return dispatch.case
    return dispatch.report.case if dispatch.report is not None else None


@transaction.atomic
def request_from_dispatch(
    actor: User,
    dispatch: Dispatch,
    data: Mapping[str, object],
    *,
    request: HttpRequest | None = None,
) -> Placement:
    """The crew of a dispatch (or the case's workers) ask a place for the people on the
    scene, at night, for the dispatch's case: without reading the case file. Children on
    the scene the case does not have yet (``new_children``: (age, sex) pairs) are added to
    it first, and placed too."""
    current = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    if not response_access.may(actor, current, case_access.Need.EDIT):
        raise PermissionDenied
    case = case_of(current)
    if case is None:
        raise ValidationError(NO_CASE_YET)
    children: list[tuple[int, str]] = list(data.get("new_children") or [])  # type: ignore[call-overload]
    found = [
        case_actions.add_child_from_scene(actor, case, age, sex, request=request)
        for age, sex in children
    ]
    chosen: list[Client] = list(data.get("people") or [])  # type: ignore[call-overload]
    people = [*chosen, *found]
    return _ask(actor, case, current, {**data, "people": people}, request)


def _ask(
    actor: User,
    case: Case,
    dispatch: Dispatch | None,
    data: Mapping[str, object],
    request: HttpRequest | None,
) -> Placement:
    people = _people(case, list(data.get("people") or []))  # type: ignore[call-overload]
    house = data.get("house")
    urgency = str(data.get("urgency") or "")
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Say how urgent the place is.")})
    wheelchair = bool(data.get("needs_wheelchair"))
    if isinstance(house, House):
        fits(house, people, wheelchair, timezone.localdate())
    placement = Placement.objects.create(
        case=case,
        dispatch=dispatch,
        house=house if isinstance(house, House) else None,
        status=PlacementStatus.WAITING,
        urgency=urgency,
        needs=str(data.get("needs") or "").strip()[:TEXT],
        needs_wheelchair=wheelchair,
        requested_at=timezone.now(),
        requested_by=actor,
    )
    PlacementPerson.objects.bulk_create(
        [PlacementPerson(placement=placement, client=client) for client in people]
    )
    if placement.house is not None:
        notify(house_staff(placement.house), Kind.PLACEMENT_REQUESTED)
    record("placement.request", request=request, actor=actor, obj=placement, fields=["needs"])
    _event(placement, actor, EventKind.PLACEMENT_REQUESTED)
    return placement


def _locked(actor: User, placement: Placement, version: int, *states: str) -> Placement:
    """The placement, locked, if the actor works in its house (or, in the queue, in any
    house) and it is in one of ``states``."""
    current = Placement.objects.select_for_update().get(pk=placement.pk)
    if not access.may(actor, current, case_access.Need.EDIT):
        raise PermissionDenied
    if current.house is not None and not access.is_staff_of(actor, current.house):
        raise PermissionDenied
    if current.house is None and not access.staff_units(actor):
        raise PermissionDenied
    if current.version != version:
        raise StaleVersion(current)
    if current.status not in states:
        raise ValidationError(_("This placement has moved on: reload the page."))
    return current


def _beds_for(room: Room, count: int, whole: bool, chosen: Sequence[Bed] = ()) -> list[Bed]:
    """``count`` free beds of ``room``, which is locked (the ``chosen`` ones, in order,
    when the officer chose them); the room must be all free to be held whole."""
    free = list(free_beds(room))
    if whole and len(free) != room.beds.filter(out_of_use="").count():
        raise ValidationError({"room": _("Someone is in this room: it cannot be held whole.")})
    if len(free) < count:
        raise ValidationError({"room": _("This room has not enough free beds.")})
    if not chosen:
        return free[:count]
    if len({bed.pk for bed in chosen}) != count:
        raise ValidationError({"beds": _("Choose one bed for each person placed.")})
    if not {bed.pk for bed in chosen} <= {bed.pk for bed in free}:
        raise ValidationError({"beds": _("Choose free beds of this room.")})
    return list(chosen)


def _save(current: Placement, **changes: object) -> None:
    for name, value in changes.items():
        setattr(current, name, value)
    current.version += 1
    current.save()


@transaction.atomic
def accept(
    actor: User,
    placement: Placement,
    version: int,
    room: Room,
    *,
    whole_room: bool = False,
    beds: Sequence[Bed] = (),
    request: HttpRequest | None = None,
) -> Placement:
    """The house's yes: a bed in ``room`` for each person (the ``beds`` chosen, in the
    order of the people, or the first free ones), and the room held whole for a family if
    asked. The room's row is locked first, so two officers cannot give the same beds at
    once."""
    current = _locked(actor, placement, version, PlacementStatus.WAITING)
    room = Room.objects.select_for_update().select_related("house__service_point").get(pk=room.pk)
    if current.house_id not in (None, room.house_id) or not access.is_staff_of(actor, room.house):
        raise PermissionDenied
    people = list(current.people.select_related("client"))
    fits(room.house, [p.client for p in people], current.needs_wheelchair, timezone.localdate())
    if current.needs_wheelchair and not room.wheelchair_accessible:
        raise ValidationError({"room": _("This room has no wheelchair access.")})
    given = _beds_for(room, len(people), whole_room, beds)
    for person, bed in zip(people, given, strict=False):
        person.bed, person.holding = bed, True
    try:
        with transaction.atomic():
            PlacementPerson.objects.bulk_update(people, ["bed", "holding"])
    except IntegrityError:
        raise ValidationError({"room": _("These beds were just given to someone else.")}) from None
    _save(
        current,
        house=room.house,
        status=PlacementStatus.ACCEPTED,
        room=room if whole_room else None,
        decided_at=timezone.now(),
        decided_by=actor,
    )
    _tell_requester(current)
    record("placement.accept", request=request, actor=actor, obj=current, fields=["room"])
    _event(current, actor, EventKind.PLACEMENT_ACCEPTED)
    return current


@transaction.atomic
def decline(
    actor: User,
    placement: Placement,
    version: int,
    reason: str,
    *,
    request: HttpRequest | None = None,
) -> Placement:
    """The house's no, with its reason: the request goes back to the queue."""
    current = _locked(actor, placement, version, PlacementStatus.WAITING)
    reason = reason.strip()[:TEXT]
    if current.house is None:
        raise ValidationError(_("This request waits in the queue: no house to decline it."))
    if not reason:
        raise ValidationError({"reason": _("Say why the house cannot take her.")})
    now = timezone.now()
    PlacementDecline.objects.create(
        placement=current, house=current.house, reason=reason, by=actor, at=now
    )
    _save(current, house=None)
    _tell_requester(current)
    record("placement.decline", request=request, actor=actor, obj=current, fields=["reason"])
    _event(current, actor, EventKind.PLACEMENT_DECLINED)
    return current


@transaction.atomic
def cancel_request(
    actor: User,
    placement: Placement,
    version: int,
    reason: str,
    *,
    request: HttpRequest | None = None,
) -> Placement:
    """The case's workers withdraw a request no house has taken yet, with the reason (she
    found a safe place with family, she no longer wants it)."""
    current = Placement.objects.select_for_update().get(pk=placement.pk)
    case_access.check(actor, current.case, case_access.Need.EDIT)
    if current.version != version:
        raise StaleVersion(current)
    if current.status != PlacementStatus.WAITING:
        raise ValidationError(_("This placement has moved on: reload the page."))
    reason = reason.strip()[:TEXT]
    if not reason:
        raise ValidationError({"reason": _("Say why the request is cancelled.")})
    _save(current, status=PlacementStatus.CANCELLED, ended_at=timezone.now(), end_reason=reason)
    record("placement.cancel", request=request, actor=actor, obj=current, fields=["end_reason"])
    _event(current, actor, EventKind.PLACEMENT_CANCELLED)
    return current


def _day(on: date | None) -> date:
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"on": _("This date is in the future.")})
    return on


@transaction.atomic
def check_in(
    actor: User,
    placement: Placement,
    version: int,
    *,
    on: date | None = None,
    request: HttpRequest | None = None,
) -> Placement:
    """She arrived: the stay starts on ``on`` (today, in the deployment's zone)."""
    current = _locked(actor, placement, version, PlacementStatus.ACCEPTED)
    _save(current, status=PlacementStatus.STAYING, checked_in_on=_day(on))
    record(
        "placement.check_in", request=request, actor=actor, obj=current, fields=["checked_in_on"]
    )
    _event(current, actor, EventKind.STAY_STARTED)
    return current


@transaction.atomic
def check_out(
    actor: User,
    placement: Placement,
    version: int,
    destination: str,
    reason: str,
    *,
    on: date | None = None,
    request: HttpRequest | None = None,
) -> Placement:
    """She left, to ``destination``: the beds and the room are free again."""
    current = _locked(actor, placement, version, PlacementStatus.STAYING)
    if destination not in Destination.values:
        raise ValidationError({"destination": _("Say where she went.")})
    day = _day(on)
    if current.checked_in_on is not None and day < current.checked_in_on:
        raise ValidationError({"on": _("The check-out cannot come before the check-in.")})
    current.people.update(holding=False)
    _save(
        current,
        status=PlacementStatus.ENDED,
        checked_out_on=day,
        ended_at=timezone.now(),
        destination=destination,
        end_reason=reason.strip()[:TEXT],
    )
    fields = ["checked_out_on", "destination", "end_reason"]
    record("placement.check_out", request=request, actor=actor, obj=current, fields=fields)
    _event(current, actor, EventKind.STAY_ENDED, destination=destination)
    return current


@transaction.atomic
def add_record(
    actor: User,
    placement: Placement,
    kind: str,
    note: str,
    *,
    visitor: Visitor | None = None,
    request: HttpRequest | None = None,
) -> StayRecord:
    """A line of the stay: the daily log, an incident in the house, a visit (by someone on
    the placement's list of visitors)."""
    current = _locked(actor, placement, placement.version, PlacementStatus.STAYING)
    if kind not in RecordKind.values:
        raise ValidationError({"kind": _("Choose what you record.")})
    note = note.strip()[:TEXT]
    if not note:
        raise ValidationError({"note": _("Write what happened.")})
    visiting = ""
    if kind == RecordKind.VISIT:
        if visitor is None:
            raise ValidationError({"visitor": _("Say who visited.")})
        allowed = current.visitors.filter(pk=visitor.pk, removed_at__isnull=True).first()
        if allowed is None:
            raise ValidationError({"visitor": _("Only someone on her list of visitors.")})
        visiting = str(allowed)
    line = StayRecord.objects.create(
        placement=current, kind=kind, at=timezone.now(), note=note, visitor=visiting, by=actor
    )
    record("placement.record", request=request, actor=actor, obj=line, fields=["note", "visitor"])
    return line


@transaction.atomic
def add_visitor(
    actor: User,
    placement: Placement,
    name: str,
    relationship: str,
    *,
    request: HttpRequest | None = None,
) -> Visitor:
    """Put someone on the list of those who may visit her (the house's staff, once the
    house took her)."""
    current = _locked(
        actor, placement, placement.version, PlacementStatus.ACCEPTED, PlacementStatus.STAYING
    )
    name, relationship = name.strip()[:NAME], relationship.strip()[:NAME]
    if not name:
        raise ValidationError({"name": _("Write the visitor's name.")})
    if not relationship:
        raise ValidationError({"relationship": _("Say how the visitor knows her.")})
    visitor = Visitor.objects.create(
        placement=current,
        name=name,
        relationship=relationship,
        added_by=actor,
        added_at=timezone.now(),
    )
    record("placement.visitor", request=request, actor=actor, obj=visitor, fields=["name"])
    return visitor


@transaction.atomic
def remove_visitor(actor: User, visitor: Visitor, *, request: HttpRequest | None = None) -> Visitor:
    """Take someone off her list: they may no longer visit (past visits keep their name)."""
    current = Visitor.objects.select_for_update().get(pk=visitor.pk)
    placement = current.placement
    _locked(actor, placement, placement.version, PlacementStatus.ACCEPTED, PlacementStatus.STAYING)
    if current.removed_at is None:
        current.removed_at = timezone.now()
        current.save(update_fields=["removed_at"])
        record("placement.visitor_removed", request=request, actor=actor, obj=current)
    return current


@transaction.atomic
def set_bed_out_of_use(
    actor: User, bed: Bed, reason: str, *, request: HttpRequest | None = None
) -> Bed:
    """Take a bed out of use (with a reason) or, with no reason, back into use."""
    current = (
        Bed.objects.select_for_update().select_related("room__house__service_point").get(pk=bed.pk)
    )
    if not access.is_staff_of(actor, current.room.house):
        raise PermissionDenied
    if reason and reason not in OutOfUse.values:
        raise ValidationError({"reason": _("Choose why the bed is out of use.")})
    if reason and current.sleepers.filter(holding=True).exists():
        raise ValidationError({"reason": _("Someone has this bed: it stays in use.")})
    current.out_of_use = reason
    current.save(update_fields=["out_of_use", "updated_at"])
    record("shelter.bed", request=request, actor=actor, obj=current, fields=["out_of_use"])
    return current
