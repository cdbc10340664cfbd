"""Intimate partner violence follows from the perpetrator's relationship to the survivor:
a husband or wife, a boyfriend or girlfriend, or a former partner. No box to tick."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lindungi.cases import actions
from lindungi.cases.forms import PerpetratorForm
from lindungi.cases.vocabulary import (
    SIMFONI_PACAR_TEMAN,
    SIMFONI_RELATIONSHIP,
    ContextFlag,
    Relationship,
)
from tests.cases.factories import make_case
from tests.cases.test_edits import page_form
from tests.login import log_in

JSON = "application/json"
PARTNER = ContextFlag.INTIMATE_PARTNER


@pytest.fixture
def case(personas):
    return make_case(personas, "a")


def _add(personas, incident, relationship):
    return actions.add_perpetrator(
        personas.case_worker_a, incident, {"relationship": relationship, "sex": "male"}
    )


@pytest.mark.parametrize(
    ("relationship", "partner"),
    [
        (Relationship.SUAMI_ISTRI, True),
        (Relationship.PACAR, True),
        (Relationship.MANTAN_PASANGAN, True),
        (Relationship.TEMAN, False),
        (Relationship.TETANGGA, False),
        (Relationship.KELUARGA, False),
        (Relationship.LAINNYA, False),
    ],
)
def test_partner_violence_follows_from_the_relationship(personas, case, relationship, partner):
    incident = case.incidents.get()
    perpetrator = _add(personas, incident, relationship)
    incident.refresh_from_db()
    assert perpetrator.intimate_partner is partner
    assert (PARTNER in incident.context_flags) is partner


def test_a_boyfriend_who_turns_out_a_friend_no_longer_flags_the_incident(personas, case):
    incident = case.incidents.get()
    perpetrator = _add(personas, incident, Relationship.PACAR)
    actions.update_perpetrator(
        personas.case_worker_a,
        perpetrator,
        perpetrator.version,
        {"relationship": Relationship.TEMAN},
    )
    incident.refresh_from_db()
    assert PARTNER not in incident.context_flags


def test_a_former_husband_added_after_a_neighbour_flags_the_incident(personas, case):
    incident = case.incidents.get()
    _add(personas, incident, Relationship.TETANGGA)
    _add(personas, incident, Relationship.MANTAN_PASANGAN)
    incident.refresh_from_db()
    assert PARTNER in incident.context_flags


def test_the_perpetrator_form_has_no_partner_box_and_offers_former_partners(personas, case):
    form = PerpetratorForm(record=None)
    assert "intimate_partner" not in form.fields
    assert Relationship.MANTAN_PASANGAN in dict(form.fields["relationship"].choices)


def test_the_action_refuses_a_partner_box(personas, case):
    incident = case.incidents.get()
    with pytest.raises(ValidationError):
        actions.add_perpetrator(
            personas.case_worker_a,
            incident,
            {"relationship": Relationship.TETANGGA, "intimate_partner": True},
        )
    assert not incident.perpetrators.exists()


def test_a_former_partner_is_added_on_the_page_and_shown_as_a_partner(client, personas, case):
    incident = case.incidents.get()
    log_in(client, personas.case_worker_a)
    url = reverse("cases:add_perpetrator", args=[incident.pk])
    assert 'name="intimate_partner"' not in client.get(url).content.decode()
    form = {**page_form(client, url), "relationship": Relationship.MANTAN_PASANGAN}
    assert client.post(url, form).status_code == 302
    detail = client.get(reverse("cases:detail", args=[incident.case_id])).content.decode()
    assert "Former husband, wife, boyfriend or girlfriend" in detail
    assert "Intimate partner violence" in detail


def test_the_api_takes_no_partner_box_and_gives_the_derived_one(personas, case, client):
    incident = case.incidents.get()
    log_in(client, personas.case_worker_a)
    url = f"/api/v1/incidents/{incident.pk}/perpetrators"
    refused = client.post(
        url, {"relationship": "tetangga", "intimate_partner": True}, content_type=JSON
    )
    assert refused.status_code == 422
    created = client.post(url, {"relationship": "mantan_pasangan"}, content_type=JSON)
    assert created.status_code == 201
    assert created.json()["intimate_partner"] is True
    incident = client.get(f"/api/v1/incidents/{incident.pk}").json()
    assert "intimate_partner" in incident["context_flags"]


def test_every_relationship_has_its_place_on_the_simfoni_list():
    national = {
        "orang_tua",
        "keluarga",
        "suami_istri",
        SIMFONI_PACAR_TEMAN,
        "tetangga",
        "guru",
        "majikan",
        "rekan_kerja",
        "lainnya",
        "tidak_diketahui",
    }
    assert set(SIMFONI_RELATIONSHIP) == set(Relationship)
    assert set(SIMFONI_RELATIONSHIP.values()) == national
    for relationship in (Relationship.PACAR, Relationship.TEMAN, Relationship.MANTAN_PASANGAN):
        assert SIMFONI_RELATIONSHIP[relationship] == SIMFONI_PACAR_TEMAN
    assert SIMFONI_RELATIONSHIP[Relationship.SUAMI_ISTRI] == "suami_istri"
