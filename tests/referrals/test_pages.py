"""The referrals pages: the case's side, the partner's side, field by field sharing and
the consent asked on every request (issue 14)."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from lindungi.cases.models import DataCategory
from lindungi.referrals import actions, sharing
from lindungi.referrals.models import Referral, SharedField
from tests.login import log_in
from tests.referrals.factories import make_world, send_visum, visum_consent

pytestmark = pytest.mark.django_db

# A value only each field shows (the factories' survivor and incident).
CANARIES = {
    SharedField.NAME: "Siti Aminah",
    SharedField.NIK: "3174012345678901",
    SharedField.PHONE: "PHONE",  # as the case keeps it (normalised): read in the test
    SharedField.NARRATIVE: "Canary narrative text",
    SharedField.INCIDENT_DATE: "20 November 2026",
}


@pytest.fixture(scope="module")
def world(module_personas):
    return make_world(module_personas)


@pytest.fixture(scope="module")
def partner(world, django_db_blocker):
    with django_db_blocker.unblock():
        browser = Browser()
        log_in(browser, world.personas.partner_officer)
    return browser


@pytest.fixture(scope="module")
def worker(world, django_db_blocker):
    with django_db_blocker.unblock():
        browser = Browser()
        log_in(browser, world.personas.case_worker_a)
    return browser


def page(referral):
    return f"/rujukan/{referral.pk}/"


def test_the_partner_sees_each_field_only_when_it_is_chosen(world, partner):
    visum_consent(world, categories=DataCategory.values)
    canaries = {**CANARIES, SharedField.PHONE: world.client.phone}
    for field, canary in canaries.items():
        referral = send_visum(world, fields=[field])
        html = partner.get(page(referral)).content.decode()
        assert canary in html, field
        for other, hidden in canaries.items():
            if other != field:
                assert hidden not in html, (field, other)
        assert world.case.survivor_code in html  # always shared
        assert "Canary-handover" in html  # the note, while open


def test_the_partner_reads_nothing_without_a_consent_in_force(world, partner, worker):
    consent = visum_consent(world)
    referral = send_visum(world)
    assert partner.get(page(referral)).status_code == 200
    assert world.case.survivor_code in partner.get("/rujukan/").content.decode()
    actions.withdraw_consent(world.personas.case_worker_a, consent, consent.version)
    assert partner.get(page(referral)).status_code == 404
    assert world.case.survivor_code not in partner.get("/rujukan/").content.decode()
    assert partner.post(f"{page(referral)}terima/", {"version": 1}).status_code == 404
    assert worker.get(page(referral)).status_code == 200  # her case's own record


def test_the_partner_never_opens_the_case_and_a_done_referral_keeps_only_the_outcome(
    world, partner
):
    visum_consent(world)
    referral = send_visum(world)
    assert partner.get(f"/kasus/{world.case.pk}/").status_code == 404
    assert partner.get(f"/rujukan/kasus/{world.case.pk}/").status_code == 404
    assert partner.post(f"{page(referral)}terima/", {"version": 1}).status_code == 302
    done = {"version": 2, "outcome": "Visum selesai", "outcome_on": "2026-11-25"}
    assert partner.post(f"{page(referral)}hasil/", done).status_code == 302
    html = partner.get(page(referral)).content.decode()
    assert "Visum selesai" in html and "Siti Aminah" not in html and "Canary-handover" not in html


def test_the_consent_form_says_when_it_was_given_now_unless_changed(world, worker):
    new = f"/rujukan/kasus/{world.case.pk}/persetujuan/"
    now = (world.case.opened_at + timedelta(minutes=6)).replace(second=0, microsecond=0)
    typed = timezone.localtime(now - timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M")
    with time_machine.travel(now, tick=False):
        form = worker.get(new)
        shown = timezone.localtime(now).strftime("%Y-%m-%dT%H:%M")
        assert f'name="given_at" value="{shown}"' in form.content.decode()
        posted = {
            "client": world.client.pk,
            "purpose": "police",
            "given_by": "survivor",
            "how": "spoken",
        }
        too_early = timezone.localtime(world.case.opened_at - timedelta(days=1))
        for wrong in (too_early.strftime("%Y-%m-%dT%H:%M"), "kemarin"):
            token = worker.get(new).context["form"]["form_token"].value()
            refused = worker.post(new, {**posted, "form_token": token, "given_at": wrong})
            assert refused.status_code == 200 and refused.context["form"].errors["given_at"]
        assert not world.case.consent_records.filter(purpose="police").exists()
        token = form.context["form"]["form_token"].value()
        assert (
            worker.post(new, {**posted, "form_token": token, "given_at": typed}).status_code == 302
        )
    consent = world.case.consent_records.get(purpose="police")
    assert consent.given_at == now - timedelta(minutes=3)


def test_the_case_worker_records_a_consent_and_sends_a_referral_by_the_forms(world, worker):
    people = world.personas
    new = f"/rujukan/kasus/{world.case.pk}/persetujuan/"
    form = worker.get(new)
    assert form.status_code == 200
    token = form.context["form"]["form_token"].value()
    posted = {
        "form_token": token,
        "client": world.client.pk,
        "purpose": "referral",
        "recipient": people.partner.pk,
        "categories": ["identity", "demographics", "incident", "accommodations"],
        "given_by": "survivor",
        "how": "spoken",
    }
    assert worker.post(new, posted).status_code == 302
    send = f"/rujukan/kasus/{world.case.pk}/kirim/?service=health"
    form = worker.get(send)
    assert form.context["form"].initial["fields"] == sharing.defaults("health")
    assert "narrative" not in sharing.defaults("health")
    posted = {
        "form_token": form.context["form"]["form_token"].value(),
        "client": world.client.pk,
        "provider": people.partner.pk,
        "service": "health",
        "purpose": "Visum",
        "fields": ["name", "narrative"],
    }
    refused = worker.post(send, posted)
    assert refused.status_code == 200 and not world.case.referrals.exists()
    posted["fields"] = ["name", "age"]
    posted["form_token"] = form.context["form"]["form_token"].value()
    assert worker.post(send, posted).status_code == 302
    assert world.case.referrals.get().fields == ["survivor_code", "name", "age"]
    listing = worker.get(f"/rujukan/kasus/{world.case.pk}/").content.decode()
    assert "Test hospital" in listing


def test_the_partners_home_page_and_navigation_lead_to_the_worklist(partner):
    html = partner.get("/").content.decode()
    assert html.count('href="/rujukan/"') >= 2


def test_the_directory_finds_providers_by_service_and_place(world, worker):
    people = world.personas
    provider = people.partner.provider
    provider.regions.set(["31.74"])  # all of Jakarta Selatan
    html = worker.get("/rujukan/penyedia/?service=health&region=31.74.01").content.decode()
    assert "Test hospital" in html and "24 jam" in html
    html = worker.get("/rujukan/penyedia/?service=legal_aid").content.decode()
    assert "Test hospital" not in html
    html = worker.get("/rujukan/penyedia/?region=31.71").content.decode()
    assert "Test hospital" not in html


def test_the_supervisors_overview_shows_an_overdue_referral_and_an_override_to_review(world):
    people = world.personas
    visum_consent(world)
    late = send_visum(world)
    Referral.objects.filter(pk=late.pk).update(accept_by=timezone.now() - timedelta(hours=1))
    other = send_visum(
        world,
        actor=people.supervisor_a,
        provider=world.other_partner,
        override_reason="Dia dalam bahaya",
    )
    supervisor = Browser()
    log_in(supervisor, people.supervisor_a)
    html = supervisor.get(reverse("cases:overview")).content.decode()
    assert f"/rujukan/{late.pk}/" in html and f"/rujukan/{other.pk}/" in html
