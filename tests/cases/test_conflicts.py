"""No silent overwrite: two people edit the same record; the later save is refused with 409,
keeps what its author typed and shows, field by field, what the other person changed."""

import pytest
from django.test import Client as Browser
from django.urls import reverse

from lindungi.accounts.models import Membership, User
from lindungi.cases import actions
from tests.cases.factories import make_case
from tests.cases.test_edits import form_on, page_form
from tests.login import log_in


@pytest.fixture
def case(personas):
    return make_case(personas, "a")


def worker_user(case):
    return case.workers.get()


@pytest.fixture
def two(personas):
    """The case worker and the supervisor of unit A, each in their own browser."""
    worker, supervisor = Browser(), Browser()
    log_in(worker, personas.case_worker_a)
    log_in(supervisor, personas.supervisor_a)
    return worker, supervisor


def test_a_stale_edit_of_a_person_is_refused_and_keeps_what_the_user_typed(case, two):
    worker, supervisor = two
    survivor = case.clients.get(role="survivor")
    url = reverse("cases:edit_client", args=[survivor.pk])
    mine, theirs = page_form(worker, url, "version"), page_form(supervisor, url, "version")

    theirs.update(phone="0811-9999-0000", occupation="Guru")
    assert supervisor.post(url, theirs).status_code == 302

    mine.update(name="Siti Aminah Rahma", occupation="Pedagang", address_detail="Gang Mawar 7")
    response = worker.post(url, mine)
    assert response.status_code == 409
    survivor.refresh_from_db()
    assert (survivor.name, survivor.occupation, survivor.version) == ("Siti Aminah", "Guru", 2)

    conflicts = {c["field"]: c for c in response.context["form"].conflicts}
    assert set(conflicts) == {"phone", "occupation"}
    assert conflicts["occupation"]["theirs"] == "Guru"
    assert conflicts["occupation"]["mine"] == "Pedagang" and conflicts["occupation"]["kept"]
    assert conflicts["phone"]["theirs"] == "+6281199990000" and not conflicts["phone"]["kept"]

    # The page keeps everything typed, takes over what only the other person changed...
    again = form_on(response, "version")
    assert again["name"] == "Siti Aminah Rahma" and again["occupation"] == "Pedagang"
    assert again["address_detail"] == "Gang Mawar 7"
    assert again["phone"] == "+6281199990000" and again["version"] == "2"
    body = response.content.decode()
    assert "Guru" in body and "Pedagang" in body

    # ...and saving it again is a deliberate decision that succeeds.
    assert worker.post(url, again).status_code == 302
    survivor.refresh_from_db()
    assert survivor.name == "Siti Aminah Rahma" and survivor.occupation == "Pedagang"
    assert survivor.phone == "+6281199990000" and survivor.version == 3


def test_a_stale_status_change_is_refused(case, two):
    worker, supervisor = two
    url = reverse("cases:edit_case", args=[case.pk])
    mine, theirs = page_form(worker, url, "version"), page_form(supervisor, url, "version")
    assert supervisor.post(url, {**theirs, "priority": "high"}).status_code == 302
    response = worker.post(url, {**mine, "status": "assessment"})
    assert response.status_code == 409
    case.refresh_from_db()
    assert (case.status, case.priority) == ("open", "high")
    again = form_on(response, "version")
    assert again["status"] == "assessment" and again["priority"] == "high"


def test_a_stale_incident_edit_shows_the_other_answers_beside_mine(case, two):
    worker, supervisor = two
    incident = case.incidents.get()
    url = reverse("cases:edit_incident", args=[incident.pk])
    mine, theirs = page_form(worker, url, "version"), page_form(supervisor, url, "version")
    theirs.update(violence_types=["fisik", "psikis"], gbv_sexual_assault="yes")
    assert supervisor.post(url, theirs).status_code == 302
    mine.update(violence_types=["fisik", "penelantaran"], description="Canary revised")
    response = worker.post(url, mine)
    assert response.status_code == 409
    incident.refresh_from_db()
    assert incident.description == "Canary narrative text"
    changed = {c["field"]: c for c in response.context["form"].conflicts}
    # Their "yes" to the second question ends the walk: the third answer is no longer kept.
    assert set(changed) == {"violence_types", "gbv_sexual_assault", "gbv_physical_assault"}
    assert changed["violence_types"]["kept"] and not changed["gbv_sexual_assault"]["kept"]
    again = form_on(response, "version")
    assert sorted(again["violence_types"]) == ["fisik", "penelantaran"]
    assert again["gbv_sexual_assault"] == "yes" and again["description"] == "Canary revised"


def test_a_stale_perpetrator_edit_is_refused(case, two):
    worker, supervisor = two
    incident = case.incidents.get()
    url = reverse("cases:add_perpetrator", args=[incident.pk])
    perpetrator_form = {**page_form(worker, url), "relationship": "tetangga"}
    worker.post(url, perpetrator_form)
    perpetrator = incident.perpetrators.get()
    edit = reverse("cases:edit_perpetrator", args=[perpetrator.pk])
    mine, theirs = page_form(worker, edit, "version"), page_form(supervisor, edit, "version")
    assert supervisor.post(edit, {**theirs, "occupation": "Sopir"}).status_code == 302
    response = worker.post(edit, {**mine, "count": "3"})
    assert response.status_code == 409
    perpetrator.refresh_from_db()
    assert (perpetrator.count, perpetrator.occupation) == (1, "Sopir")


def test_a_save_after_an_unseen_restriction_is_refused_and_says_nothing_changed(case, two):
    worker, _supervisor = two
    url = reverse("cases:edit_case", args=[case.pk])
    mine = page_form(worker, url, "version")
    actions.restrict_case(worker_user(case), case, "conflict_of_interest")
    response = worker.post(url, {**mine, "priority": "low"})
    assert response.status_code == 409 and response.context["form"].conflicts == []


def test_a_tampered_starting_point_is_refused(case, personas):
    browser = Browser()
    log_in(browser, personas.case_worker_a)
    survivor = case.clients.get(role="survivor")
    url = reverse("cases:edit_client", args=[survivor.pk])
    data = {**page_form(browser, url, "version"), "started": "forged"}
    response = browser.post(url, data)
    assert response.status_code == 200 and "started" in response.context["form"].errors


def test_two_browsers_of_one_unit_each_keep_their_own_starting_point(case, personas):
    """A third editor: each stale browser is told about every save it missed."""
    third = User.objects.create_user("cw3@test.lindungi.id", "x" * 16, display_name="C3")
    Membership.objects.create(user=third, unit=personas.unit_a, role="supervisor")
    browsers = []
    for user in (personas.case_worker_a, personas.supervisor_a, third):
        browser = Browser()
        log_in(browser, user)
        browsers.append(browser)
    url = reverse("cases:edit_case", args=[case.pk])
    forms = [page_form(b, url, "version") for b in browsers]
    assert browsers[0].post(url, {**forms[0], "status": "assessment"}).status_code == 302
    assert browsers[1].post(url, {**forms[1], "priority": "low"}).status_code == 409
    response = browsers[2].post(url, {**forms[2], "priority": "high"})
    assert response.status_code == 409
    assert [c["field"] for c in response.context["form"].conflicts] == ["status"]
