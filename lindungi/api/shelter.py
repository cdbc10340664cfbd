"""The safe-house API: a case's placements (list, request), one placement and its next
step (the house's yes or no, check-in, check-out; the case's side cancels a waiting
request), and the occupancy board's counts.

The same contract as the pages (``lindungi.shelter.views``): a case's placements through
the case's choke point, a placement through the placement rule (the case's people; the
house's staff while the stay lasts and shortly after; every house's staff while it waits
in the queue), so anything out of scope is an audited 404; every write through an action.
Names, needs and reasons travel only to those who may read the placement's content; the
house's address never travels at all (the placement's page shows it to those who may).
A step needs the placement's ETag in If-Match (428 without, 412 when stale).
"""

import uuid
from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status as Reply

from lindungi.api.auth import StaffRequest
from lindungi.api.case_schemas import Input, RecordId
from lindungi.api.cases import CREATE, READ, WRITE
from lindungi.api.versions import etag, read_all, required_version
from lindungi.audit.events import record_read
from lindungi.cases.access import Need, get_case_for
from lindungi.cases.models import Case
from lindungi.core.dates import check_past_facts
from lindungi.response.models import Dispatch
from lindungi.shelter import access, actions
from lindungi.shelter.models import (
    Bed,
    Destination,
    House,
    Placement,
    PlacementPerson,
    PlacementStatus,
    Room,
    Urgency,
)
from lindungi.shelter.occupancy import all_boards

router = Router(tags=["safe houses"])
Body = dict[str, Any]
Text = Field("", max_length=4000)
MOST_PEOPLE = 20


class PlacementIn(Input):
    people: list[RecordId] = Field(
        [], max_length=MOST_PEOPLE, description="The survivor and her dependants: the case's."
    )
    house: RecordId | None = Field(None, description="Left out: the queue every house sees.")
    urgency: Urgency | None = None
    needs: str = Text
    needs_wheelchair: bool = False
    dispatch: RecordId | None = Field(None, description="A rapid response dispatch of the case.")


class PlacementStepIn(Input):
    step: Literal["accept", "decline", "check_in", "check_out", "cancel"] | None = None
    room: RecordId | None = Field(None, description="To accept: a room of your house.")
    beds: list[RecordId] = Field(
        [],
        max_length=MOST_PEOPLE,
        description="To accept: a bed of the room for each person, in order; left out: any.",
    )
    whole_room: bool = Field(False, description="To accept: hold the whole room for a family.")
    reason: str = Text
    destination: Destination | None = None
    on: date | None = Field(None, description="The day of the check-in or check-out; today.")


class PersonOut(Schema):
    client: uuid.UUID
    role: str
    sex: str
    name: str = Field(description="Only for those who may read the placement's content.")
    bed: uuid.UUID | None
    bed_label: str


class PlacementOut(Schema):
    id: uuid.UUID
    case: uuid.UUID
    survivor_code: str
    dispatch: uuid.UUID | None
    house: uuid.UUID | None
    house_name: str
    status: PlacementStatus
    urgency: Urgency
    needs: str
    needs_wheelchair: bool
    requested_at: datetime
    decided_at: datetime | None
    room_held: uuid.UUID | None
    people: list[PersonOut]
    checked_in_on: date | None
    checked_out_on: date | None
    nights: int
    destination: Destination | None
    end_reason: str
    version: int


class HouseCounts(Schema):
    house: uuid.UUID
    name: str
    free: int
    occupied: int
    held: int
    out_of_use: int
    arriving_today: int
    leaving_today: int


def _person(person: PlacementPerson, content: bool) -> Body:
    client = person.client
    return {
        "client": client.pk,
        "role": client.role,
        "sex": client.sex,
        "name": client.name if content else "",
        "bed": person.bed_id if person.holding else None,
        "bed_label": str(person.bed) if person.holding and person.bed else "",
    }


def _placement(request: StaffRequest, placement: Placement) -> Body:
    content = access.may(request.auth, placement, Need.CONTENT)
    people = PlacementPerson.objects.restrict(request.auth, Need.VIEW).filter(placement=placement)
    plain = ("status", "urgency", "needs_wheelchair", "requested_at", "decided_at", "version")
    dates = ("checked_in_on", "checked_out_on")
    return {
        "id": placement.pk,
        "case": placement.case_id,
        "survivor_code": placement.case.survivor_code,
        "dispatch": placement.dispatch_id,
        "house": placement.house_id,
        "house_name": str(placement.house) if placement.house else "",
        **{name: getattr(placement, name) for name in (*plain, *dates)},
        "needs": placement.needs if content else "",
        "room_held": placement.room_id,
        "people": [_person(p, content) for p in people.select_related("client", "bed__room")],
        "nights": placement.nights(timezone.localdate()),
        "destination": placement.destination or None,
        "end_reason": placement.end_reason if content else "",
    }


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _found(queryset: Any, value: str | None, field: str, message: str) -> Any:
    """The row of ``queryset`` named by ``value`` (None when not given); an id that names
    none of them is refused for ``field``."""
    if value is None:
        return None
    pk = _uuid(value)
    found = queryset.filter(pk=pk).first() if pk else None
    if found is None:
        raise ValidationError({field: message})
    return found


def _request_data(request: StaffRequest, case: Case, payload: PlacementIn) -> Body:
    ids = [_uuid(value) for value in payload.people]
    people = list(case.clients.filter(pk__in=[pk for pk in ids if pk]))
    if len(people) != len(set(ids)):
        raise ValidationError({"people": _("Choose the people to place, from this case.")})
    houses = House.objects.filter(service_point__is_active=True)
    dispatches = Dispatch.objects.restrict(request.auth, Need.VIEW).filter(case=case)
    return {
        "people": people,
        "house": _found(houses, payload.house, "house", _("Choose a safe house.")),
        "dispatch": _found(
            dispatches, payload.dispatch, "dispatch", _("Choose a dispatch of this case.")
        ),
        "urgency": payload.urgency or "",
        "needs": payload.needs,
        "needs_wheelchair": payload.needs_wheelchair,
    }


@router.get(
    "/cases/{case_id}/placements",
    response={200: list[PlacementOut], **READ},
    url_name="case_placements",
)
def list_placements(request: StaffRequest, case_id: RecordId, response: HttpResponse) -> list[Body]:
    """The case's safe-house placements (without the house's address)."""
    case = get_case_for(request.auth, case_id, Need.VIEW, request=request).case
    rows = list(
        Placement.objects.restrict(request.auth, Need.VIEW)
        .filter(case=case)
        .select_related("case", "house__service_point")
    )
    return read_all(request, response, rows, lambda row: _placement(request, row))


@router.post(
    "/cases/{case_id}/placements",
    response={201: PlacementOut, **CREATE},
    url_name="case_placements",
)
def request_placement(
    request: StaffRequest, case_id: RecordId, payload: PlacementIn, response: HttpResponse
) -> Reply:
    """Ask for a place for people of the case, in the house named or in the queue."""
    case = get_case_for(request.auth, case_id, Need.EDIT, request=request).case
    placement = actions.request_placement(
        request.auth, case, _request_data(request, case, payload), request=request
    )
    response["ETag"] = etag(placement.version)
    response["Location"] = reverse("api:placement", args=[placement.pk])
    return Reply(201, _placement(request, placement))


@router.get(
    "/placements/{placement_id}", response={200: PlacementOut, **READ}, url_name="placement"
)
def read_placement(request: StaffRequest, placement_id: RecordId, response: HttpResponse) -> Body:
    placement = access.get_placement_for(request.auth, placement_id, Need.VIEW, request=request)
    record_read(request, placement)
    response["ETag"] = etag(placement.version)
    return _placement(request, placement)


def _accept(
    request: StaffRequest, placement: Placement, version: int, payload: PlacementStepIn
) -> Placement:
    rooms = Room.objects.filter(house__in=access.staff_houses(request.auth))
    room = _found(rooms, payload.room, "room", _("Choose a room of your house."))
    if room is None:
        raise ValidationError({"room": _("Choose a room of your house.")})
    ids = [_uuid(value) for value in payload.beds]
    beds = {bed.pk: bed for bed in Bed.objects.filter(room=room, pk__in=[i for i in ids if i])}
    if len(beds) != len(ids):
        raise ValidationError({"beds": _("Choose free beds of this room.")})
    chosen = [beds[pk] for pk in ids if pk]
    return actions.accept(
        request.auth,
        placement,
        version,
        room,
        whole_room=payload.whole_room,
        beds=chosen,
        request=request,
    )


@router.post(
    "/placements/{placement_id}/steps",
    response={200: PlacementOut, **WRITE},
    url_name="placement_steps",
)
def take_step(
    request: StaffRequest, placement_id: RecordId, payload: PlacementStepIn, response: HttpResponse
) -> Body:
    """The house accepts (``room``, and the ``beds`` if you choose them) or declines (with
    a ``reason``: the request goes back to the queue), checks in and checks out (with the
    ``destination``); the case's side cancels a waiting request (with a ``reason``). Send
    the placement's ETag."""
    user = request.auth
    placement = access.get_placement_for(user, placement_id, Need.EDIT, request=request)
    check_past_facts(on=payload.on)  # a day that cannot be, before the version
    version = required_version(request)
    if payload.step is None:
        raise ValidationError({"step": _("This field is required.")})
    steps = {
        "accept": lambda: _accept(request, placement, version, payload),
        "decline": lambda: actions.decline(
            user, placement, version, payload.reason, request=request
        ),
        "check_in": lambda: actions.check_in(
            user, placement, version, on=payload.on, request=request
        ),
        "check_out": lambda: actions.check_out(
            user,
            placement,
            version,
            payload.destination or "",
            payload.reason,
            on=payload.on,
            request=request,
        ),
        "cancel": lambda: actions.cancel_request(
            user, placement, version, payload.reason, request=request
        ),
    }
    placement = steps[payload.step]()
    response["ETag"] = etag(placement.version)
    return _placement(request, placement)


@router.get("/safe-houses", response={200: list[HouseCounts], **READ}, url_name="safe_houses")
def occupancy(request: StaffRequest) -> list[Body]:
    """Every active safe house's beds now, and today's arrivals and departures: counts
    only, no names and no addresses."""
    return [
        {
            "house": board.house.pk,
            "name": str(board.house),
            "free": board.counts["free"],
            "occupied": board.counts["occupied"],
            "held": board.counts["held"],
            "out_of_use": board.counts["out"],
            "arriving_today": len(board.arrivals),
            "leaving_today": len(board.departures),
        }
        for board in all_boards(timezone.localdate())
    ]
