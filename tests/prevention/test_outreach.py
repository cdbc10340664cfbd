"""Prevention: outreach activities recorded by a unit, counts only, validated; the list,
record and edit pages; the summary by kota, kecamatan and month; the API."""

import base64
import io
import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from lindungi.core.crypto import DecryptionError
from lindungi.places.models import Region
from lindungi.prevention import actions
from lindungi.prevention.models import Outreach
from lindungi.prevention.photos import open_photo, rotate_photo_blobs
from lindungi.prevention.summary import summary
from tests.login import log_in

pytestmark = pytest.mark.django_db
TEBET_TIMUR = "31.74.01.1001"


def _data(**more):
    return {
        "kind": "school",
        "held_on": date(2026, 10, 14),
        "kelurahan": Region.objects.get(code=TEBET_TIMUR),
        "title": "Sesi sekolah: tubuhku milikku",
        "female_children": 30,
        "male_children": 28,
        "female_adults": 2,
        "with_disabilities": 3,
        "partners": "Puskesmas Tebet",
        **more,
    }


def test_an_activity_keeps_counts_and_its_places(module_personas):
    made = actions.record_outreach(module_personas.case_worker_a, module_personas.unit_a, _data())
    assert made.total == 60
    assert (made.kota_id, made.kecamatan_id) == ("31.74", "31.74.01")


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"female_children": -1}, "female_children"),
        ({"male_older": "dua"}, "male_older"),
        ({"with_disabilities": 61}, "with_disabilities"),
        ({"total": 59}, "total"),
        ({"held_on": date(2099, 1, 1)}, "held_on"),
        ({"kelurahan": None}, "kelurahan"),
        ({"title": " "}, "title"),
    ],
)
def test_bad_counts_and_facts_are_refused_by_field(module_personas, bad, field):
    with pytest.raises(ValidationError) as refused:
        actions.record_outreach(module_personas.case_worker_a, module_personas.unit_a, _data(**bad))
    assert field in refused.value.error_dict
    assert not Outreach.objects.exists()


def test_an_in_person_activity_needs_an_audience_a_campaign_may_not(module_personas):
    empty = {name: 0 for name in ("female_children", "male_children", "female_adults")}
    with pytest.raises(ValidationError):
        actions.record_outreach(
            module_personas.case_worker_a,
            module_personas.unit_a,
            _data(**empty, with_disabilities=0),
        )
    actions.record_outreach(
        module_personas.case_worker_a,
        module_personas.unit_a,
        _data(**empty, with_disabilities=0, kind="media"),
    )


def test_only_a_unit_s_members_record_and_edit_its_activities(module_personas):
    personas = module_personas
    with pytest.raises(PermissionDenied):
        actions.record_outreach(personas.case_worker_b, personas.unit_a, _data())
    with pytest.raises(PermissionDenied):
        actions.record_outreach(personas.analyst, personas.unit_a, _data())
    made = actions.record_outreach(personas.case_worker_a, personas.unit_a, _data())
    with pytest.raises(PermissionDenied):
        actions.update_outreach(personas.case_worker_b, made, made.version, {"title": "X"})


def test_the_summary_sums_by_kota_kecamatan_and_month(module_personas):
    worker, unit = module_personas.case_worker_a, module_personas.unit_a
    actions.record_outreach(worker, unit, _data())
    actions.record_outreach(worker, unit, _data(held_on=date(2026, 10, 30), female_adults=10))
    actions.record_outreach(worker, unit, _data(held_on=date(2026, 11, 2)))
    rows = summary(date(2026, 1, 1), date(2026, 12, 31))
    assert [
        (r["kecamatan_id"], r["month"].month, r["activities"], r["audience"]) for r in rows
    ] == [
        ("31.74.01", 10, 2, 128),
        ("31.74.01", 11, 1, 60),
    ]
    assert rows[0]["female_adults"] == 12 and rows[0]["with_disabilities"] == 6


def _form(**more):
    data = {
        "kind": "community",
        "held_on": "2026-10-14",
        "kelurahan": TEBET_TIMUR,
        "title": "Pertemuan RW 04",
        "female_adults": "12",
        "male_adults": "8",
        "with_disabilities": "1",
        "total": "20",
        **more,
    }
    return data


def test_the_pages_record_edit_and_list_an_activity_in_both_languages(module_personas):
    personas = module_personas
    client = Client()
    log_in(client, personas.case_worker_a)
    page = client.get(reverse("prevention:record"))
    assert page.status_code == 200
    token = page.context["form"]["form_token"].value()
    sent = _form(unit=str(personas.unit_a.pk), form_token=str(token))
    refused = client.post(reverse("prevention:record"), {**sent, "total": "21"})
    assert refused.status_code == 200 and not Outreach.objects.exists()
    assert "20" in refused.content.decode()  # the error names the sum
    answer = client.post(reverse("prevention:record"), sent)
    assert answer.status_code == 302
    made = Outreach.objects.get()
    assert made.total == 20
    edit = client.get(reverse("prevention:edit", kwargs={"outreach_id": made.pk}))
    form = edit.context["form"]
    data = {**_form(male_adults="9", total=""), "version": str(made.version)}
    data["started"] = form["started"].value()
    assert client.post(edit.request["PATH_INFO"], data).status_code == 302
    made.refresh_from_db()
    assert made.total == 21 and made.version == 2
    listing = client.get(reverse("prevention:list")).content.decode()
    assert "Pertemuan RW 04" in listing
    client.cookies["django_language"] = "en"
    english = client.get(reverse("prevention:summary") + "?tahun=2026").content.decode()
    assert "Outreach summary, 2026" in english
    other = Client()
    log_in(other, personas.case_worker_b)
    assert other.get(reverse("prevention:edit", kwargs={"outreach_id": made.pk})).status_code == 403


def test_the_api_records_refuses_by_field_and_needs_if_match(module_personas):
    personas = module_personas
    client = Client()
    log_in(client, personas.case_worker_a)
    body = {
        "unit": str(personas.unit_a.pk),
        "kind": "training",
        "held_on": "2026-10-14",
        "kelurahan": TEBET_TIMUR,
        "title": "Pelatihan OPD",
        "counts": {"female_adults": 15, "male_adults": 5},
    }
    url = reverse("api:outreach_list")
    bad = {**body, "counts": {"female_adults": -2}}
    refused = client.post(url, json.dumps(bad), content_type="application/json")
    assert refused.status_code == 422 and "female_adults" in refused.json()["errors"]
    made = client.post(url, json.dumps(body), content_type="application/json")
    assert made.status_code == 201 and made.json()["total"] == 20
    one = reverse("api:outreach", kwargs={"outreach_id": made.json()["id"]})
    change = json.dumps({"counts": {"male_adults": 6}})
    assert client.patch(one, change, content_type="application/json").status_code == 428
    stale = client.patch(one, change, content_type="application/json", headers={"If-Match": '"9"'})
    assert stale.status_code == 412
    fresh = client.patch(one, change, content_type="application/json", headers={"If-Match": '"1"'})
    assert fresh.status_code == 200 and fresh.json()["total"] == 21
    start, end = date(2026, 1, 1), timezone.localdate() + timedelta(days=1)
    rows = client.get(reverse("api:outreach_summary"), {"start": start, "end": end}).json()
    assert rows[0]["audience"] == 21


def _photo_with_exif():
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "Kamera Kanari"  # Make
    exif[0x0112] = 6  # Orientation: turned
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_photo_loses_its_metadata_and_anything_else_is_refused(module_personas):
    personas = module_personas
    made = actions.record_outreach(personas.case_worker_a, personas.unit_a, _data())
    client = Client()
    log_in(client, personas.case_worker_a)
    url = reverse("prevention:add_photo", kwargs={"outreach_id": made.pk})
    raw = _photo_with_exif()
    assert b"Kamera Kanari" in raw
    client.post(url, {"photo": SimpleUploadedFile("a.jpg", raw, "image/jpeg")})
    photo = made.photos.get()
    # Encrypted at rest, as the case attachments: no image in the column, only its seal.
    assert bytes(photo.data).startswith(b"v1.") and b"JFIF" not in bytes(photo.data)
    stored = open_photo(photo)
    assert b"Kamera Kanari" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif() and image.size == (30, 40)  # turned upright
    client.post(url, {"photo": SimpleUploadedFile("a.jpg", b"MZ not a photo", "image/jpeg")})
    assert made.photos.count() == 1
    address = reverse("prevention:photo", kwargs={"outreachphoto_id": photo.pk})
    assert client.get(address).content == stored
    # A sealed photo copied onto another photo's row does not open.
    copy = actions.add_photo(
        personas.case_worker_a, made, SimpleUploadedFile("b.jpg", raw, "image/jpeg")
    )
    copy.data = photo.data
    with pytest.raises(DecryptionError):
        open_photo(copy)
    # The people in it are seen only by the unit that recorded it.
    for other in (personas.case_worker_b, personas.partner_officer):
        log_in(client, other)
        assert client.get(address).status_code == 404


def test_photos_are_sealed_again_under_a_new_key(module_personas, settings):
    personas = module_personas
    made = actions.record_outreach(personas.case_worker_a, personas.unit_a, _data())
    photo = actions.add_photo(
        personas.case_worker_a, made, SimpleUploadedFile("a.jpg", _photo_with_exif(), "image/jpeg")
    )
    image = open_photo(photo)
    new_key = base64.urlsafe_b64encode(bytes(range(32))).decode()
    settings.FIELD_KEYS = [new_key, *settings.FIELD_KEYS]
    assert rotate_photo_blobs() >= 1
    photo.refresh_from_db()
    assert open_photo(photo) == image
    assert rotate_photo_blobs() == 0


def test_the_list_filters_by_period_kota_and_kind(module_personas):
    personas = module_personas
    worker = personas.case_worker_a
    actions.record_outreach(worker, personas.unit_a, _data(title="Sekolah Oktober"))
    actions.record_outreach(
        worker,
        personas.unit_a,
        _data(title="Kampanye Juni", kind="campaign", held_on=date(2026, 6, 2)),
    )
    client = Client()
    log_in(client, worker)
    url = reverse("prevention:list")

    def titles(**query):
        page = client.get(url, query).content.decode()
        return {t for t in ("Sekolah Oktober", "Kampanye Juni") if t in page}

    assert titles() == {"Sekolah Oktober", "Kampanye Juni"}
    assert titles(start="2026-10-01", end="2026-10-31") == {"Sekolah Oktober"}
    assert titles(kind="campaign") == {"Kampanye Juni"}
    assert titles(kota="31.74") == {"Sekolah Oktober", "Kampanye Juni"}
    assert titles(kota="31.71") == set()
    # A period that ends before it starts is refused beside its field and filters nothing.
    both = {"Sekolah Oktober", "Kampanye Juni"}
    assert titles(start="2026-10-31", end="2026-10-01") == both
    api = client.get(reverse("api:outreach_list"), {"kind": "school", "kota": "31.74"}).json()
    assert [row["title"] for row in api] == ["Sekolah Oktober"]
