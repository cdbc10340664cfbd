"""The service plan pages: goals, services, asking for approval and deciding it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lindungi.cases import actions
from lindungi.casework import actions as work
from lindungi.casework.models import Approval, PlannedService, ServicePlan
from tests.cases.factories import make_case
from tests.cases.test_edits import form_on, page_form
from tests.login import log_in


@pytest.fixture
def case(personas):
    return make_case(personas, "a")


def plan_url(case):
    return reverse("cases:plan", args=[case.pk])


def due(days=3):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def write_goals(client, case, goals):
    data = page_form(client, plan_url(case), containing="goals")
    data["goals"] = goals
    return client.post(plan_url(case), data)


def add_service(client, case, **values):
    url = reverse("cases:add_service", args=[case.pk])
    data = page_form(client, url)
    data.update({"type": "health", "due_on": due(), "status": "planned", **values})
    return client.post(url, data)


def plan_with_service(worker, case):
    work.save_plan(worker, case, None, "Saya ingin aman")
    work.add_service(worker, case, {"type": "health", "provider_name": "RSUD", "due_on": due()})
    return work.request_approval(worker, case, Approval.Subject.PLAN)


def test_a_worker_writes_the_survivors_goals_and_changes_them(client, personas, case):
    log_in(client, personas.case_worker_a)
    response = write_goals(client, case, "Saya ingin aman dan kembali bekerja")
    assert response.status_code == 302 and response.url == plan_url(case)
    assert case.plan.goals == "Saya ingin aman dan kembali bekerja"
    response = write_goals(client, case, "Saya ingin pindah rumah")
    case.plan.refresh_from_db()
    assert (case.plan.goals, case.plan.version) == ("Saya ingin pindah rumah", 2)
    page = client.get(plan_url(case)).content.decode()
    assert "Saya ingin pindah rumah" in page and "Draft" in page


def test_a_stale_edit_of_the_goals_answers_409_and_keeps_what_was_typed(client, personas, case):
    log_in(client, personas.case_worker_a)
    write_goals(client, case, "First words")
    data = page_form(client, plan_url(case), containing="goals")
    work.save_plan(personas.supervisor_a, case, case.plan.version, "Someone else's words")
    data["goals"] = "My words"
    response = client.post(plan_url(case), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this record" in page and "My words" in page
    case.plan.refresh_from_db()
    assert case.plan.goals == "Someone else's words"


def test_services_are_added_with_a_unit_of_the_directory_or_an_agency(client, personas, case):
    log_in(client, personas.case_worker_a)
    response = add_service(client, case, provider_unit=str(personas.partner.pk))
    assert response.status_code == 302 and response.url == plan_url(case)
    add_service(client, case, type="legal_aid", provider_name="LBH APIK Jakarta")
    services = {s.type: s for s in case.services.all()}
    assert services["health"].provider_unit == personas.partner
    assert services["legal_aid"].provider_name == "LBH APIK Jakarta"
    page = client.get(plan_url(case)).content.decode()
    assert "Test hospital" in page and "LBH APIK Jakarta" in page


def test_a_service_needs_one_provider_not_two_and_not_none(client, personas, case):
    log_in(client, personas.case_worker_a)
    response = add_service(client, case)
    assert "Choose a unit or name an agency." in response.content.decode()
    response = add_service(
        client, case, provider_unit=str(personas.partner.pk), provider_name="RSUD"
    )
    assert "not both" in response.content.decode()
    assert not case.services.exists()


def test_a_stale_service_edit_is_refused_with_the_differences(client, personas, case):
    service = work.add_service(
        personas.case_worker_a, case, {"type": "health", "provider_name": "RSUD", "due_on": due()}
    )
    url = reverse("cases:edit_service", args=[service.pk])
    log_in(client, personas.case_worker_a)
    data = page_form(client, url, containing="version")
    work.update_service(personas.supervisor_a, service, 1, {"status": "in_progress"})
    data.update(outcome="Visum done", status="done", done_on=timezone.localdate().isoformat())
    response = client.post(url, data)
    assert response.status_code == 409
    assert "Someone else saved this record" in response.content.decode()
    data = form_on(response, "version")
    response = client.post(url, data)
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.status, service.outcome, service.version) == ("done", "Visum done", 3)


def test_asking_for_approval_puts_the_plan_in_waiting(client, personas, case):
    log_in(client, personas.case_worker_a)
    write_goals(client, case, "Aman")
    add_service(client, case, provider_name="RSUD")
    url = reverse("cases:request_plan_approval", args=[case.pk])
    response = client.post(url, {"comment": "Ready"})
    assert response.status_code == 302
    case.plan.refresh_from_db()
    assert case.plan.status == ServicePlan.Status.PENDING
    page = client.get(plan_url(case)).content.decode()
    assert "Waiting for approval" in page and "See the request" in page


def test_asking_for_approval_of_a_plan_without_services_is_refused(client, personas, case):
    log_in(client, personas.case_worker_a)
    write_goals(client, case, "Aman")
    response = client.post(reverse("cases:request_plan_approval", args=[case.pk]), {})
    assert "add its services before asking" in response.content.decode()
    assert not Approval.objects.exists()


def test_a_supervisor_approves_the_plan_with_a_comment(client, personas, case):
    approval = plan_with_service(personas.case_worker_a, case)
    log_in(client, personas.supervisor_a)
    url = reverse("cases:approval", args=[approval.pk])
    page = client.get(url).content.decode()
    assert "Saya ingin aman" in page and "RSUD" in page
    response = client.post(url, {"decision": "approved", "comment": "Good plan"})
    assert response.status_code == 302
    approval.refresh_from_db()
    case.plan.refresh_from_db()
    assert approval.decided_by == personas.supervisor_a
    assert approval.decision_comment == "Good plan"
    assert case.plan.status == ServicePlan.Status.APPROVED


def test_rejecting_needs_a_comment(client, personas, case):
    approval = plan_with_service(personas.case_worker_a, case)
    log_in(client, personas.supervisor_a)
    url = reverse("cases:approval", args=[approval.pk])
    response = client.post(url, {"decision": "rejected"})
    assert response.status_code == 200
    assert "Say why you reject this request." in response.content.decode()
    client.post(url, {"decision": "rejected", "comment": "Add shelter"})
    case.plan.refresh_from_db()
    assert case.plan.status == ServicePlan.Status.REJECTED


def test_a_supervisor_cannot_approve_their_own_request(client, personas, case):
    approval = plan_with_service(personas.supervisor_a, case)
    log_in(client, personas.supervisor_a)
    url = reverse("cases:approval", args=[approval.pk])
    assert "another supervisor of the unit decides it" in client.get(url).content.decode()
    response = client.post(url, {"decision": "approved"})
    assert response.status_code == 403
    assert "You cannot approve your own request." in response.content.decode()
    approval.refresh_from_db()
    assert approval.decided_at is None


def test_a_case_worker_cannot_decide_an_approval(client, personas, case):
    approval = plan_with_service(personas.supervisor_a, case)
    log_in(client, personas.case_worker_a)
    response = client.post(reverse("cases:approval", args=[approval.pk]), {"decision": "approved"})
    assert response.status_code == 403
    approval.refresh_from_db()
    assert approval.decided_at is None


def test_changing_the_goals_of_an_approved_plan_returns_it_to_draft(client, personas, case):
    approval = plan_with_service(personas.case_worker_a, case)
    work.decide_approval(personas.supervisor_a, approval, "approved")
    log_in(client, personas.case_worker_a)
    page = client.get(plan_url(case)).content.decode()
    assert "returns it to draft" in page
    write_goals(client, case, "Saya ingin pindah kota")
    case.plan.refresh_from_db()
    assert case.plan.status == ServicePlan.Status.DRAFT


def test_the_case_page_section_shows_the_plan_and_the_pending_approval(client, personas, case):
    approval = plan_with_service(personas.case_worker_a, case)
    log_in(client, personas.supervisor_a)
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:work_section", args=[case.pk]) in detail  # htmx loads it
    assert reverse("cases:plan", args=[case.pk]) in detail  # the link without JavaScript
    section = client.get(reverse("cases:work_section", args=[case.pk]), HTTP_HX_REQUEST="true")
    html = section.content.decode()
    assert "<html" not in html
    assert reverse("cases:approval", args=[approval.pk]) in html and "Waiting for approval" in html


# --- Who may ------------------------------------------------------------------------------


def test_the_plan_pages_need_a_login(client, case):
    for url in (plan_url(case), reverse("cases:add_service", args=[case.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_another_unit_finds_no_plan_service_or_approval(client, personas, case):
    approval = plan_with_service(personas.case_worker_a, case)
    service = case.services.get()
    log_in(client, personas.supervisor_b)
    for url in (
        plan_url(case),
        reverse("cases:add_service", args=[case.pk]),
        reverse("cases:edit_service", args=[service.pk]),
        reverse("cases:approval", args=[approval.pk]),
        reverse("cases:work_section", args=[case.pk]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(reverse("cases:approval", args=[approval.pk]), {"decision": "approved"})
    assert response.status_code == 404
    approval.refresh_from_db()
    assert approval.decided_at is None


def test_a_restricted_cases_plan_is_for_its_named_users_only(client, personas):
    case = make_case(personas, "a", restricted=True)
    log_in(client, personas.case_worker_a)
    assert client.get(plan_url(case)).status_code == 200
    log_in(client, personas.case_worker_b)
    assert client.get(plan_url(case)).status_code == 404


def test_a_break_glass_reader_reads_the_plan_but_cannot_change_it(client, personas, case):
    plan_with_service(personas.case_worker_a, case)
    actions.break_glass(personas.supervisor_b, case, "Urgent call from the police tonight")
    log_in(client, personas.supervisor_b)
    page = client.get(plan_url(case))
    assert page.status_code == 200 and 'name="goals"' not in page.content.decode()
    assert client.post(plan_url(case), {"goals": "x"}).status_code == 404
    assert client.get(reverse("cases:add_service", args=[case.pk])).status_code == 404
    assert PlannedService.objects.count() == 1
