"""Messages to the person who made a report, sent from the report: the action every path
takes, and the rule the worker asks again before each send. The rule is the survivor's
(``cases/safe_messages.py``), applied to the report's own safe contact: a channel marked
safe, inside its safe times or held until they open, else refused with the reason shown
to the sender. A report records no agreement that messages may name the service, so its
messages never do; without consent to be contacted, nothing is sent.

Only the intake officers the report is with, and those who may read its case, send and
see these messages (``access.shows_identity``). Audit rows carry ids and codes only.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from lindungi.accounts.models import Membership, User
from lindungi.audit.events import record
from lindungi.cases.safe_messages import queue_safely, safe_verdict
from lindungi.intake import access
from lindungi.intake.models import Report, ReporterMessage
from lindungi.notifications.outbound import (
    OutboundMessage,
    Refusal,
    Verdict,
    register_contact,
)

CONTACT_KIND = "report_contact"


def report_verdict(report: Report | None, channel: str, instant: datetime) -> Verdict:
    """The safe-contact rule for one message to the reporter on ``channel`` at ``instant``."""
    consent = report is None or report.consent_contact
    return safe_verdict(report, channel, instant, refusal="" if consent else Refusal.NO_CONSENT)


def _rule(message: OutboundMessage, instant: datetime) -> Verdict:
    """Asked by the worker before each send: the report's answers may have changed."""
    report = Report.objects.filter(pk=message.contact_id).first() if message.contact_id else None
    return report_verdict(report, message.channel, instant)


def _refused_later(message: OutboundMessage) -> None:
    """The worker refused a held or queued message: the audit trail says so, by code."""
    sent = ReporterMessage.objects.filter(message=message).first()
    if sent is not None:
        record("report.message_refused", obj=sent, fields=["state"], reason=message.refusal)


def attach() -> None:
    register_contact(CONTACT_KIND, _rule, refused=_refused_later)


def may_message(user: User, report: Report, membership: Membership | None = None) -> bool:
    """Whether ``user`` may read and send messages to the reporter of ``report``."""
    return access.shows_identity(user, report, membership)


@transaction.atomic
def send_to_reporter(
    actor: User,
    report: Report,
    channel: str,
    text: str,
    *,
    request: HttpRequest | None = None,
) -> ReporterMessage:
    """Queue, hold or refuse a message to the reporter of ``report``, by the report's safe
    contact. Raises ValidationError for a channel that is not one or a text that names the
    service; a message refused for their safety is kept, refused, with its reason."""
    if not may_message(actor, report):
        raise PermissionDenied
    message = queue_safely(
        channel,
        text,
        (CONTACT_KIND, report.pk),
        lambda now: report_verdict(report, channel, now),
        unit_name=report.unit.name if report.unit else "",
        may_name=False,
    )
    sent = ReporterMessage.objects.create(report=report, message=message, sent_by=actor)
    record(
        "report.message",
        request=request,
        actor=actor,
        obj=sent,
        fields=[message.channel, message.state],
        reason=message.refusal,
    )
    return sent
