from django.test import Client

from lindungi.places.models import ServicePoint, ServicePointKind
from tests.login import log_in


def page_for(user, **headers):
    client = Client()
    log_in(client, user)
    return client.get("/tempat/layanan/", headers=headers).content.decode()


def test_a_safe_house_address_is_always_marked_confidential(personas):
    point = ServicePoint.objects.create(
        name="Another safe house",
        kind=ServicePointKind.SAFE_HOUSE,
        unit=personas.safe_house,
        region_id="31.74.01.1002",
        address="Jl. Rahasia 1",
        address_confidential=False,
    )
    point.refresh_from_db()
    assert point.address_confidential


def test_the_safe_house_unit_sees_its_address(personas):
    assert "Jl. Kanari 9" in page_for(personas.shelter_officer)


def test_no_other_role_sees_the_safe_house_address(personas):
    for name, user in personas.everyone():
        if name == "shelter_officer":
            continue
        body = page_for(user)
        assert "Test safe house" in body, name
        assert "Jl. Kanari 9" not in body, name


def test_an_ordinary_address_is_shown_to_everyone(personas):
    ServicePoint.objects.create(
        name="Pos Pengaduan Uji",
        kind=ServicePointKind.COMPLAINT_POST,
        unit=personas.call_centre,
        region_id="31.74.01.1001",
        address="RPTRA Uji, Tebet",
    )
    assert "RPTRA Uji, Tebet" in page_for(personas.partner_officer)


def test_the_admin_form_never_shows_a_confidential_address(personas):
    client = Client()
    log_in(client, personas.administrator)
    point = ServicePoint.objects.get(name="Test safe house")
    response = client.get(f"/admin/places/servicepoint/{point.pk}/change/")
    assert response.status_code == 200
    assert "Jl. Kanari 9" not in response.content.decode()


def test_saving_the_admin_form_with_an_empty_address_keeps_it(personas):
    client = Client()
    log_in(client, personas.administrator)
    point = ServicePoint.objects.get(name="Test safe house")
    response = client.post(
        f"/admin/places/servicepoint/{point.pk}/change/",
        {
            "name": point.name,
            "kind": point.kind,
            "unit": point.unit_id,
            "region": point.region_id,
            "address": "",
            "address_confidential": "on",
            "opening_hours": "24 jam",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    point.refresh_from_db()
    assert point.address == "Jl. Kanari 9"
    assert point.opening_hours == "24 jam"


def test_filtering_by_kind(personas):
    body = page_for(personas.case_worker_a)
    assert "Test safe house" in body
    client = Client()
    log_in(client, personas.case_worker_a)
    filtered = client.get("/tempat/layanan/", {"kind": "complaint_post"}).content.decode()
    assert "Test safe house" not in filtered
    unknown = client.get("/tempat/layanan/", {"kind": "<script>"})
    assert unknown.status_code == 200
    assert "<script>" not in unknown.content.decode()
