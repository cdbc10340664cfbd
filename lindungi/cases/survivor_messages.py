"""Messages to the survivor, sent from her case: the one action every path takes (the
case's messages page, the API, commands), and the safe-contact rule the worker asks
again before each send (``cases/safe_messages.py``, shared with the messages to a
report's reporter).

Her text never names the service, the unit or what happened unless she agreed to that
(``CaseContact.may_name_service``). A message the worker refuses later (she took the
channel off her safe ways while it was held) leaves an entry on the case's timeline,
with the reason's code.
"""

import uuid
from datetime import datetime

from django.db import transaction
from django.http import HttpRequest

from lindungi.accounts.models import User
from lindungi.cases.actions import _log, _require_edit
from lindungi.cases.models import Case, CaseContact, Consent, ConsentPurpose, SurvivorMessage
from lindungi.cases.safe_messages import queue_safely, safe_verdict
from lindungi.cases.timeline import EventKind
from lindungi.notifications.outbound import (
    OutboundMessage,
    Refusal,
    State,
    Verdict,
    register_contact,
)

CONTACT_KIND = "case_contact"
EVENT = {
    State.QUEUED: EventKind.MESSAGE_QUEUED,
    State.HELD: EventKind.MESSAGE_HELD,
    State.REFUSED: EventKind.MESSAGE_REFUSED,
}


def _withdrew_contact(case_id: uuid.UUID, instant: datetime) -> bool:
    """By ``instant`` she had consented to be contacted, and no such consent is in force
    any more (withdrawn, or run out)."""
    given = Consent.objects.filter(
        case_id=case_id, purpose=ConsentPurpose.CONTACT, given_at__lte=instant
    )
    return given.exists() and not given.in_force(instant).exists()


def contact_verdict(contact: CaseContact | None, channel: str, instant: datetime) -> Verdict:
    """The safe-contact rule for one message to her on ``channel`` at ``instant``."""
    withdrew = contact is not None and _withdrew_contact(contact.case_id, instant)
    return safe_verdict(contact, channel, instant, refusal=Refusal.WITHDRAWN if withdrew else "")


def _rule(message: OutboundMessage, instant: datetime) -> Verdict:
    """Asked by the worker before each send: her answers may have changed."""
    if message.contact_id is None:
        return Verdict(refusal=Refusal.NO_CONTACT)
    contact = CaseContact.objects.filter(pk=message.contact_id).first()
    return contact_verdict(contact, message.channel, instant)


def _refused_later(message: OutboundMessage) -> None:
    """The worker refused a held or queued message: the case's timeline says so."""
    sent = SurvivorMessage.objects.filter(message=message).select_related("case").first()
    if sent is not None:
        _log(
            None,
            None,
            "case.message_refused",
            sent,
            sent.case,
            EventKind.MESSAGE_REFUSED,
            channel=message.channel,
            reason=message.refusal,
        )


def attach() -> None:
    register_contact(CONTACT_KIND, _rule, refused=_refused_later)


@transaction.atomic
def send_to_survivor(
    actor: User,
    case: Case,
    channel: str,
    text: str,
    *,
    request: HttpRequest | None = None,
) -> SurvivorMessage:
    """Queue, hold or refuse a message to the survivor of ``case``, by her safe contact.
    Raises ValidationError for a channel that is not one or a text that names the service;
    a message refused for her safety is kept, refused, with its reason."""
    _require_edit(actor, case)
    contact = CaseContact.objects.filter(case=case).first()
    message = queue_safely(
        channel,
        text,
        (CONTACT_KIND, contact.pk if contact else None),
        lambda now: contact_verdict(contact, channel, now),
        unit_name=case.unit.name,
        may_name=bool(contact and contact.may_name_service),
    )
    sent = SurvivorMessage.objects.create(case=case, message=message, sent_by=actor)
    _log(
        request,
        actor,
        "case.message",
        sent,
        case,
        EVENT[State(message.state)],
        channel=channel,
        reason=message.refusal,
    )
    return sent
