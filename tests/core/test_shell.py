"""The page frame: landmarks, skip link, navigation per role, a landing page per role.

Checked in Indonesian, the language a person meets first."""

import pytest
from django.test import Client

from lindungi.accounts.roles import Role
from tests.login import log_in

pytestmark = pytest.mark.usefixtures("indonesian")


def home_of(user):
    client = Client()
    log_in(client, user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_frame_has_landmarks_and_a_skip_link(personas):
    body = home_of(personas.case_worker_a)
    assert '<a class="skip-link" href="#main">' in body
    assert '<main id="main"' in body
    assert "<header" in body and "<footer" in body
    assert '<nav aria-label="Navigasi utama"' in body
    assert 'aria-current="page"' in body


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_has_its_own_landing_page(personas, role):
    user = next(u for _, u in personas.everyone() if u.memberships.filter(role=role).exists())
    body = home_of(user)
    assert 'id="landing-heading"' in body
    headings = {
        "intake_officer": "Penerimaan laporan",
        "responder": "Reaksi cepat",
        "case_worker": "Pengelolaan kasus",
        "supervisor": "Supervisi",
        "shelter_officer": "Rumah aman",
        "partner_officer": "Lembaga mitra",
        "analyst": "Statistik",
        "administrator": "Administrasi",
    }
    assert headings[role] in body


def test_only_administrators_see_the_administration_link(personas):
    assert 'href="/admin/"' in home_of(personas.administrator)
    assert 'href="/admin/"' not in home_of(personas.case_worker_a)


def test_administration_site_is_closed_to_other_roles(personas):
    client = Client()
    log_in(client, personas.supervisor_a)
    assert client.get("/admin/").status_code == 302


def test_a_user_without_membership_is_told_what_to_do(personas):
    assert "belum memiliki peran" in home_of(personas.outsider)


def test_a_user_with_two_roles_can_switch(personas):
    from lindungi.accounts.models import Membership

    user = personas.case_worker_a
    second = Membership.objects.create(user=user, unit=personas.unit_b, role=Role.SUPERVISOR)
    client = Client()
    log_in(client, user)
    assert "Pengelolaan kasus" in client.get("/").content.decode()
    client.post("/akun/peran/", {"membership": str(second.pk), "next": "/"})
    assert "Supervisi" in client.get("/").content.decode()


def test_switching_to_someone_elses_membership_is_404(personas):
    other = personas.supervisor_b.memberships.get()
    client = Client()
    log_in(client, personas.case_worker_a)
    response = client.post("/akun/peran/", {"membership": str(other.pk)})
    assert response.status_code == 404
    response = client.post("/akun/peran/", {"membership": "not-a-uuid"})
    assert response.status_code == 404
