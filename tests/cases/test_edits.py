"""The pages that change a case: opening it, people, incidents, perpetrators, workers.

Forms are filled the way a browser does: read from the page, changed, posted back.
"""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lindungi.accounts.models import Membership, User
from lindungi.audit.models import AuditEvent
from lindungi.cases import actions
from lindungi.cases.models import Case, Client, Incident, Perpetrator
from lindungi.notifications.models import Notification
from tests.cases.factories import make_case
from tests.html_forms import read_forms
from tests.login import log_in


def form_on(response, containing):
    """The values of the page's form that has a field named ``containing``."""
    forms = [form.data(submit=False) for form in read_forms(response.content.decode())]
    form = next(f for f in forms if containing in f)
    return {name: values if len(values) != 1 else values[0] for name, values in form.items()}


def page_form(client, url, containing="form_token"):
    response = client.get(url)
    assert response.status_code == 200
    return form_on(response, containing)


@pytest.fixture
def case(personas):
    return make_case(personas, "a")


def survivor_of(case):
    return case.clients.get(role="survivor")


def detail(case):
    return reverse("cases:detail", args=[case.pk])


# --- Opening a case ----------------------------------------------------------------------


def test_a_case_worker_opens_a_case_in_their_unit_with_its_first_survivor(client, personas):
    log_in(client, personas.case_worker_a)
    data = page_form(client, reverse("cases:open"))
    data.update(
        name="Dewi Lestari",
        nik="3174 0123 4567 8902",
        phone="0813-1111-2222",
        birth_date="1958-02-01",
        sex="female",
        kelurahan="31.74.01.1001",
        wg_walking="a_lot",
        priority="high",
    )
    response = client.post(reverse("cases:open"), data)
    case = Case.objects.get(opened_by=personas.case_worker_a)
    assert response.status_code == 302 and response.url == detail(case)
    assert case.unit == personas.unit_a and case.priority == "high"
    assert personas.case_worker_a in case.workers.all()
    survivor = survivor_of(case)
    assert survivor.nik == "317401234567890" + "2" and survivor.phone == "+6281311112222"
    assert Client.objects.with_nik("3174012345678902").get() == survivor


def test_after_saving_a_person_the_derived_vulnerable_groups_are_shown(client, personas):
    log_in(client, personas.case_worker_a)
    data = page_form(client, reverse("cases:open"))
    data.update(birth_date="1958-02-01", sex="female", wg_walking="a_lot")
    response = client.post(reverse("cases:open"), data, follow=True)
    shown = response.content.decode()
    # Indonesian is the default language; the groups are worked out, never typed.
    assert "Lansia" in shown or "Older person" in shown
    assert "disabilitas" in shown.lower() or "disability" in shown


@pytest.mark.parametrize("persona", ["intake_officer", "analyst", "administrator", "outsider"])
def test_only_case_workers_and_supervisors_open_cases(client, personas, persona):
    log_in(client, getattr(personas, persona))
    assert client.get(reverse("cases:open")).status_code == 403


def test_opening_a_case_needs_a_login(client):
    response = client.get(reverse("cases:open"))
    assert response.status_code == 302 and "/akun/" in response.url


def test_a_double_submission_of_a_new_case_opens_it_once(client, personas):
    log_in(client, personas.supervisor_a)
    data = page_form(client, reverse("cases:open"))
    first = client.post(reverse("cases:open"), data)
    second = client.post(reverse("cases:open"), data)
    assert Case.objects.filter(opened_by=personas.supervisor_a).count() == 1
    assert first.url == second.url


# --- Permissions of every edit page ------------------------------------------------------


def edit_urls(case):
    client = survivor_of(case)
    incident = case.incidents.get()
    urls = [
        reverse("cases:edit_case", args=[case.pk]),
        reverse("cases:add_client", args=[case.pk]),
        reverse("cases:edit_client", args=[client.pk]),
        reverse("cases:add_incident", args=[case.pk]),
        reverse("cases:edit_incident", args=[incident.pk]),
        reverse("cases:add_perpetrator", args=[incident.pk]),
    ]
    perpetrator = Perpetrator.objects.filter(incident=incident).first()
    if perpetrator:
        urls.append(reverse("cases:edit_perpetrator", args=[perpetrator.pk]))
    return urls


def test_every_edit_page_answers_its_case_worker_and_supervisor(client, personas, case):
    for user in (personas.case_worker_a, personas.supervisor_a):
        log_in(client, user)
        for url in edit_urls(case):
            assert client.get(url).status_code == 200, url


def test_every_edit_page_is_404_for_the_other_unit_and_audited(client, personas, case):
    log_in(client, personas.case_worker_b)
    for url in edit_urls(case):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    denied = AuditEvent.objects.filter(action="case.denied", actor=personas.case_worker_b)
    assert denied.count() == 2 * len(edit_urls(case))


def test_every_edit_page_is_404_for_people_who_do_not_work_cases(client, personas, case):
    for name in ("supervisor_b", "intake_officer", "responder", "analyst", "administrator"):
        log_in(client, getattr(personas, name))
        for url in edit_urls(case):
            assert client.get(url).status_code == 404, (name, url)


def test_every_edit_page_needs_a_login(client, case):
    for url in edit_urls(case):
        response = client.get(url)
        assert response.status_code == 302 and "/akun/" in response.url


def test_a_restricted_case_is_edited_only_by_its_named_users(client, personas):
    restricted = make_case(personas, "a", restricted=True)
    log_in(client, personas.case_worker_a)
    for url in edit_urls(restricted):
        assert client.get(url).status_code == 200, url
    supervisor = User.objects.create_user("sup2@test.lindungi.id", "x" * 16, display_name="S2")
    Membership.objects.create(user=supervisor, unit=personas.unit_a, role="supervisor")
    log_in(client, supervisor)
    for url in edit_urls(restricted):
        assert client.get(url).status_code == 404, url


def test_break_glass_reads_but_never_edits(client, personas, case):
    actions.break_glass(personas.supervisor_b, case, "Survivor at our door, needs the plan")
    log_in(client, personas.supervisor_b)
    for url in edit_urls(case):
        assert client.get(url).status_code == 404, url


def test_an_unknown_id_is_404(client, personas):
    log_in(client, personas.supervisor_a)
    assert client.get(reverse("cases:edit_client", args=[uuid.uuid4()])).status_code == 404


# --- The case: status, priority, workers -------------------------------------------------


def test_the_status_and_priority_are_changed(client, personas, case):
    log_in(client, personas.case_worker_a)
    url = reverse("cases:edit_case", args=[case.pk])
    data = page_form(client, url, "version")
    data.update(status="services", priority="low")
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == detail(case)
    case.refresh_from_db()
    assert (case.status, case.priority, case.version) == ("services", "low", 2)


def test_closing_is_not_offered_on_the_status_form(client, personas, case):
    log_in(client, personas.supervisor_a)
    url = reverse("cases:edit_case", args=[case.pk])
    data = page_form(client, url, "version")
    response = client.post(url, {**data, "status": "closed"})
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == "open" and case.closed_at is None


def test_a_supervisor_assigns_a_case_worker_of_the_unit(client, personas, case):
    colleague = User.objects.create_user("cw2@test.lindungi.id", "x" * 16, display_name="C2")
    Membership.objects.create(user=colleague, unit=personas.unit_a, role="case_worker")
    log_in(client, personas.supervisor_a)
    url = reverse("cases:edit_case", args=[case.pk])
    data = page_form(client, url, "worker")
    assert client.post(url, {**data, "worker": colleague.pk}).status_code == 302
    assert colleague in case.workers.all()
    assert Notification.objects.filter(user=colleague).exists()


def test_a_case_worker_cannot_assign_and_a_worker_of_another_unit_is_refused(
    client, personas, case
):
    log_in(client, personas.case_worker_a)
    url = reverse("cases:edit_case", args=[case.pk])
    assert client.post(url, {"worker": personas.case_worker_a.pk}).status_code == 403
    log_in(client, personas.supervisor_a)
    response = client.post(url, {"worker": personas.case_worker_b.pk})
    assert response.status_code == 200 and personas.case_worker_b not in case.workers.all()


# --- Clients -----------------------------------------------------------------------------


def test_a_dependant_is_added_to_the_case(client, personas, case):
    log_in(client, personas.case_worker_a)
    url = reverse("cases:add_client", args=[case.pk])
    data = page_form(client, url)
    data.update(role="dependant", name="Putri", age_estimate="6", sex="female")
    assert client.post(url, data).status_code == 302
    child = case.clients.get(role="dependant")
    assert child.age_estimate == 6 and child.vulnerable_groups(timezone.localdate()) == {"child"}


def test_a_double_post_of_add_person_creates_one_and_shows_it(client, personas, case):
    log_in(client, personas.case_worker_a)
    url = reverse("cases:add_client", args=[case.pk])
    data = page_form(client, url)
    data.update(role="dependant", name="Putri")
    client.post(url, data)
    again = client.post(url, data, follow=True)
    assert case.clients.filter(role="dependant").count() == 1
    assert again.redirect_chain[-1][0] == detail(case)


def test_a_guardian_is_the_guardian_of_a_person_of_the_case(client, personas, case):
    log_in(client, personas.case_worker_a)
    url = reverse("cases:add_client", args=[case.pk])
    data = page_form(client, url)
    data.update(role="guardian", guardian_of=str(survivor_of(case).pk))
    assert client.post(url, data).status_code == 302
    other = survivor_of(make_case(personas, "a"))
    data = page_form(client, url)
    data.update(role="guardian", guardian_of=str(other.pk))
    assert client.post(url, data).status_code == 200
    assert case.clients.filter(role="guardian").count() == 1


class DAYS_AHEAD(int):
    """A date that many days after today in the deployment's zone, worked out when the test
    sends it (``sent``): a date fixed when the module is imported, or the machine's own
    (UTC) date, is another day in Jakarta for seven hours of every day."""


def sent(bad):
    return {
        name: (timezone.localdate() + timedelta(days=value)).isoformat()
        if isinstance(value, DAYS_AHEAD)
        else value
        for name, value in bad.items()
    }


BAD_CLIENT_INPUT = [
    ({"nik": "12345"}, "nik"),
    ({"nik": "3174abcd45678901"}, "nik"),
    ({"phone": "12"}, "phone"),
    ({"phone": "+44 20 79"}, "phone"),
    ({"phone": "call me"}, "phone"),
    ({"birth_date": DAYS_AHEAD(1)}, "birth_date"),
    ({"birth_date": "1850-01-01"}, "birth_date"),
    ({"birth_date": "2001-02-30"}, "birth_date"),
    ({"birth_date": "1990-01-01", "age_estimate": "30"}, "age_estimate"),
    ({"age_estimate": "abc"}, "age_estimate"),
    ({"age_estimate": "121"}, "age_estimate"),
    ({"age_estimate": "-1"}, "age_estimate"),
    ({"kelurahan": "99.99.99.9999"}, "kelurahan"),
    ({"kelurahan": "31.74"}, "kelurahan"),
    ({"name": "x" * 201}, "name"),
    ({"address_detail": "x" * 501}, "address_detail"),
    ({"occupation": "x" * 101}, "occupation"),
    ({"sex": "robot"}, "sex"),
    ({"role": ""}, "role"),
    ({"wg_seeing": "maybe"}, "wg_seeing"),
    ({"accommodations": ["teleport"]}, "accommodations"),
]


@pytest.mark.parametrize(("bad", "field"), BAD_CLIENT_INPUT)
def test_bad_input_about_a_person_is_refused_with_a_message_and_changes_nothing(
    client, personas, case, bad, field
):
    log_in(client, personas.case_worker_a)
    url = reverse("cases:add_client", args=[case.pk])
    data = page_form(client, url)
    data.update({"role": "dependant", **sent(bad)})
    before = (Client.objects.count(), AuditEvent.objects.count())
    response = client.post(url, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="error-summary"' in response.content.decode()
    assert (Client.objects.count(), AuditEvent.objects.count()) == before


def test_errors_are_in_the_users_language(client, personas, case):
    log_in(client, personas.case_worker_a)
    url = reverse("cases:add_client", args=[case.pk])
    data = {**page_form(client, url), "role": "dependant", "nik": "123"}
    assert "16 digit" in client.post(url, data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.cookies["lindungi_language"] = "en"
    assert "exactly 16 digits" in client.post(url, data).content.decode()


def test_an_empty_post_changes_nothing(client, personas, case):
    log_in(client, personas.case_worker_a)
    for url in edit_urls(case):
        before = (Client.objects.count(), Incident.objects.count(), Perpetrator.objects.count())
        assert client.post(url, {}).status_code == 200, url
        after = (Client.objects.count(), Incident.objects.count(), Perpetrator.objects.count())
        assert after == before, url


def test_a_person_is_changed_and_the_change_audited_without_personal_data(client, personas, case):
    survivor = survivor_of(case)
    log_in(client, personas.case_worker_a)
    url = reverse("cases:edit_client", args=[survivor.pk])
    data = page_form(client, url, "version")
    assert data["name"] == "Siti Aminah"
    data.update(phone="0811-2222-3333", occupation="Pedagang")
    assert client.post(url, data).status_code == 302
    survivor.refresh_from_db()
    assert survivor.phone == "+6281122223333" and survivor.version == 2
    event = AuditEvent.objects.filter(action="client.update").latest("pk")
    assert "2222" not in str(event.__dict__) and "Pedagang" not in str(event.__dict__)


# --- Incidents ---------------------------------------------------------------------------


def incident_data(client, case, **answers):
    url = reverse("cases:add_incident", args=[case.pk])
    data = page_form(client, url)
    data.update(
        survivor=str(survivor_of(case).pk),
        occurred_on=(timezone.localdate() - timedelta(days=2)).isoformat(),
        reported_on=timezone.localdate().isoformat(),
        place_type="rumah_tangga",
        violence_types=["seksual"],
        description="Canary incident text",
        **answers,
    )
    return url, data


def test_the_first_yes_decides_the_gbvims_type_and_later_answers_do_not_count(
    client, personas, case
):
    log_in(client, personas.case_worker_a)
    url, data = incident_data(
        client,
        case,
        gbv_rape="no",
        gbv_sexual_assault="yes",
        gbv_physical_assault="yes",
        gbv_psychological_abuse="yes",
    )
    response = client.post(url, data, follow=True)
    incident = case.incidents.latest("created_at")
    assert incident.gbv_type == "sexual_assault"
    assert incident.gbv_answers == {"rape": False, "sexual_assault": True}
    assert incident.reporting_delay == "0-3d"
    assert incident.description == "Canary incident text"
    assert "Canary" not in str(AuditEvent.objects.latest("pk").__dict__)
    assert response.status_code == 200  # the case page, with the computed type in a message


def test_all_no_is_non_gbv_and_no_answers_is_undecided(client, personas, case):
    log_in(client, personas.case_worker_a)
    no = {f"gbv_{t}": "no" for t in ("rape", "sexual_assault", "physical_assault")}
    no.update({f"gbv_{t}": "no" for t in ("forced_marriage", "denial_of_resources")})
    url, data = incident_data(client, case, gbv_psychological_abuse="no", **no)
    client.post(url, data)
    assert case.incidents.latest("created_at").gbv_type == "non_gbv"
    url, data = incident_data(client, case)
    client.post(url, data)
    assert case.incidents.latest("created_at").gbv_type == ""


def test_questions_must_be_answered_in_order(client, personas, case):
    log_in(client, personas.case_worker_a)
    url, data = incident_data(client, case, gbv_physical_assault="yes")
    count = case.incidents.count()
    response = client.post(url, data)
    assert response.status_code == 200 and "gbv_rape" in response.context["form"].errors
    assert case.incidents.count() == count


def test_a_child_rape_and_goods_exchanged_show_their_context_flags(client, personas, case):
    log_in(client, personas.case_worker_a)
    add = reverse("cases:add_client", args=[case.pk])
    child = {**page_form(client, add), "role": "dependant", "age_estimate": "14", "sex": "female"}
    client.post(add, child)
    url, data = incident_data(client, case, gbv_rape="yes", goods_exchanged="on")
    data["survivor"] = str(case.clients.get(role="dependant").pk)
    data["tpks_forms"] = ["rape"]
    client.post(url, data)
    incident = case.incidents.latest("created_at")
    assert incident.context_flags == ["child_sexual_abuse", "sexual_exploitation"]
    assert incident.tpks_forms == ["rape"]


BAD_INCIDENT_INPUT = [
    ({"tpks_forms": ["rape"], "violence_types": ["fisik"], "gbv_rape": "no"}, "tpks_forms"),
    ({"occurred_on": DAYS_AHEAD(3)}, "occurred_on"),
    ({"occurred_on": DAYS_AHEAD(0), "reported_on": "2020-01-01"}, "occurred_on"),
    ({"occurred_on": "kemarin"}, "occurred_on"),
    ({"place_type": "moon"}, "place_type"),
    ({"violence_types": []}, "violence_types"),
    ({"description": "x" * 10_001}, "description"),
    ({"survivor": str(uuid.uuid4())}, "survivor"),
    ({"kelurahan": "00.00.00.0000"}, "kelurahan"),
    ({"gbv_rape": "maybe"}, "gbv_rape"),
]


@pytest.mark.parametrize(("bad", "field"), BAD_INCIDENT_INPUT)
def test_bad_input_about_an_incident_is_refused_and_changes_nothing(
    client, personas, case, bad, field
):
    log_in(client, personas.case_worker_a)
    url, data = incident_data(client, case)
    data.update(sent(bad))
    before = (Incident.objects.count(), AuditEvent.objects.count())
    response = client.post(url, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert (Incident.objects.count(), AuditEvent.objects.count()) == before


def test_a_survivor_of_another_case_cannot_be_chosen(client, personas, case):
    other = survivor_of(make_case(personas, "a"))
    log_in(client, personas.case_worker_a)
    url, data = incident_data(client, case)
    data["survivor"] = str(other.pk)
    response = client.post(url, data)
    assert "survivor" in response.context["form"].errors


def test_the_gbv_walk_reveals_the_next_question_only_after_a_no(client, personas):
    log_in(client, personas.case_worker_a)
    url = reverse("cases:gbv_next")
    shown = client.post(url, {}).content.decode()
    assert 'name="gbv_rape"' in shown and 'name="gbv_sexual_assault"' not in shown
    shown = client.post(url, {"gbv_rape": "no"}).content.decode()
    assert 'name="gbv_sexual_assault"' in shown and 'name="gbv_physical_assault"' not in shown
    shown = client.post(url, {"gbv_rape": "no", "gbv_sexual_assault": "yes"}).content.decode()
    assert 'name="gbv_physical_assault"' not in shown
    assert client.get(url).status_code == 405
    log_in(client, personas.analyst)
    assert client.post(url, {}).status_code == 403


def test_an_incident_is_changed(client, personas, case):
    incident = case.incidents.get()
    log_in(client, personas.case_worker_a)
    url = reverse("cases:edit_incident", args=[incident.pk])
    data = page_form(client, url, "version")
    assert data["gbv_physical_assault"] == "yes"
    data.update(gbv_sexual_assault="yes", violence_types=["fisik", "seksual"])
    assert client.post(url, data).status_code == 302
    incident.refresh_from_db()
    assert incident.gbv_type == "sexual_assault" and incident.version == 2


# --- Perpetrators ------------------------------------------------------------------------


def test_a_public_employee_perpetrator_restricts_the_case_at_once(client, personas, case):
    incident = case.incidents.get()
    log_in(client, personas.case_worker_a)
    url = reverse("cases:add_perpetrator", args=[incident.pk])
    data = page_form(client, url)
    data.update(
        relationship="tetangga",
        public_employment="civil_servant",
        employing_agency="Dinas Contoh",
        name="Canary Perpetrator",
    )
    response = client.post(url, data, follow=True)
    case.refresh_from_db()
    assert case.restricted and case.restriction_reason == "staff_perpetrator"
    assert Notification.objects.filter(user=personas.supervisor_a, kind="case_restricted").exists()
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and response.redirect_chain[-1][0] == detail(case)
    assert incident.perpetrators.get().name == "Canary Perpetrator"


def test_a_public_employee_without_an_agency_is_refused(client, personas, case):
    incident = case.incidents.get()
    log_in(client, personas.case_worker_a)
    url = reverse("cases:add_perpetrator", args=[incident.pk])
    data = {**page_form(client, url), "relationship": "lainnya", "public_employment": "ppsu"}
    response = client.post(url, data)
    assert "employing_agency" in response.context["form"].errors
    case.refresh_from_db()
    assert not case.restricted and not incident.perpetrators.exists()


@pytest.mark.parametrize(
    "bad",
    [{"count": "0"}, {"count": "101"}, {"count": "two"}, {"relationship": ""}, {"age_group": "9"}],
)
def test_bad_input_about_a_perpetrator_is_refused(client, personas, case, bad):
    incident = case.incidents.get()
    log_in(client, personas.case_worker_a)
    url = reverse("cases:add_perpetrator", args=[incident.pk])
    data = {**page_form(client, url), "relationship": "lainnya", **bad}
    assert client.post(url, data).status_code == 200
    assert not incident.perpetrators.exists()


def test_a_husband_is_an_intimate_partner_and_flags_the_incident(client, personas, case):
    incident = case.incidents.get()
    log_in(client, personas.case_worker_a)
    url = reverse("cases:add_perpetrator", args=[incident.pk])
    data = {**page_form(client, url), "relationship": "suami_istri", "sex": "male"}
    client.post(url, data)
    perpetrator = incident.perpetrators.get()
    assert perpetrator.intimate_partner
    edit = reverse("cases:edit_perpetrator", args=[perpetrator.pk])
    data = {**page_form(client, edit, "version"), "count": "2"}
    assert client.post(edit, data).status_code == 302
    perpetrator.refresh_from_db()
    incident.refresh_from_db()
    assert perpetrator.count == 2 and "intimate_partner" in incident.context_flags


# --- Every page: a fragment for htmx, nothing a strict CSP would block -------------------


def test_the_edit_pages_answer_htmx_with_a_fragment_and_have_no_inline_code(client, personas, case):
    from tests.core.test_headers import InlineCode

    log_in(client, personas.supervisor_a)
    urls = [reverse("cases:open"), *edit_urls(case)]
    urls += [reverse("cases:break_glass", args=[case.pk]), reverse("cases:break_glass_reviews")]
    for url in urls:
        full = client.get(url)
        checker = InlineCode()
        checker.feed(full.content.decode())
        assert full.status_code == 200 and not checker.found, url
        fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert "<html" not in fragment and "<h1>" in fragment, url
