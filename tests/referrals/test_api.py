"""The consents, referrals and directory API: the same rules as the pages (issue 14)."""

import json

import pytest
from django.test import Client as Browser

from lindungi.accounts.roles import Role
from lindungi.referrals.models import Referral
from tests.cases.timeline_fixtures import colleague
from tests.login import log_in
from tests.referrals.factories import make_world, send_visum, visum_consent

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(scope="module")
def world(module_personas):
    return make_world(module_personas)


def logged_in(user):
    browser = Browser()
    log_in(browser, user)
    return browser


@pytest.fixture(scope="module")
def partner(world, django_db_blocker):
    with django_db_blocker.unblock():
        return logged_in(world.personas.partner_officer)


@pytest.fixture(scope="module")
def worker(world, django_db_blocker):
    with django_db_blocker.unblock():
        return logged_in(world.personas.case_worker_a)


def post(browser, url, body, **headers):
    return browser.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_consent_and_referral_through_the_api_and_nothing_sets_overridden(world, worker):
    case = f"{API}/cases/{world.case.pk}"
    body = {
        "client": str(world.client.pk),
        "purpose": "referral",
        "recipient": str(world.personas.partner.pk),
        "categories": ["identity", "demographics", "incident", "accommodations"],
        "how": "signed",
    }
    made = post(worker, f"{case}/consents", body)
    assert made.status_code == 201 and made.json()["in_force"]
    referral = {
        "client": str(world.client.pk),
        "provider": str(world.personas.partner.pk),
        "service": "health",
        "purpose": "Visum",
    }
    refused = post(worker, f"{case}/referrals", {**referral, "overridden": True})
    assert refused.status_code == 422 and "overridden" in refused.content.decode()
    too_much = post(worker, f"{case}/referrals", {**referral, "fields": ["narrative"]})
    assert too_much.status_code == 422
    sent = post(worker, f"{case}/referrals", referral)
    assert sent.status_code == 201
    assert sent.json()["overridden"] is False and "narrative" not in sent.json()["fields"]
    assert Referral.objects.get().consent_id is not None


def test_the_partner_answers_with_if_match_and_loses_access_when_consent_goes(
    world, partner, worker
):
    consent = visum_consent(world)
    referral = send_visum(world)
    url = f"{API}/referrals/{referral.pk}"
    read = partner.get(url)
    assert read.status_code == 200
    assert read.json()["case"] is None and read.json()["overridden"] is None
    assert read.json()["shared"]["name"] == "Siti Aminah"
    assert [r["id"] for r in partner.get(f"{API}/referrals").json()] == [str(referral.pk)]
    steps = f"{url}/steps"
    assert post(partner, steps, {"step": "accept"}).status_code == 428
    assert post(partner, steps, {"step": "accept"}, **{"If-Match": '"9"'}).status_code == 412
    accepted = post(partner, steps, {"step": "accept"}, **{"If-Match": '"1"'})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    withdrawn = post(worker, f"{API}/consents/{consent.pk}/withdrawal", {}, **{"If-Match": '"1"'})
    assert withdrawn.status_code == 200 and not withdrawn.json()["in_force"]
    assert partner.get(url).status_code == 404
    assert post(partner, steps, {"step": "progress"}, **{"If-Match": '"2"'}).status_code == 404
    assert partner.get(f"{API}/referrals").json() == []
    assert worker.get(url).status_code == 200


def test_the_directory_by_service(world, worker):
    found = worker.get(f"{API}/providers?service=health").json()
    assert [p["name"] for p in found] == ["Test hospital"]
    assert worker.get(f"{API}/providers?service=legal_aid").json() == []


def test_the_supervisor_reviews_the_emergency_overrides_from_the_api_queue(world, worker):
    people = world.personas
    referral = send_visum(world, actor=people.supervisor_a, override_reason="She is bleeding")
    reviewer = logged_in(colleague(people.unit_a, Role.SUPERVISOR, "api reviewer"))
    sender = logged_in(people.supervisor_a)
    queue = f"{API}/referral-overrides"
    waiting = reviewer.get(queue).json()
    assert [r["id"] for r in waiting] == [str(referral.pk)]
    assert waiting[0]["override_reason"] == "She is bleeding"
    # Not the sender's to review, nor a case worker's, nor anyone's outside the case.
    assert sender.get(queue).json() == [] and worker.get(queue).json() == []
    review = f"{API}/referrals/{referral.pk}/override-review"
    matched = {"If-Match": '"1"'}
    assert post(worker, review, {"note": "Ok"}, **matched).status_code == 404
    assert post(logged_in(people.supervisor_b), review, {}, **matched).status_code == 404
    assert post(sender, review, {"note": "Ok"}, **matched).status_code == 404  # refused
    assert post(reviewer, review, {"note": "Ok"}).status_code == 428
    assert post(reviewer, review, {"note": "Ok"}, **{"If-Match": '"7"'}).status_code == 412
    done = post(reviewer, review, {"note": "Justified: she was bleeding"}, **matched)
    assert done.status_code == 200 and done.headers["ETag"] == '"2"'
    assert done.json()["override_reviewed_at"] is not None
    assert reviewer.get(queue).json() == []
    again = post(reviewer, review, {"note": "Again"}, **{"If-Match": '"2"'})
    assert again.status_code == 422
    referral.refresh_from_db()
    assert referral.override_review_note == "Justified: she was bleeding"
    assert world.case.events.filter(kind="referral_override_reviewed").count() == 1
