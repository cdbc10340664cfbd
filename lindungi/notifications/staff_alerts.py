"""Alerts to staff on the channels each chose besides the app (their account page):
one outbound message per chosen channel, whose text is the alert's kind and a link to the
alerts page, in the deployment's language. Never case content: a phone's lock screen or a
shared mailbox shows no more than that something waits."""

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lindungi.notifications.outbound import Channel, Verdict, queue


def alert_text(label: str) -> tuple[str, str]:
    """The subject and body of an alert of kind ``label``, in the deployment's language."""
    with translation.override(settings.LANGUAGE_CODE):
        link = f"{settings.LINDUNGI_SITE_URL}{reverse('notifications:list')}"
        subject = _("Lindungi: %(kind)s") % {"kind": label}
        body = _("%(kind)s. Open your alerts: %(link)s") % {"kind": label, "link": link}
    return subject, body


def queue_staff_alerts(users: Iterable, label: str) -> int:
    """Queue the alert of kind ``label`` on each user's chosen channels; how many."""
    now = timezone.now()
    queued = 0
    for user in users:
        channels = [c for c in user.alert_channels if c in Channel.values]
        if not channels or not user.is_active:
            continue
        subject, body = alert_text(label)
        for channel in channels:
            queue(channel, body, Verdict(), now, subject=subject, user=user)
            queued += 1
    return queued
