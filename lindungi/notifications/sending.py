"""The worker's job over the outbound queue: claim, send, mark.

A worker claims a batch in one short transaction (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so two workers never take the same message; SQLite has one writer): each
message gets a claim token and a lease. It sends outside any transaction, then marks the
message with its token. A worker that dies between the claim and the mark leaves the
message ``sending``; once the lease has passed the next claim counts that try as an
attempt (``lease_expired``) and sends again, with the same id as the gateway's
idempotency key, so the message is neither lost nor delivered twice.

A held message is claimed when its hold ends, and the safe-contact rule is asked again
before it is sent: it may be held again, or refused if she changed her answers (the
app that owns the contact then records the refusal: ``register_contact``).
Failures are retried with exponential backoff (``LINDUNGI_MESSAGE_RETRY_SECONDS``,
doubling) until ``LINDUNGI_MESSAGE_MAX_ATTEMPTS``; then the message fails. Log lines
carry ids and codes only.
"""

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lindungi.notifications.gateways import GatewayError, send_email, send_phone
from lindungi.notifications.outbound import (
    Attempt,
    Channel,
    OutboundMessage,
    State,
    apply_verdict,
    refused_later,
    verdict_for,
)

logger = logging.getLogger("lindungi.messages")
BATCH = 50


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try."""
    return timedelta(seconds=settings.LINDUNGI_MESSAGE_RETRY_SECONDS * 2 ** (attempts - 1))


def _failed_try(
    message: OutboundMessage, code: str, instant: datetime, permanent: bool = False
) -> None:
    """Count a failed try: queued again after the backoff, or failed for good."""
    message.attempts += 1
    Attempt.objects.create(message=message, at=instant, error=code)
    if permanent or message.attempts >= settings.LINDUNGI_MESSAGE_MAX_ATTEMPTS:
        message.state, message.next_attempt_at = State.FAILED, None
        logger.warning("outbound message %s failed for good: %s", message.pk, code)
    else:
        message.state = State.QUEUED
        message.next_attempt_at = instant + backoff(message.attempts)
        logger.info("outbound message %s will be tried again: %s", message.pk, code)


def claim(instant: datetime, batch: int = BATCH) -> list[OutboundMessage]:
    """Take up to ``batch`` due messages for this worker, under a lease."""
    lease = timedelta(seconds=settings.LINDUNGI_MESSAGE_LEASE_SECONDS)
    due = Q(state__in=[State.QUEUED, State.HELD], next_attempt_at__lte=instant) | Q(
        state=State.SENDING, lease_until__lte=instant
    )
    claimed = []
    with transaction.atomic():
        rows = (
            OutboundMessage.objects.filter(due)
            .order_by("next_attempt_at")
            .select_for_update(skip_locked=True)[:batch]
        )
        for message in rows:
            if message.state == State.SENDING:
                # Its worker died (or hung) after claiming it: that was a try.
                # The lease was the wait: unless that was the last try, it goes again now.
                _failed_try(message, "lease_expired", instant)
                if message.state == State.FAILED:
                    message.claim = message.lease_until = None
                    message.save()
                    continue
            message.state, message.claim = State.SENDING, uuid.uuid4()
            message.lease_until = instant + lease
            message.save()
            claimed.append(message)
    return claimed


_MARKED = (
    "state",
    "refusal",
    "hold_until",
    "next_attempt_at",
    "claim",
    "lease_until",
    "attempts",
    "sent_at",
    "gateway",
)


def _mark(message: OutboundMessage, token: uuid.UUID | None) -> bool:
    """Store the message's new state, if this worker's claim ``token`` still holds it."""
    message.claim = message.lease_until = None
    fields = {name: getattr(message, name) for name in _MARKED}
    return bool(
        OutboundMessage.objects.filter(pk=message.pk, claim=token, state=State.SENDING).update(
            **fields, updated_at=timezone.now()
        )
    )


def _send(message: OutboundMessage, address: str) -> str:
    message_id = str(message.pk)
    if message.channel == Channel.EMAIL:
        return send_email(message_id, address, message.subject, message.body)
    return send_phone(message_id, message.channel, address, message.body)


@transaction.atomic
def _fail(
    message: OutboundMessage,
    token: uuid.UUID | None,
    code: str,
    instant: datetime,
    permanent: bool = False,
) -> None:
    _failed_try(message, code, instant, permanent)
    if not _mark(message, token):
        transaction.set_rollback(True)


def deliver(message: OutboundMessage, instant: datetime) -> None:
    """Send one claimed message and mark what became of it."""
    token = message.claim
    verdict = verdict_for(message, instant)
    if verdict.refusal or verdict.hold_until:
        with transaction.atomic():
            apply_verdict(message, verdict, instant)
            if _mark(message, token) and verdict.refusal:
                refused_later(message)
        return
    try:
        gateway = _send(message, verdict.address)
    except GatewayError as error:
        _fail(message, token, error.code, instant, error.permanent)
        return
    except Exception as error:  # a broken adapter or setting: its type, never its text
        _fail(message, token, f"error_{type(error).__name__}"[:64], instant)
        return
    with transaction.atomic():
        message.state, message.sent_at, message.gateway = State.SENT, instant, gateway
        message.attempts += 1
        message.next_attempt_at = None
        if _mark(message, token):
            Attempt.objects.create(message=message, at=instant, gateway=gateway)
            logger.info("outbound message %s sent through %s", message.pk, gateway)


def send_due() -> int:
    """The worker job: send what is due; how many messages it handled."""
    claimed = claim(timezone.now())
    for message in claimed:
        deliver(message, timezone.now())
    return len(claimed)
