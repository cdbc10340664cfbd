"""Dates of past facts: when something happened, was reported, decided or given.

Such a date cannot be after today, today being the deployment's day (Asia/Jakarta): at
00:30 WIB it is already the next day in Jakarta while UTC still shows the one before.
Nor can it be before 1900: an earlier year is a typing slip (year 1 for 2001), never a
fact of a case. Due dates are plans, not facts: they are not checked here.

The actions call ``check_past_facts`` so every way in (pages, API, commands) refuses the
same; the forms' fields (``past_date``) say it beside the field before anything is sent.
"""

from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.core.widgets import DATE_FORMAT, DateInput

EARLIEST = date(1900, 1, 1)
FUTURE = _("The date cannot be in the future.")
TOO_EARLY = _("Enter a date after 1900.")


def past_fact_error(value):
    """What is wrong with ``value`` (a date, or an aware date and time) as the date of a
    past fact, or None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        # Compared as instants: converting a year-9999 time to the local zone overflows.
        if value > timezone.now():
            return FUTURE
        day = value.date()
    else:
        if value > timezone.localdate():
            return FUTURE
        day = value
    if day < EARLIEST:
        return TOO_EARLY
    return None


def check_past_facts(record, names):
    """Refuse ``record`` when one of its ``names`` is a date after today or before 1900,
    with one message per wrong field."""
    errors = {}
    for name in names:
        message = past_fact_error(getattr(record, name))
        if message is not None:
            errors[name] = message
    if errors:
        raise ValidationError(errors)


def validate_past_fact(value):
    """The form fields' validator: it says the same as the actions, beside the field."""
    message = past_fact_error(value)
    if message is not None:
        raise ValidationError(message, code="future" if message is FUTURE else "too_early")


def past_date(label, **kwargs):
    """An optional form field for the date of a past fact, its picker limited to the days
    it accepts."""
    return forms.DateField(
        label=label,
        required=False,
        widget=DateInput(attrs={"min": EARLIEST.strftime(DATE_FORMAT)}, up_to_today=True),
        validators=[validate_past_fact],
        **kwargs,
    )
