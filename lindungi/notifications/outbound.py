"""The outbound message queue: one table, read by ``lindungi worker`` (``sending.py``).

A message goes to a member of staff (``recipient_user``: their email, or their alert
phone for SMS and WhatsApp) or to a survivor's contact by reference (``contact_kind`` and
``contact_id``: a record of a higher app, whose address and safe-contact rules that app
reads when the message is sent; no phone number or email address is copied here). The
subject and body are encrypted at rest. Attempts keep their time, the gateway and an error
code, never the text.

The app that owns a kind of contact hands down how to reach it (``register_contact``,
from its ``AppConfig.ready``): this app never names it.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.alert_settings import AlertChannel
from lindungi.accounts.models import User
from lindungi.core.fields import EncryptedCharField, EncryptedTextField
from lindungi.core.models import BaseModel

# The ways out besides in-app alerts (which are ``Notification`` rows): those staff choose
# from for their alerts, and those a message to a survivor may take.
Channel = AlertChannel


class State(models.TextChoices):
    QUEUED = "queued", _("Queued")
    HELD = "held", _("Held until a safe time")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    REFUSED = "refused", _("Refused")


class Refusal(models.TextChoices):
    NOT_SAFE = "not_safe", _("This way of contact is not marked safe.")
    NO_WINDOW = "no_window", _("This way of contact has no safe time in the coming week.")
    NO_ADDRESS = "no_address", _("There is no phone number or email address for this way.")
    NO_CONTACT = "no_contact", _("There is no contact record to send to.")
    WITHDRAWN = "withdrawn", _("She withdrew her consent to be contacted.")
    NO_CONSENT = "no_consent", _("The report does not record consent to be contacted.")


class OutboundMessage(BaseModel):
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    # The owning app's name for its kind of contact ("case_contact"), and the record's id
    # (none when there was no record: the message is then refused).
    contact_kind = models.CharField(max_length=32, blank=True)
    contact_id = models.UUIDField(null=True)
    subject = EncryptedCharField(_("subject"), max_length=200, blank=True)
    body = EncryptedTextField(_("message"))
    refusal = models.CharField(_("reason"), max_length=16, choices=Refusal.choices, blank=True)
    hold_until = models.DateTimeField(_("held until"), null=True)
    next_attempt_at = models.DateTimeField(null=True)
    # A worker's claim: its token and until when it holds the message.
    claim = models.UUIDField(null=True)
    lease_until = models.DateTimeField(null=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True)
    gateway = models.CharField(_("sent through"), max_length=16, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbound_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient_user__isnull=False, contact_kind="")
                | (models.Q(recipient_user__isnull=True) & ~models.Q(contact_kind="")),
                name="outbound_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return str(self.pk)


class Attempt(models.Model):
    """One try at sending: when, through what, and an error code (empty: it went out)."""

    message = models.ForeignKey(OutboundMessage, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField()
    gateway = models.CharField(max_length=16, blank=True)
    error = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.error or "sent"


@dataclass(frozen=True)
class Verdict:
    """Whether a message may go now: to ``address``, or held until ``hold_until``, or
    refused for ``refusal`` (a ``Refusal`` code)."""

    address: str = ""
    hold_until: datetime | None = None
    refusal: str = ""


ContactRule = Callable[[OutboundMessage, datetime], Verdict]
RefusedHook = Callable[[OutboundMessage], None]
CONTACT_RULES: dict[str, ContactRule] = {}
REFUSED_HOOKS: dict[str, RefusedHook] = {}


def register_contact(kind: str, rule: ContactRule, *, refused: RefusedHook) -> None:
    """How a higher app reaches its kind of contact, asked again at each send, and what it
    records when the worker refuses a message that had been queued or held (``refused``,
    called in the transaction that marks the refusal: a refusal is never silent)."""
    CONTACT_RULES[kind] = rule
    REFUSED_HOOKS[kind] = refused


def refused_later(message: OutboundMessage) -> None:
    """Tell the owner of the contact that the worker refused ``message``."""
    if message.contact_kind:
        REFUSED_HOOKS[message.contact_kind](message)


def verdict_for(message: OutboundMessage, instant: datetime) -> Verdict:
    user = message.recipient_user
    if user is not None:
        address = user.email if message.channel == Channel.EMAIL else user.alert_phone
        return Verdict(address=address) if address else Verdict(refusal=Refusal.NO_ADDRESS)
    return CONTACT_RULES[message.contact_kind](message, instant)


def queue(
    channel: str,
    body: str,
    verdict: Verdict,
    instant: datetime,
    *,
    subject: str = "",
    user: User | None = None,
    contact: tuple[str, uuid.UUID | None] | None = None,
) -> OutboundMessage:
    """Put one message in the queue in the caller's transaction: queued, held or refused
    as ``verdict`` says (a refused message is kept, with its reason, for the sender)."""
    kind, contact_id = contact or ("", None)
    message = OutboundMessage(
        channel=channel,
        body=body,
        subject=subject,
        recipient_user=user,
        contact_kind=kind,
        contact_id=contact_id,
    )
    apply_verdict(message, verdict, instant)
    message.save()
    return message


def apply_verdict(message: OutboundMessage, verdict: Verdict, instant: datetime) -> None:
    """The state a verdict gives a message that is not (or no longer) being sent."""
    message.claim = message.lease_until = None
    if verdict.refusal:
        message.state, message.refusal, message.next_attempt_at = (
            State.REFUSED,
            verdict.refusal,
            None,
        )
    elif verdict.hold_until is not None:
        message.state, message.hold_until = State.HELD, verdict.hold_until
        message.next_attempt_at = verdict.hold_until
    else:
        message.state, message.next_attempt_at = State.QUEUED, instant
