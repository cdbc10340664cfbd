"""Messages to the survivor of a case: the list (what was sent, held or refused, and why)
and sending one, through the same action as the case's messages page
(``lindungi.cases.survivor_messages.send_to_survivor``). A message refused for her
safety is answered 201 with its state ``refused`` and the reason: it is kept, never
dropped in silence. Message texts are case content: a reader by break-glass gets 404."""

from collections import namedtuple
from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpResponse
from ninja import Field, Router, Schema
from ninja.responses import Status as Reply

from lindungi.api.auth import StaffRequest
from lindungi.api.case_schemas import Input, RecordId
from lindungi.api.cases import CREATE, READ, Body
from lindungi.api.versions import etag, list_etag
from lindungi.audit.events import record_read
from lindungi.cases.access import Need, get_case_for
from lindungi.cases.models import SurvivorMessage
from lindungi.cases.safe_messages import MAX_LENGTH
from lindungi.cases.survivor_messages import send_to_survivor

router = Router(tags=["messages"])
_Tagged = namedtuple("_Tagged", "pk version")
VERSION = 1  # a message is never edited


class MessageIn(Input):
    channel: Literal["email", "sms", "whatsapp"]
    text: str = Field(
        max_length=MAX_LENGTH,
        description="Neutral unless she agreed that messages may name the service.",
    )


class MessageOut(Schema):
    id: UUID
    case_id: UUID
    sent_by: UUID
    channel: str
    text: str
    state: str = Field(description="queued, held, sending, sent, failed or refused.")
    reason: str = Field(description="Why it was refused, in the reader's language.")
    held_until: datetime | None
    attempts: int
    sent_at: datetime | None
    created_at: datetime


def _message(row: SurvivorMessage) -> Body:
    message = row.message
    return {
        "id": row.pk,
        "case_id": row.case_id,
        "sent_by": row.sent_by_id,
        "channel": message.channel,
        "text": message.body,
        "state": message.state,
        "reason": str(message.get_refusal_display()) if message.refusal else "",
        "held_until": message.hold_until,
        "attempts": message.attempts,
        "sent_at": message.sent_at,
        "created_at": row.created_at,
    }


@router.get(
    "/cases/{case_id}/messages", response={200: list[MessageOut], **READ}, url_name="case_messages"
)
def list_messages(request: StaffRequest, case_id: RecordId, response: HttpResponse) -> list[Body]:
    """The messages to the survivor of this case, newest first."""
    access = get_case_for(request.auth, case_id, Need.CONTENT, request=request)
    rows = list(
        SurvivorMessage.objects.restrict(request.auth, Need.CONTENT)
        .filter(case=access.case)
        .select_related("message")
    )
    for row in rows:
        record_read(request, row)
    # A message does not change, but its state does: the tag follows the state.
    response["ETag"] = list_etag(
        _Tagged(row.pk, f"{row.message.state}.{row.message.attempts}") for row in rows
    )
    return [_message(row) for row in rows]


@router.post(
    "/cases/{case_id}/messages", response={201: MessageOut, **CREATE}, url_name="case_messages"
)
def send_message(
    request: StaffRequest, case_id: RecordId, payload: MessageIn, response: HttpResponse
) -> Reply:
    """Send a message to the survivor: queued, held until a safe time, or refused with the
    reason, by her safe contact."""
    access = get_case_for(request.auth, case_id, Need.EDIT, request=request)
    row = send_to_survivor(
        request.auth, access.case, payload.channel, payload.text, request=request
    )
    response["ETag"] = etag(VERSION)
    return Reply(201, _message(row))
