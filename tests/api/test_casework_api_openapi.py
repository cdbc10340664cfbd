"""The case work routes are in the OpenAPI schema, with their shapes and refusals."""

import pytest
from django.test import Client

ROUTES = {
    "/api/v1/cases/{case_id}/assessments": {"get", "post"},
    "/api/v1/assessments/{assessment_id}": {"get"},
    "/api/v1/cases/{case_id}/plan": {"get", "put"},
    "/api/v1/cases/{case_id}/plan/approval-request": {"post"},
    "/api/v1/cases/{case_id}/services": {"get", "post"},
    "/api/v1/services/{plannedservice_id}": {"get", "patch"},
    "/api/v1/cases/{case_id}/notes": {"get", "post"},
    "/api/v1/notes/{casenote_id}": {"get"},
    "/api/v1/cases/{case_id}/tasks": {"get", "post"},
    "/api/v1/tasks/{task_id}": {"get", "patch"},
}


@pytest.fixture
def schema(db):
    return Client().get("/api/v1/openapi.json").json()


def test_the_schema_lists_every_case_work_route_and_method(schema):
    for path, methods in ROUTES.items():
        assert set(schema["paths"][path]) == methods, path


def test_the_plan_put_documents_creation_and_the_version_checks(schema):
    answers = schema["paths"]["/api/v1/cases/{case_id}/plan"]["put"]["responses"]
    assert {"200", "201", "412", "422", "428"} <= set(answers)


def test_notes_say_they_are_never_edited(schema):
    operation = schema["paths"]["/api/v1/notes/{casenote_id}"]["get"]
    assert "405" in operation["description"]
    assert "corrects" in schema["components"]["schemas"]["NoteIn"]["properties"]


def test_the_assessment_answers_list_the_areas_and_factors(schema):
    answers = schema["components"]["schemas"]["AssessmentIn"]["properties"]["answers"]
    assert "strangulation" in answers["description"]
    assert "family_support" in answers["description"]
