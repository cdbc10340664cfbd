"""A person's phone number on the case may be from abroad (migrant workers, families
abroad), read as intake reads it: Indonesia by default, stored in E.164, found by search
however it is written."""

import pytest
from django.urls import reverse

from lindungi.cases import actions
from lindungi.cases.models import Client
from lindungi.intake.candidates import find_candidates
from tests.cases.factories import make_case
from tests.cases.test_edits import page_form
from tests.login import log_in

JSON = "application/json"
MALAYSIA = "+60 12-345 6789"
SAUDI = "+966 50 123 4567"


@pytest.fixture
def case(personas):
    return make_case(personas, "a")


def _add_on_page(client, case, phone):
    url = reverse("cases:add_client", args=[case.pk])
    data = {**page_form(client, url), "role": "dependant", "phone": phone}
    return client.post(url, data)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (MALAYSIA, "+60123456789"),
        (SAUDI, "+966501234567"),
        ("0812-3456-7890", "+6281234567890"),
        ("62 813 1111 2222", "+6281311112222"),
    ],
)
def test_the_person_form_takes_a_number_from_indonesia_or_abroad(
    client, personas, case, typed, stored
):
    log_in(client, personas.case_worker_a)
    assert _add_on_page(client, case, typed).status_code == 302
    assert case.clients.get(role="dependant").phone == stored


@pytest.mark.parametrize("typed", ["12345", "+966 5", "call me at night"])
def test_a_number_that_cannot_be_dialled_is_refused_with_a_clear_message(
    client, personas, case, typed
):
    log_in(client, personas.case_worker_a)
    before = Client.objects.count()
    response = _add_on_page(client, case, typed)
    assert response.status_code == 200
    [message] = response.context["form"].errors["phone"]
    assert "+ and its country code" in message and typed not in message
    assert Client.objects.count() == before


def test_the_open_case_form_takes_a_saudi_number(client, personas):
    log_in(client, personas.case_worker_a)
    url = reverse("cases:open")
    data = {**page_form(client, url), "phone": SAUDI, "sex": "female"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert Client.objects.with_phone("+966501234567").get().role == "survivor"


def test_the_action_stores_a_number_from_abroad_in_e164_and_refuses_a_bad_one(personas, case):
    survivor = case.clients.get()
    survivor = actions.update_client(
        personas.case_worker_a, survivor, survivor.version, {"phone": MALAYSIA}
    )
    assert survivor.phone == "+60123456789"
    with pytest.raises(actions.ValidationError) as refused:
        actions.update_client(personas.case_worker_a, survivor, survivor.version, {"phone": "12"})
    assert "phone" in refused.value.message_dict
    survivor.refresh_from_db()
    assert survivor.phone == "+60123456789" and survivor.version == 2


def test_the_same_number_written_the_same_way_twice_is_no_change(personas, case):
    survivor = case.clients.get()
    same = actions.update_client(
        personas.case_worker_a, survivor, survivor.version, {"phone": "0812 3456 7890"}
    )
    assert same.version == survivor.version


def test_the_api_takes_a_malaysian_number_and_refuses_a_bad_one(client, personas, case):
    log_in(client, personas.case_worker_a)
    url = f"/api/v1/cases/{case.pk}/clients"
    created = client.post(url, {"role": "dependant", "phone": MALAYSIA}, content_type=JSON)
    assert created.status_code == 201
    assert created.json()["phone"] == "+60123456789"
    refused = client.post(url, {"role": "dependant", "phone": "99"}, content_type=JSON)
    assert refused.status_code == 422
    assert "99" not in refused.content.decode()


def test_a_search_by_a_number_from_abroad_finds_the_person_however_it_is_written(
    client, personas, case
):
    survivor = case.clients.get()
    actions.update_client(personas.case_worker_a, survivor, survivor.version, {"phone": SAUDI})
    for written in ("+966501234567", "+966 50 123 4567", "+966-50-123-4567"):
        assert Client.objects.with_phone(written).get() == survivor
    found = find_candidates(personas.case_worker_a, phone="+966 50 123 4567")
    assert [candidate.case_id for candidate in found] == [str(case.pk)]
    log_in(client, personas.case_worker_a)
    client.post(reverse("cases:caseload"), {"by": "phone", "q": "+966 (50) 123-4567"})
    rows = client.get(reverse("cases:caseload")).context["page"].rows
    assert [row.pk for row in rows] == [case.pk]
