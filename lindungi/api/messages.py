"""Messages to the survivor of a case and to the person who made a report: the list (what
was sent, held or refused, and why) and sending one, through the same actions as the
pages (``cases.survivor_messages.send_to_survivor``, ``intake.reporter_messages
.send_to_reporter``). A message refused for their safety is answered 201 with its state
``refused`` and the reason: it is kept, never dropped in silence. Message texts are
content: a case's reader by break-glass gets 404, and so does a report's reader who may
not see its contact details (``may_message``), as on the pages."""

from collections import namedtuple
from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import Http404, HttpResponse
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
from lindungi.intake.access import get_report_for
from lindungi.intake.models import Report, ReporterMessage
from lindungi.intake.reporter_messages import may_message, send_to_reporter

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
    sent_by: UUID
    channel: str
    text: str
    state: str = Field(description="queued, held, sending, sent, failed or refused.")
    reason: str = Field(description="Why it was refused, in the reader's language.")
    held_until: datetime | None
    attempts: int
    sent_at: datetime | None
    created_at: datetime


class CaseMessageOut(MessageOut):
    case_id: UUID


class ReportMessageOut(MessageOut):
    report_id: UUID


Sent = SurvivorMessage | ReporterMessage


def _message(row: Sent, **parent: UUID) -> Body:
    message = row.message
    return {
        "id": row.pk,
        **parent,
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


def _listed(
    request: StaffRequest, rows: list[Sent], response: HttpResponse, **parent: UUID
) -> list[Body]:
    for row in rows:
        record_read(request, row)
    # A message does not change, but its state does: the tag follows the state.
    response["ETag"] = list_etag(
        _Tagged(row.pk, f"{row.message.state}.{row.message.attempts}") for row in rows
    )
    return [_message(row, **parent) for row in rows]


def _sent(row: Sent, response: HttpResponse, **parent: UUID) -> Reply:
    response["ETag"] = etag(VERSION)
    return Reply(201, _message(row, **parent))


@router.get(
    "/cases/{case_id}/messages",
    response={200: list[CaseMessageOut], **READ},
    url_name="case_messages",
)
def list_messages(request: StaffRequest, case_id: RecordId, response: HttpResponse) -> list[Body]:
    """The messages to the survivor of this case, newest first."""
    access = get_case_for(request.auth, case_id, Need.CONTENT, request=request)
    rows = (
        SurvivorMessage.objects.restrict(request.auth, Need.CONTENT)
        .filter(case=access.case)
        .select_related("message")
    )
    return _listed(request, list(rows), response, case_id=access.case.pk)


@router.post(
    "/cases/{case_id}/messages",
    response={201: CaseMessageOut, **CREATE},
    url_name="case_messages",
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
    return _sent(row, response, case_id=access.case.pk)


def _report(request: StaffRequest, report_id: str) -> Report:
    report = get_report_for(request.auth, report_id, request=request)
    if not may_message(request.auth, report):
        raise Http404
    return report


@router.get(
    "/reports/{report_id}/messages",
    response={200: list[ReportMessageOut], **READ},
    url_name="report_messages",
)
def list_report_messages(
    request: StaffRequest, report_id: RecordId, response: HttpResponse
) -> list[Body]:
    """The messages to the person who made this report, newest first."""
    report = _report(request, report_id)
    rows = report.messages.select_related("message")
    return _listed(request, list(rows), response, report_id=report.pk)


@router.post(
    "/reports/{report_id}/messages",
    response={201: ReportMessageOut, **CREATE},
    url_name="report_messages",
)
def send_report_message(
    request: StaffRequest, report_id: RecordId, payload: MessageIn, response: HttpResponse
) -> Reply:
    """Send a message to the person who made the report: queued, held until a safe time, or
    refused with the reason, by the report's safe contact (never naming the service)."""
    report = _report(request, report_id)
    row = send_to_reporter(request.auth, report, payload.channel, payload.text, request=request)
    return _sent(row, response, report_id=report.pk)
