"""The case page and its printable summary: who sees them, what they show, and the audit."""

from datetime import date

import pytest
from django.urls import reverse

from lindungi.accounts.models import Membership, User
from lindungi.audit.models import AuditEvent
from lindungi.cases import actions
from lindungi.cases.access import Via
from tests.cases.factories import make_case
from tests.login import log_in


@pytest.fixture
def cases(personas):
    return {
        "a": make_case(personas, "a"),
        "b": make_case(personas, "b"),
        "restricted": make_case(personas, "a", restricted=True),
    }


def detail(case):
    return reverse("cases:detail", args=[case.pk])


def printable(case):
    return reverse("cases:print", args=[case.pk])


@pytest.mark.parametrize("url", [detail, printable])
def test_without_login_the_case_pages_redirect_to_the_login_page(client, cases, url):
    response = client.get(url(cases["a"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("url", [detail, printable])
def test_the_case_worker_of_unit_b_gets_404_on_unit_as_case_and_it_is_audited(
    client, personas, cases, url
):
    log_in(client, personas.case_worker_b)
    response = client.get(url(cases["a"]))
    assert response.status_code == 404
    denied = AuditEvent.objects.get(action="case.denied", object_id=str(cases["a"].pk))
    assert denied.actor_id == personas.case_worker_b.pk


@pytest.mark.parametrize("persona", ["analyst", "administrator", "intake_officer", "outsider"])
def test_roles_that_do_not_work_cases_get_404(client, personas, cases, persona):
    log_in(client, getattr(personas, persona))
    assert client.get(detail(cases["a"])).status_code == 404


def test_the_assigned_case_worker_sees_the_whole_case_and_the_read_is_audited(
    client, personas, cases
):
    case = cases["a"]
    log_in(client, personas.case_worker_a)
    response = client.get(detail(case))
    assert response.status_code == 200
    page = response.content.decode()
    assert case.survivor_code in page
    assert "Siti Aminah" in page and "3174012345678901" in page
    assert "Canary narrative text" in page
    assert AuditEvent.objects.filter(
        action="case.read", object_id=str(case.pk), actor=personas.case_worker_a
    ).exists()


def test_the_page_shows_groups_classification_and_the_timeline(client, personas, cases):
    client.cookies["lindungi_language"] = "en"
    log_in(client, personas.supervisor_a)
    response = client.get(detail(cases["a"]))
    page = response.content.decode()
    for text in ("Woman", "Physical assault", "0–3 days", "Case opened", "Incident added"):
        assert text in page, text
    assert "Case Worker A" in page  # the worker, and the actor of the timeline entries
    assert [e.kind for e in response.context["events"]][:1] == ["opened"]


def test_the_restricted_case_shows_its_marker_and_the_public_employee(client, personas, cases):
    client.cookies["lindungi_language"] = "en"
    log_in(client, personas.case_worker_a)
    page = client.get(detail(cases["restricted"])).content.decode()
    assert "Restricted" in page
    assert "Public employee" in page and "Kelurahan Tebet Timur" in page


def test_a_restricted_case_is_404_for_an_unnamed_supervisor_of_its_unit(client, personas, cases):
    newcomer = User.objects.create_user("sup4@test.lindungi.id", "x" * 16, display_name="New")
    Membership.objects.create(user=newcomer, unit=personas.unit_a, role="supervisor")
    log_in(client, newcomer)
    assert client.get(detail(cases["a"])).status_code == 200
    assert client.get(detail(cases["restricted"])).status_code == 404
    assert client.get(printable(cases["restricted"])).status_code == 404


def test_a_break_glass_reader_sees_the_case_without_names_or_narrative(client, personas, cases):
    actions.break_glass(personas.supervisor_b, cases["a"], "Survivor at the ER, unit A closed")
    log_in(client, personas.supervisor_b)
    response = client.get(detail(cases["a"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert cases["a"].survivor_code in page
    assert "Siti" not in page and "Canary narrative" not in page and "0812" not in page
    access = response.context["access"]
    assert not access.may_edit and not access.may_read_content
    assert access.via == {Via.BREAK_GLASS} and access.break_glass_until is not None


def test_edit_links_show_only_to_those_who_may_edit(client, personas, cases):
    actions.break_glass(personas.supervisor_b, cases["a"], "Survivor at the ER, unit A closed")
    edit_url = reverse("cases:edit_case", args=[cases["a"].pk])
    log_in(client, personas.case_worker_a)
    assert edit_url in client.get(detail(cases["a"])).content.decode()
    client.logout()
    log_in(client, personas.supervisor_b)
    assert edit_url not in client.get(detail(cases["a"])).content.decode()


def test_an_htmx_request_gets_the_case_page_without_the_frame(client, personas, cases):
    log_in(client, personas.case_worker_a)
    response = client.get(detail(cases["a"]), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert cases["a"].survivor_code in body and "<html" not in body


def test_the_printable_summary_has_no_navigation_and_is_audited_as_an_export(
    client, personas, cases
):
    case = cases["a"]
    log_in(client, personas.case_worker_a)
    response = client.get(printable(case))
    assert response.status_code == 200
    page = response.content.decode()
    assert case.survivor_code in page and "Siti Aminah" in page
    assert "main-nav" not in page and "site-header" not in page
    assert "css/cases.css" in page
    export = AuditEvent.objects.get(action="data.export", object_id=str(case.pk))
    assert export.object_type == "cases.case"
    assert export.actor_id == personas.case_worker_a.pk


def test_the_print_stylesheet_has_print_rules():
    from django.contrib.staticfiles import finders

    with open(finders.find("css/cases.css")) as stylesheet:
        assert "@media print" in stylesheet.read()


def test_people_incidents_and_the_timeline_come_in_their_order(client, personas, cases):
    case, worker = cases["a"], personas.case_worker_a
    child = actions.add_client(
        worker, case, {"role": "dependant", "name": "Budi", "sex": "male", "age_estimate": 6}
    )
    survivor = case.clients.get(role="survivor")
    undated = actions.add_incident(
        worker,
        case,
        {"survivor": survivor, "reported_on": date(2026, 11, 23), "place_type": "lainnya"},
    )
    older = actions.add_incident(
        worker,
        case,
        {"survivor": child, "occurred_on": date(2026, 1, 5), "place_type": "lainnya"},
    )
    log_in(client, worker)
    response = client.get(detail(case))
    page = response.content.decode()
    assert page.index("Survivor 1") < page.index("Dependant")
    assert "Tebet Timur, Tebet, Kota Administrasi Jakarta Selatan" in page  # where she lives
    incidents = [i.pk for i in response.context["case"].incident_list]
    assert incidents[0] == older.pk and incidents[-1] == undated.pk
    events = response.context["events"]
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert events[0].kind == "opened" and events[-1].kind == "incident_added"
