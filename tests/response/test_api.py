"""The rapid response API: the same rules as the pages, 404 outside scope, If-Match."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from lindungi.response.models import DispatchStatus
from tests.login import log_in
from tests.response.factories import dispatch_from_report, make_team


@pytest.fixture
def sent(personas):
    team = make_team(personas)
    return team, dispatch_from_report(personas, team)


def post_step(client, dispatch, body, tag=None):
    headers = {"If-Match": tag} if tag else {}
    return client.post(
        f"/api/v1/dispatches/{dispatch.pk}/steps",
        json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def test_the_crew_lists_reads_and_steps_its_dispatch_with_if_match(client, sent):
    team, dispatch = sent
    log_in(client, team.lead)
    listed = client.get("/api/v1/dispatches").json()
    assert [row["id"] for row in listed] == [str(dispatch.pk)]
    read = client.get(f"/api/v1/dispatches/{dispatch.pk}")
    assert read.json()["location"].startswith("Canary location")
    tag = read["ETag"]
    assert post_step(client, dispatch, {"status": "acknowledged"}).status_code == 428
    answer = post_step(client, dispatch, {"status": "acknowledged"}, tag)
    assert answer.status_code == 200 and answer.json()["status"] == DispatchStatus.ACKNOWLEDGED
    assert post_step(client, dispatch, {"status": "en_route"}, tag).status_code == 412
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    refused = post_step(client, dispatch, {"status": "en_route", "at": future}, answer["ETag"])
    assert refused.status_code == 422


def test_outside_the_crew_the_api_answers_404(client, personas, sent):
    _team, dispatch = sent
    log_in(client, personas.responder)
    assert client.get("/api/v1/dispatches").json() == []
    assert client.get(f"/api/v1/dispatches/{dispatch.pk}").status_code == 404
    assert post_step(client, dispatch, {"status": "nonsense"}, '"1"').status_code == 404
