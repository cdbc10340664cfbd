"""POST /api/v1/reports: validated field by field, documented, nothing personal echoed."""

import json
from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from lindungi.audit.models import AuditEvent
from lindungi.core.models import SubmittedKey
from lindungi.intake import actions, apikeys
from lindungi.intake.models import Report, ReportStatus
from lindungi.intake.references import new_reference

URL = "/api/v1/reports"
KELURAHAN = "31.74.01.1001"


@pytest.fixture
def key(db):
    _api_key, key = apikeys.create_key("112-dispatch")
    return key


@pytest.fixture
def post(client, key):
    def send(body, *, idempotency_key=None, content_type="application/json", raw=False):
        headers = {"Authorization": f"Bearer {key}"}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        data = body if raw else json.dumps(body)
        return client.post(URL, data, content_type=content_type, headers=headers)

    return send


def report(**changes):
    return {
        "channel": "call_112",
        "reporter_type": "other",
        "reporter_relation": "neighbour",
        "what_happened": "Canary-story: shouting and a knife next door",
        "occurred_on": timezone.localdate().isoformat(),
        "kelurahan": KELURAHAN,
        "contact_phone": "0812 3456 7890",
        "in_danger_now": True,
        "weapon_or_threat": True,
        "safe_channels": ["call"],
        "consent_contact": True,
        "people": [{"name": "Canary-person", "age": 9, "sex": "female", "wg_seeing": "none"}],
        **changes,
    }


def test_a_report_is_received_with_its_risk_and_due_time(post, key):
    response = post(report())
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "reference", "risk", "due_at"}
    stored = Report.objects.get(pk=body["id"])
    assert stored.reference == body["reference"]
    assert stored.channel == "call_112" and stored.status == ReportStatus.RECEIVED
    assert body["risk"] == stored.risk == "high"
    assert stored.contact_phone == "+6281234567890"
    assert stored.people.get().name == "Canary-person"
    assert "Canary" not in response.content.decode()


def test_every_use_is_audited_by_the_keys_id_never_the_key(post, key):
    """A report made: its one event names the key (who), with what, when and from where.
    Any other answer (an invalid body, a replay, a reused key) records ``apikey.use``."""
    post(report(), idempotency_key="k-1")
    api_key = apikeys.verify_key(key)
    used = AuditEvent.objects.exclude(action="apikey.create")
    submit = used.get()
    assert submit.action == "report.api_submit"
    assert submit.reason == f"api_key:{api_key.pk}"
    assert submit.ip and submit.request_id and submit.at
    assert post(report(), idempotency_key="k-1").status_code == 201  # replayed
    assert post(report(what_happened="other"), idempotency_key="k-1").status_code == 422
    assert post({"what_happened": 42}).status_code == 422
    assert post(report(kelurahan="99.99.99.9999")).status_code == 422
    uses = AuditEvent.objects.filter(action="apikey.use")
    assert [use.object_id for use in uses] == [str(api_key.pk)] * 4
    assert all(use.ip and use.request_id for use in uses)
    assert used.count() == 5
    for event in AuditEvent.objects.all():
        assert key not in repr(event.__dict__)


def test_a_minimal_report_needs_only_what_happened(post):
    response = post({"what_happened": "Ada kekerasan"})
    assert response.status_code == 201
    assert response.json()["risk"] == "low"
    assert Report.objects.get().channel == "api"


def test_without_a_key_the_answer_is_401_in_json(client, db):
    response = client.post(URL, json.dumps(report()), content_type="application/json")
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"
    wrong = client.post(
        URL, "{}", content_type="application/json", headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"what_happened": ""}, "what_happened"),
        ({"what_happened": "   "}, "what_happened"),
        ({"what_happened": "x" * 20_001}, "what_happened"),
        ({"what_happened": "a" * 1_000_000}, "what_happened"),
        ({"what_happened": 42}, "what_happened"),
        ({"what_happened": "nul\x00byte"}, "what_happened"),
        ({"in_danger_now": "yes"}, "in_danger_now"),
        ({"in_danger_now": 1}, "in_danger_now"),
        ({"people_affected": "3"}, "people_affected"),
        ({"people_affected": -1}, "people_affected"),
        ({"occurred_on": "2023-02-30"}, "occurred_on"),
        ({"occurred_on": "yesterday"}, "occurred_on"),
        ({"kelurahan": "99.99.99.9999"}, "kelurahan"),
        ({"kelurahan": "31.74"}, "kelurahan"),
        ({"kelurahan": "'; drop table"}, "kelurahan"),
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"safe_channels": ["pigeon"]}, "safe_channels"),
        ({"safe_channels": "call"}, "safe_channels"),
        ({"contact_phone": "12"}, "contact_phone"),
        ({"safe_person_phone": "12"}, "safe_person_phone"),
        ({"contact_windows": {"pigeon": []}}, "contact_windows"),
        (
            {"contact_windows": {"call": [{"days": [1], "start": "8", "end": "17:00"}]}},
            "contact_windows",
        ),
        (
            {"contact_windows": {"call": [{"days": [0], "start": "08:00", "end": "17:00"}]}},
            "contact_windows",
        ),
        (
            {"contact_windows": {"call": [{"days": [], "start": "08:00", "end": "17:00"}]}},
            "contact_windows",
        ),
        (
            {"contact_windows": {"sms": [{"days": [1], "start": "08:00", "end": "17:00"}]}},
            "contact_windows",
        ),
        (
            {"contact_windows": {"call": [{"days": [1], "start": "08:00", "end": "08:00"}]}},
            "contact_windows",
        ),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"unknown_field": 1}, "unknown_field"),
        ({"people": [{"age": 300}]}, "people"),
    ],
)
def test_bad_fields_are_explained_one_by_one_and_change_nothing(post, changes, field):
    response = post(report(**changes))
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["error"] == "invalid"
    assert field in body["errors"]
    assert all(isinstance(m, str) and m for m in body["errors"][field])
    assert "Canary" not in response.content.decode()
    assert Report.objects.count() == 0


def test_safe_contact_is_accepted_as_structured_data(post):
    windows = {"call": [{"days": [1, 2, 3, 4, 5], "start": "08:00", "end": "18:00"}]}
    response = post(
        report(
            safe_channels=["call", "sms"],
            contact_windows=windows,
            voicemail_safe=False,
            safe_person_name="Canary-sister",
            safe_person_phone="0813 1111 2222",
            safe_person_relation="sister",
        )
    )
    assert response.status_code == 201, response.content
    stored = Report.objects.get()
    assert stored.contact_windows == windows
    assert stored.safe_person_phone == "+6281311112222"
    assert stored.safe_person_name == "Canary-sister" and stored.voicemail_safe is False


def test_a_date_in_the_future_is_refused(post):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = post(report(occurred_on=tomorrow))
    assert response.status_code == 422
    assert response.json()["errors"]["occurred_on"] == ["The date cannot be in the future."]
    assert Report.objects.count() == 0


def test_several_bad_fields_are_all_reported_at_once(post):
    response = post(report(kelurahan="99.99.99.9999", contact_phone="12"))
    assert set(response.json()["errors"]) == {"kelurahan", "contact_phone"}


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"[1, 2, 3]",
        b'"just a string"',
        '{"what_happened": "café"}'.encode("latin-1"),
        b"\xff\xfe\x00\x00garbage",
    ],
)
def test_a_body_that_is_not_a_json_object_in_utf8_is_refused(post, body):
    response = post(body, raw=True)
    assert response.status_code in (400, 422)
    assert response.json()["error"] in ("malformed_body", "invalid")
    assert response.json()["detail"]
    assert Report.objects.count() == 0


def test_the_schema_documents_the_endpoint_header_and_errors(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/reports"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ReportIn"
    )
    assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"])
    for status in ("201", "400", "401", "422", "503"):
        assert status in operation["responses"]
    assert operation["security"] == [{"IntegrationKey": []}]
    report_in = schema["components"]["schemas"]["ReportIn"]
    assert report_in["additionalProperties"] is False
    assert report_in["required"] == ["what_happened"]
    assert {"contact_windows", "safe_person_name", "safe_person_phone"} <= set(
        report_in["properties"]
    )
    window = schema["components"]["schemas"]["WindowIn"]
    assert set(window["required"]) == {"days", "start", "end"}
    assert window["properties"]["start"]["pattern"]


def test_a_database_that_cannot_be_reached_answers_503_in_the_error_shape(client, db, monkeypatch):
    from django.db import OperationalError

    from lindungi.intake import actions, apikeys

    key = apikeys.create_key("112-dispatch")[1]

    def unreachable(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(actions, "receive_api_report", unreachable)
    response = client.post(
        "/api/v1/reports",
        json.dumps({"what_happened": "Canary"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 503
    assert response.json()["error"] == "unavailable"
    assert response["Retry-After"] == "5"
    assert "closed the connection" not in response.content.decode()


def test_a_reference_another_report_holds_is_drawn_again_with_one_report_claim_and_event(
    post, monkeypatch
):
    first = post(report(), idempotency_key="first").json()
    draws = iter([first["reference"], first["reference"], "LP-22222-22222"])
    monkeypatch.setattr(actions, "new_reference", lambda: next(draws, new_reference()))
    events = AuditEvent.objects.filter(action="report.api_submit").count()
    response = post(report(), idempotency_key="second")
    assert response.status_code == 201
    assert response.json()["reference"] == "LP-22222-22222"
    assert Report.objects.count() == 2
    assert SubmittedKey.objects.filter(key="second").count() == 1
    assert AuditEvent.objects.filter(action="report.api_submit").count() == events + 1
    # The replay gets the answer of the report that was made, not of a draw rolled back.
    assert post(report(), idempotency_key="second").json() == response.json()


def test_an_insert_that_fails_for_another_reason_is_not_drawn_again(post, monkeypatch):
    def fails(self, *args, **kwargs):
        raise IntegrityError("another constraint")

    drawn = []
    monkeypatch.setattr(actions, "new_reference", lambda: drawn.append(1) or "LP-33333-33333")
    monkeypatch.setattr(Report, "save", fails)
    with pytest.raises(IntegrityError, match="another constraint"):
        post(report())
    assert len(drawn) == 1
