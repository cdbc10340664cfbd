"""The dates a person types: of past facts (when something happened, was reported,
decided or given) and of plans (when something is due).

A past fact cannot be after today, today being the deployment's day (Asia/Jakarta): at
00:30 WIB it is already the next day in Jakarta while UTC still shows the one before. A
plan may lie ahead, but not beyond ``PLAN_YEARS``. Neither can be before 1900: such years
are typing slips (year 1 for 2001, 9999 for "unknown"), never dates of a case, and
the far ones break the deadline arithmetic that pages and alerts rely on.

The actions call ``check_past_facts`` and ``check_plans`` so every way in (pages, API,
commands) refuses the same; the forms' fields say it beside the field before anything is
sent.
"""

from datetime import date, datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.core.widgets import DATE_FORMAT, DateInput

EARLIEST = date(1900, 1, 1)
PLAN_YEARS = 10  # TOO_LATE says it in words
FUTURE = _("The date cannot be in the future.")
TOO_EARLY = _("Enter a date after 1900.")
TOO_LATE = _("Enter a date within the next 10 years.")


def _day(value):
    # A time is compared by its own calendar day: converting a year-9999 time to the local
    # zone would overflow, and a day's difference does not matter at these bounds.
    return value.date() if isinstance(value, datetime) else value


def past_fact_error(value):
    """What is wrong with ``value`` (a date, or an aware date and time) as the date of a
    past fact, or None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        future = value > timezone.now()
    else:
        future = value > timezone.localdate()
    if future:
        return FUTURE
    return TOO_EARLY if _day(value) < EARLIEST else None


def plan_error(value):
    """What is wrong with ``value`` as a due date (or date and time), or None."""
    if value is None:
        return None
    if _day(value) < EARLIEST:
        return TOO_EARLY
    latest = timezone.localdate() + timedelta(days=round(365.25 * PLAN_YEARS))
    return TOO_LATE if _day(value) > latest else None


def _check(rule, values):
    # Anything but a date (a string from a script) is left to the model field to read.
    errors = {name: rule(v) for name, v in values.items() if isinstance(v, date)}
    errors = {name: message for name, message in errors.items() if message is not None}
    if errors:
        raise ValidationError(errors)


def check_past_facts(**values):
    """Refuse dates of past facts after today or before 1900, one message per field."""
    _check(past_fact_error, values)


def check_plans(**values):
    """Refuse due dates before 1900 or more than ``PLAN_YEARS`` ahead."""
    _check(plan_error, values)


def _validator(rule):
    def validate(value):
        message = rule(value)
        if message is not None:
            raise ValidationError(message, code="out_of_range")

    return validate


# The form fields' validators: they say the same as the actions, beside the field.
validate_past_fact = _validator(past_fact_error)
validate_plan = _validator(plan_error)


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
