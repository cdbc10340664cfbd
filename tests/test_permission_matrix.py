"""Every route that takes a case-bound id, against every persona (issue 5, item 6).

The routes are found by walking Django's URL resolver, the API's included, so a page or
an API route added later joins the matrix without anyone remembering to add it. A route
parameter is case-bound when it is ``case_id`` or ``<model>_id`` for a model that belongs
to a case (it carries ``CASE_PATH``). Each such route is classified in ``ROUTE_NEEDS`` (what
each method needs, and the status it answers) and requested, with every method it serves,
by every persona, for a case of unit A, a case of unit B and a restricted case (and their
parts), reached by assignment, supervision, named access and break-glass (a persona who holds
no right on the route on any of them asks for the first only): those who hold the
need get exactly the documented status, everyone else the same 404 (same body) as an id that
never existed, and every refusal is audited. A second test reads every page and API answer
for the words only those helping on a case may read.
"""

import re
import uuid

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from lindungi.accounts.models import Unit
from lindungi.accounts.roles import UnitType
from lindungi.audit.models import AuditEvent
from lindungi.cases import actions
from lindungi.cases.access import Need
from lindungi.cases.attachments import upload_attachment
from lindungi.cases.models import Attachment, Case, Consent, Incident, Perpetrator
from lindungi.cases.models import Client as CaseClient
from lindungi.casework import actions as work
from lindungi.casework.models import Approval, Assessment, CaseNote, PlannedService, Task
from lindungi.referrals import actions as referrals
from lindungi.referrals.models import Referral
from lindungi.response import actions as dispatch
from lindungi.response.models import Dispatch
from lindungi.shelter import actions as shelter
from lindungi.shelter.models import Placement
from tests.cases.factories import make_case
from tests.login import log_in
from tests.shelter.factories import make_house

pytestmark = pytest.mark.django_db

# The access model, written out (docs/architecture.md): what each persona may do with each of
# the three cases, and by what right. The case workers are assigned to their unit's cases;
# the restricted case names unit A's case worker and supervisor; supervisor B holds a
# break-glass grant on case A.
ASSIGNED = {Need.VIEW, Need.CONTENT, Need.EDIT}
SUPERVISING = {Need.VIEW, Need.CONTENT, Need.EDIT, Need.SUPERVISE}
BREAK_GLASS = {Need.VIEW}
ACCESS = {
    "case_worker_a": {"a": ASSIGNED, "restricted": ASSIGNED},  # named, of the owning unit
    "case_worker_b": {"b": ASSIGNED},
    "supervisor_a": {"a": SUPERVISING, "restricted": SUPERVISING},  # named on it
    "supervisor_b": {"b": SUPERVISING, "a": BREAK_GLASS},
    "intake_officer": {},
    "responder": {},
    "shelter_officer": {},
    "partner_officer": {},
    "analyst": {},
    "administrator": {},
    "outsider": {},
}
SCENARIOS = ("a", "b", "restricted")
METHODS = ("get", "post", "put", "patch", "delete")
# Routes that answer on purpose without the choke point, and where they are tested instead.
EXEMPT = {
    # A supervisor may ask for any case: the same form for every id, existing or not, until
    # a reason and a fresh code are given (tests/cases, break-glass).
    "cases:break_glass",
}

# Every case-bound route, each method it serves: what it needs, and the status those who
# hold that need get for the request this test sends (a GET, or a write with an empty body:
# a form sent back with its errors, 422 for an API body, 428 for a change without If-Match).
# A route not listed here, or listed but gone, fails the test: nothing joins unclassified.
VIEW_PAGE = {"get": (Need.VIEW, 200)}
EDIT_FORM = {"get": (Need.EDIT, 200), "post": (Need.EDIT, 200)}
VIEW_AND_ADD = {"get": (Need.VIEW, 200), "post": (Need.EDIT, 200)}
API_RECORD = {"get": (Need.VIEW, 200), "patch": (Need.EDIT, 428)}
API_LIST = {"get": (Need.VIEW, 200), "post": (Need.EDIT, 422)}
ROUTE_NEEDS = {
    "cases:detail": VIEW_PAGE,
    "cases:print": VIEW_PAGE,
    "cases:edit_case": EDIT_FORM,
    "cases:add_client": EDIT_FORM,
    "cases:edit_client": EDIT_FORM,
    "cases:add_incident": EDIT_FORM,
    "cases:edit_incident": EDIT_FORM,
    "cases:add_perpetrator": EDIT_FORM,
    "cases:edit_perpetrator": EDIT_FORM,
    "cases:edit_contact": {"get": (Need.EDIT, 200), "post": (Need.EDIT, 400)},
    # Message texts are content: not for a reader by break-glass.
    "cases:messages": {"get": (Need.CONTENT, 200), "post": (Need.EDIT, 200)},
    "cases:attachments": {"get": (Need.VIEW, 200), "post": (Need.EDIT, 400)},
    "cases:attachment_download": {"get": (Need.CONTENT, 200)},
    "cases:attachment_remove": {"post": (Need.SUPERVISE, 400)},
    "cases:assessments": VIEW_PAGE,
    "cases:add_needs_assessment": EDIT_FORM,
    "cases:add_risk_assessment": EDIT_FORM,
    "cases:assessment": VIEW_PAGE,
    "cases:work_section": VIEW_PAGE,
    "cases:plan": VIEW_AND_ADD,
    "cases:request_plan_approval": {"post": (Need.EDIT, 200)},
    "cases:add_service": EDIT_FORM,
    "cases:edit_service": EDIT_FORM,
    "cases:approval": VIEW_AND_ADD,
    "cases:close_case": EDIT_FORM,
    "cases:reopen_case": EDIT_FORM,
    "cases:notes": VIEW_AND_ADD,
    "cases:tasks": VIEW_AND_ADD,
    "cases:task_done": {"post": (Need.EDIT, 400)},
    "cases:police_report": VIEW_AND_ADD,
    "cases:sanctions": VIEW_PAGE,
    # Only the restricted case has a sanction track (its perpetrator is a public employee):
    # without one, the form has nothing to save.
    "cases:edit_sanction": {"get": (Need.EDIT, 200), "post": (Need.EDIT, {"restricted": 200})},
    "api:case": API_RECORD,
    "api:case_clients": API_LIST,
    "api:client": API_RECORD,
    "api:case_incidents": API_LIST,
    "api:incident": API_RECORD,
    "api:incident_perpetrators": API_LIST,
    "api:perpetrator": API_RECORD,
    "api:case_assessments": API_LIST,
    "api:assessment": {"get": (Need.VIEW, 200)},
    "api:case_plan": {"get": (Need.VIEW, 200), "put": (Need.EDIT, 422)},
    "api:case_plan_approval": {"post": (Need.EDIT, 422)},
    "api:case_services": API_LIST,
    "api:service": API_RECORD,
    # Note bodies and task titles are content: not for a reader by break-glass.
    "api:case_notes": {"get": (Need.CONTENT, 200), "post": (Need.EDIT, 422)},
    "api:note": {"get": (Need.CONTENT, 200)},
    "api:case_tasks": {"get": (Need.CONTENT, 200), "post": (Need.EDIT, 422)},
    "api:task": {"get": (Need.CONTENT, 200), "patch": (Need.EDIT, 422)},
    "api:case_messages": {"get": (Need.CONTENT, 200), "post": (Need.EDIT, 422)},
    # The rapid response unit's: a dispatch asked from the case (its crew, not on call here,
    # and the unit's supervisors are tested in tests/response).
    "response:request_from_case": EDIT_FORM,
    "response:dispatch": {"get": (Need.CONTENT, 200)},
    "response:step": {"post": (Need.EDIT, 400)},
    "response:cancel": {"post": (Need.EDIT, 400)},
    "response:visit": EDIT_FORM,
    "api:dispatch": {"get": (Need.CONTENT, 200)},
    "api:dispatch_steps": {"post": (Need.EDIT, 428)},
    # The safe houses': a place asked for from the case, accepted by the persona's house (its
    # staff reach it through the placement rule: see ROUTE_ACCESS).
    "shelter:request": EDIT_FORM,
    # Asked from the scene of the case's dispatch: its crew (tests/shelter) or the case's side.
    "shelter:request_from_dispatch": EDIT_FORM,
    "shelter:placement": VIEW_PAGE,
    "shelter:accept": {"post": (Need.EDIT, 400)},
    "shelter:decline": {"post": (Need.EDIT, 400)},
    "shelter:cancel": {"post": (Need.EDIT, 400)},
    "shelter:check_in": {"post": (Need.EDIT, 400)},
    "shelter:check_out": {"post": (Need.EDIT, 400)},
    "shelter:add_record": {"post": (Need.EDIT, 400)},
    "shelter:visitors": {"post": (Need.EDIT, 400)},
    # The placement letter names the people: content.
    "shelter:letter": {"get": (Need.CONTENT, 200)},
    # The API's: a case's placements through the case; a placement through its rule.
    "api:case_placements": API_LIST,
    "api:placement": {"get": (Need.VIEW, 200)},
    "api:placement_steps": {"post": (Need.EDIT, 428)},
    # Consents and referrals: the case's side through the case; the partner's through the
    # referral rule (ROUTE_ACCESS below; consent, states and override in tests/referrals).
    "referrals:case": {"get": (Need.CONTENT, 200)},
    "referrals:new_consent": EDIT_FORM,
    "referrals:new_referral": EDIT_FORM,
    "referrals:withdraw_consent": {"post": (Need.EDIT, 400)},
    "referrals:referral": VIEW_PAGE,
    "referrals:accept": {"post": (Need.EDIT, 400)},
    "referrals:decline": {"post": (Need.EDIT, 400)},
    "referrals:progress": {"post": (Need.EDIT, 400)},
    "referrals:outcome": {"post": (Need.EDIT, 400)},
    "referrals:revoke": {"post": (Need.EDIT, 400)},
    "referrals:review": {"post": (Need.SUPERVISE, 400)},
    "api:case_consents": {"get": (Need.CONTENT, 200), "post": (Need.EDIT, 422)},
    "api:consent": {"get": (Need.CONTENT, 200)},
    "api:consent_withdrawal": {"post": (Need.EDIT, 428)},
    "api:case_referrals": {"get": (Need.CONTENT, 200), "post": (Need.EDIT, 422)},
    "api:referral": {"get": (Need.VIEW, 200)},
    "api:referral_steps": {"post": (Need.EDIT, 428)},
    "api:referral_override_review": {"post": (Need.SUPERVISE, 428)},
}
# What a persona holds on a route by another right than the case's own:
# - a safe house's staff: the placements at their house while they last
#   (lindungi/shelter/access.py), whichever case they belong to; never the case;
# - the partner officer reads and answers the open referrals to their organisation, under
#   the consent each scenario's survivor gave (never the case, its consents or the other
#   routes).
HOUSE_STAFF = {key: ASSIGNED for key in SCENARIOS}
HOUSE_ROUTES = [
    *(n for n in ROUTE_NEEDS if n.startswith("shelter:") and not n.startswith("shelter:request")),
    "api:placement",
    "api:placement_steps",
]
PARTNER_OPEN = {key: {Need.VIEW, Need.CONTENT, Need.EDIT} for key in SCENARIOS}
REFERRAL_ROUTES = ("referral", "accept", "decline", "progress", "outcome", "revoke", "review")
ROUTE_ACCESS = {
    **{name: {"shelter_officer": HOUSE_STAFF} for name in HOUSE_ROUTES},
    **{
        name: {"partner_officer": PARTNER_OPEN}
        for name in (
            *(f"referrals:{r}" for r in REFERRAL_ROUTES),
            "api:referral",
            "api:referral_steps",
        )
    },
}
DEFAULT_STATUS = 400  # of a route whose status depends on the scenario, elsewhere


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
    names = {name for name, _params in ROUTES}
    # Every case-bound route is classified, and nothing classified is gone: no fixed minimum.
    assert names == set(ROUTE_NEEDS), names ^ set(ROUTE_NEEDS)


def test_the_admin_serves_no_case_bound_model():
    # Its generic ids are left out of the matrix only because of this.
    served = set(admin.site._registry)
    assert not served & set(case_bound_models().values())


# --- The records of each scenario --------------------------------------------------------


def _plan_approval(worker, case):
    work.save_plan(worker, case, None, "Canary plan goals")
    return work.request_approval(worker, case, "plan")


def _referral_consent(worker, case):
    data = {
        "client": case.clients.first(),
        "purpose": "referral",
        "recipient": Unit.objects.get(type=UnitType.PARTNER_AGENCY),
        "categories": ["identity", "demographics"],
        "how": "signed",
    }
    return referrals.record_consent(worker, case, data)


def _records(case, key):
    worker = case.workers.first()
    incident = case.incidents.first()
    perpetrator = actions.add_perpetrator(
        worker, incident, {"relationship": "lainnya", "name": "Canary Perpetrator"}
    )
    note = SimpleUploadedFile("canary-file.txt", b"A plain text note.", content_type="text/plain")
    return {
        Case: case,
        CaseClient: case.clients.first(),
        Incident: incident,
        Perpetrator: perpetrator,
        Attachment: upload_attachment(worker, case, note),
        Assessment: work.record_assessment(
            worker, case, "needs", {"health": "some"}, summary="Canary assessment summary"
        ),
        PlannedService: work.add_service(
            worker,
            case,
            {"type": "health", "provider_name": "RSUD", "due_on": timezone.localdate()},
        ),
        # The plan with the service above, waiting for approval.
        Approval: _plan_approval(worker, case),
        CaseNote: work.add_note(worker, case, "Canary note body"),
        Task: work.add_task(worker, case, worker, "Canary task title", timezone.now()),
        Consent: (consent := _referral_consent(worker, case)),
        Referral: referrals.send_referral(
            worker,
            case,
            {
                "client": consent.client,
                "provider": consent.recipient,
                "service": "health",
                "purpose": "Visum",
                "fields": ["name", "age"],
            },
        ),
        Dispatch: dispatch.request_dispatch(
            worker,
            Unit.objects.get(type=UnitType.RAPID_RESPONSE),
            {"location": "Canary location", "danger": "Canary danger"},
            case=case,
        ),
        Placement: _placement(worker, case),
    }


def _placement(worker, case):
    """A place asked for the survivor and given by the persona's safe house."""
    house = make_house()
    placement = shelter.request_placement(
        worker,
        case,
        {
            "people": [case.clients.first()],
            "house": house,
            "urgency": "tonight",
            "needs": "Canary placement needs",
        },
    )
    officer = house.service_point.unit.memberships.get(role="shelter_officer").user
    room = house.rooms.first()
    return shelter.accept(officer, placement, placement.version, room)


# The records and sessions are made once for the module: every request of these tests is a
# read or a refused write, and each test's changes are rolled back all the same.
@pytest.fixture(scope="module")
def records(module_personas):
    personas = module_personas
    made = {
        "a": _records(make_case(personas, "a"), "a"),
        "b": _records(make_case(personas, "b"), "b"),
        "restricted": _records(make_case(personas, "a", restricted=True), "restricted"),
    }
    actions.break_glass(personas.supervisor_b, made["a"][Case], "Survivor at the hospital now")
    return made


@pytest.fixture(scope="module")
def clients(module_personas):
    logged_in = {}
    for name, user in module_personas.everyone():
        client = Client()
        log_in(client, user)
        logged_in[name] = client
    return logged_in


def _url(name, params, records):
    bound = case_bound_models()
    missing = [bound[p] for p in params if bound[p] not in records]
    assert not missing, f"{name}: add the records of {missing} to this test's scenarios"
    return reverse(name, kwargs={p: str(records[bound[p]].pk) for p in params})


def _nowhere(name, params):
    return reverse(name, kwargs={p: str(uuid.uuid4()) for p in params})


def _send(client, method, url):
    if method == "get":
        return client.get(url)
    if url.startswith("/api/"):
        # An empty object: the route must refuse an outsider before it looks at input.
        return getattr(client, method)(url, "{}", content_type="application/json")
    return getattr(client, method)(url)


def _denials():
    return AuditEvent.objects.filter(action="case.denied").count()


def _body(response):
    """The answer's body without what changes on every request (the CSRF token)."""
    return re.sub(rb'value="[^"]{32,}"', b"", response.content)


def _needs(route, persona, key):
    return ROUTE_ACCESS.get(route, {}).get(persona, ACCESS[persona]).get(key, set())


def _scenarios(route, persona):
    """The cases to ask ``route`` for as ``persona``: all three for someone who holds a right
    on one of them (the three then answer differently), else one: a persona who holds
    nothing gets the 404 of an unknown id whichever case it is, and asking the other two
    would add two requests a method for an answer the access model makes the same."""
    if any(_needs(route, persona, key) for key in SCENARIOS):
        return SCENARIOS
    return SCENARIOS[:1]


def _expected(route, method, persona, key):
    need, status = ROUTE_NEEDS[route][method]
    if need not in _needs(route, persona, key):
        return 404
    return status.get(key, DEFAULT_STATUS) if isinstance(status, dict) else status


@pytest.fixture(scope="module")
def unknown_id_answers():
    """What each persona gets for an id that never existed, by method and kind of route
    (page or API), asked once: a refusal must be that answer exactly, whichever route."""
    return {}


def _unknown(answers, client, persona, method, name, params):
    kind = (persona, method, name.startswith("api:"))
    if kind not in answers:
        nowhere = _send(client, method, _nowhere(name, params))
        assert nowhere.status_code == 404, f"{method.upper()} {name}, unknown id, as {persona}"
        answers[kind] = _body(nowhere)
    return answers[kind]


@pytest.mark.parametrize(("name", "params"), ROUTES, ids=[name for name, _p in ROUTES])
def test_each_route_answers_exactly_what_the_access_model_allows(
    name, params, records, clients, unknown_id_answers
):
    urls = {key: _url(name, params, records[key]) for key in SCENARIOS}
    served = {m for m in METHODS if _send(clients["outsider"], m, urls["a"]).status_code != 405}
    assert served == set(ROUTE_NEEDS[name]), f"{name} serves {sorted(served)}"
    for method in sorted(served):
        # This route's answer to an id that never existed is every route's.
        nowhere = _send(clients["outsider"], method, _nowhere(name, params))
        assert nowhere.status_code == 404, f"{method.upper()} {name}, unknown id"
        unknown = _unknown(
            unknown_id_answers, clients["outsider"], "outsider", method, name, params
        )
        assert _body(nowhere) == unknown, f"{method.upper()} {name}, unknown id"
        # Those refused first: an allowed write must not change what the others see.
        order = sorted(ACCESS, key=lambda persona: bool(_needs(name, persona, "a")))
        for persona in order:
            client = clients[persona]
            for key in _scenarios(name, persona):
                before = _denials()
                response = _send(client, method, urls[key])
                expected = _expected(name, method, persona, key)
                where = f"{method.upper()} {name} [{key}] as {persona}: {response.status_code}"
                assert response.status_code == expected, where
                if expected == 404:
                    assert _denials() > before, f"{where} left no case.denied row"
                    # The same answer as for an id that never existed.
                    answer = _unknown(unknown_id_answers, client, persona, method, name, params)
                    assert _body(response) == answer, where


# --- What each reader sees -------------------------------------------------------------

# Words only those helping on a case may read (CONTENT), and the routes that must show them
# to those who may: names, narratives, note bodies, task titles, what people wrote.
CONTENT_WORDS = {
    "Siti Aminah": ("cases:detail", "api:case_clients", "api:client"),
    "Canary narrative text": ("cases:detail", "api:case_incidents", "api:incident"),
    "Canary Perpetrator": ("cases:detail", "api:incident_perpetrators"),
    "Canary note body": ("cases:notes", "api:case_notes", "api:note"),
    "Canary task title": ("cases:tasks", "api:case_tasks", "api:task"),
    "Canary plan goals": ("cases:plan", "api:case_plan"),
    "Canary assessment summary": ("cases:assessment", "api:case_assessments", "api:assessment"),
    "Canary placement needs": ("shelter:placement", "api:case_placements", "api:placement"),
    "canary-file": ("cases:attachments",),
    "Survivor at the hospital now": ("cases:detail",),  # the break-glass reason, in the timeline
}
# Words written on one case only.
ONLY_ON = {"Survivor at the hospital now": "a"}
READERS = [
    (persona, key)
    for persona, cases in ACCESS.items()
    for key, needs in cases.items()
    if Need.VIEW in needs
]


@pytest.mark.parametrize(("persona", "key"), READERS, ids=[f"{p}-{k}" for p, k in READERS])
def test_content_appears_exactly_where_the_access_model_allows(persona, key, records, clients):
    """Every page and API answer a reader may GET on a case, read for the words of
    CONTENT_WORDS: all there for those helping on the case (assigned, supervising, named),
    none for a reader by break-glass, whatever the route."""
    reads = {}
    for name, params in ROUTES:
        if ROUTE_NEEDS[name].get("get", (None,))[0] in ACCESS[persona][key]:
            response = clients[persona].get(_url(name, params, records[key]))
            assert response.status_code == 200, (name, persona, key)
            reads[name] = response.content.decode()
    helping = Need.CONTENT in ACCESS[persona][key]
    for word, routes in CONTENT_WORDS.items():
        showing = {name for name, body in reads.items() if word in body}
        if helping and ONLY_ON.get(word, key) == key:
            assert set(routes) <= showing, (word, persona, key, set(routes) - showing)
        else:
            assert not showing, (word, persona, key, showing)


# --- Lists -------------------------------------------------------------------------------

VIEWING = {
    persona: {key for key, needs in cases.items() if Need.VIEW in needs}
    for persona, cases in ACCESS.items()
}
UNIT_CASES = {"supervisor_a": {"a", "restricted"}, "supervisor_b": {"b"}}
# The routes that list case-bound data without an id, and whose cases each persona finds in
# them (by survivor code); a persona not named finds none. The tasks of the records are
# their case worker's own, due now (so overdue by the time they are listed).
LIST_ROUTES = {
    "cases:caseload": VIEWING,
    "api:cases": VIEWING,
    "cases:my_tasks": {"case_worker_a": {"a", "restricted"}, "case_worker_b": {"b"}},
    # A supervisor's lists of their unit: supervisor B's break-glass case is another unit's.
    "cases:unit_overdue_tasks": UNIT_CASES,
    "cases:overview": UNIT_CASES,
    "referrals:worklist": {"partner_officer": set(SCENARIOS)},
    "api:referrals": {"partner_officer": set(SCENARIOS)},
}


@pytest.mark.parametrize("route", sorted(LIST_ROUTES))
def test_each_list_shows_exactly_the_cases_the_access_model_allows(route, records, clients):
    codes = {key: records[key][Case].survivor_code for key in SCENARIOS}
    for persona in ACCESS:
        response = clients[persona].get(reverse(route))
        body = response.content.decode()
        found = {key for key, code in codes.items() if code in body}
        expected = LIST_ROUTES[route].get(persona, set())
        assert found == expected, (route, persona, response.status_code)
        if expected:
            assert response.status_code == 200, (route, persona)
