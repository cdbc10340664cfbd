from django.test import Client

from tests.login import log_in


def test_the_administrator_can_open_the_user_add_and_change_pages(personas):
    client = Client()
    log_in(client, personas.administrator)
    assert client.get("/admin/accounts/user/add/").status_code == 200
    page = client.get(f"/admin/accounts/user/{personas.case_worker_a.pk}/change/")
    assert page.status_code == 200
    assert "Unit A (UPTD PPA)" in page.content.decode()


def test_the_administrator_adds_a_membership_inline(personas):
    client = Client()
    log_in(client, personas.administrator)
    user = personas.outsider
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "email": user.email,
            "display_name": user.display_name,
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-unit": str(personas.unit_b.pk),
            "memberships-0-role": "case_worker",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert user.memberships.get().unit == personas.unit_b
