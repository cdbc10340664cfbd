"""How a message leaves: email through Django's email backend, SMS and WhatsApp through
the gateway adapter chosen by ``LINDUNGI_GATEWAY``.

- ``http``: a POST to ``LINDUNGI_GATEWAY_URL`` with ``LINDUNGI_GATEWAY_KEY`` as a bearer
  token and the body made from ``LINDUNGI_GATEWAY_TEMPLATE`` (``$to``, ``$channel``,
  ``$body`` and ``$id`` become JSON strings). The message's id goes as the
  ``Idempotency-Key`` header, so a gateway drops a message sent again after a crash.
- ``file`` (the default in development): writes each message to
  ``<data dir>/outbox/<channel>/<id>.json`` and delivers nothing; the message is marked
  sent through "file", never through a gateway. A message already written is not written
  again.
- none (the default in production): every SMS and WhatsApp message fails with
  ``no_gateway`` and is retried; none is ever marked sent.

Email without ``LINDUNGI_EMAIL_HOST`` is the same: written to files in development,
``no_email`` in production. Every failure is a ``GatewayError`` with a short code; no
message text or address is ever in a log line or an error.
"""

import json
import smtplib
import urllib.error
import urllib.request
from pathlib import Path
from string import Template

from django.conf import settings
from django.core.mail import EmailMessage

# An answer that asking again will not change: the message fails at once.
PERMANENT_STATUSES = {400, 401, 403, 404, 410, 413, 422}


class GatewayError(Exception):
    def __init__(self, code: str, permanent: bool = False):
        super().__init__(code)
        self.code, self.permanent = code, permanent


def outbox() -> Path:
    return Path(settings.DATA_DIR) / "outbox"


def write_file(message_id: str, channel: str, to: str, body: str, subject: str = "") -> None:
    """The development adapter: one file per message, never two for the same id."""
    folder = outbox() / channel
    folder.mkdir(parents=True, exist_ok=True)
    record = {"id": message_id, "channel": channel, "to": to, "subject": subject, "body": body}
    try:
        with (folder / f"{message_id}.json").open("x", encoding="utf-8") as handle:
            json.dump(record, handle, ensure_ascii=False)
    except FileExistsError:
        return  # sent before a crash: the duplicate is dropped


def post_http(message_id: str, channel: str, to: str, body: str) -> None:
    values = {"id": message_id, "channel": channel, "to": to, "body": body}
    payload = Template(settings.LINDUNGI_GATEWAY_TEMPLATE).substitute(
        {name: json.dumps(value) for name, value in values.items()}
    )
    # The URL is the operator's, checked to be http(s) when the settings are read.
    request = urllib.request.Request(  # noqa: S310
        settings.LINDUNGI_GATEWAY_URL,
        data=payload.encode(),
        headers={
            "Authorization": f"Bearer {settings.LINDUNGI_GATEWAY_KEY}",
            "Idempotency-Key": message_id,
            "Content-Type": "application/json",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.LINDUNGI_GATEWAY_TIMEOUT):  # noqa: S310
            return
    except urllib.error.HTTPError as error:
        raise GatewayError(f"http_{error.code}", error.code in PERMANENT_STATUSES) from None
    except TimeoutError:
        raise GatewayError("timeout") from None
    except OSError:
        raise GatewayError("network") from None


def send_phone(message_id: str, channel: str, to: str, body: str) -> str:
    """Send an SMS or WhatsApp message; the name of the adapter that took it."""
    adapter = settings.LINDUNGI_GATEWAY
    if adapter == "http":
        post_http(message_id, channel, to, body)
    elif adapter == "file":
        write_file(message_id, channel, to, body)
    else:
        raise GatewayError("no_gateway")
    return adapter


def send_email(message_id: str, to: str, subject: str, body: str) -> str:
    """Send an email through Django's backend; "email", or "file" in development."""
    if not settings.LINDUNGI_EMAIL_HOST:
        if not settings.DEBUG:
            raise GatewayError("no_email")
        write_file(message_id, "email", to, body, subject)
        return "file"
    email = EmailMessage(subject, body, to=[to], headers={"Message-ID": f"<{message_id}@lindungi>"})
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused:
        raise GatewayError("smtp_refused", permanent=True) from None
    except (smtplib.SMTPException, OSError):
        raise GatewayError("smtp_error") from None
    return "email"
