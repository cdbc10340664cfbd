"""Messages to the survivor, sent from her case: the one action every path takes (the
case's messages page, the API, commands), and the safe-contact rule the worker asks
again before each send.

A message is queued only on a channel she marked safe and only inside that channel's
safe times; outside them it is held until the next window opens (the worker sends it
then, after asking again); with no safe way at all it is refused, and the refusal is
kept with its reason for the sender to see. Its text never names the service, the
unit or what happened unless she agreed to that (``CaseContact.may_name_service``).
"""

import re
import uuid
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindungi.accounts.models import User
from lindungi.cases.actions import _log, _require_edit
from lindungi.cases.models import Case, CaseContact, Consent, ConsentKind, SurvivorMessage
from lindungi.cases.timeline import EventKind
from lindungi.notifications.outbound import (
    Channel,
    OutboundMessage,
    Refusal,
    State,
    Verdict,
    queue,
    register_contact,
)

CONTACT_KIND = "case_contact"
MAX_LENGTH = 1000
# How far ahead a held message may wait for its window.
LOOK_AHEAD_DAYS = 8
# Words that would tell whoever sees her phone what the message is about.
NAMING_WORDS = ("lindungi", "kekerasan", "violence", "ppa", "p2tp2a", "perlindungan", "korban")
NEUTRAL_TEXT = gettext_lazy(
    "Hello, this is the office you spoke with. Please call us back when it is convenient."
)
EVENT = {
    State.QUEUED: EventKind.MESSAGE_QUEUED,
    State.HELD: EventKind.MESSAGE_HELD,
    State.REFUSED: EventKind.MESSAGE_REFUSED,
}


def _address(contact: CaseContact, channel: str) -> str:
    return contact.contact_email if channel == Channel.EMAIL else contact.contact_phone


def _next_opening(contact: CaseContact, channel: str, instant: datetime) -> datetime | None:
    """When the first safe window of ``channel`` after ``instant`` opens (None: none soon)."""
    local = timezone.localtime(instant)
    openings = []
    for window in contact.contact_windows.get(channel, []):
        hours, minutes = (int(part) for part in window["start"].split(":"))
        for ahead in range(LOOK_AHEAD_DAYS):
            day = local + timedelta(days=ahead)
            start = day.replace(hour=hours, minute=minutes, second=0, microsecond=0)
            if day.isoweekday() in window["days"] and start > local:
                openings.append(start)
                break
    return min(openings, default=None)


def _withdrew_contact(case_id: uuid.UUID) -> bool:
    latest = (
        Consent.objects.filter(case_id=case_id, kind=ConsentKind.CONTACT)
        .order_by("-given_at")
        .first()
    )
    return latest is not None and not latest.given


def contact_verdict(contact: CaseContact | None, channel: str, instant: datetime) -> Verdict:
    """The safe-contact rule for one message on ``channel`` at ``instant``."""
    if contact is None:
        return Verdict(refusal=Refusal.NO_CONTACT)
    if _withdrew_contact(contact.case_id):
        return Verdict(refusal=Refusal.WITHDRAWN)
    if channel not in contact.safe_channels:
        return Verdict(refusal=Refusal.NOT_SAFE)
    address = _address(contact, channel)
    if not address:
        return Verdict(refusal=Refusal.NO_ADDRESS)
    if contact.is_safe_to_contact(channel, instant):
        return Verdict(address=address)
    opening = _next_opening(contact, channel, instant)
    if opening is None:
        return Verdict(refusal=Refusal.NO_WINDOW)
    return Verdict(hold_until=opening)


def _rule(message: OutboundMessage, instant: datetime) -> Verdict:
    """Asked by the worker before each send: her answers may have changed."""
    if message.contact_id is None:
        return Verdict(refusal=Refusal.NO_CONTACT)
    contact = CaseContact.objects.filter(pk=message.contact_id).first()
    return contact_verdict(contact, message.channel, instant)


def attach() -> None:
    register_contact(CONTACT_KIND, _rule)


def naming_words(text: str, case: Case) -> list[str]:
    """The words of ``text`` that would name the service or her unit."""
    words = [*NAMING_WORDS, case.unit.name]
    return sorted(
        {w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.IGNORECASE)}
    )


def _check_text(text: str, case: Case, contact: CaseContact | None) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the message.")})
    if len(text) > MAX_LENGTH:
        raise ValidationError({"text": _("Keep the message under 1000 characters.")})
    named = naming_words(text, case)
    if named and not (contact and contact.may_name_service):
        raise ValidationError(
            {
                "text": _(
                    "She has not agreed that messages may name the service: leave out %(words)s."
                )
                % {"words": ", ".join(named)}
            }
        )
    return text


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
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose email, SMS or WhatsApp.")})
    contact = CaseContact.objects.filter(case=case).first()
    text = _check_text(text, case, contact)
    now = timezone.now()
    verdict = contact_verdict(contact, channel, now)
    message = queue(
        channel,
        text,
        verdict,
        now,
        contact=(CONTACT_KIND, contact.pk if contact else None),
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
