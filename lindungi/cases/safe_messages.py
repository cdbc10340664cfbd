"""The safe-contact rule for a message to a person, shared by the messages to the
survivor of a case (``cases/survivor_messages.py``) and to the reporter of an intake
report (``intake/reporter_messages.py``): both records carry the same safe-contact
answers (``SafeContact``) and a phone and an email address. Here, in cases, because the
intake app sits above this one and uses it too.

A message is queued only on a channel marked safe and only inside that channel's safe
times; outside them it is held until the next window opens (the worker asks again then);
with no safe way at all it is refused, and the refusal is kept with its reason for the
sender to see. Its text never names the service, the unit or what happened unless the
person agreed to that; a neutral text is the default.
"""

import re
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindungi.notifications.outbound import Channel, OutboundMessage, Refusal, Verdict, queue

MAX_LENGTH = 1000
# How far ahead a held message may wait for its window.
LOOK_AHEAD_DAYS = 8
# Words that would tell whoever sees the phone what the message is about.
NAMING_WORDS = ("lindungi", "kekerasan", "violence", "ppa", "p2tp2a", "perlindungan", "korban")
NEUTRAL_TEXT = gettext_lazy(
    "Hello, this is the office you spoke with. Please call us back when it is convenient."
)


class Reachable(Protocol):
    """A record with safe-contact answers and the addresses they apply to."""

    contact_phone: str
    contact_email: str
    safe_channels: list[str]
    contact_windows: dict[str, list[dict]]

    def is_safe_to_contact(self, channel: str, instant: datetime) -> bool: ...


def _address(contact: Reachable, channel: str) -> str:
    return contact.contact_email if channel == Channel.EMAIL else contact.contact_phone


def _next_opening(contact: Reachable, channel: str, instant: datetime) -> datetime | None:
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


def safe_verdict(
    contact: Reachable | None, channel: str, instant: datetime, *, refusal: str = ""
) -> Verdict:
    """The rule for one message on ``channel`` at ``instant``; ``refusal`` is the owner's
    own reason to refuse first (a consent withdrawn or never given), if any."""
    if contact is None:
        return Verdict(refusal=Refusal.NO_CONTACT)
    if refusal:
        return Verdict(refusal=refusal)
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


def naming_words(text: str, unit_name: str) -> list[str]:
    """The words of ``text`` that would name the service or the unit."""
    words = [*NAMING_WORDS, unit_name] if unit_name else NAMING_WORDS
    return sorted(
        {w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.IGNORECASE)}
    )


def _check_text(text: str, unit_name: str, may_name: bool) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the message.")})
    if len(text) > MAX_LENGTH:
        raise ValidationError({"text": _("Keep the message under 1000 characters.")})
    named = naming_words(text, unit_name)
    if named and not may_name:
        raise ValidationError(
            {
                "text": _(
                    "They have not agreed that messages may name the service: leave out %(words)s."
                )
                % {"words": ", ".join(named)}
            }
        )
    return text


def queue_safely(
    channel: str,
    text: str,
    contact: tuple[str, uuid.UUID | None],
    rule: Callable[[datetime], Verdict],
    *,
    unit_name: str,
    may_name: bool,
) -> OutboundMessage:
    """Check the channel and the text, then queue, hold or refuse the message by the
    verdict ``rule(now)`` gives, in the caller's transaction. Raises ValidationError
    for a channel that is not one or a text that names the service."""
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose email, SMS or WhatsApp.")})
    text = _check_text(text, unit_name, may_name)
    now = timezone.now()
    return queue(channel, text, rule(now), now, contact=contact)
