import pytest
from django.core.management import CommandError, call_command

from lindungi.places.models import Region


def test_jakarta_has_6_cities_44_districts_and_267_villages(db):
    # The session fixture loaded province 31 through the same command code path.
    call_command("load-regions", "31")
    assert Region.objects.filter(code="31").get().name == "Daerah Khusus Ibukota Jakarta"
    assert Region.objects.filter(code__startswith="31.", level=2).count() == 6
    assert Region.objects.filter(code__startswith="31.", level=3).count() == 44
    assert Region.objects.filter(code__startswith="31.", level=4).count() == 267


@pytest.mark.parametrize(
    ("kota", "districts", "villages"),
    [
        ("31.01", 2, 6),
        ("31.71", 8, 44),
        ("31.72", 6, 31),
        ("31.73", 8, 56),
        ("31.74", 10, 65),
        ("31.75", 10, 65),
    ],
)
def test_each_jakarta_city_matches_kemendagri(db, kota, districts, villages):
    assert Region.objects.filter(parent_id=kota).count() == districts
    assert Region.objects.filter(parent__parent_id=kota).count() == villages


def test_codes_and_hierarchy_follow_kemendagri(db):
    tebet_timur = Region.objects.get(code="31.74.01.1001")
    assert tebet_timur.name == "Tebet Timur"
    assert tebet_timur.type == "kelurahan"
    assert tebet_timur.parent.name == "Tebet"
    assert tebet_timur.parent.parent.code == "31.74"
    assert tebet_timur.ancestor(1).code == "31"


def test_another_province_loads_too(db):
    call_command("load-regions", "51")  # Bali
    assert Region.objects.get(code="51").name == "Bali"
    assert Region.objects.filter(code__startswith="51.", level=2).count() == 9
    assert Region.objects.filter(code__startswith="51.", level=4).count() > 700
    assert Region.objects.filter(code__startswith="51.", type="desa").exists()


def test_loading_twice_changes_nothing(db):
    before = Region.objects.count()
    call_command("load-regions", "31")
    assert Region.objects.count() == before


@pytest.mark.parametrize("code", ["99", "", "31.74", "abc"])
def test_an_unknown_province_is_refused_clearly(indonesian, db, code):
    before = Region.objects.count()
    with pytest.raises(CommandError, match="Kode provinsi tidak dikenal"):
        call_command("load-regions", code)
    assert Region.objects.count() == before
