"""Every route that takes a case-bound id, against every persona (issue 5, item 6).

The routes are found by walking Django's URL resolver, the API's included, so a page or
an API route added later joins the matrix without anyone remembering to add it. A route
parameter is case-bound when it is ``case_id`` or ``<model>_id`` for a model that belongs
to a case (it carries ``CASE_PATH``). Each such route is requested, with every method it
serves, for a case of unit A, a case of unit B and a restricted case (and their parts):
only those the access model allows get anything but 404, and every refusal is audited.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from lindungi.audit.models import AuditEvent
from lindungi.cases import actions
from lindungi.cases import casework_actions as work
from lindungi.cases.attachments import upload_attachment
from lindungi.cases.casework import Approval, Assessment, CaseNote, PlannedService, Task
from lindungi.cases.models import Attachment, Case, Incident, Perpetrator
from lindungi.cases.models import Client as CaseClient
from tests.cases.factories import make_case
from tests.login import log_in

# The access model, written out: who may see (and edit) which of the three cases. The
# case workers are assigned to their unit's cases; the restricted case names unit A's.
ALLOWED = {
    "case_worker_a": {"a", "restricted"},
    "case_worker_b": {"b"},
    "supervisor_a": {"a", "restricted"},
    "supervisor_b": {"b"},
    "intake_officer": set(),
    "responder": set(),
    "shelter_officer": set(),
    "partner_officer": set(),
    "analyst": set(),
    "administrator": set(),
    "outsider": set(),
}
SCENARIOS = ("a", "b", "restricted")
METHODS = ("get", "post", "put", "patch", "delete")
# Routes that answer on purpose without the choke point, and where they are tested instead.
EXEMPT = {
    # A supervisor may ask for any case: the same form for every id, existing or not, until
    # a reason and a fresh code are given (tests/cases, break-glass).
    "cases:break_glass",
}
# The API (8 paths) and the case pages under /kasus/ (10 when this was written).
MINIMUM_ROUTES = 16


def case_bound_models():
    bound = {"case_id": Case}
    for model in apps.get_models():
        if hasattr(model, "CASE_PATH"):
            bound[f"{model._meta.model_name}_id"] = model
    return bound


def _params(pattern):
    route = pattern.pattern
    if hasattr(route, "converters"):
        names = list(route.converters)
        # A path() may still hold regex groups when converted by ninja or re_path.
        return names or list(route.regex.groupindex)
    return list(route.regex.groupindex)


def walk(patterns=None, namespaces=(), prefix="", params=()):
    """(namespaces, view name, route, parameter names) for every pattern, includes followed."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        here = (*params, *_params(pattern))
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from walk(pattern.url_patterns, inner, route, here)
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespaces, pattern.name)) if pattern.name else None
            yield namespaces, name, route, here


def discover():
    """The case-bound routes, and the problems that would hide a route from the matrix."""
    bound = case_bound_models()
    known_ids = {f"{model._meta.model_name}_id" for model in apps.get_models()}
    routes, problems, seen = [], [], set()
    for namespaces, name, route, params in walk():
        if "admin" in namespaces:
            continue  # generic ids (object_id, pk); it serves no case model, checked below
        for param in params:
            if param in {"pk", "id", "uuid"} or (param.endswith("_id") and param not in known_ids):
                problems.append(f"{route}: name the id parameter {param!r} after its model")
        if not any(p in bound for p in params) or name in EXEMPT or route in seen:
            continue
        seen.add(route)  # django-ninja lists a path once per method; one serves them all
        if name is None:
            problems.append(f"{route}: a case-bound route needs a name")
        elif set(params) - set(bound):
            problems.append(f"{name}: cannot fill {sorted(set(params) - set(bound))}")
        else:
            routes.append((name, tuple(params)))
    return routes, problems


ROUTES, PROBLEMS = discover()


def test_the_matrix_finds_the_case_routes_and_nothing_hides_from_it():
    assert not PROBLEMS
    assert len(ROUTES) >= MINIMUM_ROUTES, ROUTES
    names = {name for name, _params in ROUTES}
    assert {"api:case", "api:client", "api:incident", "api:perpetrator"} <= names


def test_the_admin_serves_no_case_bound_model():
    # Its generic ids are left out of the matrix only because of this.
    served = set(admin.site._registry)
    assert not served & set(case_bound_models().values())


# --- The records of each scenario --------------------------------------------------------


def _plan_approval(worker, case):
    work.save_plan(worker, case, None, "To be safe at home.")
    return work.request_approval(worker, case, "plan")


def _records(case):
    worker = case.workers.first()
    incident = case.incidents.first()
    perpetrator = incident.perpetrators.first() or actions.add_perpetrator(
        worker, incident, {"relationship": "lainnya"}
    )
    note = SimpleUploadedFile("note.txt", b"A plain text note.", content_type="text/plain")
    return {
        Case: case,
        CaseClient: case.clients.first(),
        Incident: incident,
        Perpetrator: perpetrator,
        Attachment: upload_attachment(worker, case, note),
        Assessment: work.record_assessment(worker, case, "needs", {"health": "some"}),
        PlannedService: work.add_service(
            worker,
            case,
            {"type": "health", "provider_name": "RSUD", "due_on": timezone.localdate()},
        ),
        # The plan with the service above, waiting for approval.
        Approval: _plan_approval(worker, case),
        CaseNote: work.add_note(worker, case, "A plain note."),
        Task: work.add_task(worker, case, worker, "Call back", timezone.now()),
    }


@pytest.fixture
def records(personas):
    return {
        "a": _records(make_case(personas, "a")),
        "b": _records(make_case(personas, "b")),
        "restricted": _records(make_case(personas, "a", restricted=True)),
    }


@pytest.fixture
def clients(personas):
    logged_in = {}
    for name, user in personas.everyone():
        client = Client()
        log_in(client, user)
        logged_in[name] = client
    return logged_in


def _url(name, params, records):
    bound = case_bound_models()
    missing = [bound[p] for p in params if bound[p] not in records]
    assert not missing, f"{name}: add the records of {missing} to this test's scenarios"
    return reverse(name, kwargs={p: str(records[bound[p]].pk) for p in params})


def _send(client, method, url):
    if method == "get":
        return client.get(url)
    if url.startswith("/api/"):
        # An empty object: the route must refuse an outsider before it looks at input.
        return getattr(client, method)(url, "{}", content_type="application/json")
    return getattr(client, method)(url)


def _denials():
    return AuditEvent.objects.filter(action="case.denied").count()


@pytest.mark.parametrize(("name", "params"), ROUTES, ids=[name for name, _p in ROUTES])
def test_only_those_the_access_model_allows_reach_a_case_bound_route(
    name, params, records, clients
):
    urls = {key: _url(name, params, records[key]) for key in SCENARIOS}
    served = [m for m in METHODS if _send(clients["outsider"], m, urls["a"]).status_code != 405]
    assert served, f"{name} serves no method"
    for method in served:
        # Those refused first: an allowed write must not change what the others see.
        order = sorted(ALLOWED, key=lambda persona: bool(ALLOWED[persona]))
        for persona in order:
            for key in SCENARIOS:
                before = _denials()
                status = _send(clients[persona], method, urls[key]).status_code
                where = f"{method.upper()} {name} [{key}] as {persona}: {status}"
                if key in ALLOWED[persona]:
                    assert status not in {404, 405}, where
                else:
                    assert status == 404, where
                    assert _denials() > before, f"{where} left no case.denied row"
