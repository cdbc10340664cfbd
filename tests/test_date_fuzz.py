"""Every date of every form and every API body, fuzzed: year 1, year 9999, 0000-00-00, 31
February, empty, a huge string, NUL, the wrong type. Each is refused with an error that
says so (a form error beside the field, a 422 naming the field), never a 5xx, and nothing
stored changes.

Nothing is listed by hand. The forms are every Django form class under ``lindungi`` with
a date or date-and-time field, found by importing every module; the pages that show them
are found by walking the URL resolver with the fully filled world of the edit round trip
and reading each page's forms as a browser does (both in ``tests.page_forms``). The API's
are every date or date-time property of every request body in the OpenAPI document; a
POST body is completed from a record the route's own list shows, so that the date is what
decides.
"""

import json
import re
from datetime import timedelta
from functools import cache
from urllib.parse import urljoin

import pytest
import time_machine
from django import forms
from django.test import Client

from lindungi.api.main import api
from tests.login import log_in
from tests.page_forms import browsers, form_classes, pages, posted_forms
from tests.test_edit_round_trip import EDITED, _changed, _param_models, _snapshot, personas, world

__all__ = ["personas", "world"]  # the module's fixtures, imported for pytest
pytestmark = pytest.mark.django_db

DATE_VALUES = ["0001-01-01", "9999-12-31", "0000-00-00", "2025-02-31", "9" * 100_000, "x\x00"]
TIME_VALUES = [
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "0000-00-00T00:00",
    "2025-02-31T10:00",
    "2025-01-01T25:00",
    "9" * 100_000,
    "x\x00",
]
KEY_USE = "ApiKey.last_used_at"
WRONG_TYPES = [20250101, 1.5, True, ["2025-01-01"], {"year": 2025}]
# And an anonymous one; the shelter officer runs the world's house, the partner officer
# records the outcome of the world's referral.
BROWSERS = ("case_worker_a", "intake_officer", "shelter_officer", "partner_officer")
DATE_FIELDS = (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)
ERROR_ID = 'id="[^"]*{name}[-_]error"'


def _form_date_fields():
    """{(form class name, field name): True for a date and time, False for a date}."""
    found = {}
    for form in form_classes():
        for name, field in getattr(form, "base_fields", {}).items():
            if isinstance(field, DATE_FIELDS):
                found[(f"{form.__module__}.{form.__name__}", name)] = not isinstance(
                    field, forms.DateField
                )
    return found


FORM_DATE_FIELDS = _form_date_fields()
WITH_TIME = {name: with_time for (_form, name), with_time in FORM_DATE_FIELDS.items()}


def test_the_forms_with_dates_are_found():
    assert len(FORM_DATE_FIELDS) >= 10
    assert ("lindungi.intake.public_forms.PublicReportForm", "occurred_on") in FORM_DATE_FIELDS


def _date_inputs(form):
    """The names of a form's inputs that are date fields of the forms found."""
    return sorted(
        {n for n, _value in form.pairs if n.rsplit("-", 1)[-1] in WITH_TIME} - form.hidden
    )


def _forms_with_dates(browsers, world):
    """(browser name, page URL, form, input name) for every date input on every page, of the
    forms that save and of those that filter a list (sent by GET)."""
    return [
        (found.who, found.url, found.form, name)
        for found in posted_forms(browsers, pages(world), methods=("post", "get"))
        for name in _date_inputs(found.form)
    ]


def _nothing_but_a_draft_changed(before, name):
    """Nothing changed, or only an intake draft, without the date: the staff intake form
    keeps every valid field of what the call-taker typed and names the invalid ones."""
    after = _snapshot()
    changed = {key for key in before.keys() ^ after.keys()} | {
        key for key in before.keys() & after.keys() if before[key] != after[key]
    }
    field = name.rsplit("-", 1)[-1]
    return all(
        model == "Report" and after.get((model, pk), {}).get(field) is None for model, pk in changed
    )


def _refused_beside_the_field(response, name):
    page = response.content.decode()
    field = name.rsplit("-", 1)[-1]
    refused_by_the_policy = any(t.name.endswith("400_input.html") for t in response.templates)
    return re.search(ERROR_ID.format(name=re.escape(field)), page) or refused_by_the_policy


def test_every_date_of_every_form_refuses_what_is_not_a_date(personas, world):
    failures, tried = [], set()
    with time_machine.travel(EDITED, tick=False):
        found = _forms_with_dates(browsers(personas, BROWSERS), world)
    logged_in = browsers(personas, BROWSERS)
    before = _snapshot()
    for who, url, form, name in found:
        tried.add(name.rsplit("-", 1)[-1])
        values = TIME_VALUES if WITH_TIME[name.rsplit("-", 1)[-1]] else DATE_VALUES
        target = urljoin(url, form.action or "")
        for value in [*values, ""]:
            data = {**form.data(), name: [value]}
            # Some seconds after the page was opened: the public form's robot check.
            with time_machine.travel(EDITED + timedelta(seconds=30), tick=False):
                response = getattr(logged_in[who], form.method)(target, data)
            where = f"{who} {url} {name}={value[:12]!r}"
            if response.status_code >= 500:
                failures.append(f"{where}: {response.status_code}")
            elif value and response.status_code in (301, 302, 303):
                failures.append(f"{where}: accepted")
            elif value and not _refused_beside_the_field(response, name):
                failures.append(f"{where}: no error beside the field")
            elif value and not _nothing_but_a_draft_changed(before, name):
                failures.append(f"{where}: changed {_changed(before, _snapshot())}")
            if not value or who == "intake_officer":
                before = _snapshot()  # an empty optional date may be saved, rightly
    assert failures == [], "\n".join(failures)
    assert tried == set(WITH_TIME), "a form with dates that no page shows"


# The API


@cache
def _openapi():
    return api.get_openapi_schema()


def _body_properties(method, path):
    """The properties of the JSON body of an operation ({} for none)."""
    schema = _openapi()
    body = (
        schema["paths"][path][method]
        .get("requestBody", {})
        .get("content", {})
        .get("application/json", {})
        .get("schema")
    )
    if not body:
        return {}
    return schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]].get("properties", {})


def _api_date_fields():
    """(method, path, property, with time) for every date of every request body."""
    schema = _openapi()
    for path, operations in schema["paths"].items():
        for method in operations:
            for name, spec in _body_properties(method, path).items():
                formats = {kind.get("format") for kind in [spec, *spec.get("anyOf", [])]}
                if formats & {"date", "date-time"}:
                    yield method, path, name, "date-time" in formats


API_DATE_FIELDS = sorted(_api_date_fields())


def test_the_api_dates_are_found():
    assert len(API_DATE_FIELDS) >= 8
    assert ("post", "/api/v1/cases/{case_id}/tasks", "due_at", True) in API_DATE_FIELDS


def _changes(before):
    """What changed since ``before``, but when an integration's key was last used."""
    return [change for change in _changed(before, _snapshot()) if change != KEY_USE]


def _ids(world):
    models = _param_models()
    return {param: str(world[model].pk) for param, model in models.items() if model in world}


def _base_body(client, method, path, url, headers):
    """What the route takes besides the date: for an update nothing, for a creation the
    fields its body takes of a record its own list shows (GET on the same path)."""
    if method != "post":
        return {}
    listed = client.get(url, headers=headers)
    if listed.status_code != 200:
        return _required(method, path)
    items = listed.json()
    items = items.get("items", items) if isinstance(items, dict) else items
    taken = _body_properties(method, path)
    return {k: v for k, v in items[0].items() if k in taken and v is not None} if items else {}


def _required(method, path):
    """The required fields of a body, filled with the simplest value of their type."""
    schema = _openapi()
    ref = schema["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    component = schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]
    simplest = {"string": "Date fuzz", "integer": 1, "boolean": False}
    return {
        name: simplest[component["properties"][name]["type"]]
        for name in component.get("required", [])
        if component["properties"][name].get("type") in simplest
    }


@pytest.mark.parametrize(("method", "path", "name", "with_time"), API_DATE_FIELDS)
def test_every_date_of_every_api_body_refuses_what_is_not_a_date(
    personas, world, method, path, name, with_time
):
    from lindungi.intake import apikeys

    url = path.format(**_ids(world))
    headers = {}
    if path == "/api/v1/reports":
        client = Client()
        headers["Authorization"] = f"Bearer {apikeys.create_key('112-dispatch')[1]}"
    else:
        client = Client()
        log_in(client, personas.intake_officer if "report" in path else personas.case_worker_a)
    failures = []
    with time_machine.travel(EDITED, tick=False):
        if method in {"patch", "put"}:
            headers["If-Match"] = client.get(url, headers=headers)["ETag"]
        base = _base_body(client, method, path, url, headers)
        before = _snapshot()
        values = [*(TIME_VALUES if with_time else DATE_VALUES), "", *WRONG_TYPES]
        for n, value in enumerate(values):
            headers["Idempotency-Key"] = f"date-fuzz-{n}"
            response = getattr(client, method)(
                url, json.dumps({**base, name: value}), "application/json", headers=headers
            )
            where = f"{method.upper()} {path} {name}={str(value)[:12]!r}"
            if response.status_code not in (400, 422):
                failures.append(f"{where}: {response.status_code}")
            elif response.status_code == 422 and name not in response.json()["errors"]:
                failures.append(f"{where}: 422 without the field")
            elif _changes(before):
                failures.append(f"{where}: changed {_changes(before)}")
    assert failures == [], "\n".join(failures)
