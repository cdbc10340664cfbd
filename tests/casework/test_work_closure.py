"""Closing and reopening a case, and the walk through the case-work pages from the first
assessment to the approved closure."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lindungi.cases.models import Status
from lindungi.casework import actions as work
from lindungi.casework.models import Approval, Closure, ServicePlan
from tests.cases.factories import make_case
from tests.cases.test_edits import page_form
from tests.login import log_in


@pytest.fixture
def case(personas):
    return make_case(personas, "a")


def url(name, obj):
    return reverse(f"cases:{name}", args=[obj.pk])


def post_form(client, address, containing="form_token", **values):
    data = page_form(client, address, containing)
    data.update(values)
    return client.post(address, data)


def test_a_case_walks_through_the_pages_from_assessment_to_closure(client, personas, case):
    worker, supervisor = personas.case_worker_a, personas.supervisor_a
    today = timezone.localdate()
    log_in(client, worker)
    # Assessments.
    post_form(client, url("add_needs_assessment", case), need_health="urgent", summary="Visum")
    risk = {f"risk_{name}": "no" for name in ("escalating", "weapon", "threats_to_kill")}
    risk.update({f"risk_{n}": "no" for n in ("strangulation", "jealousy_control", "pregnancy")})
    risk.update({f"risk_{n}": "no" for n in ("separation", "child_at_risk")})
    response = post_form(
        client, url("add_risk_assessment", case), risk_perpetrator_access="yes", **risk
    )
    assert response.status_code == 302
    assert case.assessments.count() == 2
    # The plan and its services.
    post_form(client, url("plan", case), containing="goals", goals="Saya ingin aman")
    due_on = (today + timedelta(days=3)).isoformat()
    for kind, provider in (("health", "RSUD Tarakan"), ("legal_aid", "LBH APIK")):
        response = post_form(
            client,
            url("add_service", case),
            type=kind,
            provider_name=provider,
            due_on=due_on,
            status="planned",
        )
        assert response.status_code == 302
    response = client.post(url("request_plan_approval", case), {"comment": ""})
    assert response.status_code == 302
    # The supervisor approves.
    approval = case.approvals.get(subject=Approval.Subject.PLAN)
    log_in(client, supervisor)
    response = client.post(url("approval", approval), {"decision": "approved", "comment": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.plan.status == ServicePlan.Status.APPROVED and case.status == Status.SERVICES
    # The services are given.
    log_in(client, worker)
    for service in case.services.all():
        response = post_form(
            client,
            url("edit_service", service),
            containing="version",
            status="done",
            outcome="Given",
            done_on=today.isoformat(),
        )
        assert response.status_code == 302
    # Closure requested: it waits for approval.
    response = post_form(
        client, url("close_case", case), reason="needs_met", summary="Safe, working again"
    )
    assert response.status_code == 302
    page = client.get(url("close_case", case)).content.decode()
    assert "Closure waiting for approval" in page and 'name="summary"' not in page
    case.refresh_from_db()
    assert case.status == Status.SERVICES
    # The supervisor approves the closure: the case shows closed, nothing deleted.
    closure = case.closures.get()
    log_in(client, supervisor)
    assert "Safe, working again" in client.get(url("approval", closure.approval)).content.decode()
    response = client.post(url("approval", closure.approval), {"decision": "approved"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_at is not None
    assert (case.assessments.count(), case.services.count(), case.clients.count()) == (2, 2, 1)
    section = client.get(url("work_section", case)).content.decode()
    assert "Nothing of the case was deleted." in section
    timeline = client.get(url("detail", case)).content.decode()
    assert "Service plan approved" in timeline
    assert "Closure approved" in timeline and "Case closed: " in timeline
    assert "Service added to the plan: " in timeline


def test_closing_with_open_services_needs_a_reason(client, personas, case):
    work.add_service(
        personas.case_worker_a,
        case,
        {"type": "health", "provider_name": "RSUD", "due_on": timezone.localdate()},
    )
    log_in(client, personas.case_worker_a)
    page = client.get(url("close_case", case)).content.decode()
    assert "These services are still open" in page and 'name="open_services_reason"' in page
    response = post_form(client, url("close_case", case), reason="moved_away", summary="Gone")
    assert response.status_code == 200
    assert "open_services_reason" in response.context["form"].errors
    assert not Closure.objects.exists()
    response = post_form(
        client,
        url("close_case", case),
        reason="moved_away",
        summary="Gone",
        open_services_reason="She moved to Surabaya; referred there",
    )
    assert response.status_code == 302
    assert case.closures.get().open_services_reason == "She moved to Surabaya; referred there"


def test_a_closure_the_supervisor_rejects_leaves_the_case_open(client, personas, case):
    closure = work.request_closure(personas.case_worker_a, case, "needs_met", "Done")
    log_in(client, personas.supervisor_a)
    client.post(url("approval", closure.approval), {"decision": "rejected", "comment": "Not yet"})
    case.refresh_from_db()
    assert case.status != Status.CLOSED
    log_in(client, personas.case_worker_a)
    assert 'name="summary"' in client.get(url("close_case", case)).content.decode()


def test_a_closed_case_is_reopened_with_a_reason(client, personas, case):
    closure = work.request_closure(personas.case_worker_a, case, "needs_met", "Done")
    work.decide_approval(personas.supervisor_a, closure.approval, "approved")
    log_in(client, personas.case_worker_a)
    page = client.get(url("close_case", case)).content.decode()
    assert "Reopen the case" in page
    response = post_form(client, url("reopen_case", case), reason="")
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = post_form(client, url("reopen_case", case), reason="She came back: new violence")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.REOPENED and case.closed_at is None
    reopening = case.closures.get(kind=Closure.Kind.REOPEN)
    assert reopening.summary == "She came back: new violence"
    assert case.closures.count() == 2  # the closure stays in the history


def test_an_open_case_is_not_reopened(client, personas, case):
    log_in(client, personas.case_worker_a)
    page = client.get(url("reopen_case", case)).content.decode()
    assert "Only a closed case can be reopened" in page and 'name="reason"' not in page


# --- Who may ------------------------------------------------------------------------------


def test_the_closure_pages_need_a_login(client, case):
    for address in (url("close_case", case), url("reopen_case", case)):
        response = client.get(address)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_another_unit_cannot_close_or_reopen_a_case(client, personas, case):
    log_in(client, personas.supervisor_b)
    for address in (url("close_case", case), url("reopen_case", case)):
        assert client.get(address).status_code == 404
    response = client.post(url("close_case", case), {"reason": "needs_met", "summary": "x"})
    assert response.status_code == 404
    assert not Closure.objects.exists()


def test_a_restricted_case_is_closed_only_by_its_named_users(client, personas):
    case = make_case(personas, "a", restricted=True)
    log_in(client, personas.case_worker_a)
    assert client.get(url("close_case", case)).status_code == 200
    log_in(client, personas.case_worker_b)
    assert client.get(url("close_case", case)).status_code == 404
