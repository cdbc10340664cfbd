"""Every text the API takes, walked with what the input policy refuses, on the database the
suite runs on (SQLite, and PostgreSQL in the second pass).

Nothing is listed by hand. From the OpenAPI document: every operation with a JSON body
gets one schema-valid body made from its schema (every property filled, one item in every
list, one entry in every map), and every text in it is a slot: each string, enum and
formatted string, nested objects and list items included, and each key of a map. Then:

- each slot alone set to text with NUL: 422 in the API's one error shape, naming the
  top-level field that holds it and nothing else (so the rest of the body was valid);
- every slot at once set to text with another control character (SOH, ESC, DEL, one
  request for each): 422 naming every field that holds a slot;
- the body with a slot's text as bytes that are not UTF-8 (a raw 0xFF, an encoded
  surrogate, Latin-1): 400 ``malformed_body``; one slot an operation, since a body that
  cannot be decoded is refused as a whole before any field is read;
- every text query parameter and every path parameter with NUL and with a byte that is
  not UTF-8: 422 naming the parameter, or 404 for an id.

Around each operation the database is compared: a refused request changes nothing. A
construct the body maker does not know (a new type, format or pattern) fails the walk with
its place, so that a new field cannot be skipped without a word.
"""

import copy
import json
from dataclasses import dataclass
from urllib.parse import quote

from django.test import Client

from lindungi.api.main import api
from lindungi.intake import apikeys
from tests.db_state import changed_models, state
from tests.login import log_in

CONTROL_MESSAGE = "Text cannot contain control characters such as NUL."
NUL = "Siti\x00Aminah"
OTHER_CONTROLS = ["Siti\x01", "Siti\x1b[31m", "Siti\x7f"]
NOT_UTF8 = [b"Siti \xff\xfe", b"Siti \xed\xa0\x80", "Kebayoran caf\xe9".encode("latin-1")]
MARKER = "NOT-UTF8-GOES-HERE"
# A value for each format and pattern of a string in the document (anything else fails).
FORMATS = {
    "date": "2026-11-20",
    "date-time": "2026-11-20T10:00:00+07:00",
    "uuid": "00000000-0000-4000-8000-000000000001",
}
PATTERNS = {"^[0-9.]+$": "31.74.01.1001", "^([01][0-9]|2[0-3]):[0-5][0-9]$": "08:00"}


@dataclass(frozen=True)
class Key:
    """A slot that is a map's key rather than a value."""

    name: str


class Maker:
    """A schema-valid example of a body, and where its texts are."""

    def __init__(self, components):
        self.components = components
        self.slots = []

    def make(self, spec, path):
        if "$ref" in spec:
            return self.make(self.components[spec["$ref"].rsplit("/", 1)[1]], path)
        if "allOf" in spec or "anyOf" in spec:
            options = [o for o in spec.get("allOf", spec.get("anyOf")) if o.get("type") != "null"]
            return self.make(options[0], path)
        if "const" in spec or "enum" in spec:
            value = spec["const"] if "const" in spec else spec["enum"][0]
            if isinstance(value, str):
                self.slots.append(path)
            return value
        maker = getattr(self, f"_{spec.get('type')}", None)
        assert maker, f"{'.'.join(map(str, path))}: the walk cannot make {spec}"
        return maker(spec, path)

    def _string(self, spec, path):
        where = ".".join(map(str, path))
        if "format" in spec:
            assert spec["format"] in FORMATS, f"{where}: add format {spec['format']} to FORMATS"
            value = FORMATS[spec["format"]]
        elif "pattern" in spec:
            assert spec["pattern"] in PATTERNS, f"{where}: add pattern {spec['pattern']}"
            value = PATTERNS[spec["pattern"]]
        else:
            value = "x" * max(spec.get("minLength", 1), 1)
        self.slots.append(path)
        return value

    def _integer(self, spec, path):
        return spec.get("minimum", 1)

    def _boolean(self, spec, path):
        return True

    def _array(self, spec, path):
        return [self.make(spec["items"], (*path, 0))]

    def _object(self, spec, path):
        if "properties" in spec:
            return {name: self.make(s, (*path, name)) for name, s in spec["properties"].items()}
        names = spec.get("propertyNames", {"type": "string"})
        key = Maker(self.components).make(names, ())
        self.slots.append((*path, Key(key)))
        return {key: self.make(spec["additionalProperties"], (*path, key))}


def _operations():
    """(method, path, body made, its slots, text query parameters, path parameters)."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            parameters = operation.get("parameters", [])
            queries = [
                p["name"]
                for p in parameters
                if p["in"] == "query" and p["schema"].get("type") != "integer"
            ]
            in_path = [p["name"] for p in parameters if p["in"] == "path"]
            content = operation.get("requestBody", {}).get("content", {})
            assert set(content) <= {"application/json"}, f"{method} {path}: walk {set(content)}"
            body, slots = None, []
            if content:
                maker = Maker(components)
                body = maker.make(content["application/json"]["schema"], ())
                slots = maker.slots
            yield method, path, body, slots, queries, in_path


OPERATIONS = list(_operations())


def _poisoned(body, slot, text):
    """``body`` with the text at ``slot`` replaced by ``text``."""
    body = copy.deepcopy(body)
    *inner, last = slot
    container = body
    for step in inner:
        container = container[step]
    if isinstance(last, Key):
        container[text] = container.pop(last.name)
    else:
        container[last] = text
    return body


def _clients(personas):
    worker = Client()
    log_in(worker, personas.case_worker_a)
    integration = Client(headers={"Authorization": f"Bearer {apikeys.create_key('walk')[1]}"})
    return worker, integration


def _shape_problem(response, status, code):
    """What is wrong with an answer expected as ``status`` with ``code``, or None."""
    if response.status_code != status:
        return f"{response.status_code}, not {status}"
    body = response.json()
    if set(body) != {"error", "detail", "errors"} or body["error"] != code:
        return f"not the error shape: {sorted(body)} {body.get('error')}"
    return None


class Walk:
    """One operation's requests, as its client sends them, and what was wrong with the
    answers."""

    def __init__(self, client, method, url, headers):
        self.client, self.method, self.url, self.headers = client, method, url, headers
        self.failures = []

    def send(self, body, *, url=None, raw=None):
        data = raw if raw is not None else json.dumps(body)
        return getattr(self.client, self.method)(
            url or self.url, data, content_type="application/json", headers=self.headers
        )

    def expect(self, what, response, status, code, fields=None):
        problem = _shape_problem(response, status, code)
        if problem is None and fields is not None:
            errors = response.json()["errors"]
            if set(errors) != fields:
                problem = f"errors name {sorted(errors)}, not {sorted(fields)}"
            elif status == 422 and any(errors[f] != [CONTROL_MESSAGE] for f in fields):
                problem = f"not the control message: {errors}"
        if problem:
            self.failures.append(f"{self.method.upper()} {self.url} {what}: {problem}")

    def unchanged(self, before):
        after = state()
        if changed := changed_models(before, after):
            self.failures.append(f"{self.method.upper()} {self.url}: changed {changed}")
        return after


def _rounds(slots):
    """The slots in rounds: in round k, the k-th slot of every top-level field. A field is
    named once in an error, so a request may poison one slot a field, and each slot still
    shows on its own that it is refused."""
    by_field = {}
    for slot in slots:
        by_field.setdefault(str(slot[0]), []).append(slot)
    deepest = max((len(found) for found in by_field.values()), default=0)
    return [[found[k] for found in by_field.values() if k < len(found)] for k in range(deepest)]


def _poison_all(body, slots, text):
    for slot in reversed(slots):  # a map's values before its key
        body = _poisoned(body, slot, text)
    return body


def _walk_body(walk, body, slots):
    for poisoned in _rounds(slots):
        fields = {str(slot[0]) for slot in poisoned}
        where = "NUL in " + ", ".join(".".join(map(str, slot)) for slot in poisoned)
        walk.expect(where, walk.send(_poison_all(body, poisoned, NUL)), 422, "invalid", fields)
    everything = {str(slot[0]) for slot in slots}
    for text in OTHER_CONTROLS if slots else []:
        response = walk.send(_poison_all(body, slots, text))
        walk.expect(f"{text!r} in every text", response, 422, "invalid", everything)
    # In a text, or in a key where the body has no text (an unknown key, but it is never read).
    marked = json.dumps(_poisoned(body, slots[0], MARKER) if slots else {MARKER: 1, **body})
    for raw in NOT_UTF8:
        response = walk.send(None, raw=marked.encode().replace(MARKER.encode(), raw))
        walk.expect(f"{raw!r}", response, 400, "malformed_body")


def _walk_queries(walk, queries):
    for name in queries:
        for value in (quote(NUL), "%FF%FE"):
            response = walk.client.get(f"{walk.url}?{name}={value}", headers=walk.headers)
            walk.expect(f"?{name}={value}", response, 422, "invalid", None)
            if response.status_code == 422 and name not in response.json()["errors"]:
                walk.failures.append(f"GET {walk.url}?{name}: the parameter is not named")


def _walk_path(walk, path, ids, in_path):
    for name in in_path:
        for value in (quote(NUL), "%FF%FE"):
            url = path.format(**{**ids, name: value})
            if walk.method == "get":
                response = walk.client.get(url, headers=walk.headers)
            else:
                response = walk.send({}, url=url)
            walk.expect(f"{name}={value}", response, 404, "not_found")


def test_every_text_of_every_operation_is_walked():
    slots = {(m, p, ".".join(map(str, s))) for m, p, _b, found, _q, _i in OPERATIONS for s in found}
    assert len({(m, p) for m, p, *_rest in OPERATIONS}) >= 30
    assert len(slots) >= 120
    assert ("post", "/api/v1/reports", "people.0.name") in slots
    assert ("post", "/api/v1/reports", "contact_windows.call.0.start") in slots
    assert ("post", "/api/v1/cases/{case_id}/assessments", "answers.Key(name='x')") in slots


def _walks(personas, ids):
    """A walk for each operation, as an otherwise valid request would be sent: the
    integration's route with its key, the rest as the case worker, updates with the ETag."""
    worker, integration = _clients(personas)
    for method, path, *_rest in OPERATIONS:
        client = integration if path == "/api/v1/reports" else worker
        url = path.format(**ids)
        headers = {"Idempotency-Key": "walk"}
        if method in {"patch", "put"}:
            headers["If-Match"] = client.get(url).headers.get("ETag", "*")  # none: no plan yet
        yield Walk(client, method, url, headers)


def test_the_input_policy_holds_for_every_text_of_every_operation(personas, ids, settings):
    settings.LANGUAGE_CODE = "en"
    walks = list(_walks(personas, ids))
    failures, before = [], state()
    for walk, (_method, path, body, slots, queries, in_path) in zip(walks, OPERATIONS, strict=True):
        if body is not None:
            _walk_body(walk, body, slots)
        _walk_queries(walk, queries)
        _walk_path(walk, path, ids, in_path)
        before = walk.unchanged(before)
        failures += walk.failures
    assert failures == [], "\n".join(failures)
