"""One input policy for every body the API takes, walked over every operation so that a new
route or field is covered without anyone remembering to: control characters refused with
a 422 naming the field, an update keeps every limit of its create twin, a body too large
answers 413 and a page number out of range 422, all in the API's one error shape."""

import json
import typing

import pytest
from django.test import Client
from django.utils import timezone

from lindungi.api import case_schemas, casework_schemas
from lindungi.api.main import api
from lindungi.cases import actions
from lindungi.casework import actions as work
from lindungi.intake import apikeys
from lindungi.response.actions import request_dispatch
from tests.cases.factories import make_case

CONTROL = "a\x00b"


def _body_fields():
    """(method, path, field, a value of its type holding NUL) for every text field."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            if not body:
                continue
            properties = components[body["$ref"].rsplit("/", 1)[1]].get("properties", {})
            for name, spec in properties.items():
                kinds = [spec, *spec.get("anyOf", [])]
                if any(kind.get("type") == "string" and "enum" not in kind for kind in kinds):
                    yield method, path, name, CONTROL
                elif any(kind.get("type") == "array" for kind in kinds):
                    yield method, path, name, [CONTROL]


BODY_FIELDS = sorted(_body_fields())


@pytest.fixture
def ids(personas):
    """A record of unit A for every kind of id in a path, reachable by its case worker."""
    worker = personas.case_worker_a
    case = make_case(personas, "a")
    incident = case.incidents.get()
    service = work.add_service(
        worker, case, {"type": "health", "provider_name": "RSUD", "due_on": incident.reported_on}
    )
    perpetrator = actions.add_perpetrator(worker, incident, {"relationship": "tetangga"})
    return {
        "case_id": case.pk,
        "client_id": case.clients.get().pk,
        "incident_id": incident.pk,
        "perpetrator_id": perpetrator.pk,
        "plannedservice_id": service.pk,
        "task_id": work.add_task(worker, case, worker, "Call back", timezone.now()).pk,
        "casenote_id": work.add_note(worker, case, "Called").pk,
        "assessment_id": work.record_assessment(worker, case, "risk", {}).pk,
        "dispatch_id": request_dispatch(
            worker,
            personas.rapid_response,
            {"location": "Jl. Melati 4", "danger": "A knife"},
            case=case,
        ).pk,
    }


def test_every_text_field_of_every_body_is_walked():
    assert len(BODY_FIELDS) >= 40
    assert ("post", "/api/v1/cases/{case_id}/notes", "body", CONTROL) in BODY_FIELDS


@pytest.mark.parametrize(("method", "path", "field", "value"), BODY_FIELDS)
def test_control_characters_are_refused_in_every_text_field(
    api_client, personas, ids, method, path, field, value
):
    headers = {"If-Match": '"1"'}
    if path == "/api/v1/reports":  # integrations' route: their own key, no session
        client = Client()
        headers["Authorization"] = f"Bearer {apikeys.create_key('112-dispatch')[1]}"
    else:
        client = api_client(personas.case_worker_a)
    response = getattr(client, method)(
        path.format(**ids),
        json.dumps({field: value}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422, (method, path, field)
    assert "control characters" in " ".join(response.json()["errors"][field])


def _limits(field):
    return [item for item in field.metadata if hasattr(item, "max_length") or hasattr(item, "le")]


@pytest.mark.parametrize(
    ("patch", "create"),
    [
        (case_schemas.ClientPatch, case_schemas.ClientIn),
        (case_schemas.IncidentPatch, case_schemas.IncidentIn),
        (case_schemas.PerpetratorPatch, case_schemas.PerpetratorIn),
        (casework_schemas.ServicePatch, casework_schemas.ServiceIn),
    ],
)
def test_an_update_keeps_every_limit_of_its_create_twin(patch, create):
    for name, field in create.model_fields.items():
        kept = patch.model_fields[name]
        assert _limits(kept) == _limits(field), name
        assert typing.get_args(kept.annotation) or kept.annotation == field.annotation


def test_a_megabyte_description_is_refused_by_an_update_as_by_a_create(api_client, personas, ids):
    client = api_client(personas.case_worker_a)
    url = f"/api/v1/incidents/{ids['incident_id']}"
    etag = client.get(url)["ETag"]
    response = client.patch(
        url,
        json.dumps({"description": "y" * 1_000_000}),
        content_type="application/json",
        headers={"If-Match": etag},
    )
    assert response.status_code == 422
    assert "description" in response.json()["errors"]


def test_a_body_too_large_answers_413_in_the_error_shape(api_client, personas, ids):
    client = api_client(personas.case_worker_a)
    response = client.post(
        f"/api/v1/cases/{ids['case_id']}/notes", "x" * 3_000_000, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


@pytest.mark.parametrize("page", ["0", "-1", str(10**30), "many"])
def test_a_page_number_out_of_range_answers_422(api_client, personas, page):
    response = api_client(personas.case_worker_a).get(f"/api/v1/cases?page={page}")
    assert response.status_code == 422
    assert response.json()["errors"]["page"]


def test_the_document_says_what_every_route_can_answer():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            answers = set(operation["responses"])
            parameters = operation.get("parameters", [])
            assert {"414", "503"} <= answers, where
            if "requestBody" in operation:
                assert {"400", "413"} <= answers, where
            if any(parameter["in"] == "query" for parameter in parameters):
                assert "422" in answers, where
            if method in {"patch", "put"}:
                assert any(p["name"] == "If-Match" and p["required"] for p in parameters), where
