"""The API describes itself: every route in the OpenAPI schema, with its shapes."""

import pytest
from django.test import Client
from pydantic.json_schema import models_json_schema

from lindungi.api.main import api

ROUTES = {
    "/api/v1/cases": {"get"},
    "/api/v1/cases/{case_id}": {"get", "patch"},
    "/api/v1/cases/{case_id}/clients": {"get", "post"},
    "/api/v1/clients/{client_id}": {"get", "patch"},
    "/api/v1/cases/{case_id}/incidents": {"get", "post"},
    "/api/v1/incidents/{incident_id}": {"get", "patch"},
    "/api/v1/incidents/{incident_id}/perpetrators": {"get", "post"},
    "/api/v1/perpetrators/{perpetrator_id}": {"get", "patch"},
}


@pytest.fixture
def schema(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_lists_every_case_route_and_method(schema):
    for path, methods in ROUTES.items():
        assert set(schema["paths"][path]) == methods, path


def test_every_operation_documents_its_answers_and_errors_with_schemas(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            answers = operation["responses"]
            assert "401" in answers, where
            if "{" in path:
                assert "404" in answers, where
            for status, answer in answers.items():
                # 414 is gunicorn's own page, before the app: the one answer not in JSON.
                kind = "text/html" if status == "414" else "application/json"
                assert "schema" in answer["content"][kind], where
            if method == "patch":
                assert {"412", "422", "428"} <= set(answers), where
            if method in {"post", "patch"}:
                assert "requestBody" in operation, where
            assert operation["security"], where


def test_ids_in_paths_are_documented_as_uuids(schema):
    parameters = schema["paths"]["/api/v1/clients/{client_id}"]["get"]["parameters"]
    assert parameters[0]["schema"]["format"] == "uuid"


def test_every_route_of_the_api_is_in_the_schema(schema):
    # A route added to a router without a schema entry would show up here.
    documented = {path.removeprefix("/api/v1") for path in schema["paths"]}
    served = {
        "/" + str(pattern.pattern).replace("<", "{").replace(">", "}")
        for pattern in api.urls[0]
        if pattern.name not in {"openapi-json", "openapi-view", "api-root"}
    }
    assert served == documented


def test_the_docs_page_is_served_from_our_own_static_files(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"/static/ninja/swagger-ui-bundle.js" in response.content
    assert b"cdn." not in response.content


def _operation_models():
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                yield from operation.models
                for model in (operation.response_models or {}).values():
                    if hasattr(model, "model_json_schema"):
                        yield model


def test_no_two_shapes_of_the_api_share_a_name():
    """Two enums or schemas with one class name (the case's and the plan's ``Status``) would
    be one entry in the OpenAPI document, and one of them described wrongly. pydantic names
    them apart by module when it sees both; django-ninja's own wrappers aside, none may be."""
    _refs, document = models_json_schema([(m, "validation") for m in set(_operation_models())])
    clashing = [name for name in document["$defs"] if "__" in name and not name.startswith("abc__")]
    assert clashing == []


def test_the_plan_and_the_case_each_have_their_own_status(schema):
    components = schema["components"]["schemas"]
    assert "approved" in components["PlanStatus"]["enum"]
    case_status = components["CaseOut"]["properties"]["status"]
    assert components[case_status["$ref"].rsplit("/", 1)[1]]["enum"][0] == "open"
