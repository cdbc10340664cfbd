"""Duplicate candidates at intake show only what the officer may see (issue 11, item 2): a
case the officer may not see is named by its survivor code and unit, its client's name is
neither shown nor even decrypted."""

import pytest
from django.conf import settings

from lindungi.cases import actions as case_actions
from lindungi.core import crypto
from lindungi.intake import actions
from lindungi.intake.candidates import find_candidates
from tests.cases.factories import make_case
from tests.login import log_in

PHONE = "0812-3456-7890"  # every case of make_case has it


@pytest.fixture
def decrypted(monkeypatch):
    """Every plaintext decrypted from here on."""
    seen = []
    original = crypto.decrypt

    def spy(value, column):
        plaintext = original(value, column)
        seen.append(plaintext)
        return plaintext

    monkeypatch.setattr(crypto, "decrypt", spy)
    return seen


@pytest.fixture
def cases(personas):
    """A case in unit A and one in unit B, each survivor with her own name."""
    found = {}
    for unit, name in (("a", "Canary Ayu"), ("b", "Canary Bunga")):
        case = make_case(personas, unit)
        worker = getattr(personas, f"case_worker_{unit}")
        client = case.clients.get()
        case_actions.update_client(worker, client, client.version, {"name": name})
        found[unit] = case
    return found


def test_another_units_case_is_named_by_code_and_unit_and_its_name_never_decrypted(
    personas, cases, decrypted
):
    found = {c.survivor_code: c for c in find_candidates(personas.supervisor_a, phone=PHONE)}
    own, other = found[cases["a"].survivor_code], found[cases["b"].survivor_code]
    assert own.name == "Canary Ayu" and own.linkable
    assert other.name is None and not other.linkable
    assert other.unit_name == personas.unit_b.name
    assert "Canary Bunga" not in decrypted
    assert "Canary Ayu" in decrypted


def test_an_officer_who_may_see_no_case_decrypts_no_name(personas, cases, decrypted):
    found = find_candidates(personas.intake_officer, phone=PHONE, name="canary")
    assert {c.survivor_code for c in found} == {c.survivor_code for c in cases.values()}
    assert all(c.name is None for c in found)
    assert not {"Canary Ayu", "Canary Bunga"} & set(decrypted)


def test_the_page_shows_the_code_and_unit_not_the_name(client, personas, cases, decrypted):
    report, _pin = actions.receive_public_report({"what_happened": "x"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    log_in(client, personas.supervisor_a)
    page = client.post(f"/laporan/triase/{report.pk}/cari/", {"phone": PHONE}).content.decode()
    candidates = page.split("possible case")[1]
    assert cases["b"].survivor_code in candidates
    assert f"<td>{personas.unit_b.name}</td>" in candidates
    assert "Canary Bunga" not in page and "Canary Bunga" not in decrypted
    assert "Canary Ayu" in candidates
