"""The browser's own date, time and date-and-time inputs, for every form of the app.

An ``<input type="date">`` shows only a value written ``2026-12-01``; given the localised
``01-12-2026`` of Bahasa Indonesia it shows an empty field, and saving the form unchanged
then erases the stored date. These widgets always write the format the input type
requires, whatever the language; the fields still read it back in both languages, since
Django adds the ISO formats to every language's input formats.

``HtmlInputsForm`` gives each date, time and date-and-time field of a form these widgets,
those declared on the class and those a form adds in ``__init__``, so a new date field
cannot get the text widget that loses its value.
"""

from django import forms
from django.forms.forms import DeclarativeFieldsMetaclass
from django.utils import timezone

DATE_FORMAT = "%Y-%m-%d"
DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
TIME_FORMAT = "%H:%M"


class UpToTodayMixin:
    """With ``up_to_today``, the picker offers no day after today (the deployment's day,
    worked out each time the page is drawn). The server still checks: this only helps."""

    # After the day, the last minute of it (for a date and time).
    latest_time = ""

    def __init__(self, attrs=None, format=None, *, up_to_today=False):
        super().__init__(attrs, format=format or self.default_format)
        self.up_to_today = up_to_today

    def get_context(self, name, value, attrs):
        if self.up_to_today:
            today = timezone.localdate().strftime(DATE_FORMAT)
            attrs = {**(attrs or {}), "max": today + self.latest_time}
        return super().get_context(name, value, attrs)


class DateInput(UpToTodayMixin, forms.DateInput):
    input_type = "date"
    default_format = DATE_FORMAT


class DateTimeLocalInput(UpToTodayMixin, forms.DateTimeInput):
    """A date and time without a zone: the form field reads and shows it in the current
    time zone (the deployment's), so a saved time comes back as it was typed."""

    input_type = "datetime-local"
    default_format = DATETIME_LOCAL_FORMAT
    latest_time = "T23:59"


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or TIME_FORMAT)


# Most specific first: a DateTimeField is not a DateField, but the order keeps it obvious.
WIDGETS = (
    (forms.DateTimeField, DateTimeLocalInput),
    (forms.DateField, DateInput),
    (forms.TimeField, TimeInput),
)
HTML_INPUTS = tuple(widget for _field, widget in WIDGETS)


def html_input_for(field):
    """The widget class a date, time or date-and-time field needs, or None for others."""
    for field_class, widget in WIDGETS:
        if isinstance(field, field_class):
            return widget
    return None


def fit(field):
    """Give ``field`` the browser's input for its kind, keeping its other attributes."""
    widget = html_input_for(field)
    if widget is None or isinstance(field.widget, forms.HiddenInput | widget):
        return field
    attrs = {k: v for k, v in field.widget.attrs.items() if k != "type"}
    field.widget = widget(attrs)
    return field


class HtmlInputsFormMetaclass(DeclarativeFieldsMetaclass):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        for field in new_class.base_fields.values():
            fit(field)
        return new_class


class HtmlInputsForm(forms.Form, metaclass=HtmlInputsFormMetaclass):
    """A form whose date and time fields use the browser's inputs (see the module)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fit_fields()

    def fit_fields(self):
        """Fields added after ``__init__`` (by a subclass) are fitted by calling this."""
        for field in self.fields.values():
            fit(field)
