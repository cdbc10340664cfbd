"""One input policy for every body the API takes: an update keeps every limit of its create
twin, a body too large answers 413 and a page number out of range 422, all in the API's one
error shape. Control characters and bytes that are not UTF-8, in every text of every
operation, are walked in ``test_input_walk``."""

import json
import typing

import pytest

from lindungi.api import case_schemas, casework_schemas
from lindungi.api.main import api


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
