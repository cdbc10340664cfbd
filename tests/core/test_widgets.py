"""Date, time and date-and-time inputs render what their input type can show, in every
language, and every form of the app uses them."""

import importlib
import pkgutil
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django import forms
from django.utils import translation

import lindungi
from lindungi.casework.forms.notes import PoliceReportForm, TaskForm
from lindungi.core.dates import past_date
from lindungi.core.widgets import (
    HTML_INPUTS,
    DateInput,
    DateTimeLocalInput,
    HtmlInputsForm,
    TimeInput,
    html_input_for,
)

JAKARTA = ZoneInfo("Asia/Jakarta")
LANGUAGES = ["id", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("widget", "value", "shown"),
    [
        (DateInput(), date(2026, 1, 31), "2026-01-31"),
        (DateTimeLocalInput(), datetime(2026, 1, 31, 18, 5), "2026-01-31T18:05"),
        (TimeInput(), time(18, 5), "18:05"),
    ],
)
def test_an_input_shows_the_value_in_the_format_of_its_type(language, widget, value, shown):
    with translation.override(language):
        html = widget.render("when", value)
    assert f'type="{widget.input_type}"' in html
    assert f'value="{shown}"' in html


class Example(HtmlInputsForm):
    day = forms.DateField()
    moment = forms.DateTimeField(required=False)
    hour = forms.TimeField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["later"] = forms.DateField(required=False)
        self.fit_fields()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_fields_read_back_what_the_inputs_show_in_either_language(language):
    with translation.override(language):
        form = Example({"day": "2026-01-31", "moment": "2026-01-31T18:05", "hour": "18:05"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == date(2026, 1, 31)
    assert form.cleaned_data["hour"] == time(18, 5)
    assert form.cleaned_data["moment"] == datetime(2026, 1, 31, 18, 5, tzinfo=JAKARTA)


def test_a_date_field_declared_or_added_later_gets_the_browsers_input():
    form = Example()
    assert {name: type(field.widget) for name, field in form.fields.items()} == {
        "day": DateInput,
        "moment": DateTimeLocalInput,
        "hour": TimeInput,
        "later": DateInput,
    }


def _app_forms():
    for module in pkgutil.walk_packages(lindungi.__path__, "lindungi."):
        if ".migrations" not in module.name and not module.name.endswith("wsgi"):
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {f for f in subclasses(forms.BaseForm) if f.__module__.startswith("lindungi.")}


def test_every_date_and_time_field_of_the_app_uses_the_browsers_input():
    wrong, seen = [], 0
    for form in _app_forms():
        for name, field in form.base_fields.items():
            needed = html_input_for(field)
            if needed is None or isinstance(field.widget, forms.HiddenInput):
                continue
            seen += 1
            if not isinstance(field.widget, HTML_INPUTS):
                wrong.append(f"{form.__module__}.{form.__name__}.{name}")
    assert seen >= 8
    assert wrong == []


def test_a_time_is_shown_and_read_back_in_jakarta_time():
    stored = datetime(2026, 11, 30, 7, 45, tzinfo=ZoneInfo("UTC"))  # 14:45 WIB
    html = str(PoliceReportForm(initial={"reported_at": stored})["reported_at"])
    assert 'value="2026-11-30T14:45"' in html
    form = PoliceReportForm({"reported_at": "2026-11-30T14:45", "police_reference": "LP/1"})
    with time_machine.travel(datetime(2026, 12, 1, tzinfo=JAKARTA), tick=False):
        assert form.is_valid(), form.errors
    assert form.cleaned_data["reported_at"] == stored


def test_the_picker_of_a_past_fact_stops_at_today_in_jakarta():
    # 00:30 on New Year's Day in Jakarta is still 31 December in UTC.
    with time_machine.travel(datetime(2027, 1, 1, 0, 30, tzinfo=JAKARTA), tick=False):
        day = str(Example()["day"])
        field = past_date("Date of the incident")
        html = field.widget.render("occurred_on", None)
        police = str(PoliceReportForm()["reported_at"])
    assert 'max="2027-01-01"' in html and 'min="1900-01-01"' in html
    assert 'max="2027-01-01T23:59"' in police
    assert "max=" not in day  # a date that is not a past fact is not limited


def test_a_due_date_and_time_may_lie_in_the_future():
    widget = TaskForm.base_fields["due_at"].widget
    assert isinstance(widget, DateTimeLocalInput) and not widget.up_to_today
