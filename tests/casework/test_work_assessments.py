"""The assessment pages: needs and risk assessments, their history and the risk level."""

import pytest
from django.urls import reverse

from lindungi.audit.models import AuditEvent
from lindungi.cases import actions
from lindungi.casework.models import Assessment
from tests.cases.factories import make_case
from tests.cases.test_edits import page_form
from tests.login import log_in


@pytest.fixture
def case(personas):
    return make_case(personas, "a")


def needs_url(case):
    return reverse("cases:add_needs_assessment", args=[case.pk])


def risk_url(case):
    return reverse("cases:add_risk_assessment", args=[case.pk])


def risk_answers(client, case, yes=(), **extra):
    data = page_form(client, risk_url(case))
    for name in (
        "escalating",
        "weapon",
        "threats_to_kill",
        "strangulation",
        "jealousy_control",
        "pregnancy",
        "separation",
        "child_at_risk",
        "perpetrator_access",
    ):
        data[f"risk_{name}"] = "yes" if name in yes else "no"
    data.update(extra)
    return data


def test_a_worker_records_a_needs_assessment_with_a_level_per_area(client, personas, case):
    log_in(client, personas.case_worker_a)
    data = page_form(client, needs_url(case))
    data.update(need_health="urgent", need_legal="some", summary="Needs a visum soon")
    response = client.post(needs_url(case), data)
    assessment = case.assessments.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:assessment", args=[assessment.pk])
    assert (assessment.kind, assessment.number) == ("needs", 1)
    assert assessment.answers == {"health": "urgent", "legal": "some"}
    page = client.get(response.url).content.decode()
    assert "Urgent need" in page and "Needs a visum soon" in page and "Not assessed" in page


def test_a_needs_assessment_without_any_level_is_refused(client, personas, case):
    log_in(client, personas.case_worker_a)
    data = page_form(client, needs_url(case))
    response = client.post(needs_url(case), data)
    assert response.status_code == 200
    assert "Choose a level for at least one area." in response.content.decode()
    assert not case.assessments.exists()


def test_a_risk_assessment_shows_its_level_and_sets_the_case_priority(client, personas, case):
    log_in(client, personas.case_worker_a)
    response = client.post(risk_url(case), risk_answers(client, case, yes={"weapon"}))
    assessment = case.assessments.get(kind="risk")
    assert assessment.level == "high"
    case.refresh_from_db()
    assert case.priority == "high"
    page = client.get(response.url).content.decode()
    assert "The checklist gives the level High." in page
    assert "the case priority is now High" in page  # the saved message


def test_a_worker_who_sets_the_level_must_say_why(client, personas, case):
    log_in(client, personas.case_worker_a)
    data = risk_answers(client, case, yes={"weapon"}, override_level="medium")
    response = client.post(risk_url(case), data)
    assert response.status_code == 200
    assert "Say why you set the level yourself." in response.content.decode()
    data["override_reason"] = "The perpetrator is in detention"
    response = client.post(risk_url(case), data)
    assessment = case.assessments.get(kind="risk")
    assert (assessment.level, assessment.effective_level) == ("high", "medium")
    case.refresh_from_db()
    assert case.priority == "medium"
    page = client.get(response.url).content.decode()
    assert "The worker set the level to Medium." in page
    assert "The perpetrator is in detention" in page


def test_a_new_assessment_keeps_the_old_ones_and_the_list_shows_the_latest_first(
    client, personas, case
):
    log_in(client, personas.case_worker_a)
    client.post(risk_url(case), risk_answers(client, case))
    client.post(risk_url(case), risk_answers(client, case, yes={"separation"}))
    numbers = list(case.assessments.filter(kind="risk").values_list("number", "level"))
    assert sorted(numbers) == [(1, "low"), (2, "medium")]
    page = client.get(reverse("cases:assessments", args=[case.pk])).content.decode()
    assert "Latest: number 2" in page and "Earlier assessments" in page
    assert page.index("Latest: number 2") < page.index("Earlier assessments")


def test_the_same_form_sent_twice_makes_one_assessment(client, personas, case):
    log_in(client, personas.case_worker_a)
    data = risk_answers(client, case)
    client.post(risk_url(case), data)
    client.post(risk_url(case), data)
    assert case.assessments.count() == 1


def test_reading_an_assessment_is_audited(client, personas, case):
    log_in(client, personas.case_worker_a)
    response = client.post(risk_url(case), risk_answers(client, case))
    assessment = case.assessments.get()
    client.get(response.url)
    assert AuditEvent.objects.filter(action="assessment.read", object_id=str(assessment.pk))
    client.get(reverse("cases:assessments", args=[case.pk]))
    assert AuditEvent.objects.filter(action="case.read", object_id=str(case.pk))


# --- Who may ------------------------------------------------------------------------------


def test_the_assessment_pages_need_a_login(client, case):
    for url in (reverse("cases:assessments", args=[case.pk]), needs_url(case), risk_url(case)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_another_units_worker_finds_no_assessment_page(client, personas, case):
    log_in(client, personas.case_worker_b)
    for url in (reverse("cases:assessments", args=[case.pk]), needs_url(case), risk_url(case)):
        assert client.get(url).status_code == 404
    assert client.post(risk_url(case), {}).status_code == 404
    assert not Assessment.objects.exists()


def test_a_restricted_case_is_assessed_only_by_its_named_users(client, personas):
    case = make_case(personas, "a", restricted=True)
    log_in(client, personas.case_worker_a)
    assert client.get(risk_url(case)).status_code == 200
    log_in(client, personas.case_worker_b)
    assert client.get(risk_url(case)).status_code == 404
    assert client.get(reverse("cases:assessments", args=[case.pk])).status_code == 404


def test_a_break_glass_reader_sees_assessments_but_cannot_add_one(client, personas, case):
    log_in(client, personas.supervisor_b)
    actions.break_glass(personas.supervisor_b, case, "Urgent call from the police tonight")
    assert client.get(reverse("cases:assessments", args=[case.pk])).status_code == 200
    assert client.get(risk_url(case)).status_code == 404
