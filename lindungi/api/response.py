"""The rapid response API: the open dispatches, one dispatch, and its next step.

The same contract as the pages (``lindungi.response.views``): every dispatch comes through
the access module (``Dispatch.objects.restrict``, ``get_dispatch_for``: an audited 404 for
anything out of scope, the crew only while the dispatch is open and shortly after), every
write through an action, every read audited; a step needs the dispatch's ETag in If-Match
(428 without, 412 when stale), and a time in the future answers 422.
"""

import uuid
from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema

from lindungi.api.auth import StaffRequest
from lindungi.api.case_schemas import Input, RecordId, local_moment
from lindungi.api.cases import READ, WRITE
from lindungi.api.versions import etag, list_etag, required_version
from lindungi.audit.events import record_read
from lindungi.cases.access import Need
from lindungi.response import actions
from lindungi.response.access import get_dispatch_for
from lindungi.response.jobs import lateness
from lindungi.response.models import Dispatch, DispatchStatus, TakenTo
from lindungi.response.views.board import BOARD_ROWS

router = Router(tags=["rapid response"])
Body = dict[str, Any]


class DispatchRow(Schema):
    id: uuid.UUID
    status: DispatchStatus
    requested_at: datetime
    kota: str | None
    survivor_code: str
    late: str
    version: int


class StepOut(Schema):
    status: DispatchStatus
    at: datetime
    out_of_order: bool


class DispatchOut(DispatchRow):
    location: str
    kelurahan: str | None
    danger: str
    who_is_there: str
    children_present: bool
    accommodation: str
    safe_approach: str
    taken_to: TakenTo | None
    out_of_order: bool
    steps: list[StepOut]


class StepIn(Input):
    status: DispatchStatus | None = Field(None, description="Left out: the step that comes next.")
    at: datetime | None = Field(None, description="Without an offset it is read in local time.")
    taken_to: TakenTo | None = None


def _row(dispatch: Dispatch) -> Body:
    return {
        "id": dispatch.pk,
        "status": dispatch.status,
        "requested_at": dispatch.requested_at,
        "kota": dispatch.kota_id,
        "survivor_code": dispatch.survivor_code,
        "late": lateness(dispatch, timezone.now()),
        "version": dispatch.version,
    }


def _full(dispatch: Dispatch) -> Body:
    told = ("location", "danger", "who_is_there", "children_present", "accommodation")
    return {
        **_row(dispatch),
        **{name: getattr(dispatch, name) for name in (*told, "safe_approach", "out_of_order")},
        "kelurahan": dispatch.kelurahan_id,
        "taken_to": dispatch.taken_to or None,
        "steps": list(dispatch.steps.values("status", "at", "out_of_order")),
    }


@router.get("/dispatches", response={200: list[DispatchRow], **READ}, url_name="dispatches")
def list_dispatches(request: StaffRequest, response: HttpResponse) -> list[Body]:
    """The open dispatches you may see, the oldest first, with what each is late for."""
    rows = list(
        Dispatch.objects.restrict(request.auth).open().order_by("requested_at")[:BOARD_ROWS]
    )
    response["ETag"] = list_etag(rows)
    return [_row(row) for row in rows]


@router.get("/dispatches/{dispatch_id}", response={200: DispatchOut, **READ}, url_name="dispatch")
def read_dispatch(request: StaffRequest, dispatch_id: RecordId, response: HttpResponse) -> Body:
    dispatch = get_dispatch_for(request.auth, dispatch_id, Need.CONTENT, request=request)
    record_read(request, dispatch)
    response["ETag"] = etag(dispatch.version)
    return _full(dispatch)


@router.post(
    "/dispatches/{dispatch_id}/steps",
    response={200: DispatchOut, **WRITE},
    url_name="dispatch_steps",
)
def add_step(
    request: StaffRequest, dispatch_id: RecordId, payload: StepIn, response: HttpResponse
) -> Body:
    """Record the dispatch's next step (``status`` names it, or is left out; ``at``: when it
    happened, now if left out; the survivor-safe step says where she was ``taken_to``).
    Send the dispatch's ETag."""
    dispatch = get_dispatch_for(request.auth, dispatch_id, Need.EDIT, request=request)
    at = actions.step_time(
        None if payload.at is None else local_moment(payload.at)
    )  # a time that cannot be is refused before the version
    version = required_version(request)
    dispatch = actions.record_step(
        request.auth,
        dispatch,
        version,
        payload.status or actions.next_step(dispatch) or "",
        at=at,
        taken_to=payload.taken_to or "",
        request=request,
    )
    response["ETag"] = etag(dispatch.version)
    return _full(dispatch)
