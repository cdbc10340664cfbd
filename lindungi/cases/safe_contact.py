"""How the survivor may be contacted safely: the same rules on the intake report and on
the case, so that what she said at intake is what whoever contacts her obeys.

Per channel (call, SMS, WhatsApp, email, visit): whether it is safe at all, and when. The
windows are data, not free text: ``{"call": [{"days": [1, 2, 3, 4, 5], "start": "08:00",
"end": "17:00"}]}`` with ISO weekdays (1 = Monday) and times of day in the deployment's
time zone. A safe channel without windows is safe at any time. A window whose end is not
after its start runs over midnight into the next day. ``is_safe_to_contact`` answers for
one channel at one instant; the messaging that obeys it uses that function.
"""

import re
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.core.fields import EncryptedCharField


class SafeChannel(models.TextChoices):
    CALL = "call", _("Phone call")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("Email")
    VISIT = "visit", _("Visit")


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


EVERY_DAY = list(Weekday.values)
MAX_WINDOWS = 7
TIME_FORMAT = "%H:%M"


class SafeContact(models.Model):
    """The safe-contact answers, as fields of the report and of the case's contact record."""

    safe_channels = models.JSONField(_("safe ways to contact"), default=list, blank=True)
    contact_windows = models.JSONField(_("safe times by channel"), default=dict, blank=True)
    # What could not be said as windows ("when her husband is at work"): kept as said.
    safe_times = EncryptedCharField(_("notes on safe times"), max_length=200, blank=True)
    code_word = EncryptedCharField(_("code word"), max_length=100, blank=True)
    voicemail_safe = models.BooleanField(_("a voicemail is safe"), null=True, blank=True)
    safe_person_name = EncryptedCharField(
        _("safe person to contact instead"), max_length=200, blank=True
    )
    safe_person_phone = EncryptedCharField(_("safe person's phone"), max_length=32, blank=True)
    safe_person_relation = EncryptedCharField(
        _("safe person's relation to her"), max_length=100, blank=True
    )

    class Meta:
        abstract = True

    def is_safe_to_contact(self, channel, instant):
        return is_safe_to_contact(self.safe_channels, self.contact_windows, channel, instant)

    def contact_rules(self):
        """[(channel label, [window in words])] for each safe channel, for the pages."""
        return [
            (
                SafeChannel(channel).label,
                [describe(window) for window in self.contact_windows.get(channel, [])],
            )
            for channel in SafeChannel.values
            if channel in self.safe_channels
        ]


SAFE_CONTACT_FIELDS = tuple(f.name for f in SafeContact._meta.local_fields)


def _clock(value):
    return datetime.strptime(value, TIME_FORMAT).time()


def clean_windows(channels, windows):
    """Checked and normalised windows for the safe ``channels``; ValidationError else."""
    if not isinstance(windows, dict) or not set(windows) <= set(channels):
        raise ValidationError(
            {"contact_windows": _("Give safe times only for channels marked safe.")}
        )
    cleaned = {}
    for channel, rows in windows.items():
        if not isinstance(rows, list) or len(rows) > MAX_WINDOWS:
            raise ValidationError({"contact_windows": _("Give at most seven time windows.")})
        kept = []
        for row in rows:
            kept.append(_clean_window(row))
        if kept:
            cleaned[channel] = kept
    return cleaned


def _clean_window(row):
    problem = ValidationError(
        {"contact_windows": _("Give each time window its days and a start and end time.")}
    )
    if not isinstance(row, dict) or set(row) != {"days", "start", "end"}:
        raise problem
    days = row["days"]
    if (
        not isinstance(days, list)
        or not days
        or not all(isinstance(d, int) and d in EVERY_DAY for d in days)
    ):
        raise problem
    try:
        start, end = _clock(row["start"]), _clock(row["end"])
    except (TypeError, ValueError):
        raise problem from None
    if start == end:
        raise ValidationError(
            {"contact_windows": _("A time window cannot start and end at the same time.")}
        )
    return {
        "days": sorted(set(days)),
        "start": start.strftime(TIME_FORMAT),
        "end": end.strftime(TIME_FORMAT),
    }


def _in_window(window, moment):
    start, end = _clock(window["start"]), _clock(window["end"])
    now = moment.time()
    if start < end:
        return moment.isoweekday() in window["days"] and start <= now < end
    # Over midnight: the evening part belongs to its day, the early hours to the day before.
    if now >= start:
        return moment.isoweekday() in window["days"]
    return now < end and (moment - timedelta(days=1)).isoweekday() in window["days"]


def is_safe_to_contact(channels, windows, channel, instant):
    """Whether ``channel`` may be used at ``instant`` (an aware datetime, any zone)."""
    if channel not in channels:
        return False
    rows = (windows or {}).get(channel) or []
    if not rows:
        return True
    moment = timezone.localtime(instant)
    return any(_in_window(window, moment) for window in rows)


def describe(window):
    """One window in words: "Monday, Tuesday: 08:00–17:00" (every day said as such)."""
    if window["days"] == EVERY_DAY:
        days = str(_("Every day"))
    else:
        days = ", ".join(str(Weekday(d).label) for d in window["days"])
    return f"{days}: {window['start']}–{window['end']}"


# Old free text that says a plain span, "08:00-17:00", "8.00 - 17.00", "jam 9 sampai 15".
_SPAN = re.compile(
    r"^\D*?(\d{1,2})(?:[:.](\d{2}))?\s*(?:-|–|—|to|until|sampai|s/d|hingga)\s*"
    r"(\d{1,2})(?:[:.](\d{2}))?\D*$",
    re.IGNORECASE,
)


def parse_times(text):
    """A window (every day) from old free text when it says one plain span, else None."""
    match = _SPAN.match((text or "").strip())
    if not match:
        return None
    h1, m1, h2, m2 = match.groups()
    try:
        start = time(int(h1), int(m1 or 0))
        end = time(int(h2), int(m2 or 0))
    except ValueError:
        return None
    if start == end:
        return None
    return {
        "days": EVERY_DAY,
        "start": start.strftime(TIME_FORMAT),
        "end": end.strftime(TIME_FORMAT),
    }
