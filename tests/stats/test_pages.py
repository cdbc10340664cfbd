"""The statistics pages and files (issue 16): who may see them, what they show, and that
none of them ever carries a row about a person (the canary)."""

import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from lindungi.audit.models import AuditEvent
from lindungi.stats import rollup
from lindungi.stats.models import Dhis2Mapping, Dhis2OrgUnit, Snapshot
from tests.login import log_in
from tests.stats.world import new_case

pytestmark = pytest.mark.django_db
MONTH = {"month": "2026-11", "kota": "31.71"}
FILTERED = {"start": "2026-11", "end": "2026-11", "kota": "31.71"}


@pytest.fixture(scope="module")
def world(module_personas):
    cases = [new_case(module_personas, survivors=2) for _n in range(6)]
    new_case(module_personas, unit="b")
    rollup.apply_all()
    return module_personas, cases


def _client(user):
    client = Client()
    log_in(client, user)
    return client


def _canaries(cases):
    """What must never appear: who the survivors are and what they said."""
    found = ["Canary Survivor Name", "Canary narrative text"]
    for case in cases:
        found.append(case.survivor_code)
        found += [str(c.pk) for c in case.clients.all()] + [str(case.pk)]
    return found


def _files(client):
    simfoni = reverse("stats:simfoni")
    return {
        "dashboard": client.get(reverse("stats:dashboard")),
        "filtered": client.get(reverse("stats:dashboard"), FILTERED),
        "simfoni.xlsx": client.get(simfoni, MONTH),
        "simfoni.csv": client.get(simfoni, {**MONTH, "format": "csv"}),
        "dhis2": client.get(reverse("stats:dhis2"), MONTH),
        "public": client.get(reverse("public_stats:page")),
        "public.csv": client.get(reverse("public_stats:csv", args=[2026])),
    }  # fmt: skip


def _text(response):
    body = response.content
    if body.startswith(b"PK"):
        book = load_workbook(io.BytesIO(body))
        return " ".join(str(c) for s in book for row in s.iter_rows(values_only=True) for c in row)
    return body.decode("utf-8-sig")


def test_the_analyst_sees_counts_and_never_a_person(world):
    personas, cases = world
    analyst = _client(personas.analyst)
    assert analyst.post(reverse("stats:publish"), {"year": 2026}).status_code == 302
    answers = _files(analyst)
    for name, response in answers.items():
        assert response.status_code == 200, name
        text = _text(response)
        for canary in _canaries(cases):
            assert canary not in text, (name, canary)
    assert "<svg" in answers["filtered"].content.decode()
    totals = [n for _label, n in answers["filtered"].context["totals"]]
    # Cases, survivors, incidents, perpetrators: a case counts on its opening day (the day
    # the test runs), not in November, when its incidents happened.
    assert totals == [0, 13, 13, 0]
    assert AuditEvent.objects.filter(action="data.export").count() == 3
    landing = analyst.get(reverse("home")).content.decode()
    assert reverse("stats:dashboard") in landing and reverse("public_stats:page") in landing


def test_the_simfoni_workbook_has_the_register_s_tables(world):
    personas, _cases = world
    response = _client(personas.analyst).get(reverse("stats:simfoni"), MONTH)
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Korban usia dan jenis kelamin"
    rows = list(book["Korban usia dan jenis kelamin"].iter_rows(values_only=True))
    assert rows[0] == ("Kelompok Usia", "Perempuan", "Laki-laki", "Tidak diketahui", "Jumlah")
    # Six cases of unit A with two survivors each, one of unit B: all 36 at the incident.
    assert ("25-44", 13, 0, 0, 13) in rows


def test_a_unit_supervisor_sees_their_unit_only_and_others_see_nothing(world):
    personas, _cases = world
    own = _client(personas.supervisor_b).get(reverse("stats:simfoni"), {**MONTH, "format": "csv"})
    assert "Seksual,0" in own.content.decode() and ",2\r\n" not in own.content.decode()
    for user in (personas.case_worker_a, personas.intake_officer, personas.administrator):
        assert _client(user).get(reverse("stats:dashboard")).status_code == 404
    assert _client(personas.supervisor_a).get(reverse("stats:dhis2"), MONTH).status_code == 403
    assert (
        _client(personas.supervisor_a).post(reverse("stats:publish"), {"year": 2026}).status_code
        == 403
    )


def test_published_figures_change_only_on_publishing_and_small_cells_are_hidden(world):
    personas, _cases = world
    analyst = _client(personas.analyst)
    analyst.post(reverse("stats:publish"), {"year": 2026})
    before = Client().get(reverse("public_stats:csv", args=[2026])).content
    new_case(personas)
    rollup.apply_all()
    assert Client().get(reverse("public_stats:csv", args=[2026])).content == before
    page = Client().get(reverse("public_stats:page"))
    assert page["Cache-Control"].startswith("no-store") or "no-store" in page["Cache-Control"]
    assert 'id="quick-exit"' in page.content.decode()
    # Unit A's 12 survivors are shown; unit B's one incident (in the same kota) is not alone.
    table = Snapshot.objects.latest("published_at").tables["tables"][0]
    assert all(v is None or v == 0 or v >= 10 for row in table["cells"] for v in row)


def test_the_dhis2_file_is_a_data_value_set_and_the_command_gives_the_same(
    world, settings, tmp_path
):
    from django.core.management import call_command

    personas, _cases = world
    settings.STATS_DHIS2_DATASET = "aBcDeFgHiJk"
    Dhis2Mapping.objects.create(
        measure="incidents", dimension="total", value="", data_element="dEinc000001"
    )
    Dhis2Mapping.objects.create(
        measure="survivors",
        dimension="sex",
        value="female",
        data_element="dEsurv00001",
        category_option_combo="cocFemale01",
    )
    Dhis2OrgUnit.objects.create(kota="31.71", org_unit="ouJakPusat1")
    page = _client(personas.analyst).get(reverse("stats:dhis2"), MONTH)
    document = json.loads(page.content)
    assert document["period"] == "202611" and document["orgUnit"] == "ouJakPusat1"
    assert {"dataElement": "dEinc000001", "value": "13"} in document["dataValues"]
    out = tmp_path / "out.json"
    call_command("stats-dhis2", "--period", "202611", "--kota", "31.71", "--output", str(out))
    assert json.loads(out.read_text()) == document
    Dhis2Mapping.objects.create(measure="cases", dimension="total", value="", data_element="bad")
    with pytest.raises(SystemExit):
        call_command("stats-dhis2", "--period", "202611", "--kota", "31.71", "--dry-run")


def test_formula_text_is_neutralised_in_every_cell():
    from lindungi.stats.exports.cells import safe_row

    assert safe_row(["=HYPERLINK(1)", "+1", "-2", "@x", "\t=1", 5, "plain"]) == [
        "'=HYPERLINK(1)", "'+1", "'-2", "'@x", "'\t=1", 5, "plain"
    ]  # fmt: skip


def test_the_incident_recorder_is_the_supervisor_s_own_incidents_without_names(world):
    personas, _cases = world
    response = _client(personas.supervisor_a).get(reverse("stats:gbvims"), MONTH)
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Incident Data", "Menu Data"]
    rows = list(book["Incident Data"].iter_rows(values_only=True))
    assert len(rows[0]) == 42 and rows[0][0] == "Incident ID"
    assert len(rows) == 1 + 12  # unit A's twelve incidents, not unit B's
    assert {row[19] for row in rows[1:]} == {"Physical Assault"}
    text = _text(response)
    for canary in ["Canary Survivor Name", "Canary narrative text"]:
        assert canary not in text
    assert _client(personas.analyst).get(reverse("stats:gbvims"), MONTH).status_code == 404
